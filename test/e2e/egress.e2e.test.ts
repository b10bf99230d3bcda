import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllocateAddressCommand,
  AttachInternetGatewayCommand,
  AssociateRouteTableCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Issue 26 on the patched moto, through the built CLI: a private rack's S3 gateway endpoint
 * on every private route table; NatGateways=One leaves one NAT gateway with every private
 * default route on it, and back to PerZone replaces no subnet; a rack installed into a VPC
 * made beforehand creates no VPC, subnet, gateway or route, a broken one is refused before
 * any write, and uninstall leaves the VPC exactly as it was.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

async function outputs(stack: string): Promise<Record<string, string>> {
  const found = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
  return Object.fromEntries((found?.Outputs ?? []).map((output) => [output.OutputKey ?? "", output.OutputValue ?? ""]));
}

const vpcFilter = (vpcId: string) => [{ Name: "vpc-id", Values: [vpcId] }];

async function liveNats(ec2: EC2Client, vpcId: string) {
  const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: vpcFilter(vpcId) }))).NatGateways ?? [];
  return nats.filter((nat) => nat.State === "available" || nat.State === "pending");
}

describe("a private rack's egress", () => {
  let vpcId = "";
  let privateSubnets: string[] = [];

  it("NatGateways=One at install: one NAT gateway, every private route table's default route on it, the S3 gateway endpoint on all of them", async () => {
    const result = await cli("rack", "install", "egress", "--private", "NatGateways=One", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const out = await outputs("egress");
    vpcId = out.VpcId ?? "";
    privateSubnets = (out.PrivateSubnets ?? "").split(",");
    const nats = await liveNats(aws.ec2, vpcId);
    expect(nats).toHaveLength(1);
    const tables = (await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: privateSubnets }] }))).RouteTables ?? [];
    expect(tables).toHaveLength(privateSubnets.length);
    for (const table of tables) expect(table.Routes?.find((route) => route.DestinationCidrBlock === "0.0.0.0/0")?.NatGatewayId).toBe(nats[0]?.NatGatewayId);
    const endpoints = (await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: vpcFilter(vpcId) }))).VpcEndpoints ?? [];
    const s3 = endpoints.find((endpoint) => endpoint.ServiceName === "com.amazonaws.us-east-1.s3");
    expect(s3?.VpcEndpointType).toBe("Gateway");
    expect([...(s3?.RouteTableIds ?? [])].sort()).toEqual(tables.map((table) => table.RouteTableId).sort());
  });

  it("back to PerZone: a NAT gateway per zone, each zone's route on its own, no subnet replaced", async () => {
    const result = await cli("rack", "params", "set", "NatGateways=PerZone", "-r", "egress", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("will be created first, then the private routes move to them");
    expect((await outputs("egress")).PrivateSubnets?.split(",")).toEqual(privateSubnets);
    const subnets = (await aws.ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter(vpcId) }))).Subnets ?? [];
    expect(subnets.map((subnet) => subnet.SubnetId)).toEqual(expect.arrayContaining(privateSubnets));
    const nats = await liveNats(aws.ec2, vpcId);
    expect(nats).toHaveLength(privateSubnets.length);
    const tables = (await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: privateSubnets }] }))).RouteTables ?? [];
    const targets = new Set(tables.map((table) => table.Routes?.find((route) => route.DestinationCidrBlock === "0.0.0.0/0")?.NatGatewayId));
    expect(targets.size).toBe(privateSubnets.length);
  });

  it("Private=No: the S3 gateway endpoint goes with the private route tables", async () => {
    const result = await cli("rack", "params", "set", "Private=No", "-r", "egress", "--yes", "--allow-destroy", "--require-approval", "never");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("the S3 gateway endpoint goes with the private route tables");
    const endpoints = (await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: vpcFilter(vpcId) }))).VpcEndpoints ?? [];
    expect(endpoints.filter((endpoint) => endpoint.State?.toLowerCase() !== "deleted")).toEqual([]);
    expect(await liveNats(aws.ec2, vpcId)).toEqual([]);
  });

  it("uninstalled", async () => {
    const result = await cli("rack", "uninstall", "egress", "--yes");
    expect(result.code, result.stderr).toBe(0);
  });
});

