import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeVpcPeeringConnectionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetHostedZoneCommand, ListVPCAssociationAuthorizationsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { startMoto, awsEnv, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";
import { nonCamelKeys, violations } from "../json/schemas.js";

/**
 * Issue 25 across two accounts: rack pxa in the default account, rack pxb in another account id
 * (profile `peer`: a role of account 222222222222 assumed from the default credentials, as moto's
 * STS maps it). `rack peer --peer-profile peer` leaves an active peering (accepted through the
 * role PEER's side stack holds), routes both ways, both routers open, and each router zone
 * associated with the other's VPC through Route 53's authorization (withdrawn after); `rack
 * unpeer` puts both back. The built CLI against the patched moto, then what exists in each account.
 */
const PEER_ACCOUNT = "222222222222";
const ROLE = `arn:aws:iam::${PEER_ACCOUNT}:role/racknet-peer`;
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let home: string;
const cli = (...args: string[]) => runCli(args, { env });
const approve = ["--yes", "--require-approval", "never"];

interface AccountClients {
  cloudFormation: CloudFormationClient;
  ec2: EC2Client;
  route53: Route53Client;
}
let accountA: AccountClients;
let accountB: AccountClients;

function clientsWith(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): AccountClients {
  const config = { endpoint: moto.endpoint, region: "us-east-1", credentials };
  return { cloudFormation: new CloudFormationClient(config), ec2: new EC2Client(config), route53: new Route53Client(config) };
}

function json(command: "rack-peer" | "rack-unpeer" | "rack-peers", stdout: string): unknown {
  const value = JSON.parse(stdout) as unknown;
  expect(violations(command, value)).toBe("");
  expect(nonCamelKeys(value)).toEqual([]);
  return value;
}

interface RackFacts {
  cidr: string;
  vpcId: string;
  routeTables: string[];
  routerGroup: string;
  routerZone: string;
  params: Record<string, string>;
}

async function rackFacts(aws: AccountClients, name: string): Promise<RackFacts> {
  const stack = await describeTestStack(aws.cloudFormation, name);
  const resources = await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: name }));
  return {
    cidr: stack.outputs.VpcCidr ?? "",
    vpcId: stack.outputs.VpcId ?? "",
    routeTables: (resources.StackResourceSummaries ?? []).filter((resource) => resource.ResourceType === "AWS::EC2::RouteTable").map((resource) => resource.PhysicalResourceId ?? ""),
    routerGroup: stack.outputs.RouterLoadBalancerSecurityGroup ?? "",
    routerZone: stack.outputs.RouterZoneId ?? "",
    params: stack.parameters,
  };
}

async function routesTo(aws: AccountClients, facts: RackFacts, cidr: string): Promise<(string | undefined)[]> {
  const tables = await aws.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: facts.routeTables }));
  return (tables.RouteTables ?? []).map((table) => table.Routes?.find((route) => route.DestinationCidrBlock === cidr)?.VpcPeeringConnectionId);
}

async function routerAdmits(aws: AccountClients, facts: RackFacts): Promise<string[]> {
  const groups = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [facts.routerGroup] }));
  return (groups.SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((permission) => (permission.IpRanges ?? []).map((range) => range.CidrIp ?? ""));
}

async function zoneVpcs(aws: AccountClients, facts: RackFacts): Promise<string[]> {
  const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: facts.routerZone }));
  return (zone.VPCs ?? []).map((vpc) => vpc.VPCId ?? "");
}

async function authorizations(aws: AccountClients, facts: RackFacts): Promise<string[]> {
  const listed = await aws.route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: facts.routerZone }));
  return (listed.VPCs ?? []).map((vpc) => vpc.VPCId ?? "");
}

beforeAll(async () => {
  moto = await startMoto();
  home = mkdtempSync(join(tmpdir(), "racknet-accounts-"));
  writeFileSync(join(home, "config"), `[profile peer]\nrole_arn = ${ROLE}\nsource_profile = base\nregion = us-east-1\n`);
  writeFileSync(join(home, "credentials"), "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
  env = awsEnv(moto.endpoint, { AWS_CONFIG_FILE: join(home, "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") });
  const base = { accessKeyId: "testing", secretAccessKey: "testing" };
  accountA = clientsWith(base);
  const assumed = await new STSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: base }).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "racknet-e2e" }));
  accountB = clientsWith({ accessKeyId: assumed.Credentials?.AccessKeyId ?? "", secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "", sessionToken: assumed.Credentials?.SessionToken ?? "" });
});

