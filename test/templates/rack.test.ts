import { describe, expect, it } from "vitest";
import { getAtt, ref, type Json, type Template } from "../../src/templates/cfn.js";
import { quotaUse } from "../../src/templates/app-quotas.js";
import { RackOutput } from "../../src/names/rack-outputs.js";
import { rackTemplate } from "../../src/templates/rack.js";
import { privateNetworkSyncFragment } from "../../src/templates/rack-privnet-sync.js";
import { syncFunctionCode } from "../../src/functions/privnet-sync/bundle.js";
import { PARAMS } from "../../src/rack/params.js";
import { privateNetworkId, privateNetworkZoneName } from "../../src/names/index.js";
import type { EvaluatedStack } from "../support/cfn-eval.js";
import { cfnLint, distinctTemplates, lintDeadline } from "../support/cfn-lint.js";
import { CERTIFICATE, STACK_ID, cfnParameters, combinations, idsOfType, ingressOf, propertiesOf, rack, template, withDefaults } from "./rack-fixture.js";

const subnetIds = (stack: EvaluatedStack, visibility: "Public" | "Private") =>
  idsOfType(stack, "AWS::EC2::Subnet").filter((id) => id.startsWith(visibility));

describe("rack template: parameters", () => {
  it("declares exactly the parameters racknet passes, each with a Description", () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(Object.keys(cfnParameters({})).sort());
    for (const [name, declaration] of Object.entries(template.Parameters)) {
      expect(declaration.Description, name).toEqual(expect.any(String));
    }
  });

  it("defaults the user's parameters as params.ts does", () => {
    for (const spec of PARAMS) expect(template.Parameters[spec.cfnName]?.Default, spec.name).toBe(spec.default);
    expect(template.Parameters.Private?.AllowedValues).toEqual(["Yes", "No"]);
    expect(template.Parameters.InternalRouter?.AllowedValues).toEqual(["true", "false"]);
  });

  it("shares no logical id between a parameter and a resource", () => {
    expect(Object.keys(template.Parameters).filter((name) => name in template.Resources)).toEqual([]);
  });

  // Over 51,200 bytes it goes through S3 (docs/rack-template.md, "Size"): what binds is what
  // CloudFormation reads from there, 1 MB and 500 resources, with room to grow.
  it("with the sync function's real code merged in, uses under half of every quota of a template read from S3 (1 MB, 500 resources, 200 outputs, 200 parameters)", () => {
    const deployed = rackTemplate({ version: "0.0.0-test", extra: [privateNetworkSyncFragment(syncFunctionCode())] });
    for (const use of quotaUse(deployed)) expect(use.used, use.quota).toBeLessThan(use.limit / 2);
  });

  it("merges extra fragments, and refuses a logical id defined twice", () => {
    const extra = { Resources: { SyncQueue: { Type: "AWS::SQS::Queue", Properties: {} } } };
    expect(rackTemplate({ version: "1", extra: [extra] }).Resources.SyncQueue).toBeDefined();
    expect(() => rackTemplate({ version: "1", extra: [{ Resources: { Vpc: { Type: "AWS::EC2::VPC" } } }] })).toThrow(/Resources.Vpc is defined twice/);
  });
});

