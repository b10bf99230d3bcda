import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (`npm run build` first), run as a user would: a subprocess whose stdin is not a TTY. */
export const racknetBin = fileURLToPath(new URL("../../bin/racknet", import.meta.url));

export interface CliOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, then stdin is closed. Without it stdin is closed at once. */
  input?: string;
  /**
   * Kill the process (SIGKILL) and fail after this long. The default, 5 minutes, is a hang
   * guard: the longest run the tests make (a 150-service deploy) takes well under a minute
   * on an idle 2-core machine, and a loaded one may be several times slower.
   */
  timeoutMs?: number;
  /**
   * Run racknet on a pseudo-terminal (util-linux `script`), as a person at a terminal does:
   * stdin and stderr are TTYs, so it may ask. stdout and stderr then arrive mixed, in `stderr()`
   * and `stdout()` alike; `interrupt()` types Ctrl-C and `type()` types keys. `input` is ignored.
   */
  tty?: boolean;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A line of a Node/V8 stack trace: what a user must never see for an error they can fix. */
export function hasStackTrace(text: string): boolean {
  return /^\s{4}at \S/m.test(text);
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves once stderr (so far) matches; rejects if the process exits first, or after
   * `timeoutMs` (by default the run's own hang guard: the wait ends when the run does).
   */
  waitForStderr(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Ctrl-C: SIGINT to the process (on a terminal: the Ctrl-C key, as a person presses it). */
  interrupt(): void;
  /** Keys typed on the terminal (only with `tty`). */
  type(keys: string): void;
  /** Resolves when the process has exited. */
  done: Promise<CliResult>;
}

/**
 * The environment a test's racknet runs in: the machine's NODE_EXTRA_CA_CERTS left out (one a
 * test sets on purpose is kept). Node 20 reads and parses that bundle at every start, about 0.07 s
 * of CPU a run over hundreds of runs, and no racknet of the tests speaks TLS: moto, the fault proxy
 * and the timing proxy answer plain HTTP on 127.0.0.1.
 */
function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_EXTRA_CA_CERTS === undefined || env.NODE_EXTRA_CA_CERTS !== process.env.NODE_EXTRA_CA_CERTS) return env;
  const { NODE_EXTRA_CA_CERTS: _machine, ...rest } = env;
  return rest;
}

/** Starts racknet ARGS and hands back the running process (for Ctrl-C and streaming tests). */
export function spawnCli(args: string[], options: CliOptions): CliProcess {
  const command = [process.execPath, racknetBin, ...args];
  const env = cliEnv(options.env);
  const child = options.tty
    ? spawn("script", ["-q", "-e", "-c", command.map(shellQuote).join(" "), "/dev/null"], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] })
    : spawn(command[0] ?? "node", command.slice(1), { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!options.tty) return;
    // On a terminal both streams are the terminal's output.
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stdin?.on("error", () => {
    // The CLI may exit before reading its input; that is its business, not a test failure.
  });
  if (!options.tty) child.stdin?.end(options.input ?? "");

  const timeoutMs = options.timeoutMs ?? 300_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`racknet ${args.join(" ")} did not finish within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      for (const listener of listeners) listener();
      resolve({ code, signal, stdout, stderr });
    });
  });
  // An unobserved timeout rejection must not crash the test run; callers see it through `done`.
  done.catch(() => undefined);

  const waitForStderr = (pattern: RegExp | string, waitMs = timeoutMs): Promise<string> =>
    new Promise((resolve, reject) => {
      const matches = () => (typeof pattern === "string" ? stderr.includes(pattern) : pattern.test(stderr));
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (matches()) {
          finish();
          resolve(stderr);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`racknet exited (${child.exitCode ?? child.signalCode}) before stderr matched ${String(pattern)}\n--- stderr ---\n${stderr}`));
        }
      };
      const finish = () => {
        listeners.delete(check);
        if (timer) clearTimeout(timer);
      };
      timer = setTimeout(() => {
        finish();
        reject(new Error(`stderr did not match ${String(pattern)} within ${waitMs} ms\n--- stderr ---\n${stderr}`));
      }, waitMs);
      listeners.add(check);
      check();
    });

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr,
    interrupt: () => {
      if (options.tty) child.stdin?.write("\x03");
      else child.kill("SIGINT");
    },
    type: (keys) => {
      if (!options.tty) throw new Error("type() needs spawnCli(..., { tty: true })");
      child.stdin?.write(keys);
    },
    done,
  };
}

/** Runs racknet ARGS to completion: exit code and everything it printed. */
export async function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return spawnCli(args, options).done;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
