import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreateChangeSetCommand, DeleteStackCommand, ExecuteChangeSetCommand, type CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import { run as install } from "../../src/operations/rack-install.js";
import { run as peer } from "../../src/operations/rack-peer.js";
import { run as unpeer } from "../../src/operations/rack-unpeer.js";
import { run as peers, type PeeringView } from "../../src/operations/rack-peers.js";
import { awsHarness, type AwsHarness, type Outcome } from "../support/aws-harness.js";

/**
 * Ctrl-C at each step of `rack peer` and `rack unpeer` (issue 25, item 5), on the in-memory
 * AWS: while a step's change set is made (it is deleted: the step did nothing) and while it
 * runs (it goes on in AWS). The interrupted run exits 130; `rack peers` then names what is
 * half done (or nothing is); the same command again ends in the state of an undisturbed run.
 */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
  Object.assign(h.options, { yes: true, requireApproval: "never" });
});
afterEach(() => h.restore());

const PEER = { rack: "a", peer: "b" };
const STACKS = ["a", "b", "a-peering-b", "b-peering-a"];

/** What a peering leaves, without the ids AWS picks afresh (the connection's). */
function state(): unknown {
  const stacks = STACKS.map((name) => {
    const stack = h.cloudFormation.stack(name);
    if (!stack) return { name, absent: true };
    const resources = h.cloudFormation.listStackResources({ StackName: name }).StackResourceSummaries.map((resource) => `${resource.LogicalResourceId} ${resource.ResourceType}`).sort();
    return { name, status: stack.status, cidrs: stack.parameters.InternalRouterCidrs, vpcs: stack.parameters.InternalRouterVpcs, resources, peerCidr: stack.outputs.PeerCidr };
  });
  const connections = new Set(["a-peering-b", "b-peering-a"].flatMap((name) => h.cloudFormation.stack(name)?.outputs.PeeringConnectionId ?? []));
  const bookkeeping = [...h.parameters.values.keys()].filter((name) => /^\/racknet\/[ab]\/(locks|journal)\//.test(name));
  return { stacks, connections: connections.size, bookkeeping };
}

async function listed(): Promise<PeeringView[]> {
  h.options.json = true;
  const result = await h.run(peers, {});
  h.options.json = false;
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PeeringView[];
}

/** Ctrl-C on the `nth` call of `operation` (counted from now), the call itself answered as AWS would. */
function ctrlCAt(operation: "CreateChangeSet" | "ExecuteChangeSet" | "DeleteStack", nth: number): void {
  let left = nth;
  const press = () => {
    left -= 1;
    if (left === 0) process.emit("SIGINT");
  };
  if (operation === "CreateChangeSet") {
    h.stubs.CloudFormation?.on(CreateChangeSetCommand).callsFake(async (input: CreateChangeSetCommandInput) => {
      const answer = h.cloudFormation.createChangeSet(input);
      press();
      return answer;
    });
  } else if (operation === "ExecuteChangeSet") {
    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
      const answer = h.cloudFormation.executeChangeSet(input);
      press();
      return answer;
    });
  } else {
    h.stubs.CloudFormation?.on(DeleteStackCommand).callsFake(async (input: { StackName?: string }) => {
      const answer = h.cloudFormation.deleteStack(input);
      press();
      return answer;
    });
  }
}

function calm(): void {
  h.stubs.CloudFormation?.on(CreateChangeSetCommand).callsFake(async (input: CreateChangeSetCommandInput) => h.cloudFormation.createChangeSet(input));
  h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => h.cloudFormation.executeChangeSet(input));
  h.stubs.CloudFormation?.on(DeleteStackCommand).callsFake(async (input: { StackName?: string }) => h.cloudFormation.deleteStack(input));
}

function ok(result: Outcome): void {
  expect(result.exitCode, result.stderr).toBe(0);
}

/** After the Ctrl-C: a journal left on rack a is named by `rack peers`, with the command that finishes it; without one, nothing is half done. */
async function halfDoneIsNamed(command: "rack peer" | "rack unpeer", before: unknown, after: unknown): Promise<void> {
  const journal = h.parameters.values.has("/racknet/a/journal/rack");
  const views = await listed();
  if (journal) {
    const row = views.find((view) => view.rack === "a" && view.peer === "b");
    expect(row?.complete).toBe(false);
    expect(row?.missing[0]).toContain(`racknet ${command} a b@us-east-1 is not finished`);
    expect(row?.missing[0]).toContain(`run \`racknet ${command} a b\` again to finish it`);
  } else {
    expect([before, after]).toContainEqual(state());
  }
}

