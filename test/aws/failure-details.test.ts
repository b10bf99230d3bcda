import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { deployStack } from "../../src/aws/changeset/deploy.js";
import { deleteStack } from "../../src/aws/delete-stack.js";
import { AwsOperationFailed } from "../../src/errors/index.js";
import { CHANGE_SET_ID, STACK, STACK_ID, event, harness, newestFirst, stack, stackEvent, type Harness } from "./changeset-harness.js";

const CLUSTER = "prod-Cluster-AbC";
const SERVICE_ARN = `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/prod-shop-WebService-x1`;
const TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-web:8";
/** CloudFormation's event when the deployment circuit breaker rolled the service back (as AWS words it). */
const BREAKER = `Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'." (RequestToken: 0f1e, HandlerErrorCode: GeneralServiceException)`;

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => {
  for (const mock of [h.cfn, h.s3, h.ec2, h.ecs, h.logs]) mock.restore();
});

/** An update of the app stack that ends UPDATE_ROLLBACK_COMPLETE with these events. */
function failedUpdate(events: StackEvent[]): void {
  h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
  h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date("2025-02-01T00:00:00Z"), Changes: [] });
  h.cfn.on(ExecuteChangeSetCommand).resolves({});
  h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("UPDATE_IN_PROGRESS")).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
  h.cfn.on(DescribeStackEventsCommand).resolvesOnce({ StackEvents: [] }).resolves(newestFirst(events));
}

