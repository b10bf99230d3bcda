import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeVpcPeeringConnectionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CloudFormationClient, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { GetHostedZoneCommand } from "@aws-sdk/client-route-53";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";
import { nonCamelKeys, violations } from "../json/schemas.js";

/**
 * Issue 25 end to end: racks installed without VPCCIDR get disjoint ranges; `rack peer` leaves an
 * active peering, a route to the peer in every route table of both racks, each router admitting
 * the other's range and each router zone associated with the other's VPC; `rack unpeer` puts both
 * back. The built CLI against the patched moto, then what exists in AWS afterwards.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const OTHER_REGION = "eu-west-1";
const cli = (...args: string[]) => runCli(args, { env });
const approve = ["--yes", "--require-approval", "never"];

/** The command's --json output, checked against its schema (docs/json.md). */
function json(command: "rack-peer" | "rack-unpeer" | "rack-peers", stdout: string): unknown {
  const value = JSON.parse(stdout) as unknown;
  expect(violations(command, value)).toBe("");
  expect(nonCamelKeys(value)).toEqual([]);
  return value;
}

function regional(region: string): { cloudFormation: CloudFormationClient; ec2: EC2Client } {
  const config = { endpoint: moto.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  return { cloudFormation: new CloudFormationClient(config), ec2: new EC2Client(config) };
}

interface RackFacts {
  cidr: string;
  vpcId: string;
  routeTables: string[];
  routerGroup: string;
  routerZone: string;
  params: Record<string, string>;
}

async function rackFacts(name: string, region = "us-east-1"): Promise<RackFacts> {
  const clients = regional(region);
  const stack = await describeTestStack(clients.cloudFormation, name);
  const resources = await clients.cloudFormation.send(new ListStackResourcesCommand({ StackName: name }));
  const routeTables = (resources.StackResourceSummaries ?? []).filter((resource) => resource.ResourceType === "AWS::EC2::RouteTable").map((resource) => resource.PhysicalResourceId ?? "");
  return {
    cidr: stack.outputs.VpcCidr ?? "",
    vpcId: stack.outputs.VpcId ?? "",
    routeTables,
    routerGroup: stack.outputs.RouterLoadBalancerSecurityGroup ?? "",
    routerZone: stack.outputs.RouterZoneId ?? "",
    params: stack.parameters,
  };
}

async function routesTo(facts: RackFacts, cidr: string, region = "us-east-1"): Promise<(string | undefined)[]> {
  const tables = await regional(region).ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: facts.routeTables }));
  return (tables.RouteTables ?? []).map((table) => table.Routes?.find((route) => route.DestinationCidrBlock === cidr)?.VpcPeeringConnectionId);
}

async function routerAdmits(facts: RackFacts, region = "us-east-1"): Promise<string[]> {
  const groups = await regional(region).ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [facts.routerGroup] }));
  return (groups.SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((permission) => (permission.IpRanges ?? []).map((range) => range.CidrIp ?? ""));
}

async function zoneVpcs(facts: RackFacts): Promise<string[]> {
  const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: facts.routerZone }));
  return (zone.VPCs ?? []).map((vpc) => `${vpc.VPCRegion}:${vpc.VPCId}`);
}

