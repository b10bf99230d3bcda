import { cidr, getAtt, iff, join, ref, select, split, sub, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { RackCondition, RackResource, rackTags } from "./rack-ids.js";
import { AZ_INDEXES, AzResource, type AzIndex } from "../names/rack-zone-ids.js";
import { INTERFACE_ENDPOINTS } from "../rack/vpc-endpoints.js";
import { RackParameter } from "../names/rack-parameters.js";

/**
 * The rack's network: a VPC over two or three AZs, a public subnet per AZ, and under
 * Private=Yes a private subnet and a route table per AZ, their way out through NAT gateways
 * (NatGateways: one per AZ, so that an AZ's outage never takes another AZ's way out with it;
 * one in the first AZ for all; or none), the free S3 gateway endpoint on every private route
 * table, and under VpcEndpoints=Yes interface endpoints in every private subnet
 * (docs/egress.md).
 *
 * The VPC is cut into eight equal subnets (`Fn::Cidr [VPCCIDR, 8, SubnetBits]`):
 * 0-2 public, 3-5 private, 6-7 spare. Fixed slots keep every subnet's CIDR stable when
 * Private or the AZ count changes, so no subnet is ever replaced by a parameter change.
 *
 * Each subnet's zone is the AZ-th entry of the AvailabilityZones parameter, chosen once at
 * install and passed unchanged on every update. Never Fn::GetAZs: it lists only the zones
 * that have a default subnet and its order may change (docs/rack-template.md, "Zones"),
 * and a subnet whose zone changes is replaced.
 *
 * With ExistingVpc the rack makes none of the VPC, subnets, gateways, routes or the S3
 * gateway endpoint: it runs in the subnets it is given.
 */

const PRIVATE_SLOT_OFFSET = 3;
const ANYWHERE = "0.0.0.0/0";

/** The rack's VPC: its own, or the one it was installed into. */
export function rackVpcId(): Json {
  return iff(RackCondition.ExistingVpc, ref(RackParameter.ExistingVpc), ref(RackResource.Vpc));
}

function withCondition(resource: Resource, name: string | undefined): Resource {
  return name ? { ...resource, Condition: name } : resource;
}

function conditioned(resources: Record<string, Resource>, name: string): Record<string, Resource> {
  return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, withCondition(resource, name)]));
}

function subnet(az: AzIndex, visibility: "public" | "private"): Resource {
  const slot = visibility === "public" ? az : az + PRIVATE_SLOT_OFFSET;
  return {
    Type: "AWS::EC2::Subnet",
    Properties: {
      VpcId: ref(RackResource.Vpc),
      AvailabilityZone: select(az, split(",", ref(RackParameter.AvailabilityZones))),
      CidrBlock: select(slot, cidr(ref(RackParameter.VPCCIDR), 8, ref(RackParameter.SubnetBits))),
      MapPublicIpOnLaunch: visibility === "public",
      Tags: rackTags(`${visibility}-${az + 1}`),
    },
  };
}

function routeTableAssociation(subnetId: string, routeTableId: string): Resource {
  return {
    Type: "AWS::EC2::SubnetRouteTableAssociation",
    Properties: { SubnetId: ref(subnetId), RouteTableId: ref(routeTableId) },
  };
}

function publicAz(az: AzIndex): Record<string, Resource> {
  return conditioned(
    {
      [AzResource.publicSubnet(az)]: subnet(az, "public"),
      [AzResource.publicSubnetRoutes(az)]: routeTableAssociation(AzResource.publicSubnet(az), RackResource.PublicRouteTable),
    },
    az === 2 ? RackCondition.OwnThirdAz : RackCondition.OwnNetwork,
  );
}

/**
 * The AZ's private subnet and route table. Its default route goes to its own zone's NAT
 * gateway under NatGateways=PerZone, to the first zone's under One, and does not exist under
 * None. Switching only changes the route's target (an in-place update: EC2 ReplaceRoute),
 * created NAT gateways first and removed ones last, so no subnet is replaced and running
 * tasks keep a way out throughout (docs/egress.md, "Switching").
 */
