import { DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as rackUninstall } from "../../src/operations/rack-uninstall.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, withOptions } from "../support/workflows.js";

/**
 * Issue 21, item 9: a run of `apps delete` killed while CloudFormation deletes the stack
 * (kill -9, or Ctrl-C) left the app's stored secrets in SSM for good. The rerun follows the
 * deletion and removes the rest; `rack uninstall` removes whatever apps left under the rack.
 */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  await deployedApp(h, "prod", "shop", PUBLIC_WEB);
  const set = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["DATABASE_PASSWORD=hunter2-hunter2"] }));
  expect(set.exitCode, set.stderr).toBe(0);
});
afterEach(() => h.restore());

const appParameters = () => [...h.parameters.values.keys()].filter((name) => name.startsWith("/racknet/prod/apps/"));

describe("apps delete killed during the stack's deletion", () => {
  it("the rerun follows the deletion still under way, then removes the stored environment; nothing is left", async () => {
    expect(appParameters()).toEqual(["/racknet/prod/apps/shop/env/DATABASE_PASSWORD"]);
    // kill -9 just after DeleteStack was sent: the stack keeps deleting, the journal says `stack: running`.
    let left: Map<string, unknown> | undefined;
    h.stubs.CloudFormation?.on(DeleteStackCommand).callsFake(() => {
      left = new Map(h.parameters.values);
      const stack = h.cloudFormation.stacks.find((candidate) => candidate.name === "prod-shop" && candidate.status !== "DELETE_COMPLETE");
      if (stack) stack.status = "DELETE_IN_PROGRESS";
      throw new Error("killed");
    });
    await withOptions(h, { rack: "prod", yes: true }, () => h.run(appsDelete, { app: "shop" }));
    // What the killed process left in SSM: its journal (and a lock a dead pid held, which the next run takes over).
    h.parameters.values.clear();
    for (const [name, value] of left ?? []) if (!name.includes("/locks/")) h.parameters.values.set(name, value as never);
    expect([...h.parameters.values.keys()]).toContain("/racknet/prod/journal/apps/shop");

    h.stubs.CloudFormation?.on(DeleteStackCommand).callsFake((input: { StackName?: string }) => h.cloudFormation.deleteStack(input));
    // CloudFormation finishes the deletion while the rerun watches.
    setTimeout(() => h.cloudFormation.deleteStack({ StackName: "prod-shop" }), 200);
    const rerun = await withOptions(h, { rack: "prod", yes: true }, () => h.run(appsDelete, { app: "shop" }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("app shop deleted from rack prod");
    expect(appParameters()).toEqual([]);
    expect([...h.parameters.values.keys()].filter((name) => name.includes("/journal/"))).toEqual([]);
  }, 60_000);
});

describe("rack uninstall removes what apps left under the rack", () => {
  it("every /racknet/<rack>/apps/<app>/ parameter tagged as the rack's goes; one of another's is kept and named", async () => {
    const gone = await withOptions(h, { rack: "prod", yes: true }, () => h.run(appsDelete, { app: "shop" }));
    expect(gone.exitCode, gone.stderr).toBe(0);
    // An app whose delete never reached its last step, and a parameter someone else put there.
    h.parameters.putParameter({ Name: "/racknet/prod/apps/ghost/env/TOKEN", Value: "t0k3n-t0k3n", Type: "SecureString", Tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "ghost" }] });
    h.parameters.putParameter({ Name: "/racknet/prod/apps/ghost/defaults/web/X", Value: "x", Type: "SecureString", Tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "ghost" }] });
    h.parameters.putParameter({ Name: "/racknet/prod/apps/theirs/note", Value: "mine", Type: "String" });
    const uninstall = await withOptions(h, { yes: true }, () => h.run(rackUninstall, { name: "prod" }));
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(appParameters()).toEqual(["/racknet/prod/apps/theirs/note"]);
    expect(uninstall.stderr).toContain("kept /racknet/prod/apps/theirs/note");
  }, 60_000);
});
