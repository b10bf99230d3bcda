import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * A workflow asks the user through the Context's one port (`context.user`, issue 19 item 5):
 * on a terminal, without --yes, the question reaches the test's scripted user and its answer
 * decides. A workflow that asked the terminal itself would leave the script unasked.
 */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness({ interactive: true });
  await installedRack(h, "prod");
  await deployedApp(h, "prod", "shop", PUBLIC_WEB);
});
afterEach(() => h.restore());

describe("the user's answer decides, asked through context.user", () => {
  it("env set of a variable no service reads: asked whether to store it; no stores nothing", async () => {
    h.user.answer(false);
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: false }, () => h.run(envSet, { assignments: ["NEW_SETTING=1"] }));
    expect(h.user.questions).toEqual(["Store NEW_SETTING in app shop's environment?"]);
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.stderr).toContain("cancelled; nothing changed");
    expect(resourceWrites(outcome)).toEqual([]);
  });

  it("yes stores it", async () => {
    h.user.answer(true);
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: false }, () => h.run(envSet, { assignments: ["NEW_SETTING=1"] }));
    expect(h.user.questions).toEqual(["Store NEW_SETTING in app shop's environment?"]);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(resourceWrites(outcome)).toContain("SSM.PutParameter");
  });

  it("--yes answers up front: nobody is asked", async () => {
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["NEW_SETTING=1"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(h.user.asked).toEqual([]);
  });

  it("a deploy's plan is put to the user; no leaves the app as it was", async () => {
    h.user.answer(false);
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: false }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB.replace("nginx:1.27", "nginx:1.28")) }));
    expect(h.user.questions).toEqual(["Apply these changes to app shop on rack prod?"]);
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.stderr).toContain("cancelled; nothing changed");
    expect(outcome.writes).not.toContain("CloudFormation.ExecuteChangeSet");
  });
});
