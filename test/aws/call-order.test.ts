import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
} from "@aws-sdk/client-cloudformation";
import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { deployStack } from "../../src/aws/changeset/deploy.js";
import { describeSpans, longestSequentialChain, recordCallOrder, type CallOrder, type CallSpan } from "../support/call-order.js";
import { CHANGE_SET_ID, STACK, STACK_ID, harness, stack } from "./changeset-harness.js";

const span = (name: string, start: number, end: number): CallSpan => ({ client: "C", name, start, end });

describe("longestSequentialChain", () => {
  it("counts calls made one after another, a call that starts as the one before ends included", () => {
    expect(longestSequentialChain([span("A", 0, 10), span("B", 10, 20), span("C", 25, 30)]).map((s) => s.name)).toEqual(["A", "B", "C"]);
  });

  it("counts calls made together once", () => {
    expect(longestSequentialChain([span("A", 0, 10), span("B", 1, 11), span("C", 2, 12)])).toHaveLength(1);
  });

  it("finds the longest chain, not the one through the first call", () => {
    // A is long; B then C run in its shadow: the critical path is B → C → D (3), not A → D (2).
    const spans = [span("A", 0, 50), span("B", 1, 11), span("C", 12, 22), span("D", 60, 70)];
    expect(longestSequentialChain(spans).map((s) => s.name)).toEqual(["B", "C", "D"]);
  });

  it("reads as a sequence: ‖ together, → one after another", () => {
    expect(describeSpans([span("B", 1, 11), span("A", 0, 10), span("C", 12, 22)])).toBe("A ‖ B → C");
  });
});

describe("recordCallOrder on mocked clients", () => {
  let cfn: AwsClientStub<CloudFormationClient>;
  let ssm: AwsClientStub<SSMClient>;
  let order: CallOrder;
  const cloudFormation = new CloudFormationClient({ region: "us-east-1" });
  const parameters = new SSMClient({ region: "us-east-1" });

  beforeEach(() => {
    cfn = mockClient(CloudFormationClient);
    ssm = mockClient(SSMClient);
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID });
    ssm.on(GetParametersCommand).resolves({ Parameters: [] });
    ssm.on(PutParameterCommand).rejects(new Error("ParameterAlreadyExists"));
    order = recordCallOrder([CloudFormationClient, SSMClient], { latencyMs: 5 });
  });
  afterEach(() => {
    order.stop();
    cfn.restore();
    ssm.restore();
  });

  const describeStacks = () => cloudFormation.send(new DescribeStacksCommand({ StackName: STACK }));
  const getParameters = () => parameters.send(new GetParametersCommand({ Names: ["/racknet/x"] }));
  const createChangeSet = () => cloudFormation.send(new CreateChangeSetCommand({ StackName: STACK, ChangeSetName: "c" }));

  it("counts calls awaited one after another as one round trip each", async () => {
    await describeStacks();
    await getParameters();
    await describeStacks();
    await createChangeSet();
    expect(order.roundTripsBefore("CreateChangeSet")).toBe(3);
    expect(order.describeBefore("CreateChangeSet")).toBe("DescribeStacks → GetParameters → DescribeStacks");
  });

  it("counts calls started together as one round trip, even when one branch awaits more before sending", async () => {
    const later = async () => {
      // More steps than the mock takes to answer: without the held answer, this would look sequential.
      for (let step = 0; step < 10; step += 1) await Promise.resolve();
      return getParameters();
    };
    await Promise.all([describeStacks(), later()]);
    await createChangeSet();
    expect(order.roundTripsBefore("CreateChangeSet")).toBe(1);
    expect(order.describeBefore("CreateChangeSet")).toBe("DescribeStacks ‖ GetParameters");
  });

  it("finds the critical path through a branch of two calls", async () => {
    await Promise.all([describeStacks(), getParameters().then(() => describeStacks())]);
    await createChangeSet();
    expect(order.roundTripsBefore("CreateChangeSet")).toBe(2);
  });

  it("hands back the mock's answers and errors unchanged, and records the failed call", async () => {
    await expect(describeStacks()).resolves.toMatchObject({ Stacks: [{ StackName: STACK }] });
    await expect(parameters.send(new PutParameterCommand({ Name: "/racknet/x", Value: "v" }))).rejects.toThrow("ParameterAlreadyExists");
    await createChangeSet();
    expect(order.spans().map((s) => `${s.client}.${s.name}`)).toEqual(["CloudFormationClient.DescribeStacks", "SSMClient.PutParameter", "CloudFormationClient.CreateChangeSet"]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it("refuses to count before a call that was never made, and names the calls that were", async () => {
    await describeStacks();
    expect(() => order.roundTripsBefore("CreateChangeSet")).toThrow("no CreateChangeSet call was made; the calls were: DescribeStacks");
  });

  it("stops recording after stop()", async () => {
    order.stop();
    await describeStacks();
    expect(order.spans()).toEqual([]);
  });

  it("refuses a client that is not mocked", () => {
    class NotMocked {
      send(): void {}
    }
    expect(() => recordCallOrder([NotMocked])).toThrow("NotMocked is not mocked; call mockClient(NotMocked) first");
  });
});

describe("recordCallOrder on the change-set engine", () => {
  it("sees the engine's critical path of an update: DescribeStacks beside ListChangeSets, then CreateChangeSet", async () => {
    const h = harness();
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date(), Changes: [] });
    h.cfn.on(ExecuteChangeSetCommand).resolves({});
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const order = recordCallOrder([CloudFormationClient], { latencyMs: 2 });
    try {
      await deployStack(h.context.aws, { stackName: STACK, template: { body: "{}" }, parameters: {}, tags: {}, capabilities: [], notes: [] }, h.options());
      expect(order.describeBefore("CreateChangeSet")).toMatch(/^(DescribeStacks ‖ ListChangeSets|ListChangeSets ‖ DescribeStacks)$/);
      expect(order.roundTripsBefore("CreateChangeSet")).toBe(1);
    } finally {
      order.stop();
      h.cfn.restore();
      h.s3.restore();
    }
  });
});
