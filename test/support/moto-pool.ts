import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

interface ForkServerLauncher {
  startForkServer(socketPath: string, options: { logFile: string }): { pid: number; stop(): Promise<void> };
}
const launcherUrl = new URL("../../scripts/moto-server.mjs", import.meta.url).href;

/**
 * The e2e project's global setup: a directory where each worker records the moto_server it
 * shares among its test files (test/support/moto.ts, `sharedMoto`), and, once the run ends,
 * the stop of every one of them: a server outlives the worker process that started it, since
 * vitest may end a worker between two files and the next worker of that slot reuses it.
 *
 * Every server of the run, shared or a file's own, is forked from one fork server that has moto
 * imported and patched (scripts/moto/speed.py, `serve_forks`): about 3 s of CPU less a server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = join(project.config.root, ".racknet-tmp");
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, "motos-"));
  // A socket path has a length limit (108 bytes on Linux): in the system's temporary directory, not the clone's.
  const socketDir = mkdtempSync(join(tmpdir(), "racknet-moto-"));
  const forkServer = join(socketDir, "fork.sock");
  // Not awaited: it imports moto while the first files load, and a request waits until it listens.
  const launcher = (await import(launcherUrl)) as ForkServerLauncher;
  const forks = launcher.startForkServer(forkServer, { logFile: join(dir, "fork-server.log") });
  project.provide("motoPool", dir);
  project.provide("motoForkServer", forkServer);
  return async () => {
    let cpuSeconds = 0;
    const records = readdirSync(dir).filter((name) => name.endsWith(".json"));
    for (const file of records) {
      const { pid } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { pid: number };
      cpuSeconds += cpuSecondsOf(pid);
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    // Gone once the fork server has reaped them: their CPU then counts in its own.
    const deadline = Date.now() + 5_000;
    while (records.some((file) => alive(JSON.parse(readFileSync(join(dir, file), "utf8")).pid as number)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // The fork server reaps the servers it forked (their CPU then counts in `time` of the run).
    const forkCpu = cpuSecondsOf(forks.pid, true);
    await forks.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
    if (process.env.CI && records.length > 0) console.log(`e2e: ${records.length} shared moto_server(s) used ${cpuSeconds.toFixed(0)} s of CPU; the fork server and the servers it reaped, ${forkCpu.toFixed(0)} s`);
  };
}

/** Whether process `pid` still runs (signal 0 tests without sending). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process's CPU time so far (user and system; with `children`, its reaped children's too), from /proc on Linux; 0 elsewhere. */
function cpuSecondsOf(pid: number, children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime, fields 14 and 15 of stat(5), cutime and cstime 16 and 17, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return 0;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The directory of the e2e workers' shared moto servers (test/support/moto-pool.ts). */
    motoPool: string;
    /** The socket of the fork server every e2e moto_server is forked from (test/support/moto-pool.ts). */
    motoForkServer: string;
  }
}