function privateAz(az: AzIndex): Record<string, Resource> {
  const third = az === 2;
  const network = conditioned(
    {
      [AzResource.privateSubnet(az)]: subnet(az, "private"),
      [AzResource.privateRouteTable(az)]: {
        Type: "AWS::EC2::RouteTable",
        Properties: { VpcId: ref(RackResource.Vpc), Tags: rackTags(`private-${az + 1}`) },
      },
      [AzResource.privateSubnetRoutes(az)]: routeTableAssociation(AzResource.privateSubnet(az), AzResource.privateRouteTable(az)),
    },
    third ? RackCondition.OwnPrivateThirdAz : RackCondition.OwnPrivateNetwork,
  );
  const first = az === 0;
  const nat = conditioned(
    {
      [AzResource.natAddress(az)]: {
        Type: "AWS::EC2::EIP",
        DependsOn: RackResource.InternetGatewayAttachment,
        Properties: { Domain: "vpc", Tags: rackTags(`nat-${az + 1}`) },
      },
      [AzResource.natGateway(az)]: {
        Type: "AWS::EC2::NatGateway",
        Properties: {
          AllocationId: getAtt(AzResource.natAddress(az), "AllocationId"),
          SubnetId: ref(AzResource.publicSubnet(az)),
          Tags: rackTags(`nat-${az + 1}`),
        },
      },
    },
    first ? RackCondition.Nat : third ? RackCondition.NatPerZoneThirdAz : RackCondition.NatPerZone,
  );
  const firstNat = ref(AzResource.natGateway(0));
  const route = conditioned(
    {
      [AzResource.privateDefaultRoute(az)]: {
        Type: "AWS::EC2::Route",
        Properties: {
          RouteTableId: ref(AzResource.privateRouteTable(az)),
          DestinationCidrBlock: ANYWHERE,
          NatGatewayId: first ? firstNat : iff(RackCondition.NatPerZone, ref(AzResource.natGateway(az)), firstNat),
        },
      },
    },
    third ? RackCondition.NatThirdAz : RackCondition.Nat,
  );
  return { ...network, ...nat, ...route };
}

/** The private route tables of the AZs the rack spans. */
function privateRouteTables(): Json {
  const two = [ref(AzResource.privateRouteTable(0)), ref(AzResource.privateRouteTable(1))];
  return iff(RackCondition.ThreeAzs, [...two, ref(AzResource.privateRouteTable(2))], two);
}

/**
 * The free S3 gateway endpoint on every private route table: image layers (ECR keeps them in
 * S3), build sources and templates stop crossing a NAT gateway. A route, not an interface:
 * no charge per hour or per GB (docs/egress.md).
 */
function s3GatewayEndpoint(): Record<string, Resource> {
  return {
    [RackResource.S3Endpoint]: {
      Type: "AWS::EC2::VPCEndpoint",
      Condition: RackCondition.OwnPrivateNetwork,
      Properties: {
        VpcEndpointType: "Gateway",
        ServiceName: sub("com.amazonaws.${AWS::Region}.s3"),
        VpcId: ref(RackResource.Vpc),
        RouteTableIds: privateRouteTables(),
      },
    },
  };
}

/** VpcEndpoints=Yes: one interface endpoint per service in every private subnet, private DNS on, 443 from the VPC only. */
function interfaceEndpoints(): Record<string, Resource> {
  const resources: Record<string, Resource> = {
    [RackResource.EndpointSecurityGroup]: {
      Type: "AWS::EC2::SecurityGroup",
      Condition: RackCondition.VpcEndpoints,
      Properties: {
        GroupDescription: "racknet VPC endpoints: HTTPS from the rack VPC",
        VpcId: rackVpcId(),
        SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: ref(RackParameter.VPCCIDR), Description: "HTTPS from the rack VPC" }],
        Tags: rackTags("endpoints"),
      },
    },
  };
  for (const endpoint of INTERFACE_ENDPOINTS) {
    resources[endpoint.logicalId] = {
      Type: "AWS::EC2::VPCEndpoint",
      Condition: RackCondition.VpcEndpoints,
      Properties: {
        VpcEndpointType: "Interface",
        ServiceName: sub(`com.amazonaws.\${AWS::Region}.${endpoint.service}`),
        VpcId: rackVpcId(),
        SubnetIds: subnetList("private"),
        SecurityGroupIds: [getAtt(RackResource.EndpointSecurityGroup, "GroupId")],
        PrivateDnsEnabled: true,
      },
    };
  }
  return resources;
}

