/**
 * Issue 9, item 3. Amazon VPC quotas (VPC User Guide, "Amazon VPC quotas"): Elastic IP
 * addresses per Region 5, VPCs per Region 5, internet gateways per Region 5 (raised with VPCs
 * per Region), NAT gateways per Availability Zone 5 (counted while pending, active or
 * deleting). A private rack takes one Elastic IP and one NAT gateway per zone.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, rackQuotaRefusals, syncReservedConcurrency, type AccountUsage } from "../../src/templates/rack-quotas.js";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const empty: AccountUsage = { region: "us-east-1", elasticIps: 0, vpcs: 1, internetGateways: 1, natGateways: {}, limits: {} };

describe("account quotas a rack needs (Amazon VPC quotas)", () => {
  it("the defaults are the VPC quotas page's", () => {
    expect(DEFAULT_LIMITS).toEqual({ elasticIps: 5, vpcs: 5, internetGateways: 5, natGatewaysPerZone: 5 });
  });

  it("a private rack over three zones in an account using 3 of its 5 Elastic IPs is refused, with what is used, the limit and the quota code", () => {
    const refusals = rackQuotaRefusals({ zones: ZONES, private: true, newVpc: true }, { ...empty, elasticIps: 3 });
    expect(refusals).toEqual([
      {
        quota: "elasticIps",
        message: "a private rack takes one Elastic IP per zone (3 zones): 3 Elastic IPs, but the account uses 3 of its 5 in us-east-1 (EC2-VPC Elastic IPs, L-0263D0A3)",
        fix: "release Elastic IPs you no longer use (aws ec2 describe-addresses), or raise the quota: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region us-east-1",
      },
    ]);
  });

  it("a public rack needs no Elastic IP or NAT gateway, only a VPC and an internet gateway", () => {
    expect(rackQuotaRefusals({ zones: ZONES, private: false, newVpc: true }, { ...empty, elasticIps: 5, natGateways: { "us-east-1a": 5 } })).toEqual([]);
    const full = rackQuotaRefusals({ zones: ZONES, private: false, newVpc: true }, { ...empty, vpcs: 5, internetGateways: 5 });
    expect(full.map((refusal) => refusal.quota)).toEqual(["vpcs", "internetGateways"]);
    // Internet gateways per Region is raised by raising VPCs per Region.
    expect(full[1]?.fix).toContain("--service-code vpc --quota-code L-F678F1CE --desired-value 6");
  });

  it("Private=Yes on a running rack needs no new VPC, and is refused in a zone whose NAT gateways are at the quota", () => {
    const refusals = rackQuotaRefusals({ zones: ZONES, private: true, newVpc: false }, { ...empty, vpcs: 5, internetGateways: 5, natGateways: { "us-east-1b": 5 }, limits: { natGatewaysPerZone: 5 } });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.message).toBe("a private rack takes one NAT gateway in each of its zones, but us-east-1b has 5 of its 5 (NAT gateways per Availability Zone, L-FE5A380F)");
  });

  it("the limits Service Quotas returns win over the defaults", () => {
    expect(rackQuotaRefusals({ zones: ZONES, private: true, newVpc: true }, { ...empty, elasticIps: 5, limits: { elasticIps: 10 } })).toEqual([]);
  });

  it("the sync function reserves one execution only where Lambda keeps 100 unreserved afterwards", () => {
    expect(syncReservedConcurrency(1000)).toBe("1");
    expect(syncReservedConcurrency(101)).toBe("1");
    expect(syncReservedConcurrency(100)).toBe("none");
    expect(syncReservedConcurrency(10)).toBe("none");
  });
});
