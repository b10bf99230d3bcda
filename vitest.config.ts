import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Three projects (docs/decisions.md, "The test bench"):
 * - unit: pure, client-mock (test/support/aws-harness.ts) and template tests against src/,
 *   many files to a worker without per-file isolation (each file leaves the process as it
 *   found it: env stubs, fake timers and spies are undone in its own hooks);
 * - unit-isolated: the unit files that mock a module (vi.mock), each in a fresh module graph:
 *   without isolation a module mock would outlive its file, or come too late for a module
 *   another file already loaded;
 * - fuzz: the seeded fuzzers, a fixed budget (test/fuzz/budget.ts; `npm run fuzz` for more);
 * - e2e: the built CLI (dist/, built by `npm test`) as a subprocess, most files against one
 *   moto_server per worker (test/support/moto.ts), each test on its own rack and app names.
 * All three share one pool of workers; the largest files start first.
 */
const E2E = ["test/**/*.e2e.test.ts"];
const FUZZ = ["test/fuzz/**/*.test.ts"];
const root = import.meta.dirname;

/** Test files that mock a module, found by reading them, so a new one is isolated too. */
function mockingFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return mockingFiles(path);
    const mocks = entry.name.endsWith(".test.ts") && /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(path, "utf8"));
    return mocks ? [relative(root, path)] : [];
  });
}
const MOCKING = mockingFiles(join(root, "test"));

// On a 2-core machine the e2e workers spend much of their time waiting on moto and on the
// CLI subprocesses they start, so one worker more than cores keeps both cores busy.
const workers = Math.max(2, availableParallelism() + 1);

export default defineConfig({
  test: {
    // Hang guards: a unit test takes milliseconds to seconds, ten times that on a loaded
    // machine; a test that times itself scales to the work it measures.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: workers,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // On CI, a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".racknet-tmp/vitest.json" }]] : ["default"],
    // On CI, the modules vitest has transformed are kept on disk: .ci/run's Node 22 and 24 passes
    // then load the unit tests' transforms the Node 20 run made instead of making them again.
    // Only there: the cache is experimental, and a person's run gains little from it.
    experimental: process.env.CI ? { fsModuleCache: true, fsModuleCachePath: ".racknet-tmp/vitest-cache" } : {},
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...E2E, ...FUZZ, ...MOCKING], isolate: false, setupFiles: ["test/support/restore-client-mocks.ts"] },
      },
      {
        extends: true,
        test: { name: "unit-isolated", include: MOCKING, exclude: [...E2E, ...FUZZ], isolate: true },
      },
      {
        extends: true,
        test: {
          name: "fuzz",
          include: FUZZ,
          isolate: false,
          setupFiles: ["test/support/restore-client-mocks.ts"],
          // A hang guard scaled to the budget: `npm run fuzz` runs twenty times the cases.
          testTimeout: process.env.RACKNET_FUZZ === "long" ? 2_400_000 : 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          isolate: false,
          globalSetup: ["test/support/moto-pool.ts"],
          // Hang guards only: every racknet run has its own (test/support/cli.ts), so these
          // only stop a test that waits on something else.
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
