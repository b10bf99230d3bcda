import { describe, expect, it } from "vitest";
import { GUARDED_TYPES, destroysOrReplaces } from "../../src/plan/destructive.js";
import { buildPlan, planJson } from "../../src/plan/plan.js";
import { changeSet } from "../support/change-sets.js";

describe("destroysOrReplaces", () => {
  it("Private=No (recorded): the Elastic IPs are released, the NAT gateways and private subnets deleted; routes are not listed", () => {
    const items = destroysOrReplaces(changeSet("rack-private-off.json"));
    expect(items.map((item) => [item.logicalId, item.action, item.holds])).toEqual([
      ["NatGateway1", "delete", "running work"],
      ["NatGateway2", "delete", "running work"],
      ["NatAddress1", "delete", "identity"],
      ["NatAddress2", "delete", "identity"],
      ["PrivateSubnet1", "delete", "running work"],
      ["PrivateSubnet2", "delete", "running work"],
    ]);
    expect(items[2]?.sentence).toBe("Elastic IP NatAddress1 (54.12.34.56) will be released: its address is gone for good: whoever allow-lists the rack's outbound IPs must be given the new one");
  });

  it("replacements True and Conditional of what holds work or data (recorded); no-replacement modifies and IAM roles are not listed", () => {
    const items = destroysOrReplaces(changeSet("rack-replacements.json"));
    expect(items.map((item) => [item.logicalId, item.action])).toEqual([
      ["Cluster", "replace"],
      ["LogGroup", "may replace"],
      ["ShopWebRecord", "delete"],
    ]);
    expect(items[1]?.sentence).toBe("log group LogGroup (production) may be replaced: its log history is deleted");
  });

  it("removing rules that narrow access, and a deploy's new task definition revision, are not destructive", () => {
    expect(destroysOrReplaces(changeSet("security-group-narrowed.json"))).toEqual([]);
    expect(destroysOrReplaces(changeSet("app-web-gains-external.json"))).toEqual([]);
  });

  it("covers every type the issue names", () => {
    const named = ["AWS::EC2::EIP", "AWS::Route53::HostedZone", "AWS::Route53::RecordSet", "AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::CertificateManager::Certificate", "AWS::ECR::Repository", "AWS::KMS::Key", "AWS::SSM::Parameter", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::EC2::NatGateway"];
    for (const type of named) expect(Object.keys(GUARDED_TYPES), type).toContain(type);
    expect(Object.keys(GUARDED_TYPES)).not.toContain("AWS::EC2::SecurityGroupIngress");
    expect(Object.keys(GUARDED_TYPES)).not.toContain("AWS::ECS::TaskDefinition");
  });
});

describe("buildPlan sections", () => {
  it("changes, destroys or replaces, widens exposure, cost and notes, under their names in JSON", () => {
    const plan = buildPlan(changeSet("rack-private-off.json"), {
      region: "us-east-1",
      notes: ["services move back to the public subnets, with public IPs"],
      exposure: { before: { rack: { Private: "Yes", Internal: "No", InternalOnly: "No", internal_router: "false", internal_router_cidrs: "", internal_router_vpcs: "", Domain: "", HostedZoneId: "", VPCCIDR: "10.0.0.0/16", BuildInstance: "BUILD_GENERAL1_SMALL", NatGateways: "PerZone", VpcEndpoints: "No", ExistingVpc: "", ExistingPublicSubnets: "", ExistingPrivateSubnets: "", TransitGatewayId: "", TransitGatewayCidrs: "", LoadBalancerIdleTimeout: "60" }, apps: [] }, after: { rack: { Private: "No", Internal: "No", InternalOnly: "No", internal_router: "false", internal_router_cidrs: "", internal_router_vpcs: "", Domain: "", HostedZoneId: "", VPCCIDR: "10.0.0.0/16", BuildInstance: "BUILD_GENERAL1_SMALL", NatGateways: "PerZone", VpcEndpoints: "No", ExistingVpc: "", ExistingPublicSubnets: "", ExistingPrivateSubnets: "", TransitGatewayId: "", TransitGatewayCidrs: "", LoadBalancerIdleTimeout: "60" }, apps: [] } },
      cost: { priced: false, region: "us-east-1", message: "example" },
    });
    const json = planJson(plan);
    expect(Object.keys(json)).toEqual(["changes", "destroysOrReplaces", "widensExposure", "cost", "notes"]);
    expect(json.changes.filter((row) => row.dangerous).map((row) => row.logicalId)).toEqual(["NatGateway1", "NatGateway2", "NatAddress1", "NatAddress2", "PrivateSubnet1", "PrivateSubnet2"]);
    expect(json.widensExposure.map((item) => item.kind)).toEqual(["private"]);
    expect(json.notes).toEqual(["2 NAT gateways will be deleted, saving about $65.70/month", "services move back to the public subnets, with public IPs"]);
    expect(plan.dangers).toEqual(plan.destroysOrReplaces.map((item) => item.sentence));
  });

  it("without an exposure model or a cost, those sections are empty or absent", () => {
    const json = planJson(buildPlan(changeSet("security-group-narrowed.json"), { region: "us-east-1" }));
    expect(json.widensExposure).toEqual([]);
    expect(json.destroysOrReplaces).toEqual([]);
    expect("cost" in json).toBe(false);
  });
});

describe("resources (issue 29): removing or replacing a database or cache is a destroy", () => {
  const change = (logicalId: string, resourceType: string, action: "Remove" | "Modify", replacement?: "True" | "False") =>
    ({ logicalId, resourceType, action, ...(replacement ? { replacement } : {}), physicalId: `${logicalId.toLowerCase()}-1` }) as Parameters<typeof destroysOrReplaces>[0][number];

  it("a database removed from convox.yml, a Redis group replaced (engine version down), a Memcached cluster removed: each listed, with what is kept", () => {
    const items = destroysOrReplaces([
      change("ResourceDb", "AWS::RDS::DBInstance", "Remove"),
      change("ResourceCache", "AWS::ElastiCache::ReplicationGroup", "Modify", "True"),
      change("ResourceSessions", "AWS::ElastiCache::CacheCluster", "Remove"),
      change("ResourceDbSecurityGroup", "AWS::EC2::SecurityGroup", "Remove"),
      change("ResourceDb", "AWS::RDS::DBInstance", "Modify", "False"),
    ]);
    expect(items.map((item) => [item.logicalId, item.action, item.holds])).toEqual([
      ["ResourceDb", "delete", "data"],
      ["ResourceCache", "replace", "data"],
      ["ResourceSessions", "delete", "data"],
    ]);
    expect(items[0]?.sentence).toContain("a final one");
  });
});
