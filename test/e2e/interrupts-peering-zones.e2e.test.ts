import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DescribeVpcPeeringConnectionsCommand } from "@aws-sdk/client-ec2";
import { GetHostedZoneCommand, ListVPCAssociationAuthorizationsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { interrupted, interruptedAt, pick, startWorld, succeeds, type Point, type World } from "./interrupts-world.js";
import { describeTestStack } from "../support/moto.js";
import { spawnCli, type CliResult } from "../support/cli.js";

/**
 * `rack peer --peer-profile` and `rack unpeer --peer-profile` (issue 25, item 5, across two
 * accounts) on the patched moto behind the fault proxy, the built CLI. The second account is a
 * role of another account id (its profile assumes it); the two racks are installed once and every
 * case leaves them unpeered, as it found them.
 * - The stacks' steps: Ctrl-C while the accepter's role is made, and while rack za's side (the
 *   connection) is made; each time `rack peers` names the half-done peering and the same command
 *   again ends with the peering whole: active, routed, both zones associated, no authorization left.
 * - The zone steps: Ctrl-C while racknet waits on each Route 53 call of the two zone steps (the
 *   zone's account authorizes, the VPC's account associates, the authorization is withdrawn;
 *   unpeer withdraws what is left and dissociates). Each time `rack peers` from each account names
 *   what is half done in AWS (rack za's from the journal as well), and the same command again ends
 *   where an undisturbed run ends: both zones associated with the other's VPC, or neither; no
 *   authorization left. Two ways to stop: one Ctrl-C (racknet finishes the zone step it is in and
 *   stops at the next step's boundary; in the last step it completes), and Ctrl-C three times
 *   (racknet quits at once, inside the step: the case the zone steps' resume is for). As the other
 *   interrupt suites, a seeded sample of the calls in CI (interrupts-world.ts, pick: 6 of the 20
 *   cases); RACKNET_INTERRUPTS=all runs every one.
 */
let world: World;
let home: string;
let peerAccount: { cloudFormation: CloudFormationClient; route53: Route53Client };
const PEER = ["rack", "peer", "za", "zb", "--peer-profile", "peer", "--yes", "--require-approval", "never"];
const UNPEER = ["rack", "unpeer", "za", "zb", "--peer-profile", "peer", "--yes", "--require-approval", "never"];

interface ZoneState {
  /** Each rack's router zone: `own` for its own VPC, `peer` for the other rack's. */
  za: string[];
  zb: string[];
  /** Authorizations left on either zone. */
  authorizations: number;
  /** The peering stacks on each side. */
  stacks: string[];
}

async function zoneState(): Promise<ZoneState> {
  const accounts = [
    { rack: "za", other: "zb", cloudFormation: world.aws.cloudFormation, route53: world.aws.route53 },
    { rack: "zb", other: "za", cloudFormation: peerAccount.cloudFormation, route53: peerAccount.route53 },
  ] as const;
  const vpcs = new Map<string, string>();
  const zones = new Map<string, string>();
  for (const { rack, cloudFormation } of accounts) {
    const stack = await describeTestStack(cloudFormation, rack);
    vpcs.set(stack.outputs.VpcId ?? "", rack);
    zones.set(rack, stack.outputs.RouterZoneId ?? "");
  }
  const state: ZoneState = { za: [], zb: [], authorizations: 0, stacks: [] };
  for (const { rack, other, cloudFormation, route53 } of accounts) {
    const zone = zones.get(rack) ?? "";
    const associated = (await route53.send(new GetHostedZoneCommand({ Id: zone }))).VPCs ?? [];
    state[rack] = associated.map((vpc) => (vpcs.get(vpc.VPCId ?? "") === rack ? "own" : vpcs.get(vpc.VPCId ?? "") === other ? "peer" : `other ${vpc.VPCId ?? ""}`)).sort();
    state.authorizations += ((await route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zone }))).VPCs ?? []).length;
    const side = await describeTestStack(cloudFormation, `${rack}-peering-${other}`).catch(() => undefined);
    if (side) state.stacks.push(`${rack}-peering-${other} ${side.status.replace(/^(CREATE|UPDATE)_COMPLETE$/, "COMPLETE")}`);
  }
  return state;
}

