import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationErrors } from "../../src/errors/index.js";
import { parseAssignments } from "../../src/operations/env-set.js";
import { hasStackTrace, runCli } from "../support/cli.js";

/** Issue 21: holes an independent audit found, each pinned here where no other file fits. */

function refusal(run: () => unknown): ValidationErrors {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationErrors) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("env set refuses names racknet sets itself (item 11)", () => {
  it("RACKNET_CA_CERT and any RACKNET_* name, before anything is read or written", () => {
    const error = refusal(() => parseAssignments(["RACKNET_CA_CERT=mine", "RACKNET_FUTURE=x", "FINE=1"]));
    expect(error.problems.map((problem) => problem.where)).toEqual(["RACKNET_CA_CERT", "RACKNET_FUTURE"]);
    expect(error.problems[0]?.message).toContain("a name racknet sets itself");
    expect(JSON.stringify(error.problems)).not.toContain("mine");
  });
});

/** An endpoint that counts what reaches it: a refused name must reach nothing. */
describe("app and rack names are checked once, for every command, before any AWS call (item 4; built CLI)", () => {
  let server: Server;
  let requests = 0;
  let endpoint = "";
  const dir = mkdtempSync(join(tmpdir(), "racknet-names-"));
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIANAMESNAMESNAMES1",
    AWS_SECRET_ACCESS_KEY: "names-secret",
    AWS_CONFIG_FILE: "/nonexistent/racknet-names-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-names-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_MAX_ATTEMPTS: "1",
    NO_COLOR: "1",
  });

  it.each([
    [["env", "set", "X=1", "-a", "a/b", "-r", "prod", "--yes"], 'app name "a/b"'],
    [["env", "set", "X=1", "-a", "secapp/env/INJ", "-r", "prod", "--yes"], 'app name "secapp/env/INJ"'],
    [["env", "unset", "X", "-a", "My App", "-r", "prod", "--yes"], 'app name "My App"'],
    [["env", "-a", "UPPER", "-r", "prod"], 'app name "UPPER"'],
    [["deploy", "-a", "shop", "-r", "a/b", "--yes"], 'rack name "a/b"'],
    [["apps", "info", "a/b", "-r", "prod"], 'app name "a/b"'],
    [["services", "-a", "shop", "-r", "Prod"], 'rack name "Prod"'],
  ])("racknet %j is a usage error naming the name, and reaches no endpoint", async (args, named) => {
    requests = 0;
    const result = await runCli(args, { env: env(), cwd: dir, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).toContain("lowercase letters, digits and dashes");
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(requests).toBe(0);
  });

  it("RACKNET_RACK is checked the same way", async () => {
    requests = 0;
    const result = await runCli(["env", "-a", "shop"], { env: { ...env(), RACKNET_RACK: "x y" }, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('rack name "x y"');
    expect(requests).toBe(0);
  });
});
