import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import { deployStack, type StackRequest } from "../../src/aws/changeset/deploy.js";
import { deleteStack } from "../../src/aws/delete-stack.js";
import { ExitCode, Interrupted, UserError } from "../../src/errors/index.js";
import { CHANGE_SET_ID, STACK, STACK_ID, harness, newestFirst, stack, stackEvent, type Harness } from "./changeset-harness.js";

/** Ctrl-C between and during the calls that must not be cut off, and two racknets at once. */
const request: StackRequest = { stackName: STACK, template: { body: '{"Resources":{}}' }, parameters: { Private: "Yes" }, tags: {} };
/** Change sets a minute old: pending, not a dead process's (those are an hour old). */
const NOW = Date.now() - 60_000;
const OTHER_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/racknet-20250301T095959000Z/0000";

let h: Harness;
let listeners: number;
beforeEach(() => {
  h = harness();
  listeners = process.listenerCount("SIGINT");
});
afterEach(() => {
  // Every way out releases racknet's SIGINT handlers: Ctrl-C keeps its usual meaning after.
  expect(process.listenerCount("SIGINT")).toBe(listeners);
  h.cfn.restore();
});

function summary(id: string, created: Date) {
  return { ChangeSetId: id, ChangeSetName: id.split("/")[1], StackId: STACK_ID, StackName: STACK, Status: "CREATE_COMPLETE" as const, ExecutionStatus: "AVAILABLE" as const, CreationTime: created };
}

/** An update that would run cleanly; `ownCreated` is our change set's creation time in ListChangeSets. */
function updatable(ownCreated = new Date()): void {
  h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(ListChangeSetsCommand).resolvesOnce({ Summaries: [] }).resolves({ Summaries: [summary(CHANGE_SET_ID, ownCreated)] });
  h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date(), Changes: [] });
  h.cfn.on(DeleteChangeSetCommand).resolves({});
  h.cfn.on(ExecuteChangeSetCommand).resolves({});
  h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst([stackEvent("UPDATE_IN_PROGRESS"), stackEvent("UPDATE_COMPLETE")]));
}

async function failure(run: Promise<unknown>): Promise<UserError> {
  return (await run.catch((caught: unknown) => caught)) as UserError;
}

describe("Ctrl-C where Node's default would end racknet without a word", () => {
  it("during CreateChangeSet: the call finishes, then the change set is deleted: cancelled, exit 130", async () => {
    updatable();
    h.cfn.on(CreateChangeSetCommand).callsFake(() => {
      process.emit("SIGINT");
      return { Id: CHANGE_SET_ID, StackId: STACK_ID };
    });
    const error = await failure(deployStack(h.context.aws, request, h.options()));
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toBe("cancelled; nothing changed");
    expect(h.cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it("during the read of the stack's events just before execution: cancelled, the change set deleted", async () => {
    updatable();
    h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", Changes: [] });
    h.cfn.on(DescribeStackEventsCommand).callsFake(() => {
      process.emit("SIGINT");
      return newestFirst([]);
    });
    const error = await failure(deployStack(h.context.aws, request, h.options()));
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toBe("cancelled; nothing changed");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it("during ExecuteChangeSet: the call finishes; the update continues in AWS and racknet says how to follow it", async () => {
    updatable();
    h.cfn.on(ExecuteChangeSetCommand).callsFake(() => {
      process.emit("SIGINT");
      return {};
    });
    const error = await failure(deployStack(h.context.aws, request, h.options()));
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toContain("continues in AWS");
    expect(error.fix).toMatch(/^follow it to its end with `racknet /);
    expect(h.cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
  });

  it("during DeleteStack: the deletion continues in AWS", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst([]));
    h.cfn.on(DeleteStackCommand).callsFake(() => {
      process.emit("SIGINT");
      return {};
    });
    const error = await failure(deleteStack(h.context.aws, STACK, h.options()));
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toContain("the delete of rack prod continues in AWS");
  });
});

describe("two racknets on one stack", () => {
  it("the one whose change set is later gives way: deletes its own change set (not the stack) and refuses, exit 1", async () => {
    updatable(new Date(NOW));
    h.cfn.on(ListChangeSetsCommand).resolvesOnce({ Summaries: [] }).resolves({
      Summaries: [summary(CHANGE_SET_ID, new Date(NOW)), summary(OTHER_ID, new Date(NOW - 1000))],
    });
    const error = await failure(deployStack(h.context.aws, request, h.options()));
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("has a pending racknet change set, racknet-20250301T095959000Z");
    expect(error.message).toContain("another racknet is working on stack");
    expect(h.cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(h.cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it("the one whose change set is earlier goes on", async () => {
    updatable(new Date(NOW));
    h.cfn.on(ListChangeSetsCommand).resolvesOnce({ Summaries: [] }).resolves({
      Summaries: [summary(CHANGE_SET_ID, new Date(NOW)), summary(OTHER_ID, new Date(NOW + 1000))],
    });
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome.kind).toBe("applied");
  });

  it("a change set that can no longer run (the other racknet's update ran first) is a refusal, exit 1", async () => {
    updatable();
    h.cfn.on(ExecuteChangeSetCommand).rejects(Object.assign(new Error(`ChangeSet [${CHANGE_SET_ID}] does not exist`), { name: "ChangeSetNotFoundException", $metadata: { httpStatusCode: 404 } }));
    const error = await failure(deployStack(h.context.aws, request, h.options()));
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("was not changed: change set");
    expect(error.message).toContain("can no longer run");
  });
});