const PEERED: ZoneState = { za: ["own", "peer"], zb: ["own", "peer"], authorizations: 0, stacks: ["za-peering-zb COMPLETE", "zb-peering-za COMPLETE"] };
const UNPEERED: ZoneState = { za: ["own"], zb: ["own"], authorizations: 0, stacks: [] };

/** What a whole peering leaves in rack za's account: the connection's state, za's zone's VPCs, its authorizations. */
async function whole(): Promise<{ state: string | undefined; zoneVpcs: number; authorizations: number; sides: string[] }> {
  const rack = await describeTestStack(world.aws.cloudFormation, "za");
  const side = await describeTestStack(world.aws.cloudFormation, "za-peering-zb");
  const found = await world.aws.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [side.outputs.PeeringConnectionId ?? ""] }));
  const zone = rack.outputs.RouterZoneId ?? "";
  const vpcs = (await world.aws.route53.send(new GetHostedZoneCommand({ Id: zone }))).VPCs ?? [];
  const authorizations = (await world.aws.route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zone }))).VPCs ?? [];
  return { state: found.VpcPeeringConnections?.[0]?.Status?.Code, zoneVpcs: vpcs.length, authorizations: authorizations.length, sides: [side.status] };
}

/** `rack peers` from the account of `profile` (undefined: za's): the row of its rack's side. */
async function row(profile?: string): Promise<{ complete: boolean; missing: string[] } | undefined> {
  const listed = JSON.parse((await succeeds(world, "rack", "peers", "--json", ...(profile ? ["--profile", profile] : []))).stdout) as { rack: string; peer: string; complete: boolean; missing: string[] }[];
  return profile ? listed.find((view) => view.rack === "zb" && view.peer === "za") : listed.find((view) => view.rack === "za" && view.peer === "zb");
}

/** Ctrl-C three times while racknet waits on the `nth` call of `operation`: it quits at once (src/safety/lock.ts, CtrlCWatch), inside its step; then the call goes through. */
async function quitAt(operation: string, nth: number, args: string[]): Promise<CliResult> {
  const held = world.hold(operation, nth);
  const run = spawnCli(args, { env: world.env });
  const reachedOrDone = await Promise.race([held.reached.then(() => "reached" as const), run.done.then(() => "done" as const)]);
  if (reachedOrDone === "reached") {
    for (let press = 0; press < 3; press += 1) {
      run.interrupt();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  held.release();
  return run.done;
}

type Stop = "Ctrl-C" | "Ctrl-C three times";
const STOPS: readonly Stop[] = ["Ctrl-C", "Ctrl-C three times"];

/** What rack peers on each side must call half done: that side's zone not joined to the other VPC, or an authorization of it left. */
function halfDone(state: ZoneState, rack: "za" | "zb", authorizationsOn: number): boolean {
  return !state[rack].includes("peer") || authorizationsOn > 0;
}

async function authorizationsOn(rack: "za" | "zb"): Promise<number> {
  const [cloudFormation, route53] = rack === "za" ? [world.aws.cloudFormation, world.aws.route53] : [peerAccount.cloudFormation, peerAccount.route53];
  const zone = (await describeTestStack(cloudFormation, rack)).outputs.RouterZoneId ?? "";
  return ((await route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zone }))).VPCs ?? []).length;
}

