import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeVpcPeeringConnectionsCommand } from "@aws-sdk/client-ec2";
import { GetHostedZoneCommand, ListVPCAssociationAuthorizationsCommand } from "@aws-sdk/client-route-53";
import { interrupted, startWorld, succeeds, type World } from "./interrupts-world.js";
import { describeTestStack } from "../support/moto.js";

/**
 * `rack peer --peer-profile` (issue 25, item 5, across two accounts) on the patched moto behind
 * the fault proxy, the built CLI: Ctrl-C while the accepter's role is made, and while rack a's
 * side (the connection) is made; each time `rack peers` names the half-done peering and the same
 * command again ends with the peering whole: active, routed, both zones associated, no
 * authorization left. The second account is a role of another account id (its profile assumes it).
 * The zone steps' Route 53 calls: interrupts-peering-zones.e2e.test.ts.
 */
let world: World;
let home: string;
const PEER = ["rack", "peer", "ia", "ib", "--peer-profile", "peer", "--yes", "--require-approval", "never"];
const UNPEER = ["rack", "unpeer", "ia", "ib", "--peer-profile", "peer", "--yes", "--require-approval", "never"];

/** What a whole peering leaves in rack ia's account: the connection's state, ia's zone's VPCs, its authorizations. */
async function whole(): Promise<{ state: string | undefined; zoneVpcs: number; authorizations: number; sides: string[] }> {
  const rack = await describeTestStack(world.aws.cloudFormation, "ia");
  const side = await describeTestStack(world.aws.cloudFormation, "ia-peering-ib");
  const found = await world.aws.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [side.outputs.PeeringConnectionId ?? ""] }));
  const zone = rack.outputs.RouterZoneId ?? "";
  const vpcs = (await world.aws.route53.send(new GetHostedZoneCommand({ Id: zone }))).VPCs ?? [];
  const authorizations = (await world.aws.route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zone }))).VPCs ?? [];
  return { state: found.VpcPeeringConnections?.[0]?.Status?.Code, zoneVpcs: vpcs.length, authorizations: authorizations.length, sides: [side.status] };
}

beforeAll(async () => {
  world = await startWorld();
  home = mkdtempSync(join(tmpdir(), "racknet-accounts-"));
  writeFileSync(join(home, "config"), "[profile peer]\nrole_arn = arn:aws:iam::555555555555:role/racknet-peer\nsource_profile = base\nregion = us-east-1\n");
  writeFileSync(join(home, "credentials"), "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
  Object.assign(world.env, { AWS_CONFIG_FILE: join(home, "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") });
  await succeeds(world, "rack", "install", "ia", "internal_router=true", "VPCCIDR=10.214.0.0/16", "--yes");
  await succeeds(world, "rack", "install", "ib", "internal_router=true", "VPCCIDR=10.215.0.0/16", "--yes", "--profile", "peer");
});

afterAll(async () => {
  await world?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("rack peer --peer-profile: Ctrl-C half way, then the same command again", () => {
  // The routers' change sets are the first two executed, the accepter's role the third, rack ia's side the fourth.
  for (const [what, nth] of [["rack ib's accepter role", 3], ["rack ia's side (the connection)", 4]] as const) {
    it(`Ctrl-C while ${what} is made: exit 130; rack peers names it; rack peer again ends whole`, async () => {
      const stopped = await world.interruptAt("ExecuteChangeSet", nth, PEER);
      interrupted(stopped);
      expect(stopped.stderr).toContain("run `racknet rack peer ia ib --peer-profile peer` again to finish");
      const listed = JSON.parse((await succeeds(world, "rack", "peers", "--json")).stdout) as { rack: string; peer: string; complete: boolean; missing: string[] }[];
      const row = listed.find((view) => view.rack === "ia" && view.peer === "ib");
      expect(row?.complete).toBe(false);
      expect(row?.missing[0]).toContain("racknet rack peer ia ib@us-east-1 is not finished");
      const again = await succeeds(world, ...PEER);
      expect(again.stderr).toContain("finishing racknet rack peer ia ib@us-east-1");
      expect(await whole()).toEqual({ state: "active", zoneVpcs: 2, authorizations: 0, sides: ["CREATE_COMPLETE"] });
      await succeeds(world, ...UNPEER);
    });
  }
});