/** Members reach each other on every TCP and UDP port; nothing else gets in. */
function networkSecurityGroup(): Record<string, Resource> {
  const group = getAtt(RackResource.NetworkSecurityGroup, "GroupId");
  const fromMembers = (protocol: "tcp" | "udp"): Resource => ({
    Type: "AWS::EC2::SecurityGroupIngress",
    Properties: {
      GroupId: group,
      SourceSecurityGroupId: group,
      IpProtocol: protocol,
      FromPort: 0,
      ToPort: 65535,
      Description: `private network: every ${protocol.toUpperCase()} port between members`,
    },
  });
  return {
    [RackResource.NetworkSecurityGroup]: {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: "racknet private network: containers of the rack",
        VpcId: rackVpcId(),
        Tags: rackTags("network"),
      },
    },
    NetworkTcpFromMembers: fromMembers("tcp"),
    NetworkUdpFromMembers: fromMembers("udp"),
  };
}

export function networkFragment(): TemplateFragment {
  const Resources: Record<string, Resource> = {
    ...conditioned(
      {
        [RackResource.Vpc]: {
          Type: "AWS::EC2::VPC",
          Properties: { CidrBlock: ref(RackParameter.VPCCIDR), EnableDnsSupport: true, EnableDnsHostnames: true, Tags: rackTags("vpc") },
        },
        [RackResource.InternetGateway]: { Type: "AWS::EC2::InternetGateway", Properties: { Tags: rackTags("igw") } },
        [RackResource.InternetGatewayAttachment]: {
          Type: "AWS::EC2::VPCGatewayAttachment",
          Properties: { VpcId: ref(RackResource.Vpc), InternetGatewayId: ref(RackResource.InternetGateway) },
        },
        [RackResource.PublicRouteTable]: {
          Type: "AWS::EC2::RouteTable",
          Properties: { VpcId: ref(RackResource.Vpc), Tags: rackTags("public") },
        },
        PublicDefaultRoute: {
          Type: "AWS::EC2::Route",
          DependsOn: RackResource.InternetGatewayAttachment,
          Properties: { RouteTableId: ref(RackResource.PublicRouteTable), DestinationCidrBlock: ANYWHERE, GatewayId: ref(RackResource.InternetGateway) },
        },
      },
      RackCondition.OwnNetwork,
    ),
    ...networkSecurityGroup(),
    ...s3GatewayEndpoint(),
    ...interfaceEndpoints(),
  };
  for (const az of AZ_INDEXES) Object.assign(Resources, publicAz(az), privateAz(az));
  return { Resources };
}

const existingSubnets = (visibility: "public" | "private") => ref(visibility === "public" ? RackParameter.ExistingPublicSubnets : RackParameter.ExistingPrivateSubnets);

/** The ids of the subnets of one kind in every AZ the rack spans, as a list (2 or 3 entries). */
export function subnetList(visibility: "public" | "private"): Json {
  const id = visibility === "public" ? AzResource.publicSubnet : AzResource.privateSubnet;
  const two = [ref(id(0)), ref(id(1))];
  return iff(RackCondition.ExistingVpc, split(",", existingSubnets(visibility)), iff(RackCondition.ThreeAzs, [...two, ref(id(2))], two));
}

/** The same ids joined with commas, for Outputs. */
export function joinedSubnets(visibility: "public" | "private"): Json {
  const id = visibility === "public" ? AzResource.publicSubnet : AzResource.privateSubnet;
  const two = [ref(id(0)), ref(id(1))];
  return iff(RackCondition.ExistingVpc, existingSubnets(visibility), iff(RackCondition.ThreeAzs, join(",", [...two, ref(id(2))]), join(",", two)));
}

/** Where services and internal load balancers live: private subnets on a private rack. */
export function serviceSubnetList(): Json {
  return iff(RackCondition.Private, subnetList("private"), subnetList("public"));
}
