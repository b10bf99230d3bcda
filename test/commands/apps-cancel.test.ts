import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { CancelUpdateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, type StackEvent } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { handleError } from "../../src/runtime/handle-errors.js";
import { run as workflow } from "../../src/operations/apps-cancel.js";
import { APP_ID, appStack, cfn, dayContext, rackStack } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const run = printing(workflow);

/** `racknet apps cancel` (issue 24) with aws-sdk-client-mock. */

const ecs = mockClient(ECSClient);
const logs = mockClient(CloudWatchLogsClient);
const SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod-Cluster/prod-shop-WebService-1";
let status: string;

function stackEvent(logicalId: string, resourceStatus: string, at: number, reason?: string, type = "AWS::ECS::Service"): StackEvent {
  const stack = logicalId === "prod-shop";
  return { EventId: `${logicalId}-${resourceStatus}-${at}`, StackId: APP_ID, StackName: "prod-shop", LogicalResourceId: logicalId, PhysicalResourceId: stack ? APP_ID : SERVICE_ARN, ResourceType: stack ? "AWS::CloudFormation::Stack" : type, ResourceStatus: resourceStatus as never, ResourceStatusReason: reason, Timestamp: new Date(Date.parse("2025-03-01T10:00:00Z") + at * 1000) };
}

beforeEach(() => {
  cfn.reset();
  ecs.reset();
  logs.reset();
  cfn.onAnyCommand().rejects(new Error("unmocked CloudFormation call"));
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  logs.onAnyCommand().rejects(new Error("unmocked CloudWatch Logs call"));
  status = "UPDATE_IN_PROGRESS";
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName === "prod") return { Stacks: [rackStack()] };
    return { Stacks: [{ ...appStack(status), LastUpdatedTime: new Date("2025-03-01T10:00:00Z") }] };
  });
  const during = [stackEvent("prod-shop", "UPDATE_IN_PROGRESS", 1, "User Initiated"), stackEvent("WebService", "UPDATE_IN_PROGRESS", 2)];
  const after = [...during, stackEvent("WebService", "UPDATE_FAILED", 3, "Resource update cancelled"), stackEvent("prod-shop", "UPDATE_ROLLBACK_IN_PROGRESS", 4, "Stack update cancelled"), stackEvent("prod-shop", "UPDATE_ROLLBACK_COMPLETE", 5)];
  cfn.on(DescribeStackEventsCommand).callsFake(() => ({ StackEvents: [...(status === "UPDATE_IN_PROGRESS" ? during : after)].reverse() }));
  cfn.on(CancelUpdateStackCommand).callsFake(() => {
    status = "UPDATE_ROLLBACK_COMPLETE";
    return {};
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
});

async function cancel(overrides = {}) {
  const day = dayContext(overrides);
  let code = 0;
  try {
    await run(day.context, {});
  } catch (error) {
    code = await handleError(error, day.context.printer);
  }
  return { code, stdout: day.stdout(), stderr: day.stderr() };
}

describe("racknet apps cancel", () => {
  it("cancels the update in progress (CancelUpdateStack), follows the rollback to UPDATE_ROLLBACK_COMPLETE and says so, naming what was still updating", async () => {
    const result = await cancel({ yes: true, json: true });
    expect(result.code).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(CancelUpdateStackCommand, { StackName: "prod-shop" });
    expect(result.stderr).toContain("still updating: WebService (AWS::ECS::Service)");
    expect(result.stderr).toContain("the update of app shop on rack prod was cancelled and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs");
    expect(JSON.parse(result.stdout)).toEqual({ app: "shop", rack: "prod", outcome: "cancelled", status: "UPDATE_ROLLBACK_COMPLETE", stillRunning: ["WebService"] });
  });

  it("without --yes and without a terminal: refused naming --yes, nothing cancelled; --dry-run cancels nothing", async () => {
    const refused = await cancel();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--yes");
    const dry = await cancel({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("dry run: nothing was changed");
    expect(cfn).not.toHaveReceivedCommand(CancelUpdateStackCommand);
  });

  it("an app that is not updating is refused: CloudFormation cancels updates only", async () => {
    status = "UPDATE_COMPLETE";
    const result = await cancel({ yes: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("app shop on rack prod is not being updated (UPDATE_COMPLETE): there is nothing to cancel; nothing was changed");
    expect(cfn).not.toHaveReceivedCommand(CancelUpdateStackCommand);
  });
});
