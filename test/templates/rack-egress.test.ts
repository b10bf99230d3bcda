/**
 * Issue 26: a private rack's egress. The free S3 gateway endpoint on every private route
 * table; NatGateways=PerZone|One|None; VpcEndpoints=Yes; and a rack installed into an
 * existing VPC, which makes no VPC, subnet, gateway, route or endpoint route of its own.
 */
import { describe, expect, it } from "vitest";
import { ref, type Json, type Template } from "../../src/templates/cfn.js";
import { INTERFACE_ENDPOINTS } from "../../src/rack/vpc-endpoints.js";
import { RackResource } from "../../src/templates/rack-ids.js";
import type { RackParams } from "../../src/rack/params.js";
import { cfnLint, distinctTemplates, lintDeadline } from "../support/cfn-lint.js";
import { fullTemplate, idsOfType, ingressOf, propertiesOf, rack, withDefaults } from "./rack-fixture.js";

const PRIVATE_TABLES = (azCount: 2 | 3) => ["PrivateRouteTable1", "PrivateRouteTable2", "PrivateRouteTable3"].slice(0, azCount).map(ref);
const PRIVATE_SUBNETS = (azCount: 2 | 3) => ["PrivateSubnet1", "PrivateSubnet2", "PrivateSubnet3"].slice(0, azCount).map(ref);

const EXISTING: Partial<RackParams> = {
  ExistingVpc: "vpc-0123456789abcdef0",
  ExistingPublicSubnets: "subnet-0000000000000000a,subnet-0000000000000000b",
  ExistingPrivateSubnets: "subnet-0000000000000000c,subnet-0000000000000000d",
  Private: "Yes",
  VPCCIDR: "10.20.0.0/20",
};

const NETWORK_TYPES = ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::RouteTable", "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::NatGateway", "AWS::EC2::EIP"];

describe("the S3 gateway endpoint", () => {
  for (const azCount of [2, 3] as const) {
    it(`is on every private route table of a private rack, at no charge (${azCount} AZs)`, () => {
      const stack = rack({ Private: "Yes" }, azCount);
      const endpoint = propertiesOf(stack, RackResource.S3Endpoint);
      expect(endpoint.VpcEndpointType).toBe("Gateway");
      expect(endpoint.ServiceName).toBe("com.amazonaws.us-east-1.s3");
      expect(endpoint.RouteTableIds).toEqual(PRIVATE_TABLES(azCount));
    });
  }

  it("whatever NatGateways says, and not on a public rack (no private route table)", () => {
    for (const NatGateways of ["PerZone", "One", "None"]) expect(idsOfType(rack({ Private: "Yes", NatGateways, VpcEndpoints: "Yes" }), "AWS::EC2::VPCEndpoint")).toContain(RackResource.S3Endpoint);
    expect(idsOfType(rack({ Private: "No" }), "AWS::EC2::VPCEndpoint")).toEqual([]);
  });
});

