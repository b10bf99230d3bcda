import "aws-sdk-client-mock-vitest/extend";
import { afterEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { CloudFormationClient, DescribeStackEventsCommand, type StackEvent } from "@aws-sdk/client-cloudformation";
import { StackEventPoller } from "../../src/aws/stack-events.js";

const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1";
const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

function events(count: number, startAt = 0): StackEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    EventId: `e${startAt + index}`,
    StackId: STACK_ID,
    StackName: "s",
    LogicalResourceId: `R${startAt + index}`,
    ResourceType: "AWS::SNS::Topic",
    ResourceStatus: "CREATE_COMPLETE",
    Timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, startAt + index)),
  }));
}

/** DescribeStackEvents: newest first, in pages of `size`, NextToken = the page index. */
function serve(all: StackEvent[], size = 2): void {
  const newest = [...all].reverse();
  cfn.on(DescribeStackEventsCommand).callsFake((input: { NextToken?: string }) => {
    const page = Number(input.NextToken ?? 0);
    const slice = newest.slice(page * size, page * size + size);
    return { StackEvents: slice, NextToken: (page + 1) * size < newest.length ? String(page + 1) : undefined };
  });
}

describe("StackEventPoller", () => {
  it("returns events since the start time, oldest first, paging back as far as needed", async () => {
    cfn.onAnyCommand().rejects(new Error("unmocked"));
    serve(events(7));
    const poller = new StackEventPoller(new CloudFormationClient({ region: "us-east-1" }), { stackId: STACK_ID, since: new Date(Date.UTC(2025, 0, 1, 0, 0, 2)) });
    const got = await poller.poll();
    expect(got.map((activity) => activity.id)).toEqual(["e2", "e3", "e4", "e5", "e6"]);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 3);
  });

  it("a later poll returns only new events and stops paging at the last one seen", async () => {
    cfn.onAnyCommand().rejects(new Error("unmocked"));
    const client = new CloudFormationClient({ region: "us-east-1" });
    serve(events(3));
    const poller = new StackEventPoller(client, { stackId: STACK_ID, since: new Date(0) });
    expect((await poller.poll()).map((activity) => activity.id)).toEqual(["e0", "e1", "e2"]);
    cfn.reset();
    serve([...events(3), ...events(3, 3)], 2);
    const second = await poller.poll();
    expect(second.map((activity) => activity.id)).toEqual(["e3", "e4", "e5"]);
    // e5,e4 | e3,e2: stops on the second page at e2 (seen) without reading the third.
    expect(cfn).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 2);
    expect(await poller.poll()).toEqual([]);
  });

  it("prime() marks the events already there as seen (a delete has no change set to date from)", async () => {
    const client = new CloudFormationClient({ region: "us-east-1" });
    serve(events(2));
    const poller = new StackEventPoller(client, { stackId: STACK_ID });
    await poller.prime();
    cfn.reset();
    serve([...events(2), ...events(1, 2)]);
    expect((await poller.poll()).map((activity) => activity.id)).toEqual(["e2"]);
  });

  it("history() reads the operation afresh: an event listed late behind one already polled is in it, the primed ones are not", async () => {
    const client = new CloudFormationClient({ region: "us-east-1" });
    const [e0, e1, e2, e3] = events(4) as [StackEvent, StackEvent, StackEvent, StackEvent];
    serve([e0, e1]);
    const poller = new StackEventPoller(client, { stackId: STACK_ID });
    await poller.prime();
    cfn.reset();
    // e2 is recorded in the same second as e3 but listed after it once the poll read e3.
    const late = { ...e2, Timestamp: e3.Timestamp };
    serve([e0, e1, e3]);
    expect((await poller.poll()).map((activity) => activity.id)).toEqual(["e3"]);
    cfn.reset();
    serve([e0, e1, late, e3]);
    expect(await poller.poll()).toEqual([]);
    expect((await poller.history()).map((activity) => activity.id)).toEqual(["e2", "e3"]);
  });

  it("marks the stack's own events", async () => {
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [{ EventId: "x", StackId: STACK_ID, StackName: "s", LogicalResourceId: "s", PhysicalResourceId: STACK_ID, ResourceType: "AWS::CloudFormation::Stack", ResourceStatus: "UPDATE_COMPLETE", Timestamp: new Date() }],
    });
    const [activity] = await new StackEventPoller(new CloudFormationClient({ region: "us-east-1" }), { stackId: STACK_ID }).poll();
    expect(activity?.isStack).toBe(true);
  });
});