beforeAll(async () => {
  world = await startWorld();
  home = mkdtempSync(join(tmpdir(), "racknet-zones-"));
  const role = "arn:aws:iam::555555555555:role/racknet-peer";
  writeFileSync(join(home, "config"), `[profile peer]\nrole_arn = ${role}\nsource_profile = base\nregion = us-east-1\n`);
  writeFileSync(join(home, "credentials"), "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
  Object.assign(world.env, { AWS_CONFIG_FILE: join(home, "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") });
  const base = { endpoint: world.moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  const assumed = (await new STSClient(base).send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "test" }))).Credentials;
  const credentials = { accessKeyId: assumed?.AccessKeyId ?? "", secretAccessKey: assumed?.SecretAccessKey ?? "", sessionToken: assumed?.SessionToken ?? "" };
  peerAccount = { cloudFormation: new CloudFormationClient({ ...base, credentials }), route53: new Route53Client({ ...base, credentials }) };
  await succeeds(world, "rack", "install", "za", "internal_router=true", "VPCCIDR=10.216.0.0/16", "--yes");
  await succeeds(world, "rack", "install", "zb", "internal_router=true", "VPCCIDR=10.217.0.0/16", "--yes", "--profile", "peer");
  expect(await zoneState()).toEqual(UNPEERED);
});

