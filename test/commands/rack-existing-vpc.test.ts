import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type DescribeNetworkInterfacesCommandInput,
  type DescribeSubnetsCommandInput,
  type NetworkInterface,
} from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";

/**
 * `racknet rack install NAME ExistingVpc=… ExistingPublicSubnets=… ExistingPrivateSubnets=…`
 * (issue 26, item 4) on the in-memory AWS: the VPC is read and checked before any write, the
 * stack makes no network of its own, and uninstall waits only for what uses the rack's group.
 */

const VPC = "vpc-0123456789abcdef0";
const PUBLIC = ["subnet-000000000000000a1", "subnet-000000000000000a2"];
const PRIVATE = ["subnet-000000000000000b1", "subnet-000000000000000b2"];
const NETWORK_TYPES = ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::RouteTable", "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::NatGateway", "AWS::EC2::EIP"];

interface VpcState {
  dnsHostnames: boolean;
  privateDefaultRoute: boolean;
  zones: string[];
}

let h: AwsHarness;
let vpc: VpcState;
/** Interfaces in the VPC that are not the rack's: another team's instance. */
let interfaces: NetworkInterface[];
/** The VPC's own endpoints. */
let endpoints: { ServiceName: string; VpcEndpointType: string; PrivateDnsEnabled: boolean; State: string }[];

