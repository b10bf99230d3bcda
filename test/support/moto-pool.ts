import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

/**
 * The e2e project's global setup: a directory where each worker records the moto_server it
 * shares among its test files (test/support/moto.ts, `sharedMoto`), and, once the run ends,
 * the stop of every one of them: a server outlives the worker process that started it, since
 * vitest may end a worker between two files and the next worker of that slot reuses it.
 */
export default function setup(project: TestProject): () => void {
  const root = join(project.config.root, ".racknet-tmp");
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, "motos-"));
  project.provide("motoPool", dir);
  return () => {
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
    rmSync(dir, { recursive: true, force: true });
    // Nobody waits for these servers, so no `time` counts them: CI says what they cost.
    if (process.env.CI && records.length > 0) console.log(`e2e: ${records.length} shared moto_server(s) used ${cpuSeconds.toFixed(0)} s of CPU`);
  };
}

/** A process's CPU time so far (user and system), from /proc on Linux; 0 elsewhere. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The directory of the e2e workers' shared moto servers (test/support/moto-pool.ts). */
    motoPool: string;
  }
}