afterAll(async () => {
  await moto?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("rack to rack across two accounts (issue 25, --peer-profile)", () => {
  it("peer: accepted through PEER's role, routes and routers both ways, each zone associated through Route 53; peers says complete on each side; unpeer puts both back", async () => {
    const installedA = await cli("rack", "install", "pxa", "internal_router=true", "VPCCIDR=10.212.0.0/16", "--yes");
    expect(installedA.code, installedA.stderr).toBe(0);
    const installedB = await cli("rack", "install", "pxb", "internal_router=true", "VPCCIDR=10.213.0.0/16", "--yes", "--profile", "peer");
    expect(installedB.code, installedB.stderr).toBe(0);
    const [a0, b0] = [await rackFacts(accountA, "pxa"), await rackFacts(accountB, "pxb")];
    await expect(describeTestStack(accountA.cloudFormation, "pxb")).rejects.toThrow();

    const peered = await cli("rack", "peer", "pxa", "pxb", "--peer-profile", "peer", ...approve, "--json");
    expect(peered.stderr).not.toSatisfy(hasStackTrace);
    expect(peered.code, peered.stderr).toBe(0);
    expect(json("rack-peer", peered.stdout)).toMatchObject({ rack: "pxa", peer: "pxb", region: "us-east-1", peerRegion: "us-east-1", outcome: "applied" });
    const [a, b] = [await rackFacts(accountA, "pxa"), await rackFacts(accountB, "pxb")];
    const connection = (await routesTo(accountA, a, b.cidr))[0] ?? "";
    const seen = await accountB.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [connection] }));
    expect(seen.VpcPeeringConnections?.[0]?.Status?.Code).toBe("active");
    expect(seen.VpcPeeringConnections?.[0]?.AccepterVpcInfo?.OwnerId).toBe(PEER_ACCOUNT);
    expect(await routesTo(accountA, a, b.cidr)).toEqual(a.routeTables.map(() => connection));
    expect(await routesTo(accountB, b, a.cidr)).toEqual(b.routeTables.map(() => connection));
    expect(await routerAdmits(accountA, a)).toContain(b.cidr);
    expect(await routerAdmits(accountB, b)).toContain(a.cidr);
    // Names: each zone associated with the other account's VPC, not through internal_router_vpcs; no authorization left.
    expect(await zoneVpcs(accountA, a)).toEqual([a.vpcId, b.vpcId]);
    expect(await zoneVpcs(accountB, b)).toEqual([b.vpcId, a.vpcId]);
    expect([a.params.InternalRouterVpcs, b.params.InternalRouterVpcs]).toEqual(["", ""]);
    expect(await authorizations(accountA, a)).toEqual([]);
    expect(await authorizations(accountB, b)).toEqual([]);

    for (const [profile, rack, peer] of [[[], "pxa", "pxb"], [["--profile", "peer"], "pxb", "pxa"]] as const) {
      const listed = json("rack-peers", (await cli("rack", "peers", "--json", ...profile)).stdout) as { rack: string; peer: string; state: string; complete: boolean; missing: string[] }[];
      expect(listed.filter((view) => view.rack === rack).map((view) => [view.rack, view.peer, view.state, view.complete, view.missing])).toEqual([[rack, peer, "active", true, []]]);
    }

    const again = await cli("rack", "peer", "pxa", "pxb", "--peer-profile", "peer", ...approve);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already peered");

    const unpeered = await cli("rack", "unpeer", "pxa", "pxb", "--peer-profile", "peer", ...approve, "--json");
    expect(unpeered.code, unpeered.stderr).toBe(0);
    expect(json("rack-unpeer", unpeered.stdout)).toEqual({ rack: "pxa", peer: "pxb", region: "us-east-1", peerRegion: "us-east-1", outcome: "applied" });
    const [a1, b1] = [await rackFacts(accountA, "pxa"), await rackFacts(accountB, "pxb")];
    const gone = await accountA.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [connection] }));
    expect(gone.VpcPeeringConnections?.[0]?.Status?.Code).toBe("deleted");
    expect(await routesTo(accountA, a1, b.cidr)).toEqual(a.routeTables.map(() => undefined));
    expect(await routesTo(accountB, b1, a.cidr)).toEqual(b.routeTables.map(() => undefined));
    expect(await routerAdmits(accountA, a1)).not.toContain(b.cidr);
    expect(await routerAdmits(accountB, b1)).not.toContain(a.cidr);
    expect(await zoneVpcs(accountA, a1)).toEqual([a.vpcId]);
    expect(await zoneVpcs(accountB, b1)).toEqual([b.vpcId]);
    expect([a1.params.InternalRouterCidrs, b1.params.InternalRouterCidrs]).toEqual([a0.params.InternalRouterCidrs, b0.params.InternalRouterCidrs]);
    await expect(describeTestStack(accountB.cloudFormation, "pxb-peering-pxa")).rejects.toThrow();
  });

  it("a --peer-profile that names no profile: refused before any write, naming it", async () => {
    const refused = await cli("rack", "peer", "pxa", "pxb", "--peer-profile", "nosuch", ...approve);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--peer-profile nosuch: no such profile");
    expect(refused.stderr).not.toSatisfy(hasStackTrace);
  });
});