beforeEach(() => {
  h = awsHarness();
  vpc = { dnsHostnames: true, privateDefaultRoute: true, zones: [] };
  endpoints = [];
  interfaces = [{ NetworkInterfaceId: "eni-0other", SubnetId: PRIVATE[0], VpcId: VPC, Description: "an instance of another team", Status: "in-use", Groups: [{ GroupId: "sg-0other" }] }];
  const ec2 = h.stubs.EC2;
  if (!ec2) throw new Error("no EC2 stub");
  ec2.on(DescribeVpcsCommand).callsFake(async () => ({ Vpcs: [{ VpcId: VPC, CidrBlock: "10.20.0.0/16", CidrBlockAssociationSet: [{ CidrBlock: "10.20.0.0/16", CidrBlockState: { State: "associated" } }] }] }));
  ec2.on(DescribeVpcAttributeCommand).callsFake(async (input: { Attribute?: string }) =>
    input.Attribute === "enableDnsSupport" ? { EnableDnsSupport: { Value: true } } : { EnableDnsHostnames: { Value: vpc.dnsHostnames } },
  );
  ec2.on(DescribeSubnetsCommand).callsFake(async (input: DescribeSubnetsCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === "subnet-id")?.Values ?? []);
    const all = [...PUBLIC, ...PRIVATE].map((SubnetId, index) => ({ SubnetId, VpcId: VPC, AvailabilityZone: `us-east-1${"ab"[index % 2] ?? "a"}`, AvailabilityZoneId: `use1-az${(index % 2) + 1}`, CidrBlock: `10.20.${index}.0/24`, AvailableIpAddressCount: 250 }));
    return { Subnets: all.filter((subnet) => wanted.has(subnet.SubnetId)) };
  });
  ec2.on(DescribeRouteTablesCommand).callsFake(async () => ({
    RouteTables: [
      { RouteTableId: "rtb-public", Associations: PUBLIC.map((SubnetId) => ({ SubnetId })), Routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0123", State: "active" }] },
      { RouteTableId: "rtb-private", Associations: PRIVATE.map((SubnetId) => ({ SubnetId })), Routes: vpc.privateDefaultRoute ? [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0123", State: "active" }] : [] },
    ],
  }));
  ec2.on(DescribeVpcEndpointsCommand).callsFake(async () => ({ VpcEndpoints: endpoints }));
  ec2.on(DescribeNetworkInterfacesCommand).callsFake(async (input: DescribeNetworkInterfacesCommandInput) => {
    const filter = input.Filters?.[0];
    const values = new Set(filter?.Values ?? []);
    const match = (eni: NetworkInterface) =>
      filter?.Name === "group-id" ? (eni.Groups ?? []).some((group) => values.has(group.GroupId ?? "")) : filter?.Name === "vpc-id" ? values.has(eni.VpcId ?? "") : values.has(eni.SubnetId ?? "");
    return { NetworkInterfaces: interfaces.filter(match) };
  });
  h.stubs.Route53?.on(ListHostedZonesByVPCCommand).resolves({ HostedZoneSummaries: [], MaxItems: 100 });
});
afterEach(() => h.restore());

const args = (params: string[] = []): InstallArgs => ({
  name: "prod",
  private: false,
  params: [`ExistingVpc=${VPC}`, `ExistingPublicSubnets=${PUBLIC.join(",")}`, `ExistingPrivateSubnets=${PRIVATE.join(",")}`, ...params],
});

describe("racknet rack install into an existing VPC", () => {
  it("makes no VPC, subnet, gateway or route; the rack runs in the given subnets, with the VPC's range and the subnets' zones", async () => {
    h.options.yes = true;
    const result = await h.run(install, args());
    expect(result.exitCode, `${result.stderr} ${String((result.error as Error | undefined)?.stack)}`).toBe(0);
    const stack = h.cloudFormation.stack("prod");
    expect(Object.values(stack?.resources ?? {}).filter((resource) => NETWORK_TYPES.includes(resource.Type))).toEqual([]);
    expect(stack?.parameters).toMatchObject({ ExistingVpc: VPC, Private: "Yes", VPCCIDR: "10.20.0.0/16", AvailabilityZones: "us-east-1a,us-east-1b", AvailabilityZoneCount: "2" });
    expect(stack?.outputs).toMatchObject({ VpcId: VPC, ServiceSubnets: PRIVATE.join(","), PublicSubnets: PUBLIC.join(",") });
    expect(result.stderr).toContain(`the rack goes into ${VPC}: racknet creates no VPC, subnet, internet or NAT gateway`);
    expect(result.writes.filter((write) => write.startsWith("EC2."))).toEqual([]);
  });

  it("a broken VPC is refused before any write, every problem with its fix", async () => {
    h.options.yes = true;
    vpc.dnsHostnames = false;
    vpc.privateDefaultRoute = false;
    const result = await h.run(install, args());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`rack prod cannot be installed into ${VPC} as it is; nothing was changed`);
    expect(result.stderr).toContain("--enable-dns-hostnames");
    expect(result.stderr).toContain(`subnet ${PRIVATE[0]} (us-east-1a) has no default route to a NAT gateway`);
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });

  it("Private, NatGateways and VPCCIDR are the network team's: refused with an existing VPC, before any AWS call", async () => {
    h.options.yes = true;
    const result = await h.run(install, args(["NatGateways=One", "VPCCIDR=10.9.0.0/16"]));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`NatGateways cannot be set on a rack in an existing VPC (${VPC})`);
    expect(result.stderr).toContain(`VPCCIDR cannot be set on a rack in an existing VPC (${VPC})`);
    expect(result.calls).toEqual([]);
  });

  it("params set VpcEndpoints=Yes where the VPC already has one of those endpoints with private DNS: refused before any write", async () => {
    h.options.yes = true;
    expect((await h.run(install, args())).exitCode).toBe(0);
    endpoints = [{ ServiceName: "com.amazonaws.us-east-1.logs", VpcEndpointType: "Interface", PrivateDnsEnabled: true, State: "available" }];
    Object.assign(h.options, { rack: "prod" });
    const result = await h.run(paramsSet, { params: ["VpcEndpoints=Yes"] });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${VPC} already has interface endpoints with private DNS for logs`);
    expect(resourceWrites(result)).toEqual([]);
    endpoints = [];
    const accepted = await h.run(paramsSet, { params: ["VpcEndpoints=Yes"] });
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.VpcEndpoints).toBe("Yes");
  });

  it("uninstall leaves the VPC's other interfaces alone: it waits only for those using the rack's security group", async () => {
    h.options.yes = true;
    expect((await h.run(install, args())).exitCode).toBe(0);
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode, result.stderr).toBe(0);
    const asked = result.calls.filter((call) => call.operation === "EC2.DescribeNetworkInterfaces").map((call) => JSON.stringify(call.input));
    expect(asked.length).toBeGreaterThan(0);
    for (const input of asked) expect(input).toContain("group-id");
    expect(result.writes.filter((write) => write.startsWith("EC2."))).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });
});
