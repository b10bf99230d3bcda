import type { Problem } from "../core/errors.js";
import { paint, type Paint } from "./paint.js";
import { renderTable, type Column } from "./table.js";

export interface PrinterOptions {
  json: boolean;
  color: boolean;
  debug: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface ErrorDetails {
  fix?: string;
  problems?: readonly Problem[];
  /** Shown only with --debug (stack traces of bugs). */
  debug?: string;
}

/**
 * The one way racknet writes to the terminal. Results go to stdout (JSON with
 * --json, nothing else); progress, warnings and errors go to stderr, so
 * `racknet services --json | jq` always gets clean JSON.
 */
export class Printer {
  readonly json: boolean;
  readonly debugEnabled: boolean;
  readonly paint: Paint;
  private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };

  constructor(options: PrinterOptions) {
    this.json = options.json;
    this.debugEnabled = options.debug;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.paint = paint(options.color);
  }

  /** True when a person is watching stderr (spinners, prompts). */
  get interactive(): boolean {
    return Boolean(this.stderr.isTTY);
  }

  info(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  step(line: string): void {
    this.stderr.write(`${this.paint.dim("•")} ${line}\n`);
  }

  success(line: string): void {
    this.stderr.write(`${this.paint.green("✔")} ${line}\n`);
  }

  warn(line: string): void {
    this.stderr.write(`${this.paint.yellow("warning:")} ${line}\n`);
  }

  debug(line: string): void {
    if (this.debugEnabled) this.stderr.write(`${this.paint.dim(`debug: ${line}`)}\n`);
  }

  error(message: string, details: ErrorDetails = {}): void {
    const lines = [`${this.paint.red("error:")} ${message}`];
    for (const problem of details.problems ?? []) {
      const where = [problem.where, problem.path].filter(Boolean).join(" ");
      lines.push(`  ${where ? `${this.paint.bold(where)}: ` : ""}${problem.message}`);
      if (problem.fix) lines.push(`    ${this.paint.cyan("fix:")} ${problem.fix}`);
    }
    if (details.fix) lines.push(`${this.paint.cyan("fix:")} ${details.fix}`);
    if (details.debug && this.debugEnabled) lines.push(this.paint.dim(details.debug));
    this.stderr.write(`${lines.join("\n")}\n`);
  }

  /** A command's result: JSON on stdout with --json, else whatever `human` prints. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  table<Row extends Record<string, string>>(columns: readonly Column<Row>[], rows: readonly Row[]): void {
    this.stdout.write(renderTable(columns, rows, this.paint));
  }

  /** `Name    value` lines, the `convox rack` look. */
  keyValues(pairs: ReadonlyArray<readonly [string, string]>): void {
    const width = Math.max(0, ...pairs.map(([key]) => key.length));
    for (const [key, value] of pairs) this.stdout.write(`${this.paint.bold(key.padEnd(width))}  ${value}\n`);
  }

  /** Raw text on stdout (a template, a PEM). */
  out(text: string): void {
    this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}
