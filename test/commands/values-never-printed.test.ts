import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as env } from "../../src/operations/env.js";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as services } from "../../src/operations/services.js";
import { awsHarness, type AwsHarness, type Outcome } from "../support/aws-harness.js";
import { installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * Values never reach output (docs/decisions.md, "Values never reach output"): the printer is
 * given names and placeholders, so a stored value equal to an app, service or rack name, or to
 * a common word, hides nothing; and a value of its own is printed nowhere.
 */

/** Values that are also names the output must show whole. */
const NAME_LIKE = { SERVICE: "backend", NODE_ENV: "production", APP: "shop", WORD: "external", PORT_NAME: "worker" };
/** Values found in no name: each must appear nowhere. */
const UNIQUE = { DATABASE_URL: "postgres://u:pa55-Zq8w@db.internal/shop", API_TOKEN: "tok_live_7c1e9a2b" };

const MANIFEST = `services:
  web:
    image: nginx:1.27
    port: 80
    environment: [SERVICE, NODE_ENV, DATABASE_URL]
  backend:
    image: example/api:1.4
    port: 4000
    environment: [API_TOKEN, WORD, APP]
  worker:
    image: example/worker:3
    environment: [PORT_NAME]
`;

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function expectNoUniqueValue(outcome: Outcome, what: string): void {
  for (const value of Object.values(UNIQUE)) expect(`${outcome.stdout}${outcome.stderr}`.includes(value), `${what} printed ${value}`).toBe(false);
}

async function storedAndDeployed(): Promise<Outcome> {
  await installedRack(h, "production");
  h.options.rack = "production";
  h.options.app = "shop";
  const stored = await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: Object.entries({ ...NAME_LIKE, ...UNIQUE }).map(([name, value]) => `${name}=${value}`) }));
  expect(stored.exitCode, stored.stderr).toBe(0);
  const deployed = await withOptions(h, { yes: true }, () => h.run(deploy, { file: manifestFile(MANIFEST) }));
  expect(deployed.exitCode, deployed.stderr).toBe(0);
  return deployed;
}

describe("values equal to names hide no name", () => {
  it("deploy's plan names the app, the rack and every service whole", async () => {
    const deployed = await storedAndDeployed();
    expect(deployed.stderr).toContain("Plan to create app shop on rack production (stack production-shop)");
    expect(deployed.stderr).toContain("BackendService");
    expect(deployed.stderr).toContain("WorkerService");
    expect(deployed.stderr).toContain("app shop deployed to rack production");
    expect(deployed.stderr).not.toContain("****");
    expectNoUniqueValue(deployed, "deploy");
  });

  it("services, and services --json, show every name and visibility", async () => {
    await storedAndDeployed();
    const table = await h.run(services, {});
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^backend +external +backend\.shop\./m);
    expect(table.stdout).toMatch(/^worker +private/m);
    expect(table.stdout).not.toContain("****");
    const json = await withOptions(h, { json: true }, () => h.run(services, {}));
    const listed = JSON.parse(json.stdout) as { service: string; visibility: string }[];
    expect(listed.map((service) => [service.service, service.visibility])).toEqual([
      ["web", "external"],
      ["backend", "external"],
      ["worker", "private"],
    ]);
    expectNoUniqueValue(table, "services");
    expectNoUniqueValue(json, "services --json");
  });

  it("the plan of env set names the app, the rack and the services that roll, and no value", async () => {
    await storedAndDeployed();
    const plan = await withOptions(h, { dryRun: true }, () => h.run(envSet, { assignments: ["SERVICE=frontend", "API_TOKEN=tok_live_7c1e9a2c"] }));
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stderr).toContain("app shop on rack production");
    expect(plan.stderr).toContain("services web, backend roll to new tasks reading the new SERVICE, API_TOKEN");
    expect(plan.stderr).not.toContain("frontend");
    expect(plan.stderr).not.toContain("tok_live_7c1e9a2c");
    expectNoUniqueValue(plan, "env set --dry-run");
  });

  it("env shows names and placeholders; --json too", async () => {
    await storedAndDeployed();
    const listed = await h.run(env, { reveal: false });
    expect(listed.stdout).toContain("SERVICE=****\n");
    expect(listed.stdout).toContain("NODE_ENV=****\n");
    const json = await withOptions(h, { json: true }, () => h.run(env, { reveal: false }));
    const shown = JSON.parse(json.stdout) as { app: string; rack: string; environment: Record<string, string> };
    expect(shown.app).toBe("shop");
    expect(shown.rack).toBe("production");
    expect(Object.values(shown.environment).every((value) => value === "****")).toBe(true);
    for (const outcome of [listed, json]) {
      expectNoUniqueValue(outcome, "env");
      for (const value of Object.values(NAME_LIKE)) expect(outcome.stdout).not.toMatch(new RegExp(`=${value}$`, "m"));
    }
  });
});

describe("AWS's words that may quote a value are not shown", () => {
  it("SSM refusing a value: the error names the parameter and the refusal, never the value", async () => {
    await installedRack(h, "production");
    h.options.rack = "production";
    h.options.app = "shop";
    const refusal = Object.assign(new Error(`1 validation error detected: Value '${UNIQUE.API_TOKEN}' at 'value' failed to satisfy constraint`), {
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
    });
    h.stubs.SSM?.on(PutParameterCommand).rejects(refusal);
    const outcome = await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: [`API_TOKEN=${UNIQUE.API_TOKEN}`] }));
    expect(outcome.exitCode).toBe(3);
    expect(outcome.stderr).toContain("SSM did not store /racknet/production/apps/shop/env/API_TOKEN (ValidationException");
    expectNoUniqueValue(outcome, "a refused PutParameter");
  });
});
