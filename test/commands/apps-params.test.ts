import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as paramsSet } from "../../src/operations/apps-params-set.js";
import { run as params } from "../../src/operations/apps-params.js";
import { run as releases, type ReleasesResult } from "../../src/operations/releases.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack, manifestFile, withOptions } from "../support/workflows.js";

/** `racknet apps params set Exec=Yes` (issue 24): ECS Exec, a broadening change approved as one. */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  Object.assign(h.options, { rack: "prod", app: "shop" });
  const deployed = await withOptions(h, { yes: true }, () => h.run(deploy, { file: manifestFile("services:\n  web:\n    image: nginx:1.27\n    port: 3000\n") }));
  expect(deployed.exitCode, deployed.stderr).toBe(0);
});
afterEach(() => h.restore());

const resources = () => h.cloudFormation.stack("prod-shop")?.resources ?? {};

describe("racknet apps params set", () => {
  it("Exec=Yes widens who can reach the tasks: --yes alone does not apply it, and nothing changes", async () => {
    const outcome = await withOptions(h, { yes: true }, () => h.run(paramsSet, { params: ["Exec=Yes"] }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain("Exec=Yes: whoever may call ecs:ExecuteCommand on the rack's cluster gets a shell in app shop's running tasks");
    expect(outcome.stderr).toContain("--require-approval never");
    expect(resources().TaskRole).toBeUndefined();
    expect(outcome.writes.filter((operation) => operation === "CloudFormation.ExecuteChangeSet")).toEqual([]);
  });

  it("approved: the task role with only the ssmmessages actions, execute command on the service, a release; apps params shows it", async () => {
    const outcome = await withOptions(h, { yes: true, requireApproval: "never" }, () => h.run(paramsSet, { params: ["exec=yes"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const role = resources().TaskRole?.Properties as { Policies?: { PolicyDocument: { Statement: { Action: string[]; Resource: string }[] } }[] } | undefined;
    expect(role?.Policies?.flatMap((policy) => policy.PolicyDocument.Statement.flatMap((statement) => statement.Action)).sort()).toEqual(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]);
    expect(resources().WebService?.Properties?.EnableExecuteCommand).toBe(true);
    const shown = await withOptions(h, { json: true }, () => h.run(params, {}));
    expect(JSON.parse(shown.stdout)).toEqual({ app: "shop", rack: "prod", params: { Exec: "Yes" } });
    const listed = JSON.parse((await withOptions(h, { json: true }, () => h.run(releases, undefined as never))).stdout) as ReleasesResult;
    expect(listed.releases[0]).toMatchObject({ release: 2, kind: "params", description: "apps params set Exec=Yes", current: true, images: { web: "nginx:1.27" } });

    // A deploy keeps it.
    await withOptions(h, { yes: true }, () => h.run(deploy, { file: manifestFile("services:\n  web:\n    image: nginx:1.28\n    port: 3000\n") }));
    expect(h.cloudFormation.stack("prod-shop")?.parameters.Exec).toBe("Yes");
    expect(resources().TaskRole).toBeDefined();
  });

  it("an unknown parameter or value is refused with the fix, before any AWS write", async () => {
    const outcome = await withOptions(h, { yes: true }, () => h.run(paramsSet, { params: ["Exe=Yes", "Exec=maybe"] }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain("Exe is not an app parameter");
    expect(outcome.stderr).toContain("did you mean Exec?");
    expect(outcome.stderr).toContain("Exec=maybe: Exec is Yes or No");
    expect(outcome.writes).toEqual([]);
  });
});
