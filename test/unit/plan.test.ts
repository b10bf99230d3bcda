import { describe, expect, it } from "vitest";
import { buildPlan, planSummary } from "../../src/plan/plan.js";
import { natCostPhrase, natCreatedSentence, natMonthlyCost } from "../../src/plan/nat-cost.js";
import type { ResourceChange } from "../../src/plan/model.js";

const change = (action: string, logicalId: string, resourceType: string, replacement?: string): ResourceChange => ({ action, logicalId, resourceType, replacement });

describe("NAT gateway cost", () => {
  it("is count × hourly price × 730 h: three in us-east-1 at $0.045/h are $98.55/month", () => {
    expect(natMonthlyCost(3, "us-east-1")).toBe(98.55);
    expect(natCreatedSentence(3, "us-east-1")).toBe("3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed");
  });

  it("uses the region's price from the price book, and says when a region has none instead of guessing", () => {
    expect(natCreatedSentence(1, "eu-west-1")).toBe("1 NAT gateway will be created: about $35.04/month plus $0.048/GB processed");
    expect(natCostPhrase(2, "xx-nowhere-9")).toBe("no prices for xx-nowhere-9: cost not estimated");
    expect(natMonthlyCost(2, "xx-nowhere-9")).toBeUndefined();
  });
});

describe("buildPlan", () => {
  it("one row per resource change: action, logical id, type, replacement", () => {
    const plan = buildPlan(
      [change("Add", "NatGateway0", "AWS::EC2::NatGateway"), change("Modify", "Web", "AWS::ECS::Service", "False"), change("Modify", "Role", "AWS::IAM::Role", "True")],
      { region: "us-east-1" },
    );
    expect(plan.rows).toEqual([
      { action: "Add", logicalId: "NatGateway0", resourceType: "AWS::EC2::NatGateway", replacement: "", dangerous: false },
      { action: "Modify", logicalId: "Web", resourceType: "AWS::ECS::Service", replacement: "no", dangerous: false },
      { action: "Modify", logicalId: "Role", resourceType: "AWS::IAM::Role", replacement: "yes", dangerous: false },
    ]);
    expect(planSummary(plan)).toBe("1 to add, 2 to change");
  });

  it("says NAT gateways added with their monthly cost, and services that will roll", () => {
    const plan = buildPlan(
      [0, 1, 2].map((index) => change("Add", `NatGateway${index}`, "AWS::EC2::NatGateway")).concat(change("Modify", "Web", "AWS::ECS::Service", "False")),
      { region: "us-east-1" },
    );
    expect(plan.sentences).toEqual([
      "3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed",
      "services will roll (new tasks start before old ones stop): Web",
    ]);
    expect(plan.dangers).toEqual([]);
  });

  it("flags removal or replacement of load balancers, subnets, the VPC and the hosted zone", () => {
    const plan = buildPlan(
      [
        change("Remove", "ExternalBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        change("Modify", "PublicSubnet0", "AWS::EC2::Subnet", "True"),
        change("Modify", "Vpc", "AWS::EC2::VPC", "Conditional"),
        change("Remove", "PrivateZone", "AWS::Route53::HostedZone"),
        change("Modify", "InternalBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "False"),
        change("Remove", "Topic", "AWS::SNS::Topic"),
      ],
      { region: "us-east-1" },
    );
    expect(plan.rows.map((row) => row.dangerous)).toEqual([true, true, true, true, false, false]);
    expect(plan.dangers).toEqual([
      "load balancer ExternalBalancer will be deleted: its DNS name stops answering",
      "subnet PublicSubnet0 will be replaced: anything running in it is moved or stopped",
      "VPC Vpc may be replaced: every resource in it is recreated",
      "hosted zone PrivateZone will be deleted: its DNS records stop resolving",
    ]);
  });

  it("says NAT gateways removed and what that saves", () => {
    const plan = buildPlan([change("Remove", "NatGateway0", "AWS::EC2::NatGateway"), change("Remove", "NatGateway1", "AWS::EC2::NatGateway")], { region: "us-east-1" });
    expect(plan.sentences).toEqual(["2 NAT gateways will be deleted, saving about $65.70/month"]);
  });

  it("adds the caller's notes after its own sentences, without repeating one", () => {
    const plan = buildPlan([change("Add", "NatGateway0", "AWS::EC2::NatGateway")], {
      region: "us-east-1",
      notes: ["1 NAT gateway will be created: about $32.85/month plus $0.045/GB processed", "services move"],
    });
    expect(plan.sentences).toEqual(["1 NAT gateway will be created: about $32.85/month plus $0.045/GB processed", "services move"]);
  });

  it("an empty list of changes (moto's UPDATE) still carries the notes", () => {
    const plan = buildPlan([], { region: "us-east-1", notes: ["the internal load balancer will be deleted"] });
    expect(plan.rows).toEqual([]);
    expect(plan.sentences).toEqual(["the internal load balancer will be deleted"]);
    expect(planSummary(plan)).toBe("no resource changes listed");
  });
});