describe("rack template: network", () => {
  it("has a VPC with DNS support and host names on VPCCIDR", () => {
    expect(propertiesOf(rack(), "Vpc")).toMatchObject({ CidrBlock: "10.0.0.0/16", EnableDnsSupport: true, EnableDnsHostnames: true });
  });

  it("spans 3 AZs when AvailabilityZoneCount=3 and 2 when it is 2", () => {
    expect(subnetIds(rack({ Private: "Yes" }), "Public")).toHaveLength(3);
    expect(subnetIds(rack({ Private: "Yes" }, 2), "Public")).toEqual(["PublicSubnet1", "PublicSubnet2"]);
    expect(subnetIds(rack({ Private: "Yes" }, 2), "Private")).toEqual(["PrivateSubnet1", "PrivateSubnet2"]);
    expect(idsOfType(rack({ Private: "Yes" }, 2), "AWS::EC2::NatGateway")).toHaveLength(2);
    expect(rack({}, 2).outputs.PublicSubnets).toEqual({ "Fn::Join": [",", [ref("PublicSubnet1"), ref("PublicSubnet2")]] });
  });

  it("puts subnet N in the Nth AZ and cuts the VPC into eight equal blocks: public first, private next", () => {
    const stack = rack({ Private: "Yes", VPCCIDR: "10.20.0.0/20" });
    const layout = [...subnetIds(stack, "Public"), ...subnetIds(stack, "Private")].map((id) => {
      const properties = propertiesOf(stack, id);
      return `${id} ${JSON.stringify(properties.AvailabilityZone)} ${String(properties.CidrBlock)}`;
    });
    const az = (index: number) => JSON.stringify(["us-east-1a", "us-east-1b", "us-east-1d"][index]);
    expect(layout).toEqual([
      `PublicSubnet1 ${az(0)} 10.20.0.0/23`,
      `PublicSubnet2 ${az(1)} 10.20.2.0/23`,
      `PublicSubnet3 ${az(2)} 10.20.4.0/23`,
      `PrivateSubnet1 ${az(0)} 10.20.6.0/23`,
      `PrivateSubnet2 ${az(1)} 10.20.8.0/23`,
      `PrivateSubnet3 ${az(2)} 10.20.10.0/23`,
    ]);
  });

  it("maps public IPs in public subnets, which route 0.0.0.0/0 to the internet gateway", () => {
    const stack = rack();
    for (const id of subnetIds(stack, "Public")) expect(propertiesOf(stack, id).MapPublicIpOnLaunch, id).toBe(true);
    expect(propertiesOf(stack, "PublicDefaultRoute")).toMatchObject({ DestinationCidrBlock: "0.0.0.0/0", GatewayId: ref("InternetGateway") });
    const associated = idsOfType(stack, "AWS::EC2::SubnetRouteTableAssociation").map((id) => propertiesOf(stack, id));
    expect(associated).toEqual(subnetIds(stack, "Public").map((id) => ({ SubnetId: ref(id), RouteTableId: ref("PublicRouteTable") })));
  });

  it("Private=No has no private subnet, NAT gateway or Elastic IP", () => {
    const stack = rack({ Private: "No" });
    expect(subnetIds(stack, "Private")).toEqual([]);
    expect(idsOfType(stack, "AWS::EC2::NatGateway")).toEqual([]);
    expect(idsOfType(stack, "AWS::EC2::EIP")).toEqual([]);
  });

  for (const azCount of [2, 3] as const) {
    it(`Private=Yes has one NAT gateway and one Elastic IP per AZ, each in that AZ's public subnet (${azCount} AZs)`, () => {
      const stack = rack({ Private: "Yes" }, azCount);
      const nats = idsOfType(stack, "AWS::EC2::NatGateway");
      expect(nats).toHaveLength(azCount);
      expect(idsOfType(stack, "AWS::EC2::EIP")).toHaveLength(azCount);
      nats.forEach((nat, az) => {
        const properties = propertiesOf(stack, nat);
        expect(properties.SubnetId).toEqual(ref(`PublicSubnet${az + 1}`));
        expect(properties.AllocationId).toEqual(getAtt(`NatAddress${az + 1}`, "AllocationId"));
        expect(propertiesOf(stack, `PublicSubnet${az + 1}`).AvailabilityZone).toEqual(propertiesOf(stack, `PrivateSubnet${az + 1}`).AvailabilityZone);
      });
    });

    it(`each private route table's default route goes to its own AZ's NAT (${azCount} AZs)`, () => {
      const stack = rack({ Private: "Yes" }, azCount);
      const routes = idsOfType(stack, "AWS::EC2::Route").map((id) => propertiesOf(stack, id));
      const associations = idsOfType(stack, "AWS::EC2::SubnetRouteTableAssociation").map((id) => propertiesOf(stack, id));
      for (let az = 1; az <= azCount; az++) {
        const table = ref(`PrivateRouteTable${az}`);
        expect(routes.filter((route) => JSON.stringify(route.RouteTableId) === JSON.stringify(table))).toEqual([
          { RouteTableId: table, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: ref(`NatGateway${az}`) },
        ]);
        expect(associations.filter((association) => JSON.stringify(association.RouteTableId) === JSON.stringify(table))).toEqual([
          { SubnetId: ref(`PrivateSubnet${az}`), RouteTableId: table },
        ]);
      }
    });
  }

  it("private subnets do not map public IPs", () => {
    const stack = rack({ Private: "Yes" });
    for (const id of subnetIds(stack, "Private")) expect(propertiesOf(stack, id).MapPublicIpOnLaunch, id).toBe(false);
  });

  it("the network security group admits its own members on all TCP and UDP ports and nothing else", () => {
    expect(ingressOf(rack({ Private: "Yes", Internal: "Yes", internal_router: "true" }), "NetworkSecurityGroup")).toEqual([
      "tcp 0-65535 from itself",
      "udp 0-65535 from itself",
    ]);
  });
});

