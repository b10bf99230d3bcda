import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Three projects (docs/decisions.md, "The test bench"):
 * - unit: pure, client-mock (test/support/aws-harness.ts) and template tests against src/,
 *   many files to a worker without per-file isolation (each file leaves the process as it
 *   found it: env stubs, fake timers and mocks are undone in its own hooks);
 * - fuzz: the seeded fuzzers, a fixed budget (test/fuzz/budget.ts; `npm run fuzz` for more);
 * - e2e: the built CLI (dist/, built by `npm test`) as a subprocess, most files against one
 *   moto_server per worker (test/support/moto.ts), each test on its own rack and app names.
 * All three share one pool of workers; the largest files start first.
 */
const E2E = ["test/**/*.e2e.test.ts"];
const FUZZ = ["test/fuzz/**/*.test.ts"];

// On a 2-core machine the e2e workers spend much of their time waiting on moto and on the
// CLI subprocesses they start, so one worker more than cores keeps both cores busy.
const workers = Math.max(2, availableParallelism() + 1);

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: workers,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // On CI, a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".racknet-tmp/vitest.json" }]] : ["default"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...E2E, ...FUZZ], isolate: false },
      },
      {
        extends: true,
        test: {
          name: "fuzz",
          include: FUZZ,
          isolate: false,
          // A hang guard scaled to the budget: `npm run fuzz` runs ten times the cases.
          testTimeout: process.env.RACKNET_FUZZ === "long" ? 1_200_000 : 120_000,
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
