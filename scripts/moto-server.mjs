#!/usr/bin/env node
// Starts moto_server on 127.0.0.1 through scripts/moto/launch.py, which patches moto where it
// departs from AWS (see that file and ../shared/MOTO.md). Used by the e2e tests, the demo and
// the benchmark; run directly (`node scripts/moto-server.mjs [--port N]`) to keep one up until Ctrl-C.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const launcher = join(here, "moto", "launch.py");
const HOST = "127.0.0.1";
// Only catches a hang: moto imports in a few seconds, more on a loaded machine.
const READY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 100;

/** The last 20 kB of a log file from `from` on: enough for an error message. */
function tail(file, from = 0) {
  try {
    return readFileSync(file).subarray(from).toString("utf8").slice(-20_000);
  } catch {
    return "";
  }
}

/** The file's size now: where this server's lines start in a log another server wrote before. */
function sizeOf(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True once moto answers any HTTP request (it serves a dashboard and 404s alike). */
async function answers(endpoint) {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a patched moto_server and resolves once it answers HTTP.
 *
 * `accountQuotas`: the emulated account's applied Service Quotas (`{"ec2/L-0263D0A3": 50}`,
 * MOTO_SERVICE_QUOTAS in scripts/moto/patches/servicequotas.py); absent: AWS's defaults.
 * `logFile`: moto's output goes to that file instead of a pipe, so the server may outlive
 * the process that started it (the e2e tests' shared servers, test/support/moto.ts).
 * `forkServer`: the socket of a fork server (`startForkServer`) that forks the server from a
 * process that has moto imported and patched already, instead of a new Python process; it needs
 * `logFile`. The server is the same either way (scripts/moto/speed.py, `serve_forks`).
 * @param {{ port?: number, python?: string, accountQuotas?: Record<string, number>, logFile?: string, forkServer?: string }} [options]
 * @returns {Promise<{ endpoint: string, port: number, pid: number, stop: () => Promise<void>, output: () => string }>}
 */
export async function startMoto({ port, python = process.env.PYTHON ?? "python3", accountQuotas, logFile, forkServer } = {}) {
  // Without a port, the server binds port 0 and says which port the OS gave it. A port found
  // free beforehand may be taken before moto (seconds of imports later) binds it: another
  // server then answers on it, and its account would be taken for this one's.
  const logStart = logFile ? sizeOf(logFile) : 0;
  const args = ["--host", HOST, "--port", String(port ?? 0)];
  const env = {
    ...process.env,
    PYTHONUNBUFFERED: "1",
    PYTHONWARNINGS: process.env.PYTHONWARNINGS ?? "ignore",
    ...(accountQuotas ? { MOTO_SERVICE_QUOTAS: JSON.stringify(accountQuotas) } : {}),
  };
  let piped = "";
  const output = () => (logFile ? tail(logFile, logStart) : piped);
  const server = forkServer ? await forked(forkServer, args, env, logFile) : launched(python, args, env, logFile, (chunk) => {
    // Only the tail matters for an error message; moto logs every request.
    piped = (piped + chunk.toString()).slice(-20_000);
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  const where = port === undefined ? "moto_server" : `moto_server on port ${port}`;
  let endpoint;
  for (;;) {
    const exited = server.exited();
    if (exited) {
      const how = exited.error ? `could not run ${python}: ${exited.error.message}` : `exited with code ${exited.code}${exited.signal ? ` (${exited.signal})` : ""}`;
      throw new Error(`${where} ${how} before it answered.\n--- its output ---\n${output().trim()}`);
    }
    // werkzeug's line once this server has bound its port: only then is an answer its own.
    const bound = /\* Running on http:\/\/[\d.]+:(\d+)/.exec(output())?.[1];
    if (bound !== undefined) {
      endpoint = `http://${HOST}:${bound}`;
      if (await answers(endpoint)) break;
    }
    if (Date.now() > deadline) {
      server.kill("SIGKILL");
      await server.exit;
      throw new Error(`${where} did not answer within ${READY_TIMEOUT_MS / 1000} s.\n--- its output ---\n${output().trim()}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (server.exited()) return;
      server.kill("SIGTERM");
      const killer = setTimeout(() => server.kill("SIGKILL"), 5_000);
      await server.exit;
      clearTimeout(killer);
    })();
    return stopping;
  };
  return { endpoint, port: Number(new URL(endpoint).port), pid: server.pid, stop, output };
}

/** A moto_server as a new Python process, a child of this one. */
function launched(python, args, env, logFile, keep) {
  const log = logFile ? openSync(logFile, "a") : undefined;
  const child = spawn(python, [launcher, ...args], { stdio: log === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", log, log], env });
  if (log !== undefined) closeSync(log);
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once("error", (error) => {
      exited = { code: null, signal: null, error };
      resolve(exited);
    });
  });
  return { pid: child.pid, exited: () => exited, exit, kill: (signal) => child.kill(signal) };
}

/** A moto_server forked by the fork server at `socketPath` (a child of it, not of this process). */
async function forked(socketPath, args, env, logFile) {
  if (!logFile) throw new Error("a forked moto_server needs a logFile");
  const { pid } = await forkRequest(socketPath, { args, env, log: logFile });
  // Not this process's child: its end is seen by polling (the fork server reaps it at once).
  let exited = null;
  const check = () => {
    if (!exited && !alive(pid)) exited = { code: null, signal: null };
    return exited;
  };
  const exit = (async () => {
    while (!check()) await sleep(POLL_INTERVAL_MS);
    return exited;
  })();
  const kill = (signal) => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  };
  return { pid, exited: check, exit, kill };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One request to the fork server: a JSON line out, a JSON line back. Retried while it starts. */
async function forkRequest(socketPath, request) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = createConnection(socketPath);
        let answer = "";
        socket.setEncoding("utf8");
        socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
        socket.on("data", (chunk) => (answer += chunk));
        socket.on("error", reject);
        socket.on("close", () => (answer.trim() ? resolve(JSON.parse(answer)) : reject(new Error(`the fork server at ${socketPath} closed without an answer`))));
      });
    } catch (error) {
      // Not listening yet (moto's imports take seconds): try again until the deadline.
      if (!["ENOENT", "ECONNREFUSED"].includes(error.code)) throw error;
      if (Date.now() > deadline) throw new Error(`no fork server answered at ${socketPath} within ${READY_TIMEOUT_MS / 1000} s (${error.code}): see its log`);
      await sleep(POLL_INTERVAL_MS);
    }
  }
}

/**
 * Starts a fork server (scripts/moto/launch.py --fork-server): one Python process that imports and
 * patches moto once; `startMoto({ forkServer: socketPath, logFile })` then forks each server from it.
 * Returns at once; a request waits until it listens. `stop()` ends it (servers it forked and that
 * still run are not its to stop: each has its own `stop()`).
 * @param {string} socketPath
 * @param {{ python?: string, logFile: string }} options
 */
export function startForkServer(socketPath, { python = process.env.PYTHON ?? "python3", logFile }) {
  const log = openSync(logFile, "a");
  const child = spawn(python, [launcher, "--fork-server", socketPath], {
    stdio: ["ignore", log, log],
    env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONWARNINGS: process.env.PYTHONWARNINGS ?? "ignore" },
  });
  closeSync(log);
  const exit = new Promise((resolve) => child.once("exit", resolve));
  child.once("error", () => undefined);
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exit;
    },
  };
}

const runDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (runDirectly) {
  const flag = process.argv.indexOf("--port");
  const port = flag > 0 ? Number(process.argv[flag + 1]) : undefined;
  const moto = await startMoto({ port });
  process.stdout.write(`${moto.endpoint}\n`);
  process.stderr.write("moto_server (patched, see scripts/moto/launch.py) is up; Ctrl-C stops it\n");
  const shutdown = async () => {
    await moto.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

/** moto moves an ECS task one state on at every read; on AWS a task stays RUNNING until it stops. */
export async function keepEcsTasksRunning(endpoint) {
  await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: "ecs::task", transition: { progression: "manual", times: 1_000_000 } }),
  });
}
