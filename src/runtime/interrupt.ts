import { CtrlC, type CtrlCSource } from "../aws/changeset/interrupt.js";
import { ExitCode } from "../errors/index.js";
import type { Printer } from "../ui/printer.js";

/** One Ctrl-C scope: its signal aborts (reason `CtrlC`) at the first Ctrl-C; release it when the work ends. */
export interface InterruptScope {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * Ctrl-C for the whole process, heard in one place: one SIGINT listener, on the process only
 * while someone listens, that tells each step listening now (the operation lock's watch, the
 * change-set engine, a build, `racknet run`'s task, `exec`'s session). When no step listens, the fallback answers, if one
 * is set. With nothing at all listening the listener is off, and Node's default applies (a
 * read-only command ends on the spot).
 */
export class Interrupts implements CtrlCSource {
  readonly #listeners = new Set<() => void>();
  #fallback: (() => void) | undefined;
  #on = false;

  readonly #onSigint = (): void => {
    if (this.#listeners.size === 0) this.#fallback?.();
    for (const listener of [...this.#listeners]) listener();
  };

  /** Calls `listener` at each Ctrl-C until the returned function is called. */
  listen(listener: () => void): () => void {
    const own = () => listener();
    this.#listeners.add(own);
    this.#settle();
    return () => {
      this.#listeners.delete(own);
      this.#settle();
    };
  }

  /** A signal the first Ctrl-C aborts, for the waits and calls of one piece of work. */
  scope(): InterruptScope {
    const controller = new AbortController();
    const release = this.listen(() => controller.abort(new CtrlC()));
    return { signal: controller.signal, release };
  }

  /** What Ctrl-C does when no step listens; returns how to take it back. */
  fallback(answer: () => void): () => void {
    this.#fallback = answer;
    this.#settle();
    return () => {
      if (this.#fallback === answer) this.#fallback = undefined;
      this.#settle();
    };
  }

  #settle(): void {
    const wanted = this.#listeners.size > 0 || this.#fallback !== undefined;
    if (wanted && !this.#on) process.on("SIGINT", this.#onSigint);
    if (!wanted && this.#on) process.off("SIGINT", this.#onSigint);
    this.#on = wanted;
  }
}

/** The process's Ctrl-C: the CLI's Context holds it. */
export const processInterrupts = new Interrupts();

/**
 * Ctrl-C when no step of racknet answers it. Every stack change (the change-set engine) and
 * every operation that spans stacks (src/safety/lock.ts) listens for Ctrl-C while it runs and
 * says where things stand; outside them Node's default would end racknet on the spot without
 * a word. This fallback says what happened instead, and exits 130.
 */
export function installInterruptFallback(interrupts: Interrupts, printer: Printer): () => void {
  return interrupts.fallback(() => {
    printer.error("interrupted (Ctrl-C) while racknet was reading or between steps: no stack change was under way", {
      fix: "run the command again; `racknet rack` and `racknet apps` show where things stand",
    });
    process.exit(ExitCode.interrupted);
  });
}
