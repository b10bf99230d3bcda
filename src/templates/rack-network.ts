import { cidr, getAtt, iff, join, ref, select, split, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { AZ_INDEXES, AzResource, RackCondition, RackResource, rackTags, type AzIndex } from "./rack-ids.js";

/**
 * The rack's network: a VPC over two or three AZs, a public subnet per AZ, and under
 * Private=Yes a private subnet, an Elastic IP, a NAT gateway and a route table per AZ,
 * so that an AZ's outage never takes another AZ's way out with it.
 *
 * The VPC is cut into eight equal subnets (`Fn::Cidr [VPCCIDR, 8, SubnetBits]`):
 * 0-2 public, 3-5 private, 6-7 spare. Fixed slots keep every subnet's CIDR stable when
 * Private or the AZ count changes, so no subnet is ever replaced by a parameter change.
 *
 * Each subnet's zone is the AZ-th entry of the AvailabilityZones parameter, chosen once at
 * install and passed unchanged on every update. Never Fn::GetAZs: it lists only the zones
 * that have a default subnet and its order may change (docs/rack-template.md, "Zones"),
 * and a subnet whose zone changes is replaced.
 */

const PRIVATE_SLOT_OFFSET = 3;
const ANYWHERE = "0.0.0.0/0";

/** The AZ's resources exist when this condition holds (undefined: always). */
function azCondition(az: AzIndex, privateOnly: boolean): string | undefined {
  if (privateOnly) return az === 2 ? RackCondition.PrivateThirdAz : RackCondition.Private;
  return az === 2 ? RackCondition.ThreeAzs : undefined;
}

function withCondition(resource: Resource, name: string | undefined): Resource {
  return name ? { ...resource, Condition: name } : resource;
}

function subnet(az: AzIndex, visibility: "public" | "private"): Resource {
  const slot = visibility === "public" ? az : az + PRIVATE_SLOT_OFFSET;
  return {
    Type: "AWS::EC2::Subnet",
    Properties: {
      VpcId: ref(RackResource.Vpc),
      AvailabilityZone: select(az, split(",", ref("AvailabilityZones"))),
      CidrBlock: select(slot, cidr(ref("VPCCIDR"), 8, ref("SubnetBits"))),
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
  const when = azCondition(az, false);
  return {
    [AzResource.publicSubnet(az)]: withCondition(subnet(az, "public"), when),
    [AzResource.publicSubnetRoutes(az)]: withCondition(routeTableAssociation(AzResource.publicSubnet(az), RackResource.PublicRouteTable), when),
  };
}

/** One NAT gateway per AZ, in that AZ's public subnet, and that AZ's private route table pointing at it. */
function privateAz(az: AzIndex): Record<string, Resource> {
  const when = azCondition(az, true);
  const resources: Record<string, Resource> = {
    [AzResource.privateSubnet(az)]: subnet(az, "private"),
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
    [AzResource.privateRouteTable(az)]: {
      Type: "AWS::EC2::RouteTable",
      Properties: { VpcId: ref(RackResource.Vpc), Tags: rackTags(`private-${az + 1}`) },
    },
    [AzResource.privateDefaultRoute(az)]: {
      Type: "AWS::EC2::Route",
      Properties: {
        RouteTableId: ref(AzResource.privateRouteTable(az)),
        DestinationCidrBlock: ANYWHERE,
        NatGatewayId: ref(AzResource.natGateway(az)),
      },
    },
    [AzResource.privateSubnetRoutes(az)]: routeTableAssociation(AzResource.privateSubnet(az), AzResource.privateRouteTable(az)),
  };
  return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, withCondition(resource, when)]));
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
        VpcId: ref(RackResource.Vpc),
        Tags: rackTags("network"),
      },
    },
    NetworkTcpFromMembers: fromMembers("tcp"),
    NetworkUdpFromMembers: fromMembers("udp"),
  };
}

export function networkFragment(): TemplateFragment {
  const Resources: Record<string, Resource> = {
    [RackResource.Vpc]: {
      Type: "AWS::EC2::VPC",
      Properties: { CidrBlock: ref("VPCCIDR"), EnableDnsSupport: true, EnableDnsHostnames: true, Tags: rackTags("vpc") },
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
    ...networkSecurityGroup(),
  };
  for (const az of AZ_INDEXES) Object.assign(Resources, publicAz(az), privateAz(az));
  return { Resources };
}

/** The ids of the subnets of one kind in every AZ the rack spans, as a list (2 or 3 entries). */
export function subnetList(visibility: "public" | "private"): Json {
  const id = visibility === "public" ? AzResource.publicSubnet : AzResource.privateSubnet;
  const two = [ref(id(0)), ref(id(1))];
  return iff(RackCondition.ThreeAzs, [...two, ref(id(2))], two);
}

/** The same ids joined with commas, for Outputs. */
export function joinedSubnets(visibility: "public" | "private"): Json {
  const id = visibility === "public" ? AzResource.publicSubnet : AzResource.privateSubnet;
  const two = [ref(id(0)), ref(id(1))];
  return iff(RackCondition.ThreeAzs, join(",", [...two, ref(id(2))]), join(",", two));
}

/** Where services and internal load balancers live: private subnets on a private rack. */
export function serviceSubnetList(): Json {
  return iff(RackCondition.Private, subnetList("private"), subnetList("public"));
}
