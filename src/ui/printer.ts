import { Writable } from "node:stream";
import type { Problem } from "../errors/index.js";
import { jsonProblem } from "./json-problem.js";
import { paint, type Paint } from "./paint.js";
import { renderTable, type Column } from "./table.js";

/** A stream as racknet writes to it: a terminal tells its size. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export interface PrinterOptions {
  json: boolean;
  color: boolean;
  debug: boolean;
  stdout?: OutputStream;
  stderr?: OutputStream;
}

/**
 * Something drawn in place at the bottom of stderr (the live view of a stack operation):
 * cleared before any other line racknet writes there and drawn again after it, and ended
 * before an error or a result is written.
 */
export interface LiveRegion {
  clear(): void;
  redraw(): void;
  end(): void;
}

export interface ErrorDetails {
  fix?: string;
  problems?: readonly Problem[];
  /** Shown only with --debug (stack traces of bugs). */
  debug?: string;
}

/**
 * What a workflow may write while it runs: progress, warnings, live views, prompts' paint and
 * streamed lines (`logs`). Never its result: that is its Outcome (./outcome.ts), which the
 * command runner hands to the whole Printer.
 */
export type Progress = Omit<Printer, "result" | "revealedResult" | "resultOnFailure" | "table" | "keyValues" | "jsonError" | "error">;

/**
 * The one way racknet writes to the terminal. Results go to stdout (JSON with
 * --json, nothing else); progress, warnings and errors go to stderr, so
 * `racknet services --json | jq` always gets clean JSON.
 */
export class Printer {
  readonly json: boolean;
  readonly debugEnabled: boolean;
  readonly paint: Paint;
  private readonly stdout: OutputStream;
  private readonly stderr: OutputStream;
  private live?: LiveRegion;
  /** What a failing command's --json output still carries beside its error (manifest check's verdict). */
  private failureResult?: Record<string, unknown>;
  /**
   * The AWS credentials of the environment (and passwords in endpoint URLs), the one thing masked after the fact: the SDK holds
   * them, so a library's message could carry them. They are long random strings that no name
   * racknet prints can contain. Environment values are never masked here: they never reach
   * the printer at all (docs/decisions.md, "Values never reach output").
   */
  /** Set while a `--reveal` result is written (revealedResult). */
  private revealing = false;
  private readonly credentials = secretsFrom([process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN, ...endpointPasswords(process.env)]);

  constructor(options: PrinterOptions) {
    this.json = options.json;
    this.debugEnabled = options.debug;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.paint = paint(options.color);
  }

  /** Whether a view (a spinner, the live progress) is at the bottom of stderr now. */
  get showingLive(): boolean {
    return this.live !== undefined;
  }

  /** True when a person is watching stderr (spinners, prompts). */
  get interactive(): boolean {
    return Boolean(this.stderr.isTTY);
  }

  info(line: string): void {
    this.writeErr(`${line}\n`);
  }

  step(line: string): void {
    this.writeErr(`${this.paint.dim("•")} ${line}\n`);
  }

  success(line: string): void {
    this.writeErr(`${this.paint.green("✔")} ${line}\n`);
  }

  warn(line: string): void {
    this.writeErr(`${this.paint.yellow("warning:")} ${line}\n`);
  }

  /** A problem that does not stop the command (a manifest key racknet ignores), placed as errors place theirs. */
  warnProblem(problem: Problem): void {
    const where = placeOf(problem);
    this.warn(`${where ? `${where}: ` : ""}${problem.message}`);
  }

  debug(line: string): void {
    if (this.debugEnabled) this.writeErr(`${this.paint.dim(`debug: ${line}`)}\n`);
  }

  error(message: string, details: ErrorDetails = {}): void {
    this.live?.end();
    const lines = [`${this.paint.red("error:")} ${message}`];
    for (const problem of details.problems ?? []) {
      const where = placeOf(problem);
      lines.push(`  ${where ? `${this.paint.bold(where)}: ` : ""}${problem.message}`);
      if (problem.fix) lines.push(`    ${this.paint.cyan("fix:")} ${problem.fix}`);
    }
    if (details.fix) lines.push(`${this.paint.cyan("fix:")} ${details.fix}`);
    if (details.debug && this.debugEnabled) lines.push(this.paint.dim(details.debug));
    this.writeErr(`${lines.join("\n")}\n`);
  }

