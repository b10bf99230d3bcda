import { defineConfig } from "vitest/config";

// Unit, AWS-mocked and template tests run against src/; e2e tests run the built CLI
// (dist/, built by `npm test`) as a subprocess against moto_server on 127.0.0.1.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // On CI, a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".racknet-tmp/vitest.json" }]] : ["default"],
  },
});
