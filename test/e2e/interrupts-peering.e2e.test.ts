import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endState, interrupted, startWorld, succeeds, type World } from "./interrupts-world.js";
import { violations } from "../json/schemas.js";
import { describeTestStack } from "../support/moto.js";

/**
 * `rack peer` on the patched moto behind the fault proxy (issue 25, item 5), the built CLI:
 * while it runs, both racks' locks are held (a `params set` on the peer is refused); Ctrl-C
 * while rack a's side (the connection) is made, then `rack peers` names the half-done peering,
 * and the same command again ends as the undisturbed run. The client-mock file
 * (test/commands/rack-peer-interrupts.test.ts) takes every step; this one proves the real thing.
 */
let world: World;
const PEER = ["rack", "peer", "qa", "qb", "--yes", "--require-approval", "never"];
const UNPEER = ["rack", "unpeer", "qa", "qb", "--yes", "--require-approval", "never"];

/** Both racks' end states, and what the peering changes in them: the routers' lists (VPC ids as the racks' own). */
async function bothRacks(): Promise<string[]> {
  const lines: string[] = [];
  const vpcs = new Map<string, string>();
  for (const rack of ["qa", "qb"]) vpcs.set((await describeTestStack(world.aws.cloudFormation, rack)).outputs.VpcId ?? "?", `<${rack} vpc>`);
  for (const rack of ["qa", "qb"]) {
    lines.push(...(await endState(world, rack)).map((line) => `${rack}: ${line}`));
    const { parameters } = await describeTestStack(world.aws.cloudFormation, rack);
    const routerVpcs = (parameters.InternalRouterVpcs ?? "").split(",").map((vpc) => vpcs.get(vpc) ?? vpc);
    lines.push(`${rack}: router ${parameters.InternalRouterCidrs} ${routerVpcs.join(",")}`);
  }
  return lines;
}

beforeAll(async () => {
  world = await startWorld();
  for (const name of ["qa", "qb"]) await succeeds(world, "rack", "install", name, "internal_router=true", "--yes");
});

afterAll(async () => {
  await world?.stop();
});

describe("rack peer: both racks locked, Ctrl-C half way, then the same command again", () => {
  let peered: string[];

  it("while rack peer qa qb runs, rack params set on qb is refused, naming the peering; the peering ends as it would have", async () => {
    // The third change set executed is rack qa's side (the routers first).
    const held = world.hold("ExecuteChangeSet", 3);
    const running = world.cli(...PEER, "--json");
    const reached = await Promise.race([held.reached.then(() => true), running.then(() => false)]);
    expect(reached, "rack peer ended before its third change set").toBe(true);
    const refused = await world.cli("rack", "params", "set", "Domain=qb.example.com", "-r", "qb", "--yes");
    held.release();
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("rack qb is busy: racknet rack peer qa qb@us-east-1 is running");
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(violations("rack-peer", JSON.parse(result.stdout))).toBe("");
    peered = await bothRacks();
    expect(peered.filter((line) => / stack <rack>-peering-q[ab] COMPLETE/.test(line))).toHaveLength(2);
    expect(peered.filter((line) => /ssm .*(locks|journal)/.test(line))).toEqual([]);
    await succeeds(world, ...UNPEER);
  });

  it("Ctrl-C while rack qa's side is made: exit 130; rack peers names it; rack peer again ends as the undisturbed run", async () => {
    const stopped = await world.interruptAt("ExecuteChangeSet", 3, PEER);
    interrupted(stopped);
    expect(stopped.stderr).toContain("run `racknet rack peer qa qb` again to finish");
    const listed = await succeeds(world, "rack", "peers", "--json");
    const views = JSON.parse(listed.stdout) as { rack: string; peer: string; complete: boolean; missing: string[] }[];
    expect(violations("rack-peers", views)).toBe("");
    const row = views.find((view) => view.rack === "qa" && view.peer === "qb");
    expect(row?.complete).toBe(false);
    expect(row?.missing[0]).toContain("racknet rack peer qa qb@us-east-1 is not finished");
    const again = await succeeds(world, ...PEER);
    expect(again.stderr).toContain("finishing racknet rack peer qa qb@us-east-1");
    expect(await bothRacks()).toEqual(peered);
  });
});