describe("NatGateways", () => {
  it("One: one NAT gateway and one Elastic IP, in the first zone's public subnet; every private default route goes to it", () => {
    for (const azCount of [2, 3] as const) {
      const stack = rack({ Private: "Yes", NatGateways: "One" }, azCount);
      expect(idsOfType(stack, "AWS::EC2::NatGateway")).toEqual(["NatGateway1"]);
      expect(idsOfType(stack, "AWS::EC2::EIP")).toEqual(["NatAddress1"]);
      expect(propertiesOf(stack, "NatGateway1").SubnetId).toEqual(ref("PublicSubnet1"));
      for (let az = 1; az <= azCount; az += 1) {
        const route = propertiesOf(stack, `PrivateDefaultRoute${az}`);
        expect(route.RouteTableId).toEqual(ref(`PrivateRouteTable${az}`));
        expect(route.DestinationCidrBlock).toBe("0.0.0.0/0");
        expect(route.NatGatewayId, `route of zone ${az}`).toEqual(ref("NatGateway1"));
      }
      expect(stack.outputs.NatElasticIps).toEqual(ref("NatAddress1"));
    }
  });

  it("PerZone: each private default route goes to its own zone's NAT gateway", () => {
    const stack = rack({ Private: "Yes", NatGateways: "PerZone" }, 3);
    for (const az of [1, 2, 3]) expect(propertiesOf(stack, `PrivateDefaultRoute${az}`).NatGatewayId).toEqual(ref(`NatGateway${az}`));
  });

  it("None (with VpcEndpoints=Yes): no NAT gateway, Elastic IP or default route; the private subnets and their route tables stay", () => {
    const stack = rack({ Private: "Yes", NatGateways: "None", VpcEndpoints: "Yes" }, 3);
    expect(idsOfType(stack, "AWS::EC2::NatGateway")).toEqual([]);
    expect(idsOfType(stack, "AWS::EC2::EIP")).toEqual([]);
    expect(idsOfType(stack, "AWS::EC2::Route")).toEqual(["PublicDefaultRoute"]);
    expect(idsOfType(stack, "AWS::EC2::RouteTable").sort()).toEqual(["PrivateRouteTable1", "PrivateRouteTable2", "PrivateRouteTable3", "PublicRouteTable"]);
    expect(stack.outputs.NatElasticIps).toBeUndefined();
    expect(stack.outputs.PrivateSubnets).toBeDefined();
  });

  it("switching between PerZone, One and None replaces no subnet, route table or association: only the routes' targets and the NAT gateways change", () => {
    const unchanged = ["AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::VPC", "AWS::EC2::VPCEndpoint", "AWS::EC2::SecurityGroup"];
    const shape = (stack: ReturnType<typeof rack>) =>
      Object.fromEntries(Object.entries(stack.resources).filter(([, resource]) => unchanged.includes(resource.Type)).map(([id, resource]) => [id, resource.Properties ?? {}]));
    const variants = ["PerZone", "One", "None"].map((NatGateways) => shape(rack({ Private: "Yes", NatGateways, VpcEndpoints: "Yes" }, 3)));
    expect(variants[1]).toEqual(variants[0]);
    expect(variants[2]).toEqual(variants[0]);
  });

  it("a route's NAT gateway changes by property (an in-place update), never by another logical id", () => {
    const perZone = rack({ Private: "Yes" }, 3);
    const one = rack({ Private: "Yes", NatGateways: "One" }, 3);
    for (const az of [1, 2, 3]) {
      const before = propertiesOf(perZone, `PrivateDefaultRoute${az}`);
      const after = propertiesOf(one, `PrivateDefaultRoute${az}`);
      expect({ ...after, NatGatewayId: null }).toEqual({ ...before, NatGatewayId: null });
    }
  });
});

describe("VpcEndpoints=Yes", () => {
  for (const azCount of [2, 3] as const) {
    it(`puts an interface endpoint per service in every private subnet, private DNS on, behind a group admitting the VPC on 443 only (${azCount} AZs)`, () => {
      const stack = rack({ Private: "Yes", VpcEndpoints: "Yes" }, azCount);
      const interfaces = idsOfType(stack, "AWS::EC2::VPCEndpoint").filter((id) => id !== RackResource.S3Endpoint);
      expect(interfaces.sort()).toEqual(INTERFACE_ENDPOINTS.map((endpoint) => endpoint.logicalId).sort());
      for (const endpoint of INTERFACE_ENDPOINTS) {
        const properties = propertiesOf(stack, endpoint.logicalId);
        expect(properties.VpcEndpointType).toBe("Interface");
        expect(properties.ServiceName).toBe(`com.amazonaws.us-east-1.${endpoint.service}`);
        expect(properties.SubnetIds).toEqual(PRIVATE_SUBNETS(azCount));
        expect(properties.PrivateDnsEnabled).toBe(true);
        expect(properties.SecurityGroupIds).toEqual([{ "Fn::GetAtt": [RackResource.EndpointSecurityGroup, "GroupId"] }]);
      }
      expect(ingressOf(stack, RackResource.EndpointSecurityGroup)).toEqual(["tcp 443-443 from 10.0.0.0/16"]);
    });
  }

  it("the list is ECR (api and dkr), CloudWatch Logs, SSM, the messages ECS Exec uses, and STS", () => {
    expect(INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service)).toEqual(["ecr.api", "ecr.dkr", "logs", "ssm", "ssmmessages", "sts"]);
  });

  it("No (the default): no interface endpoint and no endpoint group", () => {
    const stack = rack({ Private: "Yes" });
    expect(idsOfType(stack, "AWS::EC2::VPCEndpoint")).toEqual([RackResource.S3Endpoint]);
    expect(stack.resources[RackResource.EndpointSecurityGroup]).toBeUndefined();
  });
});