describe("rack template: load balancers", () => {
  const balancers = (stack: EvaluatedStack) => idsOfType(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer");

  it("a default rack has only the external ALB: internet-facing, in the public subnets, open on 80 and 443", () => {
    const stack = rack();
    expect(balancers(stack)).toEqual(["ExternalBalancer"]);
    expect(propertiesOf(stack, "ExternalBalancer")).toMatchObject({ Scheme: "internet-facing", Subnets: subnetIds(stack, "Public").map(ref) });
    expect(ingressOf(stack, "ExternalBalancerSecurityGroup")).toEqual(["tcp 443-443 from 0.0.0.0/0", "tcp 80-80 from 0.0.0.0/0"]);
  });

  it("InternalOnly=Yes has no external load balancer", () => {
    const stack = rack({ Internal: "Yes", InternalOnly: "Yes" });
    expect(balancers(stack)).toEqual(["InternalBalancer"]);
    expect(Object.keys(stack.resources).filter((id) => id.startsWith("External"))).toEqual([]);
    expect(Object.keys(stack.outputs).filter((name) => name.startsWith("External"))).toEqual([]);
  });

  it("Internal=Yes puts the internal ALB in the public subnets of a public rack and the private subnets of a private rack", () => {
    const publicRack = rack({ Internal: "Yes" });
    const privateRack = rack({ Internal: "Yes", Private: "Yes" });
    expect(propertiesOf(publicRack, "InternalBalancer")).toMatchObject({ Scheme: "internal", Subnets: subnetIds(publicRack, "Public").map(ref) });
    expect(propertiesOf(privateRack, "InternalBalancer")).toMatchObject({ Scheme: "internal", Subnets: subnetIds(privateRack, "Private").map(ref) });
  });

  it("the internal ALB's security group admits only the VPC CIDR on 80 and 443", () => {
    const stack = rack({ Internal: "Yes", VPCCIDR: "10.8.0.0/16" });
    expect(ingressOf(stack, "InternalBalancerSecurityGroup")).toEqual(["tcp 443-443 from 10.8.0.0/16", "tcp 80-80 from 10.8.0.0/16"]);
  });

  it("on every load balancer 80 redirects to 443, and 443 serves HTTPS with the rack certificate and a 404 default", () => {
    const stack = rack({ Internal: "Yes", internal_router: "true" });
    expect(balancers(stack)).toEqual(["ExternalBalancer", "InternalBalancer", "RouterBalancer"]);
    for (const kind of ["External", "Internal", "Router"]) {
      expect(propertiesOf(stack, `${kind}HttpListener`), kind).toEqual({
        LoadBalancerArn: ref(`${kind}Balancer`),
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } }],
      });
      expect(propertiesOf(stack, `${kind}HttpsListener`), kind).toMatchObject({
        LoadBalancerArn: ref(`${kind}Balancer`),
        Protocol: "HTTPS",
        Port: 443,
        SslPolicy: expect.stringMatching(/^ELBSecurityPolicy-TLS13-/),
        Certificates: [{ CertificateArn: CERTIFICATE }],
        DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: expect.objectContaining({ StatusCode: "404" }) }],
      });
    }
  });

  it("internal_router adds the router ALB and zone", () => {
    expect(balancers(rack())).not.toContain("RouterBalancer");
    expect(rack().resources.RouterZone).toBeUndefined();
    const stack = rack({ internal_router: "true", Private: "Yes" });
    expect(propertiesOf(stack, "RouterBalancer")).toMatchObject({ Scheme: "internal", Subnets: subnetIds(stack, "Private").map(ref) });
    expect(propertiesOf(stack, "RouterZone").Name).toBe("prod.router.convox");
  });

  it("the router admits the VPC CIDR when internal_router_cidrs is empty", () => {
    expect(ingressOf(rack({ internal_router: "true" }), "RouterBalancerSecurityGroup")).toEqual([
      "tcp 443-443 from 10.0.0.0/16",
      "tcp 80-80 from 10.0.0.0/16",
    ]);
  });

  it("the router admits exactly the internal_router_cidrs, from one to five, on 80 and 443", () => {
    const all = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "172.16.0.0/12"];
    for (let count = 1; count <= all.length; count++) {
      const cidrs = all.slice(0, count);
      const stack = rack({ internal_router: "true", internal_router_cidrs: cidrs.join(",") });
      const expected = cidrs.flatMap((cidr) => [`tcp 443-443 from ${cidr}`, `tcp 80-80 from ${cidr}`]).sort();
      expect(ingressOf(stack, "RouterBalancerSecurityGroup"), `${count} CIDRs`).toEqual(expected);
    }
  });
});