async function peeringState(id: string, region = "us-east-1"): Promise<string | undefined> {
  const found = await regional(region).ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
  return found.VpcPeeringConnections?.[0]?.Status?.Code;
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("rack to rack (issue 25)", () => {
  it("racks installed without VPCCIDR get disjoint ranges; peer and unpeer in one Region", async () => {
    for (const name of ["pa", "pb"]) {
      const installed = await cli("rack", "install", name, "internal_router=true", "--yes");
      expect(installed.stderr).not.toSatisfy(hasStackTrace);
      expect(installed.code, installed.stderr).toBe(0);
    }
    const [a0, b0] = [await rackFacts("pa"), await rackFacts("pb")];
    expect(a0.cidr).not.toBe(b0.cidr);

    const peered = await cli("rack", "peer", "pa", "pb", ...approve, "--json");
    expect(peered.code, peered.stderr).toBe(0);
    expect(json("rack-peer", peered.stdout)).toMatchObject({ rack: "pa", peer: "pb", region: "us-east-1", peerRegion: "us-east-1", outcome: "applied" });
    const [a, b] = [await rackFacts("pa"), await rackFacts("pb")];
    const connection = (await routesTo(a, b.cidr))[0] ?? "";
    expect(await peeringState(connection)).toBe("active");
    expect(await routesTo(a, b.cidr)).toEqual(a.routeTables.map(() => connection));
    expect(await routesTo(b, a.cidr)).toEqual(b.routeTables.map(() => connection));
    expect(await routerAdmits(a)).toContain(b.cidr);
    expect(await routerAdmits(b)).toContain(a.cidr);
    expect(await zoneVpcs(a)).toContain(`us-east-1:${b.vpcId}`);
    expect(await zoneVpcs(b)).toContain(`us-east-1:${a.vpcId}`);

    const listed = json("rack-peers", (await cli("rack", "peers", "--json")).stdout) as { rack: string; peer: string; state: string; complete: boolean; missing: string[] }[];
    const ours = listed.filter((view) => ["pa", "pb"].includes(view.rack));
    expect(ours.map((view) => [view.rack, view.peer, view.state, view.complete, view.missing])).toEqual([
      ["pa", "pb", "active", true, []],
      ["pb", "pa", "active", true, []],
    ]);

    const refused = await cli("rack", "uninstall", "pa", "--yes");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("racknet rack unpeer pa pb");

    const unpeered = await cli("rack", "unpeer", "pa", "pb", ...approve, "--json");
    expect(unpeered.code, unpeered.stderr).toBe(0);
    expect(json("rack-unpeer", unpeered.stdout)).toEqual({ rack: "pa", peer: "pb", region: "us-east-1", peerRegion: "us-east-1", outcome: "applied" });
    const [a1, b1] = [await rackFacts("pa"), await rackFacts("pb")];
    expect(await peeringState(connection)).toBe("deleted");
    expect(await routesTo(a1, b.cidr)).toEqual(a.routeTables.map(() => undefined));
    expect(await routesTo(b1, a.cidr)).toEqual(b.routeTables.map(() => undefined));
    expect(await routerAdmits(a1)).not.toContain(b.cidr);
    expect(await zoneVpcs(a1)).not.toContain(`us-east-1:${b.vpcId}`);
    expect([a1.params.InternalRouterCidrs, a1.params.InternalRouterVpcs]).toEqual([a0.params.InternalRouterCidrs, a0.params.InternalRouterVpcs]);
    expect([b1.params.InternalRouterCidrs, b1.params.InternalRouterVpcs]).toEqual([b0.params.InternalRouterCidrs, b0.params.InternalRouterVpcs]);
  });

  it("across two Regions: the peering is requested with PeerRegion, both sides route, each zone is associated in the other's Region", async () => {
    const installed = await cli("rack", "install", "pw", "internal_router=true", "--yes", "--region", OTHER_REGION);
    expect(installed.code, installed.stderr).toBe(0);
    const dryRun = await cli("rack", "peer", "pa", "pw", "--peer-region", OTHER_REGION, "--dry-run", "--json");
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(json("rack-peer", dryRun.stdout)).toMatchObject({ outcome: "dry-run", peeringConnectionId: null });
    const peered = await cli("rack", "peer", "pa", "pw", "--peer-region", OTHER_REGION, ...approve);
    expect(peered.code, peered.stderr).toBe(0);
    const [a, w] = [await rackFacts("pa"), await rackFacts("pw", OTHER_REGION)];
    expect(a.cidr).not.toBe(w.cidr);
    const connection = (await routesTo(a, w.cidr))[0] ?? "";
    expect(await peeringState(connection)).toBe("active");
    expect(await routesTo(w, a.cidr, OTHER_REGION)).toEqual(w.routeTables.map(() => connection));
    expect(await zoneVpcs(a)).toContain(`${OTHER_REGION}:${w.vpcId}`);
    expect(await zoneVpcs(w)).toContain(`us-east-1:${a.vpcId}`);
    expect(a.params.InternalRouterVpcs).toBe(`${OTHER_REGION}:${w.vpcId}`);
    const listed = json("rack-peers", (await cli("rack", "peers", "-r", "pa", "--json")).stdout) as { peer: string; peerRegion: string; state: string; complete: boolean; missing: string[] }[];
    expect(listed.map((view) => [view.peer, view.peerRegion, view.state, view.complete, view.missing])).toEqual([["pw", OTHER_REGION, "active", true, []]]);
    const unpeered = await cli("rack", "unpeer", "pa", "pw", "--peer-region", OTHER_REGION, ...approve);
    expect(unpeered.code, unpeered.stderr).toBe(0);
    expect(await routesTo(await rackFacts("pw", OTHER_REGION), a.cidr, OTHER_REGION)).toEqual(w.routeTables.map(() => undefined));
  });
});