/** The rerun: it finishes (exit 0), or, when the Ctrl-C came during the last step, which then completed, says there is nothing left. */
function finished(command: "rack peer" | "rack unpeer", result: Outcome): void {
  if (result.exitCode === 0) return;
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain(command === "rack peer" ? "are already peered" : "are not peered");
}

interface Point {
  step: string;
  operation: "CreateChangeSet" | "ExecuteChangeSet" | "DeleteStack";
  nth: number;
}

// rack peer: rack a's router, rack b's router, rack a's side (the connection), rack b's side.
const peerPoints: Point[] = [
  { step: "rack a's router", operation: "CreateChangeSet", nth: 1 },
  { step: "rack a's router", operation: "ExecuteChangeSet", nth: 1 },
  { step: "rack b's router", operation: "CreateChangeSet", nth: 2 },
  { step: "rack b's router", operation: "ExecuteChangeSet", nth: 2 },
  { step: "rack a's side (the connection)", operation: "CreateChangeSet", nth: 3 },
  { step: "rack a's side (the connection)", operation: "ExecuteChangeSet", nth: 3 },
  { step: "rack b's side", operation: "CreateChangeSet", nth: 4 },
  { step: "rack b's side", operation: "ExecuteChangeSet", nth: 4 },
];

// rack unpeer: rack b's side, rack a's side, rack a's router, rack b's router.
const unpeerPoints: Point[] = [
  { step: "rack b's side", operation: "DeleteStack", nth: 1 },
  { step: "rack a's side (the connection)", operation: "DeleteStack", nth: 2 },
  { step: "rack a's router", operation: "CreateChangeSet", nth: 1 },
  { step: "rack a's router", operation: "ExecuteChangeSet", nth: 1 },
  { step: "rack b's router", operation: "CreateChangeSet", nth: 2 },
  { step: "rack b's router", operation: "ExecuteChangeSet", nth: 2 },
];

async function baselines(): Promise<{ unpeered: unknown; peered: unknown }> {
  for (const name of ["a", "b"]) ok(await h.run(install, { name, params: ["internal_router=true"], private: false }));
  ok(await h.run(peer, PEER));
  ok(await h.run(unpeer, PEER));
  const unpeered = state();
  ok(await h.run(peer, PEER));
  const peered = state();
  ok(await h.run(unpeer, PEER));
  expect(state()).toEqual(unpeered);
  return { unpeered, peered };
}

describe("rack peer: Ctrl-C at each step, then the same command again", () => {
  for (const point of peerPoints) {
    it(`Ctrl-C while ${point.step}'s change set is ${point.operation === "CreateChangeSet" ? "made" : "running"}: exit 130, rack peers names what is half done, rack peer again ends as an undisturbed run`, async () => {
      const { unpeered, peered } = await baselines();
      ctrlCAt(point.operation, point.nth);
      const stopped = await h.run(peer, PEER);
      calm();
      expect(stopped.exitCode, stopped.stderr).toBe(130);
      expect(h.parameters.values.has("/racknet/a/locks/rack") || h.parameters.values.has("/racknet/b/locks/rack")).toBe(false);
      await halfDoneIsNamed("rack peer", unpeered, peered);
      finished("rack peer", await h.run(peer, PEER));
      expect(state()).toEqual(peered);
      expect((await listed()).map((view) => [view.rack, view.peer, view.state, view.complete, view.missing])).toEqual([
        ["a", "b", "active", true, []],
        ["b", "a", "active", true, []],
      ]);
    });
  }
});

describe("rack unpeer: Ctrl-C at each step, then the same command again", () => {
  for (const point of unpeerPoints) {
    it(`Ctrl-C while ${point.step} ${point.operation === "DeleteStack" ? "is deleted" : `is closed (its change set ${point.operation === "CreateChangeSet" ? "made" : "running"})`}: exit 130, rack peers names what is half done, rack unpeer again ends as an undisturbed run`, async () => {
      const { unpeered, peered } = await baselines();
      ok(await h.run(peer, PEER));
      ctrlCAt(point.operation, point.nth);
      const stopped = await h.run(unpeer, PEER);
      calm();
      expect(stopped.exitCode, stopped.stderr).toBe(130);
      await halfDoneIsNamed("rack unpeer", peered, unpeered);
      finished("rack unpeer", await h.run(unpeer, PEER));
      expect(state()).toEqual(unpeered);
      expect(await listed()).toEqual([]);
    });
  }
});
