import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEnv, startMoto, type MotoServer } from "../support/moto.js";
import { runCli, spawnCli } from "../support/cli.js";

/**
 * What reaches a person's terminal is racknet's own words: no AWS SDK warning (a profile
 * together with keys in the environment; the SDK's Node-version notice on Node 20), and no
 * colour at all with --no-color, prompts included. The built CLI against moto.
 */
let moto: MotoServer;
let files: { config: string; credentials: string };

beforeAll(async () => {
  moto = await startMoto();
  const dir = mkdtempSync(join(tmpdir(), "racknet-profiles-"));
  files = { config: join(dir, "config"), credentials: join(dir, "credentials") };
  writeFileSync(files.config, "[profile demo]\nregion = us-east-1\n");
  writeFileSync(files.credentials, "[demo]\naws_access_key_id = demo\naws_secret_access_key = demosecret\n");
});

afterAll(async () => {
  await moto?.stop();
});

/** The environment of someone with keys exported and a profile configured, on Node 20 without racknet's tests' settings. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = awsEnv(moto.endpoint, { AWS_CONFIG_FILE: files.config, AWS_SHARED_CREDENTIALS_FILE: files.credentials, ...extra });
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return env;
}

const SDK_WARNINGS = /WARNING|Multiple credential sources|NodeVersionSupportWarning|\(node:\d+\)|@aws-sdk/;

describe("no AWS SDK warning reaches the user", () => {
  it("--profile with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY exported", async () => {
    const result = await runCli(["racks", "--profile", "demo"], { env: userEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(SDK_WARNINGS);
  });

  it("AWS_PROFILE with the keys exported; --debug says which source is used", async () => {
    const result = await runCli(["racks", "--debug"], { env: userEnv({ AWS_PROFILE: "demo" }) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(SDK_WARNINGS);
    expect(result.stderr).toContain("debug: credentials: profile demo; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are not used");
  });
});

describe("--no-color", () => {
  it("reaches the prompt: no colour anywhere on a colour terminal", async () => {
    const env = userEnv({ TERM: "xterm-256color" });
    delete env.NO_COLOR;
    const run = spawnCli(["rack", "install", "plain", "--no-color"], { env, tty: true });
    await run.waitForStderr("Create rack plain?");
    run.type("n\r");
    const result = await run.done;
    expect(result.stderr).toContain("cancelled; nothing changed");
    // eslint-disable-next-line no-control-regex
    expect(result.stderr).not.toMatch(/\u001b\[[0-9;]*m/);
  });
});