/** A VPC as a network team makes it: two public subnets routed to an internet gateway, two private ones to a NAT gateway. */
async function teamVpc(ec2: EC2Client, cidr: string, dnsHostnames = true) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId ?? "";
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: dnsHostnames } }));
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? "";
  await ec2.send(new AttachInternetGatewayCommand({ VpcId: vpcId, InternetGatewayId: igw }));
  const prefix = cidr.split(".").slice(0, 2).join(".");
  const subnet = async (third: number, zone: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${prefix}.${third}.0/24`, AvailabilityZone: zone }))).Subnet?.SubnetId ?? "";
  const publicSubnets = [await subnet(0, "us-east-1a"), await subnet(1, "us-east-1b")];
  const privateSubnets = [await subnet(10, "us-east-1a"), await subnet(11, "us-east-1b")];
  const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? "";
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  for (const id of publicSubnets) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: id }));
  const address = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnets[0], AllocationId: address }))).NatGateway?.NatGatewayId ?? "";
  const privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? "";
  await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
  for (const id of privateSubnets) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: id }));
  return { vpcId, publicSubnets, privateSubnets };
}

/** Everything of the VPC a rack must leave as it was. */
async function snapshot(ec2: EC2Client, vpcId: string): Promise<string> {
  const [vpcs, subnets, tables, gateways, nats, endpoints] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
    ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter(vpcId) })),
    ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter(vpcId) })),
    ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }] })),
    ec2.send(new DescribeNatGatewaysCommand({ Filter: vpcFilter(vpcId) })),
    ec2.send(new DescribeVpcEndpointsCommand({ Filters: vpcFilter(vpcId) })),
  ]);
  return JSON.stringify({
    vpcs: vpcs.Vpcs?.map((vpc) => [vpc.VpcId, vpc.CidrBlock]),
    // Free addresses change while the rack runs; the subnets themselves must not.
    subnets: subnets.Subnets?.map((subnet) => [subnet.SubnetId, subnet.CidrBlock, subnet.AvailabilityZone]).sort(),
    tables: tables.RouteTables?.map((table) => [table.RouteTableId, table.Associations?.map((association) => association.SubnetId).sort(), table.Routes?.map((route) => [route.DestinationCidrBlock ?? route.DestinationPrefixListId, route.GatewayId ?? route.NatGatewayId])]).sort(),
    gateways: gateways.InternetGateways?.map((gateway) => gateway.InternetGatewayId),
    nats: nats.NatGateways?.map((nat) => [nat.NatGatewayId, nat.State]),
    endpoints: endpoints.VpcEndpoints?.map((endpoint) => endpoint.VpcEndpointId),
  });
}

describe("a rack installed into an existing VPC", () => {
  it("a VPC with DNS hostnames off is refused before any write, with the fix", async () => {
    const team = await teamVpc(aws.ec2, "10.61.0.0/16", false);
    const result = await cli("rack", "install", "nodns", `ExistingVpc=${team.vpcId}`, `ExistingPublicSubnets=${team.publicSubnets.join(",")}`, `ExistingPrivateSubnets=${team.privateSubnets.join(",")}`, "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`rack nodns cannot be installed into ${team.vpcId} as it is; nothing was changed`);
    expect(result.stderr).toContain("--enable-dns-hostnames");
    await expect(aws.cloudFormation.send(new DescribeStacksCommand({ StackName: "nodns" }))).rejects.toThrow();
  });

  it("creates no VPC, subnet, gateway or route; uninstall leaves the VPC exactly as it was", async () => {
    const team = await teamVpc(aws.ec2, "10.60.0.0/16");
    const before = await snapshot(aws.ec2, team.vpcId);
    const vpcsBefore = (await aws.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length;

    const install = await cli("rack", "install", "team", `ExistingVpc=${team.vpcId}`, `ExistingPublicSubnets=${team.publicSubnets.join(",")}`, `ExistingPrivateSubnets=${team.privateSubnets.join(",")}`, "--yes");
    expect(install.code, install.stderr).toBe(0);
    expect(await outputs("team")).toMatchObject({ VpcId: team.vpcId, VpcCidr: "10.60.0.0/16", ServiceSubnets: team.privateSubnets.join(","), AssignPublicIp: "DISABLED" });
    expect((await aws.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length).toBe(vpcsBefore);
    expect(await snapshot(aws.ec2, team.vpcId)).toBe(before);

    const uninstall = await cli("rack", "uninstall", "team", "--yes");
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(await snapshot(aws.ec2, team.vpcId)).toBe(before);
  });
});
