import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { CloudFormationClient, DescribeStackDriftDetectionStatusCommand } from "@aws-sdk/client-cloudformation";
import { waitForDriftDetection } from "../../src/aws/drift.js";

describe("waiting for a detection", () => {
  it("polls at a short, growing interval until it completes, and gives up (undefined) past the timeout", async () => {
    const cfn = mockClient(CloudFormationClient);
    try {
      const statuses = ["DETECTION_IN_PROGRESS", "DETECTION_IN_PROGRESS", "DETECTION_IN_PROGRESS", "DETECTION_COMPLETE"] as const;
      let call = 0;
      cfn.on(DescribeStackDriftDetectionStatusCommand).callsFake(() => ({ StackId: "s", StackDriftDetectionId: "d", DetectionStatus: statuses[call++], Timestamp: new Date() }));
      const sleeps: number[] = [];
      const pacing = { firstMs: 1_000, maxMs: 2_000, timeoutMs: 60_000, sleep: async (ms: number) => void sleeps.push(ms) };
      const client = new CloudFormationClient({ region: "us-east-1" });
      expect((await waitForDriftDetection(client, "d", pacing))?.status).toBe("DETECTION_COMPLETE");
      expect(sleeps).toEqual([1_000, 1_500, 2_000]);

      cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: "s", StackDriftDetectionId: "d", DetectionStatus: "DETECTION_IN_PROGRESS", Timestamp: new Date() });
      sleeps.length = 0;
      expect(await waitForDriftDetection(client, "d", { ...pacing, timeoutMs: 4_000 })).toBeUndefined();
      expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(4_000);
    } finally {
      cfn.restore();
    }
  });
});
