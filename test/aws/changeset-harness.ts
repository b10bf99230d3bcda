/** Shared set-up for the change-set engine's tests: a Context on in-memory streams (test/support/aws-harness.ts), scripted CloudFormation and S3 mocks, instant sleeps. */
import { mockClient } from "aws-sdk-client-mock";
import { CloudFormationClient, ListChangeSetsCommand, type StackEvent } from "@aws-sdk/client-cloudformation";
import { S3Client } from "@aws-sdk/client-s3";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { Context } from "../../src/runtime/context.js";
import { operationPort, type Approval } from "../../src/shared-steps/review.js";
import { defaultPacing, type Pacing } from "../../src/aws/changeset/pacing.js";
import type { DeployOptions } from "../../src/aws/changeset/deploy.js";
import { memoryContext } from "../support/aws-harness.js";
import type { ScriptedUser } from "../support/ports.js";

export const STACK = "racknet-prod";
export const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/racknet-prod/1b2c3d4e";
export const CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/racknet-x/5f6a";

function mocks() {
  // EC2, ECS and CloudWatch Logs answer the failure path's reads (what holds a subnet, why a service's tasks stopped).
  return { cfn: mockClient(CloudFormationClient), s3: mockClient(S3Client), ec2: mockClient(EC2Client), ecs: mockClient(ECSClient), logs: mockClient(CloudWatchLogsClient) };
}

export interface Harness {
  context: Context;
  /** The user the go-ahead asks: `user.answer(...)` scripts the answers. */
  user: ScriptedUser;
  cfn: ReturnType<typeof mocks>["cfn"];
  s3: ReturnType<typeof mocks>["s3"];
  ec2: ReturnType<typeof mocks>["ec2"];
  ecs: ReturnType<typeof mocks>["ecs"];
  logs: ReturnType<typeof mocks>["logs"];
  stderr: () => string;
  stdout: () => string;
  /** Every wait the engine asked for, in ms. */
  sleeps: number[];
  pacing: Pacing;
  /** The engine options, with a port that renders on the harness's printer and approves as told. */
  options: (overrides?: Partial<DeployOptions & Approval & { destructiveByName: boolean }>) => DeployOptions;
}

/** Unmocked AWS calls fail loudly instead of resolving {}. */
export function harness(settings: { interactive?: boolean } = {}): Harness {
  const { cfn, s3, ec2, ecs, logs } = mocks();
  cfn.onAnyCommand().rejects(new Error("unmocked CloudFormation call"));
  // No other racknet at work unless a test says so (the engine always asks, beside DescribeStacks).
  cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
  s3.onAnyCommand().rejects(new Error("unmocked S3 call"));
  ec2.onAnyCommand().rejects(new Error("unmocked EC2 call"));
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  logs.onAnyCommand().rejects(new Error("unmocked CloudWatch Logs call"));
  const { context, stdout, stderr, user } = memoryContext(settings);
  const sleeps: number[] = [];
  const pacing: Pacing = {
    ...defaultPacing,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      signal?.throwIfAborted();
      await Promise.resolve();
      signal?.throwIfAborted();
    },
  };
  return {
    context,
    user,
    cfn,
    s3,
    ec2,
    ecs,
    logs,
    stderr: () => stderr.text,
    stdout: () => stdout.text,
    sleeps,
    pacing,
    options: ({ dryRun = false, yes = true, canPrompt = settings.interactive ?? false, destructiveByName = false, ...overrides } = {}) => ({
      port: operationPort(context, { approval: { dryRun, yes, canPrompt }, destructiveByName }),
      followCommand: "racknet rack -r prod",
      what: "rack prod",
      pacing,
      ...overrides,
    }),
  };
}

let clock = Date.parse("2025-03-01T10:00:00Z");

/** A recorded-style stack event; timestamps increase in the order events are made. */
export function event(logicalId: string, status: string, resourceType: string, reason?: string): StackEvent {
  clock += 1000;
  const isStack = resourceType === "AWS::CloudFormation::Stack";
  return {
    EventId: `${logicalId}-${status}-${clock}`,
    StackId: STACK_ID,
    StackName: STACK,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? STACK_ID : `${logicalId.toLowerCase()}-id`,
    ResourceType: resourceType,
    ResourceStatus: status as StackEvent["ResourceStatus"],
    ResourceStatusReason: reason,
    Timestamp: new Date(clock),
  };
}

export function stackEvent(status: string, reason?: string): StackEvent {
  return event(STACK, status, "AWS::CloudFormation::Stack", reason);
}

/** DescribeStackEvents answers newest first. */
export function newestFirst(events: StackEvent[]): { StackEvents: StackEvent[] } {
  return { StackEvents: [...events].reverse() };
}

export function stack(status: string, extra: Record<string, unknown> = {}) {
  return { Stacks: [{ StackName: STACK, StackId: STACK_ID, StackStatus: status, CreationTime: new Date("2025-01-01T00:00:00Z"), ...extra }] } as never;
}

export function notFound(name = STACK): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: "ValidationError", $metadata: { httpStatusCode: 400 } });
}

export function throttled(): Error {
  return Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } });
}
