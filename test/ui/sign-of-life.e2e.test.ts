import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * In CI (stderr not a terminal) a command that changes AWS says it works before the CLI loads:
 * the launcher (bin/racknet) writes the CLI's own line, and the CLI does not write it again.
 * The built CLI; no AWS is reached (the endpoint refuses), the first line comes before any call.
 */
const launcher = fileURLToPath(new URL("../../bin/racknet", import.meta.url));
const LOAD_DELAY_MS = 4_000;

/** A loader hook that holds the CLI's bundle back LOAD_DELAY_MS, as a busy machine does. */
const slowBundle = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
   register("data:text/javascript," + encodeURIComponent('export async function load(url, context, next) { if (url.endsWith("/dist/bundle/cli.js")) await new Promise((done) => setTimeout(done, ${LOAD_DELAY_MS})); return next(url, context); }'));`,
)}`;

interface Run {
  stderr: string;
  /** Milliseconds from the spawn to the first byte on stderr. */
  firstMs: number;
}

function run(args: string[], { slow = false } = {}): Promise<Run> {
  const started = Date.now();
  const env = { ...process.env, AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", RACKNET_RACK: "" };
  const child = spawn(process.execPath, [...(slow ? ["--import", slowBundle] : []), launcher, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let firstMs = Number.NaN;
  child.stderr.on("data", (chunk: Buffer) => {
    if (Number.isNaN(firstMs)) firstMs = Date.now() - started;
    stderr += chunk.toString();
  });
  child.stdout.resume();
  return new Promise((resolve) => child.on("close", () => resolve({ stderr, firstMs })));
}

const line = (command: string) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  racknet ${command}: reading and preparing before the plan…$`, "m");
const count = (text: string, pattern: RegExp) => text.split("\n").filter((one) => pattern.test(one)).length;

describe("the sign of life in CI comes before the CLI loads", () => {
  it("the launcher writes the command's line while the CLI's bundle is still loading, and only once", async () => {
    const result = await run(["rack", "install", "early", "--yes"], { slow: true });
    expect(result.stderr.split("\n")[0]).toMatch(line("rack install"));
    expect(result.firstMs).toBeLessThan(LOAD_DELAY_MS);
    expect(count(result.stderr, /reading and preparing before the plan/)).toBe(1);
    expect(result.stderr).toContain("could not reach AWS");
  });

  it("the longest command path names it; a read-only command and --help write none", async () => {
    const set = await run(["rack", "params", "set", "Internal=Yes", "-r", "early", "--yes"]);
    expect(set.stderr.split("\n")[0]).toMatch(line("rack params set"));
    expect(count(set.stderr, /reading and preparing before the plan/)).toBe(1);
    const read = await run(["rack", "params", "-r", "early"]);
    expect(read.stderr).not.toContain("reading and preparing");
    const help = await run(["rack", "install", "--help"]);
    expect(help.stderr).not.toContain("reading and preparing");
  });
});
