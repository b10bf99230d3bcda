/**
 * What EC2 and Route 53 say about a VPC a rack is installed into (ExistingVpc): its ranges
 * and DNS attributes, the subnets asked for, its route tables, endpoints and private hosted
 * zones. Reads only, side by side; the checks are src/rack/existing-vpc.ts.
 */
import type { EC2Client, Route } from "@aws-sdk/client-ec2";
import type { Route53Client, VPCRegion } from "@aws-sdk/client-route-53";
import type { EndpointFacts, RouteFacts, RouteTarget, VpcFacts } from "../rack/existing-vpc.js";
import { sdk } from "./sdk.js";

export async function describeVpcFacts(ec2: EC2Client, route53: Route53Client, region: string, vpcId: string, subnetIds: readonly string[]): Promise<VpcFacts> {
  const ec2Sdk = sdk.ec2();
  const vpcs = await ec2
    .send(new ec2Sdk.DescribeVpcsCommand({ VpcIds: [vpcId] }))
    .then((result) => result.Vpcs ?? [])
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === "InvalidVpcID.NotFound") return [];
      throw error;
    });
  const vpc = vpcs[0];
  if (!vpc) return { vpcId, cidrs: [], dnsSupport: false, dnsHostnames: false, subnets: [], routeTables: [], endpoints: [], hostedZones: [] };
  const filter = [{ Name: "vpc-id", Values: [vpcId] }];
  const [dnsSupport, dnsHostnames, subnets, routeTables, endpoints, hostedZones] = await Promise.all([
    ec2.send(new ec2Sdk.DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: "enableDnsSupport" })).then((result) => result.EnableDnsSupport?.Value === true),
    ec2.send(new ec2Sdk.DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: "enableDnsHostnames" })).then((result) => result.EnableDnsHostnames?.Value === true),
    describeSubnets(ec2, subnetIds),
    collect(ec2Sdk.paginateDescribeRouteTables({ client: ec2 }, { Filters: filter }), (page) => page.RouteTables),
    vpcEndpointFacts(ec2, vpcId),
    privateZonesOf(route53, region, vpcId),
  ]);
  return {
    vpcId,
    primaryCidr: vpc.CidrBlock ?? "",
    cidrs: (vpc.CidrBlockAssociationSet ?? []).filter((set) => set.CidrBlockState?.State === "associated").map((set) => set.CidrBlock ?? "").filter(Boolean),
    dnsSupport,
    dnsHostnames,
    subnets,
    routeTables: routeTables.map((table) => ({
      id: table.RouteTableId ?? "",
      main: (table.Associations ?? []).some((association) => association.Main === true),
      subnetIds: (table.Associations ?? []).flatMap((association) => (association.SubnetId ? [association.SubnetId] : [])),
      routes: (table.Routes ?? []).map(routeFacts),
    })),
    endpoints,
    hostedZones,
  };
}

/** The VPC's endpoints: their service, type, private DNS, route tables and state. */
export async function vpcEndpointFacts(ec2: EC2Client, vpcId: string): Promise<EndpointFacts[]> {
  const { paginateDescribeVpcEndpoints } = sdk.ec2();
  const endpoints = await collect(paginateDescribeVpcEndpoints({ client: ec2 }, { Filters: [{ Name: "vpc-id", Values: [vpcId] }] }), (page) => page.VpcEndpoints);
  return endpoints.map((endpoint) => ({
    serviceName: endpoint.ServiceName ?? "",
    type: endpoint.VpcEndpointType ?? "",
    privateDns: endpoint.PrivateDnsEnabled === true,
    routeTableIds: endpoint.RouteTableIds ?? [],
    state: endpoint.State ?? "",
  }));
}

/** Each subnet asked for that exists; one missing is left out (the checks name it), not an error. */
async function describeSubnets(ec2: EC2Client, subnetIds: readonly string[]): Promise<VpcFacts["subnets"]> {
  if (subnetIds.length === 0) return [];
  const { DescribeSubnetsCommand } = sdk.ec2();
  // One unknown id fails the whole call (InvalidSubnetID.NotFound): asked by filter, unknown ones are just absent.
  const result = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: [...subnetIds] }] }));
  return (result.Subnets ?? []).map((subnet) => ({
    id: subnet.SubnetId ?? "",
    vpcId: subnet.VpcId ?? "",
    zone: subnet.AvailabilityZone ?? "",
    zoneId: subnet.AvailabilityZoneId ?? "",
    cidr: subnet.CidrBlock ?? "",
    free: subnet.AvailableIpAddressCount ?? 0,
  }));
}

function routeFacts(route: Route): RouteFacts {
  return { destination: route.DestinationCidrBlock ?? route.DestinationPrefixListId ?? "", target: routeTarget(route), state: route.State ?? "active" };
}

function routeTarget(route: Route): RouteTarget {
  const gateway = route.GatewayId ?? "";
  if (gateway === "local") return "local";
  if (gateway.startsWith("igw-")) return "internet-gateway";
  if (gateway.startsWith("vpce-")) return "gateway-endpoint";
  if (route.NatGatewayId) return "nat-gateway";
  if (route.TransitGatewayId) return "transit-gateway";
  if (route.InstanceId) return "instance";
  if (route.NetworkInterfaceId) return "network-interface";
  if (route.VpcPeeringConnectionId) return "vpc-peering";
  return "other";
}

async function privateZonesOf(route53: Route53Client, region: string, vpcId: string): Promise<string[]> {
  const { ListHostedZonesByVPCCommand } = sdk.route53();
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await route53.send(new ListHostedZonesByVPCCommand({ VPCId: vpcId, VPCRegion: region as VPCRegion, ...(token ? { NextToken: token } : {}) }));
    for (const zone of page.HostedZoneSummaries ?? []) names.push((zone.Name ?? "").replace(/\.$/, ""));
    token = page.NextToken;
  } while (token);
  return names;
}

async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}
