import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancelUpdateStackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { deployStack, type StackRequest } from "../../src/aws/changeset/deploy.js";
import { AwsOperationFailed, ExitCode } from "../../src/errors/index.js";
import { CHANGE_SET_ID, STACK, STACK_ID, event, harness, newestFirst, stack, stackEvent, type Harness } from "./changeset-harness.js";

/** `deploy --timeout` (issue 24): an update still running at the deadline is cancelled, rolled back, and the slow part named. */

const SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod-Cluster/prod-shop-WebService-1";
const request: StackRequest = { stackName: STACK, template: { body: '{"Resources":{}}' }, parameters: {}, tags: {}, capabilities: ["CAPABILITY_IAM"] };

function slowUpdate(h: Harness): { cancel: () => void } {
  let cancelled = false;
  h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
  h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date("2025-02-01T00:00:00Z"), Changes: [{ Type: "Resource", ResourceChange: { Action: "Modify", LogicalResourceId: "WebService", ResourceType: "AWS::ECS::Service", Replacement: "False" } }] });
  h.cfn.on(DeleteChangeSetCommand).resolves({});
  h.cfn.on(ExecuteChangeSetCommand).resolves({});
  const service: StackEvent = { ...event("WebService", "UPDATE_IN_PROGRESS", "AWS::ECS::Service"), PhysicalResourceId: SERVICE_ARN };
  const running = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), service];
  const rolledBack = [
    ...running,
    { ...event("WebService", "UPDATE_FAILED", "AWS::ECS::Service", "Resource update cancelled"), PhysicalResourceId: SERVICE_ARN },
    stackEvent("UPDATE_ROLLBACK_IN_PROGRESS", "Stack update cancelled"),
    stackEvent("UPDATE_ROLLBACK_COMPLETE"),
  ];
  h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).callsFake(() => stack(cancelled ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_IN_PROGRESS"));
  h.cfn.on(DescribeStackEventsCommand).callsFake(() => newestFirst(cancelled ? rolledBack : running));
  h.cfn.on(CancelUpdateStackCommand).callsFake(() => {
    cancelled = true;
    return {};
  });
  h.ecs.on(ListTasksCommand).resolves({ taskArns: ["arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/9f9f"] });
  h.ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/9f9f", stoppedReason: "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:…/prod-shop-web)", stopCode: "ServiceSchedulerInitiated", containers: [{ name: "web", exitCode: 137 }], taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-web:8" }],
  });
  h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/racknet/prod", "awslogs-stream-prefix": "shop" } } }] } });
  h.logs.on(GetLogEventsCommand).resolves({ events: [{ message: "listening on 8080" }] });
  return { cancel: () => (cancelled = true) };
}

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => {
  h.cfn.restore();
  h.ecs.restore();
  h.logs.restore();
});

describe("deploy --timeout", () => {
  it("an update still running at the deadline is cancelled (CancelUpdateStack), followed to UPDATE_ROLLBACK_COMPLETE, and its slow service explained: exit 3", async () => {
    slowUpdate(h);
    const error = (await deployStack(h.context.aws, request, h.options({ timeoutMs: 0, what: "app shop on rack prod" })).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(h.cfn).toHaveReceivedCommandWith(CancelUpdateStackCommand, { StackName: STACK });
    expect(error.message).toBe("not done within --timeout 0s: the update of app shop on rack prod was cancelled and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs; still running then: WebService");
    const stderr = h.stderr();
    expect(stderr).toContain("is still updating after --timeout 0s: racknet cancels the update (CancelUpdateStack)");
    expect(stderr).toContain("WebService");
    expect(stderr).toContain("Task failed ELB health checks");
    expect(stderr).toContain("listening on 8080");
  });

  it("an update that ends before the deadline is not cancelled", async () => {
    const { cancel } = slowUpdate(h);
    cancel();
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst([stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), stackEvent("UPDATE_COMPLETE")]));
    const outcome = await deployStack(h.context.aws, request, h.options({ timeoutMs: 600_000 }));
    expect(outcome.kind).toBe("applied");
    expect(h.cfn).not.toHaveReceivedCommand(CancelUpdateStackCommand);
  });
});
