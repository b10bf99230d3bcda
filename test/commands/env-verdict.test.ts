import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as env } from "../../src/operations/env.js";
import { run as envGet } from "../../src/operations/env-get.js";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as manifestCheck } from "../../src/operations/manifest-check.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/** One verdict: manifest check against the rack says what deploy would refuse; env lists defaults, env get returns them. */

const WITH_DEFAULTS = `services:
  web:
    image: nginx:1.27
    port: 80
    environment: [LOG_LEVEL=info, MODE=fast, STRIPE_KEY]
  worker:
    image: example/worker:3
    environment: [LOG_LEVEL=info, MODE=slow]
`;

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  Object.assign(h.options, { rack: "prod", app: "shop" });
});
afterEach(() => h.restore());

describe("manifest check -a APP -r RACK", () => {
  it("names a required variable the app environment does not set, as deploy would; valid once it is set", async () => {
    const file = manifestFile(WITH_DEFAULTS);
    const refused = await h.run(manifestCheck, { file, rackParams: undefined });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("STRIPE_KEY is required by service web and the app environment does not set it");
    expect(refused.stderr).toContain("racknet env set STRIPE_KEY=... -a shop");
    expect(refused.writes).toEqual([]);
    // Names only: the values are never read.
    expect(refused.calls.filter((call) => call.operation === "SSM.GetParametersByPath").every((call) => call.input.WithDecryption === false)).toBe(true);

    await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: ["STRIPE_KEY=sk_live_1"] }));
    const valid = await h.run(manifestCheck, { file, rackParams: undefined });
    expect(valid.exitCode, valid.stderr).toBe(0);
    expect(valid.stderr).toContain("checked against the rack's parameters and the app environment");
  });
});

describe("env and env get with convox.yml's defaults", () => {
  it("env lists the defaults the last deploy stored, marked, after what env set stored", async () => {
    await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: ["STRIPE_KEY=sk_live_1"] }));
    await deployedApp(h, "prod", "shop", WITH_DEFAULTS);
    const listed = await h.run(env, { reveal: false });
    expect(listed.stdout).toBe(
      ["STRIPE_KEY=****", "LOG_LEVEL=****  # default of service web (convox.yml)", "LOG_LEVEL=****  # default of service worker (convox.yml)", "MODE=****  # default of service web (convox.yml)", "MODE=****  # default of service worker (convox.yml)", ""].join("\n"),
    );
    const json = await withOptions(h, { json: true }, () => h.run(env, { reveal: true }));
    expect(JSON.parse(json.stdout).defaults).toContainEqual({ name: "MODE", service: "worker", value: "slow" });
  });

  it("env get returns a default every service shares, says it is one; refuses one that differs by service", async () => {
    await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: ["STRIPE_KEY=sk_live_1"] }));
    await deployedApp(h, "prod", "shop", WITH_DEFAULTS);
    const shared = await h.run(envGet, { name: "LOG_LEVEL" });
    expect(shared.exitCode, shared.stderr).toBe(0);
    expect(shared.stdout).toBe("info\n");
    expect(shared.stderr).toContain("LOG_LEVEL is not set: the default convox.yml gives services web, worker");
    const differs = await h.run(envGet, { name: "MODE" });
    expect(differs.exitCode).toBe(1);
    expect(differs.stderr).toContain("MODE is not set; convox.yml gives it different defaults in services web, worker");
    const json = await withOptions(h, { json: true }, () => h.run(envGet, { name: "STRIPE_KEY" }));
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "STRIPE_KEY", value: "sk_live_1", source: "environment" });
  });
});
