import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackUninstall } from "../../src/operations/rack-uninstall.js";
import { runWorkflow } from "../../src/runtime/run-workflow.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * A workflow returns what it did (src/ui/outcome.ts); the runner (src/runtime/run-workflow.ts)
 * writes it once and takes the exit code from it: `--dry-run --exit-code` exits 4 only when the
 * dry run held a change set back (SPEC section 1), whatever command it was.
 */
let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

describe("the exit code follows from the outcome", () => {
  it("deploy --dry-run --exit-code: 4 while the change set has changes, 0 once the app is deployed as asked", async () => {
    await installedRack(h, "prod");
    const pending = await withOptions(h, { rack: "prod", app: "shop", dryRun: true, exitCode: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(pending.exitCode, pending.stderr).toBe(4);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const none = await withOptions(h, { rack: "prod", app: "shop", dryRun: true, exitCode: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(none.exitCode, none.stderr).toBe(0);
  });

  it("without --exit-code a dry run with changes exits 0", async () => {
    await installedRack(h, "prod");
    const dry = await withOptions(h, { rack: "prod", app: "shop", dryRun: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(dry.exitCode, dry.stderr).toBe(0);
  });

  it("rack params set and rack uninstall --dry-run --exit-code: 4 (their change sets are held back)", async () => {
    await installedRack(h, "prod");
    const params = await withOptions(h, { rack: "prod", dryRun: true, exitCode: true }, () => h.run(paramsSet, { params: ["Domain=diff.example.com"] }));
    expect(params.exitCode, params.stderr).toBe(4);
    const uninstall = await withOptions(h, { dryRun: true, exitCode: true }, () => h.run(rackUninstall, { name: "prod" }));
    expect(uninstall.exitCode, uninstall.stderr).toBe(4);
  });

  it("--json: the result is written once, by the runner, as one document on stdout", async () => {
    await installedRack(h, "prod");
    const dry = await withOptions(h, { rack: "prod", app: "shop", dryRun: true, json: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(JSON.parse(dry.stdout)).toMatchObject({ app: "shop", rack: "prod", outcome: "dry-run" });
  });

  it("a workflow's own exit code wins; a failure beside a result takes the failure's", async () => {
    h.options.json = true;
    const drift = await runWorkflow(async () => ({ json: { drifted: true }, exitCode: 4 }), h.context, undefined);
    expect(drift.exitCode).toBe(4);
    const failed = await runWorkflow(async () => ({ json: { valid: false }, failure: new Error("a bug") }), h.context, undefined);
    expect(failed.exitCode).toBe(70);
  });
});
