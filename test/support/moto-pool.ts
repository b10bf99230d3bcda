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
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
      const { pid } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { pid: number };
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The directory of the e2e workers' shared moto servers (test/support/moto-pool.ts). */
    motoPool: string;
  }
}