afterAll(async () => {
  await world?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

// The calls of each zone step, in order: zone:rack (za's zone, zb's VPC) then zone:peer (zb's zone, za's VPC),
// the command's last step: a Ctrl-C during it lets it complete (exit 0, saying so).
const peerPoints: Point[] = [
  { name: "za's zone: za's account authorizes zb's VPC", operation: "CreateVPCAssociationAuthorization", nth: 1 },
  { name: "za's zone: zb's account associates its VPC", operation: "AssociateVPCWithHostedZone", nth: 1 },
  { name: "za's zone: za's account withdraws the authorization", operation: "DeleteVPCAssociationAuthorization", nth: 1 },
  { name: "zb's zone: zb's account authorizes za's VPC", operation: "CreateVPCAssociationAuthorization", nth: 2, last: true },
  { name: "zb's zone: za's account associates its VPC", operation: "AssociateVPCWithHostedZone", nth: 2, last: true },
  { name: "zb's zone: zb's account withdraws the authorization", operation: "DeleteVPCAssociationAuthorization", nth: 2, last: true },
];

// unpeer: zone:peer (zb's zone) then zone:rack (za's zone), each a withdrawal of what is left, then the dissociation.
const unpeerPoints: Point[] = [
  { name: "zb's zone: a leftover authorization withdrawn", operation: "DeleteVPCAssociationAuthorization", nth: 1 },
  { name: "zb's zone: za's VPC dissociated", operation: "DisassociateVPCFromHostedZone", nth: 1 },
  { name: "za's zone: a leftover authorization withdrawn", operation: "DeleteVPCAssociationAuthorization", nth: 2 },
  { name: "za's zone: zb's VPC dissociated", operation: "DisassociateVPCFromHostedZone", nth: 2 },
];

describe("rack peer --peer-profile: Ctrl-C half way through the stacks' steps, then the same command again", () => {
  // The routers' change sets are the first two executed, the accepter's role the third, rack za's side the fourth.
  for (const [what, nth] of [["rack zb's accepter role", 3], ["rack za's side (the connection)", 4]] as const) {
    it(`Ctrl-C while ${what} is made: exit 130; rack peers names it; rack peer again ends whole`, async () => {
      expect(await zoneState()).toEqual(UNPEERED);
      const stopped = await world.interruptAt("ExecuteChangeSet", nth, PEER);
      interrupted(stopped);
      expect(stopped.stderr).toContain("run `racknet rack peer za zb --peer-profile peer` again to finish");
      const listed = JSON.parse((await succeeds(world, "rack", "peers", "--json")).stdout) as { rack: string; peer: string; complete: boolean; missing: string[] }[];
      const mine = listed.find((view) => view.rack === "za" && view.peer === "zb");
      expect(mine?.complete).toBe(false);
      expect(mine?.missing[0]).toContain("racknet rack peer za zb@us-east-1 is not finished");
      const again = await succeeds(world, ...PEER);
      expect(again.stderr).toContain("finishing racknet rack peer za zb@us-east-1");
      expect(await whole()).toEqual({ state: "active", zoneVpcs: 2, authorizations: 0, sides: ["CREATE_COMPLETE"] });
      await succeeds(world, ...UNPEER);
      expect(await zoneState()).toEqual(UNPEERED);
    });
  }
});

describe("rack peer --peer-profile: Ctrl-C at each Route 53 call of the zone steps, then the same command again", () => {
  for (const stop of STOPS) {
    for (const point of pick(peerPoints, 2, stop === "Ctrl-C" ? 31 : 32)) {
      it(`${stop} on ${point.operation} #${point.nth} (${point.name}): rack peers names it from each account; rack peer again ends peered`, async () => {
        let stopped: CliResult;
        if (stop === "Ctrl-C") {
          stopped = await world.interruptAt(point.operation, point.nth, PEER);
          interruptedAt(point, stopped);
        } else {
          stopped = await quitAt(point.operation, point.nth, PEER);
          interrupted(stopped);
        }
        const state = await zoneState();
        if (stopped.code === 130) {
          if (stop === "Ctrl-C") expect(stopped.stderr).toContain("run `racknet rack peer za zb --peer-profile peer` again to finish");
          const mine = await row();
          expect(mine?.complete).toBe(false);
          expect(mine?.missing[0]).toContain("racknet rack peer za zb@us-east-1 is not finished");
          // Beside the journal, what AWS shows of za's zone: not yet associated, or an authorization left.
          if (!state.za.includes("peer")) expect(mine?.missing.join("\n")).toContain("is not associated with zb's VPC");
          if ((await authorizationsOn("za")) > 0) expect(mine?.missing.join("\n")).toContain("still authorizes account 555555555555");
          // zb's account does not hold the journal: its row says what AWS shows of its zone.
          const theirs = await row("peer");
          const left = await authorizationsOn("zb");
          expect(theirs?.complete).toBe(!halfDone(state, "zb", left));
          if (!state.zb.includes("peer")) expect(theirs?.missing.join("\n")).toContain("is not associated with za's VPC");
          if (left > 0) expect(theirs?.missing.join("\n")).toContain("still authorizes account 123456789012");
          const again = await succeeds(world, ...PEER);
          expect(again.stderr).toContain("finishing racknet rack peer za zb@us-east-1");
        }
        expect(await zoneState()).toEqual(PEERED);
        expect([(await row())?.complete, (await row("peer"))?.complete]).toEqual([true, true]);
        await succeeds(world, ...UNPEER);
        expect(await zoneState()).toEqual(UNPEERED);
      });
    }
  }
});

describe("rack unpeer --peer-profile: Ctrl-C at each Route 53 call of the zone steps, then the same command again", () => {
  for (const stop of STOPS) {
    for (const point of pick(unpeerPoints, 1, stop === "Ctrl-C" ? 33 : 34)) {
      it(`${stop} on ${point.operation} #${point.nth} (${point.name}): rack peers names it; rack unpeer again leaves both racks as before`, async () => {
        await succeeds(world, ...PEER);
        expect(await zoneState()).toEqual(PEERED);
        const stopped = stop === "Ctrl-C" ? await world.interruptAt(point.operation, point.nth, UNPEER) : await quitAt(point.operation, point.nth, UNPEER);
        interrupted(stopped);
        if (stop === "Ctrl-C") expect(stopped.stderr).toContain("run `racknet rack unpeer za zb --peer-profile peer` again to finish");
        const state = await zoneState();
        const mine = await row();
        expect(mine?.complete).toBe(false);
        expect(mine?.missing[0]).toContain("racknet rack unpeer za zb@us-east-1 is not finished");
        const theirs = await row("peer");
        expect(theirs?.complete).toBe(!halfDone(state, "zb", await authorizationsOn("zb")));
        const again = await succeeds(world, ...UNPEER);
        expect(again.stderr).toContain("finishing racknet rack unpeer za zb@us-east-1");
        expect(await zoneState()).toEqual(UNPEERED);
        expect([await row(), await row("peer")]).toEqual([undefined, undefined]);
      });
    }
  }
});
