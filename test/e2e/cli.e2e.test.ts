import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { runCli, hasStackTrace } from "../support/cli.js";
import { COMMANDS } from "../../src/commands/index.js";

/** The launcher and command line, offline (no AWS endpoint answers on port 9). */
const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_")));
const env = {
  ...base,
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent/racknet-test-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-test-credentials",
  NO_COLOR: "1",
};
const cli = (...args: string[]) => runCli(args, { env });

describe("racknet's command line", () => {
  it("--help from the launcher's fast path is exactly commander's help", async () => {
    const fast = await cli("--help");
    const full = await cli("--no-color", "--help");
    expect(fast.code).toBe(0);
    expect(fast.stdout).toContain("Usage: racknet");
    expect(fast.stdout).toBe(full.stdout);
  });

  it("--version prints package.json's version", async () => {
    const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    expect((await cli("--version")).stdout.trim()).toBe(version);
    expect((await cli("-v")).stdout.trim()).toBe(version);
  });

  it("every command has help with an example, and the fast path's help is exactly commander's", async () => {
    for (const declaration of COMMANDS) {
      const command = [...declaration.path];
      const result = await cli(...command, "--help");
      expect(result.code, command.join(" ")).toBe(0);
      expect(result.stdout, command.join(" ")).toContain(`Example:\n  ${declaration.example}`);
      // A global flag first makes the launcher load the CLI, so commander itself answers.
      expect(result.stdout, command.join(" ")).toBe((await cli("--no-color", ...command, "--help")).stdout);
    }
  });

  it("usage errors exit 2 without a stack trace", async () => {
    for (const args of [["--bogus"], ["rack", "install"], ["nope"], ["rack", "params", "set"]]) {
      const result = await cli(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).not.toSatisfy(hasStackTrace);
    }
  });

  it("no credentials is a clear error saying how to provide them, exit 1", async () => {
    const result = await cli("racks");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no AWS credentials found");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  }, 60_000);

  it("an unreachable AWS endpoint is a clear error naming AWS_ENDPOINT_URL, exit 1", async () => {
    const result = await runCli(["racks"], { env: { ...env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AWS_ENDPOINT_URL");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  }, 60_000);
});
