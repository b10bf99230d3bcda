import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack, withOptions } from "../support/workflows.js";

/** Issue 21, item 10: after Ctrl-C during install's stack creation, running the same command again finishes it, the first time. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

describe("rack install run again while its stack is still being created", () => {
  it("follows the creation an earlier run started to its end and reports the rack installed, instead of 'already exists ... pick another name'", async () => {
    await installedRack(h, "prod");
    // What Ctrl-C during the creation leaves: the stack, still CREATE_IN_PROGRESS, which CloudFormation finishes by itself.
    const stack = h.cloudFormation.stacks.find((candidate) => candidate.name === "prod" && candidate.status !== "DELETE_COMPLETE");
    expect(stack).toBeDefined();
    if (!stack) return;
    stack.status = "CREATE_IN_PROGRESS";
    setTimeout(() => {
      stack.status = "CREATE_COMPLETE";
    }, 300);
    const rerun = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toContain("pick another name");
    expect(rerun.stderr).toContain("rack prod installed");
  }, 60_000);
});