/** Stopped tasks as DescribeTasks returns them: a container that exited 1, and an older one. */
function stoppedTask(id: string, stoppedAt: string, container: Partial<NonNullable<Task["containers"]>[number]>): Task {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/${id}`,
    taskDefinitionArn: TASK_DEFINITION,
    lastStatus: "STOPPED",
    desiredStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    stoppedAt: new Date(stoppedAt),
    containers: [{ name: "web", lastStatus: "STOPPED", ...container }],
  };
}

describe("a deploy that fails on an ECS service says why", () => {
  it("the stopped tasks' reasons and exit codes, then the failing container's last log lines, right after the root cause", async () => {
    failedUpdate([
      stackEvent("UPDATE_IN_PROGRESS", "User Initiated"),
      { ...event("WebService", "UPDATE_FAILED", "AWS::ECS::Service", BREAKER), PhysicalResourceId: SERVICE_ARN },
      stackEvent("UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to update: [WebService]."),
      stackEvent("UPDATE_ROLLBACK_COMPLETE"),
    ]);
    h.ecs.on(ListTasksCommand, { cluster: CLUSTER, serviceName: "prod-shop-WebService-x1", desiredStatus: "STOPPED" }).resolves({ taskArns: ["arn:t/older", "arn:t/latest"] });
    h.ecs.on(DescribeTasksCommand).resolves({
      tasks: [stoppedTask("older0", "2025-03-01T10:01:00Z", { exitCode: 1 }), stoppedTask("latest9", "2025-03-01T10:04:00Z", { exitCode: 1 })],
    });
    h.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TASK_DEFINITION }).resolves({
      taskDefinition: { containerDefinitions: [{ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/racknet/prod", "awslogs-stream-prefix": "shop", "awslogs-region": "us-east-1" } } }] },
    });
    h.logs.on(GetLogEventsCommand, { logGroupName: "/racknet/prod", logStreamName: "shop/web/latest9", startFromHead: false }).resolves({
      events: [
        { timestamp: 1, message: "listening on :3000" },
        { timestamp: 2, message: "Error: DATABASE_URL is not set\n" },
      ],
    });

    const error = (await deployStack(h.context.aws, { stackName: STACK, template: { body: "{}" }, parameters: {}, tags: {} }, h.options({ what: "app shop on rack prod" })).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    const lines = h.stderr().split("\n");
    const root = lines.findIndex((line) => line.startsWith("root cause: WebService (AWS::ECS::Service) UPDATE_FAILED"));
    expect(root).toBeGreaterThan(-1);
    expect(lines.slice(root + 1, root + 10)).toEqual([
      "  ECS service prod-shop-WebService-x1: 2 tasks stopped (most recent first)",
      "    task latest9 stopped: Essential container in task exited (EssentialContainerExited)",
      "      container web: exit code 1",
      "    task older0 stopped: Essential container in task exited (EssentialContainerExited)",
      "      container web: exit code 1",
      "    last 2 log line(s) of web (task latest9; log group /racknet/prod, stream shop/web/latest9):",
      "      listening on :3000",
      "      Error: DATABASE_URL is not set",
      "stack racknet-prod: the update was rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version is running",
    ]);
  });

  it("an image that cannot be pulled: the task's reason, no exit code, and no log (the container never started)", async () => {
    failedUpdate([{ ...event("WebService", "UPDATE_FAILED", "AWS::ECS::Service", BREAKER), PhysicalResourceId: SERVICE_ARN }, stackEvent("UPDATE_ROLLBACK_COMPLETE")]);
    const pull = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:nope: not found";
    h.ecs.on(ListTasksCommand).resolves({ taskArns: ["arn:t/p1"] });
    h.ecs.on(DescribeTasksCommand).resolves({ tasks: [{ ...stoppedTask("p1", "2025-03-01T10:02:00Z", { reason: pull }), stopCode: "TaskFailedToStart", stoppedReason: pull }] });
    h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/racknet/prod", "awslogs-stream-prefix": "shop" } } }] } });
    h.logs.on(GetLogEventsCommand).rejects(Object.assign(new Error("The specified log stream does not exist."), { name: "ResourceNotFoundException" }));

    await deployStack(h.context.aws, { stackName: STACK, template: { body: "{}" }, parameters: {}, tags: {} }, h.options()).catch(() => undefined);
    const err = h.stderr();
    expect(err).toContain(`task p1 stopped: ${pull} (TaskFailedToStart)`);
    expect(err).toContain(`container web: no exit code (STOPPED): ${pull}`);
    expect(err).toContain("the container wrote no log (log stream shop/web/p1 does not exist in /racknet/prod");
  });

  it("when ECS cannot be read, the failure is reported as CloudFormation gave it", async () => {
    failedUpdate([{ ...event("WebService", "UPDATE_FAILED", "AWS::ECS::Service", BREAKER), PhysicalResourceId: SERVICE_ARN }, stackEvent("UPDATE_ROLLBACK_COMPLETE")]);
    const error = (await deployStack(h.context.aws, { stackName: STACK, template: { body: "{}" }, parameters: {}, tags: {} }, h.options()).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.message).toContain("ECS Deployment Circuit Breaker was triggered");
    expect(h.stderr()).not.toContain("tasks stopped");
  });
});

describe("a subnet EC2 refuses to delete says what holds it", () => {
  it("DELETE_FAILED (has dependencies): each network interface with its subnet, description and requester", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    h.cfn.on(DeleteStackCommand).resolves({});
    h.cfn.on(DescribeStackEventsCommand).resolvesOnce({ StackEvents: [] }).resolves(
      newestFirst([
        stackEvent("DELETE_IN_PROGRESS", "User Initiated"),
        { ...event("PrivateSubnet1", "DELETE_FAILED", "AWS::EC2::Subnet", "The subnet 'subnet-0b2' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)"), PhysicalResourceId: "subnet-0b2" },
        stackEvent("DELETE_FAILED", "The following resource(s) failed to delete: [PrivateSubnet1]."),
      ]),
    );
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack("DELETE_FAILED"));
    h.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: "subnet-id", Values: ["subnet-0b2"] }] }).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: "eni-0f9", SubnetId: "subnet-0b2", Description: "arn:aws:ecs:us-east-1:123456789012:attachment/3c1d", RequesterId: "578734482556", InterfaceType: "interface", Status: "in-use" },
      ],
    });
    await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true })).catch(() => undefined);
    expect(h.stderr()).toContain("subnet-0b2 is still used by 1 network interface(s); run the command again once they are gone:");
    expect(h.stderr()).toContain('eni-0f9 in subnet-0b2: "arn:aws:ecs:us-east-1:123456789012:attachment/3c1d" (requester 578734482556, interface, in-use)');
  });
});
