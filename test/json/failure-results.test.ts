import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DescribeStackDriftDetectionStatusCommand, DescribeStackResourceDriftsCommand, DetectStackDriftCommand } from "@aws-sdk/client-cloudformation";
import { DescribeSecurityGroupRulesCommand } from "@aws-sdk/client-ec2";
import { run as rackDrift } from "../../src/operations/rack-drift.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { violations } from "./schemas.js";

/**
 * A failure that is still a result (docs/json.md): one JSON document on stdout, the result's
 * fields beside the error object, valid against the command's schema. moto cannot make a drift
 * detection fail, so this one runs on the in-memory harness.
 */
let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

describe("a failure that is still a result", () => {
  it("rack drift whose detection failed without finding drift: exit 3, the report and the error in one document", async () => {
    await installedRack(h, "prod");
    h.stubs.CloudFormation?.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: "detection-1" });
    h.stubs.CloudFormation?.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: "prod",
      StackDriftDetectionId: "detection-1",
      DetectionStatus: "DETECTION_FAILED",
      DetectionStatusReason: "Failed to detect drift on resource [BuildProject]",
      Timestamp: new Date("2026-12-01T09:00:00Z"),
    });
    h.stubs.CloudFormation?.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
    h.stubs.EC2?.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    h.options.rack = "prod";
    h.options.json = true;

    const result = await h.run(rackDrift, undefined);
    expect(result.exitCode).toBe(3);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(violations("rack-drift", document), result.stdout).toBe("");
    expect(document).toMatchObject({
      rack: "prod",
      drifted: false,
      stacks: [{ stack: "prod", app: null, status: "UNKNOWN", detection: "DETECTION_FAILED", reason: "Failed to detect drift on resource [BuildProject]", resources: [] }],
      error: { code: "aws-operation-failed", exitCode: 3 },
    });
  });
});
