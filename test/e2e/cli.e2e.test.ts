import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { execFile } from "node:child_process";
import { runCli, hasStackTrace, racknetBin } from "../support/cli.js";
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

/** A shell pipeline, for what only a pipe shows (a reader that closes early). */
function runShell(command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile("bash", ["-o", "pipefail", "-c", command], { env }, (_error, stdout, stderr) => resolve({ stdout, stderr })));
}

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
    // The texts the launcher answers --help from, written at build time (scripts/build-help.mjs).
    const texts = JSON.parse(readFileSync(new URL("../../dist/help/help.json", import.meta.url), "utf8")) as Record<string, string>;
    for (const declaration of COMMANDS) {
      const path = declaration.path.join(" ");
      expect(texts[path], path).toContain(`Example:\n  ${declaration.example}`);
    }
    // The launcher prints them as they are; a global flag first makes it load the CLI, so
    // commander itself answers. A group, a nested command and a plain one (the root above).
    for (const command of [["rack"], ["rack", "params", "set"], ["deploy"]]) {
      const fast = await cli(...command, "--help");
      expect(fast.code, command.join(" ")).toBe(0);
      expect(fast.stdout, command.join(" ")).toBe(texts[command.join(" ")]);
      expect(fast.stdout, command.join(" ")).toBe((await cli("--no-color", ...command, "--help")).stdout);
    }
  });

  it("usage errors exit 2 without a stack trace", async () => {
    for (const args of [["--bogus"], ["rack", "install"], ["nope"], ["rack", "params", "set"]]) {
      const result = await cli(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).not.toSatisfy(hasStackTrace);
    }
  });

  it("a usage error under --json is also one JSON error object on stdout", async () => {
    const result = await cli("rack", "install", "--json");
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "usage", exitCode: 2, message: expect.stringContaining("missing required argument") } });
  });

  it("a failure under --json: the human message on stderr, one JSON error object (code, message, fix) on stdout", async () => {
    const result = await cli("racks", "--json");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no AWS credentials found");
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: "refused", exitCode: 1, message: "no AWS credentials found.", fix: expect.stringContaining("--profile") },
    });
  });

  it("a profile that does not exist is named as such, not as missing credentials", async () => {
    const result = await cli("racks", "--profile", "nosuch");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AWS profile "nosuch" is not in your AWS config or credentials file');
    expect(result.stderr).toContain("aws configure list-profiles");
  });

  it("a reader that goes away (| head -1) is a quiet exit, not a stack trace", async () => {
    const result = await runShell(`"${process.execPath}" "${racknetBin}" rack template | head -1`);
    expect(result.stdout).toBe("{\n");
    // Nothing but the note on what the template is (rack-template.ts) may reach stderr.
    expect(result.stderr.replace(/^the template racknet deploys, for review .*\n/m, "")).toBe("");
  });

  it("--exit-code without --dry-run is a usage error", async () => {
    const result = await cli("deploy", "--exit-code", "--yes");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--exit-code goes with --dry-run");
  });

  it("no credentials is a clear error saying how to provide them, exit 1", async () => {
    const result = await cli("racks");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no AWS credentials found");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  });

  it("an unreachable AWS endpoint is a clear error naming AWS_ENDPOINT_URL, exit 1", async () => {
    const result = await runCli(["racks"], { env: { ...env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AWS_ENDPOINT_URL");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  });
});

describe("small things a user trips on", () => {
  it("a mistyped subcommand gets a did-you-mean, exit 2", async () => {
    const result = await cli("rack", "paramz", "-r", "prod");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'rack paramz'; did you mean 'rack params'?");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  });
});
