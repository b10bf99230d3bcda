import type { Printer } from "./printer.js";

/**
 * What a workflow did, as data: it returns one and never prints its result itself. The
 * command runner (src/runtime/run-workflow.ts) hands it to `present` and takes the exit
 * code from it, so every command's result is written, and its exit code decided, in one place.
 */
export interface Outcome<Json = unknown> {
  /** The --json document on stdout; absent: the command has none (its output is text only). */
  json?: Json;
  /** What a person reads without --json: the result on stdout, notes on stderr. */
  text?: (printer: Printer) => void;
  /** Raw text on stdout, with or without --json (a template): written before the result's text. */
  raw?: string;
  /** Notes on stderr after the result, with or without --json (what is still to happen). */
  notes?: readonly string[];
  /** The result holds a password the user asked for (`--reveal`): the URL mask is off while it is written. */
  reveal?: boolean;
  /** A result a script branches on, when the command ends normally: drift found (4), a task's own exit code. */
  exitCode?: number;
  /** A dry run held changes back: with --exit-code the command exits 4 (SPEC section 1). */
  changesPending?: boolean;
  /**
   * The result stands beside a failure (drift detection that did not complete, an invalid
   * manifest): the text is written, --json carries the result beside the error object, and
   * the failure decides the exit code.
   */
  failure?: unknown;
}

/** An outcome with a --json document and its text. */
export function outcome<Json>(json: Json, text?: (printer: Printer) => void, more: Omit<Outcome<Json>, "json" | "text"> = {}): Outcome<Json> {
  return { json, ...(text ? { text } : {}), ...more };
}

/** An outcome that is text only: nothing on stdout with --json. */
export function textOutcome(text: (printer: Printer) => void): Outcome<never> {
  return { text };
}

/**
 * Writes an outcome: JSON with --json, else its text. An outcome that stands beside a failure
 * is written, then its failure thrown for the error handler (which puts the JSON beside the error).
 */
export function present(printer: Printer, shown: Outcome): void {
  const text = shown.text ?? (() => undefined);
  if (shown.failure !== undefined) {
    if (shown.json !== undefined) printer.resultOnFailure({ ...(shown.json as Record<string, unknown>) });
    if (!printer.json) text(printer);
    throw shown.failure;
  }
  if (shown.raw !== undefined) printer.out(shown.raw);
  if (shown.json === undefined) {
    if (!printer.json) text(printer);
  } else if (shown.reveal) printer.revealedResult(shown.json, () => text(printer));
  else printer.result(shown.json, () => text(printer));
  for (const note of shown.notes ?? []) printer.info(note);
}