describe("rack template: DNS", () => {
  const vpcsOf = (stack: EvaluatedStack, zone: string) => propertiesOf(stack, zone).VPCs;
  const rackVpc = { VPCId: ref("Vpc"), VPCRegion: "us-east-1" };

  it("always has the private zone <rack>.convox on the rack's VPC", () => {
    const stack = rack();
    expect(propertiesOf(stack, "RackZone").Name).toBe("prod.convox");
    expect(vpcsOf(stack, "RackZone")).toEqual([rackVpc]);
  });

  it("has the private-network zone pn-<uuid of the rack stack>.private-network.internal on the VPC", () => {
    const stack = rack();
    const name = privateNetworkZoneName(privateNetworkId(STACK_ID));
    expect(propertiesOf(stack, "PrivateNetworkZone").Name).toBe(name);
    expect(vpcsOf(stack, "PrivateNetworkZone")).toEqual([rackVpc]);
    expect(stack.outputs.PrivateNetworkZoneName).toBe(name);
  });

  it("associates the router zone with the rack's VPC and each internal_router_vpcs VPC", () => {
    expect(vpcsOf(rack({ internal_router: "true" }), "RouterZone")).toEqual([rackVpc]);
    const peers = ["vpc-0a1b2c3d4e5f60718", "vpc-11111111", "vpc-22222222", "vpc-33333333", "vpc-44444444"];
    for (let count = 1; count <= peers.length; count++) {
      const stack = rack({ internal_router: "true", internal_router_vpcs: peers.slice(0, count).join(",") });
      expect(vpcsOf(stack, "RouterZone"), `${count} VPCs`).toEqual([rackVpc, ...peers.slice(0, count).map((VPCId) => ({ VPCId, VPCRegion: "us-east-1" }))]);
    }
  });
});

describe("rack template: what uninstall deletes", () => {
  it("the template bucket and the log group are deleted with the stack, as uninstall means; uninstall empties the bucket first (S3 refuses to delete a bucket that holds objects)", () => {
    for (const id of ["TemplateBucket", "LogGroup"]) {
      expect(template.Resources[id], id).toMatchObject({ DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete" });
    }
  });
});

describe("rack template: the rack bucket (templates and build sources)", () => {
  it("states every setting S3 would otherwise default: SSE-S3 encryption, all four public-access blocks, ACLs disabled", () => {
    expect(propertiesOf(rack(), "TemplateBucket")).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    });
  });

  it("has a policy that denies every request not made over TLS, to the bucket and to each object, and allows nothing", () => {
    expect(template.Resources.TemplateBucketPolicy).toEqual({
      Type: "AWS::S3::BucketPolicy",
      Properties: {
        Bucket: ref("TemplateBucket"),
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [getAtt("TemplateBucket", "Arn"), { "Fn::Sub": "${TemplateBucket.Arn}/*" }],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        },
      },
    });
  });
});