  /**
   * With --json, a failure as one JSON object on stdout (the human message is on stderr):
   * `{ "error": { code, exitCode, message, fix?, problems? } }`, beside what the command
   * registered with `resultOnFailure`.
   */
  jsonError(error: { code: string; exitCode: number; message: string; fix?: string; problems?: readonly Problem[] }): void {
    this.live?.end();
    if (!this.json) return;
    const { problems, fix, ...rest } = error;
    const shown = { ...rest, ...(fix ? { fix } : {}), ...(problems && problems.length > 0 ? { problems: problems.map(jsonProblem) } : {}) };
    this.writeOut(`${JSON.stringify({ ...this.failureResult, error: shown }, null, 2)}\n`);
  }

  /** A command whose failure is still a result (manifest check's verdict): with --json, its fields go out beside the error. */
  resultOnFailure(value: Record<string, unknown>): void {
    this.failureResult = value;
  }

  /** A command's result: JSON on stdout with --json, else whatever `human` prints. */
  result(value: unknown, human: () => void): void {
    this.live?.end();
    if (this.json) this.writeOut(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  /**
   * A result that holds a URL with its password because the user asked for it (`--reveal`):
   * the `scheme://user:pass@` mask is off while it is written; AWS credentials stay masked.
   */
  revealedResult(value: unknown, human: () => void): void {
    this.revealing = true;
    try {
      this.result(value, human);
    } finally {
      this.revealing = false;
    }
  }

  table<Row extends Record<string, string>>(columns: readonly Column<Row>[], rows: readonly Row[]): void {
    this.writeOut(renderTable(columns, rows, this.paint));
  }

  /** `Name    value` lines, the `convox rack` look. */
  keyValues(pairs: ReadonlyArray<readonly [string, string]>): void {
    const width = Math.max(0, ...pairs.map(([key]) => key.length));
    for (const [key, value] of pairs) this.writeOut(`${this.paint.bold(key.padEnd(width))}  ${value}\n`);
  }

  /** The live view now at the bottom of stderr: lines written meanwhile go above it. */
  attachLive(region: LiveRegion): void {
    if (this.live !== region) this.live?.end();
    this.live = region;
  }

  detachLive(region: LiveRegion): void {
    if (this.live === region) this.live = undefined;
  }

  /**
   * stderr for a live view to redraw in place: what it writes passes the same mask, and a
   * terminal that reports no size (a bare pseudo-terminal says 0x0) is taken as 80x24.
   */
  liveTerminal(): OutputStream {
    const stderr = this.stderr;
    const terminal = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        stderr.write(mask(chunk.toString(), this.credentials));
        done();
      },
    });
    Object.defineProperties(terminal, {
      isTTY: { value: true },
      columns: { get: () => stderr.columns || 80 },
      rows: { get: () => stderr.rows || 24 },
    });
    return terminal;
  }

  private writeErr(text: string): void {
    const live = this.live;
    live?.clear();
    this.stderr.write(mask(text, this.credentials));
    live?.redraw();
  }

  private writeOut(text: string): void {
    // stdout on the same terminal as the live view: the view steps aside for the line.
    const live = this.stdout.isTTY ? this.live : undefined;
    live?.clear();
    this.stdout.write(this.revealing ? maskSecrets(text, this.credentials) : mask(text, this.credentials));
    live?.redraw();
  }

  /** Raw text on stdout (a template, a PEM). */
  out(text: string): void {
    this.writeOut(text.endsWith("\n") ? text : `${text}\n`);
  }
}

/** `convox.yml:12:5 services.api.port`: where a problem is, as far as it says. */
function placeOf(problem: Problem): string {
  return [problem.where, problem.path].filter(Boolean).join(" ");
}

/** An AWS secret key is 40 characters and a session token hundreds; anything short is not one. */
const CREDENTIAL_MIN_LENGTH = 16;

function secretsFrom(values: Iterable<string | undefined>): string[] {
  return [...values].filter((value): value is string => value !== undefined && value.trim().length >= CREDENTIAL_MIN_LENGTH);
}

/** The passwords in AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (`http://user:pass@host`), as written and decoded. */
function endpointPasswords(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).flatMap(([name, value]) => {
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) || !value) return [];
    try {
      const { password } = new URL(value);
      return password ? [password, decodeURIComponent(password)] : [];
    } catch {
      return [];
    }
  });
}

/** A URL's user:password (`scheme://user:pass@host`) whatever its length, then each secret. */
function mask(text: string, secrets: Iterable<string>): string {
  return maskSecrets(text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1****@"), secrets);
}

function maskSecrets(text: string, secrets: Iterable<string>): string {
  let masked = text;
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.split(secret).join("****");
  return masked;
}