describe("ExistingVpc", () => {
  it("makes no VPC, subnet, internet or NAT gateway, route table, route, association, Elastic IP or S3 gateway endpoint", () => {
    for (const params of [EXISTING, { ...EXISTING, ExistingPrivateSubnets: "", Private: "No" }, { ...EXISTING, VpcEndpoints: "Yes", Internal: "Yes", internal_router: "true" }]) {
      const stack = rack(params, 2);
      const made = Object.entries(stack.resources).filter(([, resource]) => NETWORK_TYPES.includes(resource.Type)).map(([id]) => id);
      expect(made).toEqual([]);
      expect(stack.resources[RackResource.S3Endpoint]).toBeUndefined();
    }
  });

  it("everything that names a VPC or subnets names the existing ones", () => {
    const stack = rack({ ...EXISTING, VpcEndpoints: "Yes", Internal: "Yes", internal_router: "true" }, 2);
    const vpcIds = findAll(stack.resources as unknown as Json, ["VpcId", "VPCId"]);
    expect(vpcIds.length).toBeGreaterThan(5);
    for (const value of vpcIds) expect(value).toBe(EXISTING.ExistingVpc);
    const publicIds = (EXISTING.ExistingPublicSubnets ?? "").split(",");
    const privateIds = (EXISTING.ExistingPrivateSubnets ?? "").split(",");
    expect(propertiesOf(stack, "ExternalBalancer").Subnets).toEqual(publicIds);
    expect(propertiesOf(stack, "InternalBalancer").Subnets).toEqual(privateIds);
    expect(propertiesOf(stack, "RouterBalancer").Subnets).toEqual(privateIds);
    for (const endpoint of INTERFACE_ENDPOINTS) expect(propertiesOf(stack, endpoint.logicalId).SubnetIds).toEqual(privateIds);
    expect(stack.outputs.VpcId).toBe(EXISTING.ExistingVpc);
    expect(stack.outputs.VpcCidr).toBe("10.20.0.0/20");
    expect(stack.outputs.ServiceSubnets).toBe(EXISTING.ExistingPrivateSubnets);
    expect(stack.outputs.AssignPublicIp).toBe("DISABLED");
    expect(stack.outputs.NatElasticIps).toBeUndefined();
    const build = propertiesOf(stack, "BuildProject").VpcConfig as Record<string, Json>;
    expect(build.Subnets).toEqual(privateIds);
    expect(JSON.stringify(propertiesOf(stack, "BuildRole"))).toContain("arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0000000000000000c");
  });

  it("the external load balancer waits for the rack's own internet gateway only when there is one", () => {
    expect(rack({}, 2).resources.ExternalBalancer?.Metadata).toEqual({ "racknet:after": ref("InternetGatewayAttachment") });
    expect(rack(EXISTING, 2).resources.ExternalBalancer?.Metadata).toEqual({ "racknet:after": "" });
    expect(fullTemplate.Resources.ExternalBalancer?.DependsOn).toBeUndefined();
  });
});

function findAll(value: Json, keys: readonly string[]): Json[] {
  if (Array.isArray(value)) return value.flatMap((item) => findAll(item, keys));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => (keys.includes(key) ? [item, ...findAll(item, keys)] : findAll(item, keys)));
}

describe("rack template: cfn-lint of the egress variants", () => {
  const variants: Record<string, Template> = {
    "nat-one-3": withDefaults({ Private: "Yes", NatGateways: "One" }),
    "nat-one-2": withDefaults({ Private: "Yes", NatGateways: "One", Internal: "Yes" }, 2),
    "nat-none-endpoints": withDefaults({ Private: "Yes", NatGateways: "None", VpcEndpoints: "Yes" }),
    "endpoints-per-zone-2": withDefaults({ Private: "Yes", VpcEndpoints: "Yes", internal_router: "true" }, 2),
    "existing-public": withDefaults({ ...EXISTING, ExistingPrivateSubnets: "", Private: "No" }, 2),
    "existing-private-endpoints": withDefaults({ ...EXISTING, VpcEndpoints: "Yes", Internal: "Yes", internal_router: "true" }, 2),
    "existing-internal-only": withDefaults({ ...EXISTING, ExistingPublicSubnets: "", InternalOnly: "Yes", Internal: "Yes" }, 2),
  };
  it("finds no errors, and no warning or informational finding other than the justified ones (docs/rack-template.md)", async () => {
    const findings = await cfnLint(variants, { includeWarnings: true, includeInformational: true });
    const all = Object.values(findings).flat();
    expect(all.filter((finding) => finding.level === "Error")).toEqual([]);
    const justified: Record<string, RegExp> = {
      W2001: /Parameter (Domain|HostedZoneId) not used/,
      W1035: /Fn::Select.*(InternalRouter(Cidrs|Vpcs)|TransitGatewayCidrs)/,
      W1033: /^'' is not a 'AWS::EC2::Subnet.Id'.*'Fn::Split'/,
    };
    expect(all.filter((finding) => !justified[finding.rule]?.test(finding.message))).toEqual([]);
  }, lintDeadline(distinctTemplates(variants)));
});
