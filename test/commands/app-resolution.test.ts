import type { Workflow } from "../../src/runtime/run-workflow.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../../src/runtime/context.js";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as appsInfo } from "../../src/operations/apps-info.js";
import { run as build } from "../../src/operations/build.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as env } from "../../src/operations/env.js";
import { run as envGet } from "../../src/operations/env-get.js";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as envUnset } from "../../src/operations/env-unset.js";
import { run as logs } from "../../src/operations/logs.js";
import { run as privateNetworksDomainNames } from "../../src/operations/private-networks-domain-names.js";
import { run as ps } from "../../src/operations/ps.js";
import { run as services } from "../../src/operations/services.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";
import { TWO_SERVICES, buildApp } from "./build-fixtures.js";

/**
 * Stack names join rack and app with a dash: app `x-c` of rack `r1` and app `c` of rack
 * `r1-x` are both stack `r1-x-c`. Every command that takes an app by name resolves it in
 * one place (shared-steps/resolve.ts) that reads the stack's tags, and none of them reads or acts
 * on the other rack's app (issue 20, item 1).
 */

let h: AwsHarness;
beforeAll(async () => {
  h = awsHarness();
  await installedRack(h, "r1");
  await installedRack(h, "r1-x");
  await deployedApp(h, "r1-x", "c", PUBLIC_WEB);
});
afterAll(() => h.restore());

const commands: [name: string, step: (context: Context) => ReturnType<Workflow<undefined>>][] = [
  ["apps info x-c", (context) => appsInfo(context, { app: "x-c" })],
  ["apps delete x-c", (context) => appsDelete(context, { app: "x-c" })],
  ["env", (context) => env(context, { reveal: false })],
  ["env get PORT", (context) => envGet(context, { name: "PORT" })],
  ["env set PORT=1", (context) => envSet(context, { assignments: ["PORT=1"] })],
  ["env unset PORT", (context) => envUnset(context, { names: ["PORT"] })],
  ["logs", (context) => logs(context, { since: "1h", follow: false })],
  ["ps", (context) => ps(context)],
  ["services", (context) => services(context)],
  ["build", (context) => build(context, { file: buildApp(TWO_SERVICES) })],
  ["private-networks-domain-names", (context) => privateNetworksDomainNames(context, { page: "1", perPage: "20" })],
  ["deploy", (context) => deploy(context, { file: manifestFile(PUBLIC_WEB) })],
];

describe("an app is resolved by its stack's tags, not by its stack's name", () => {
  it.each(commands)("racknet %s, with -a x-c -r r1: refused, naming whose stack r1-x-c is; nothing read or changed there", async (_name, step) => {
    const before = h.cloudFormation.stack("r1-x-c");
    const outcome = await withOptions(h, { rack: "r1", app: "x-c", yes: true }, () => h.run(step, undefined));
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.stderr).toContain("app \"x-c\" of rack r1 would be stack r1-x-c, which is app c of rack r1-x");
    expect(outcome.stderr).toContain("pass -r r1-x -a c");
    expect(outcome.stdout).toBe("");
    expect(resourceWrites(outcome)).toEqual([]);
    expect(h.cloudFormation.stack("r1-x-c")).toEqual(before);
  });

  it("the app's own rack still reaches it", async () => {
    const outcome = await withOptions(h, { rack: "r1-x", app: "c" }, () => h.run(services, undefined));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/^web\s+external\s/m);
  });
});