describe("rack template: outputs", () => {
  it("a private rack with every load balancer has every output of the contract", () => {
    const stack = rack({ Private: "Yes", Internal: "Yes", internal_router: "true" });
    expect(Object.keys(stack.outputs).sort()).toEqual(Object.values(RackOutput).sort());
  });

  it("a default rack has no private, internal or router outputs", () => {
    expect(Object.keys(rack().outputs).filter((name) => /^(Private(Subnets)?$|NatElasticIps|Internal|Router)/.test(name))).toEqual([]);
  });

  it("ServiceSubnets and AssignPublicIp follow Private", () => {
    const publicRack = rack({}, 2);
    const privateRack = rack({ Private: "Yes" }, 2);
    expect(publicRack.outputs.ServiceSubnets).toEqual(publicRack.outputs.PublicSubnets);
    expect(publicRack.outputs.AssignPublicIp).toBe("ENABLED");
    expect(privateRack.outputs.ServiceSubnets).toEqual({ "Fn::Join": [",", [ref("PrivateSubnet1"), ref("PrivateSubnet2")]] });
    expect(privateRack.outputs.AssignPublicIp).toBe("DISABLED");
  });

  it("NatElasticIps joins each AZ's NAT address (NatGateways=PerZone)", () => {
    expect(rack({ Private: "Yes" }).outputs.NatElasticIps).toEqual({ "Fn::Join": [",", [ref("NatAddress1"), ref("NatAddress2"), ref("NatAddress3")]] });
  });

  it("in every combination, each Ref and GetAtt points to a resource or parameter that exists", () => {
    for (const { params } of combinations()) {
      for (const azCount of [2, 3] as const) {
        const stack = rack(params, azCount);
        const dangling = references([stack.resources, stack.outputs] as unknown as Json).filter(
          (id) => !(id in stack.resources) && !(id in stack.parameters) && !id.startsWith("AWS::"),
        );
        expect(dangling, JSON.stringify({ ...params, azCount })).toEqual([]);
      }
    }
  });
});

function references(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (value === null || typeof value !== "object") return [];
  const found: string[] = [];
  if (typeof value.Ref === "string") found.push(value.Ref);
  const getAttTarget = value["Fn::GetAtt"];
  if (Array.isArray(getAttTarget) && typeof getAttTarget[0] === "string") found.push(getAttTarget[0]);
  const dependsOn = value.DependsOn;
  if (typeof dependsOn === "string") found.push(dependsOn);
  return [...found, ...Object.values(value).flatMap(references)];
}

/** Warnings cfn-lint reports that are not problems; anything else fails the test so it gets looked at. */
const KNOWN_WARNINGS: Record<string, RegExp> = {
  // Domain and HostedZoneId are rack parameters that app stacks read; the rack's own resources do not use them.
  W2001: /Parameter (Domain|HostedZoneId) not used/,
  // cfn-lint resolves the list slots with the empty default; a slot only exists when its list is that long.
  W1035: /Fn::Select.*(InternalRouter(Cidrs|Vpcs)|TransitGatewayCidrs)/,
  // cfn-lint splits ExistingPublicSubnets/ExistingPrivateSubnets with the empty default; that branch is taken only in an existing VPC.
  W1033: /^'' is not a 'AWS::EC2::Subnet.Id'.*'Fn::Split'/,
};

describe("rack template: cfn-lint", () => {
  // Every variant the rack tests lint (test/templates/rack-build.test.ts's build resources are
  // in each); cfn-lint sees each distinct one once: the sixteen switch combinations differ
  // only in Defaults of parameters read in Conditions alone, one template to cfn-lint
  // (lintForm in test/support/cfn-lint.ts).
  const variants: Record<string, Template> = {};
  for (const { label, params } of combinations()) variants[label] = withDefaults(params);
  variants["two-azs-private"] = withDefaults({ Private: "Yes" }, 2);
  variants["two-azs-private-internal-router"] = withDefaults({ Private: "Yes", Internal: "Yes", internal_router: "true" }, 2);
  variants["router-lists-of-five"] = withDefaults({
    internal_router: "true",
    internal_router_cidrs: "10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,10.4.0.0/16,10.5.0.0/16",
    internal_router_vpcs: "vpc-11111111,vpc-22222222,vpc-33333333,vpc-44444444,vpc-55555555",
  });
  variants["small-vpc-domain"] = withDefaults({ VPCCIDR: "10.9.8.0/24", Domain: "apps.example.com", Private: "Yes" });
  variants.shipped = template;

  it("finds no errors, and no warning or informational finding (cfn-lint -c I) not justified in docs/rack-template.md, in any combination of Private, Internal, InternalOnly and internal_router, with 2 AZs, and with 0 and 5 router CIDRs and VPCs", async () => {
    expect(combinations()).toHaveLength(16);
    const findings = await cfnLint(variants, { includeWarnings: true, includeInformational: true });
    const all = Object.values(findings).flat();
    expect(all.filter((finding) => finding.level === "Error")).toEqual([]);
    const unexpected = all.filter((finding) => finding.level !== "Error" && !KNOWN_WARNINGS[finding.rule]?.test(finding.message));
    expect(unexpected).toEqual([]);
  }, lintDeadline(distinctTemplates(variants)));
});
