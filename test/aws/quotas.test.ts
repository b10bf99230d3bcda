import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { ValidationErrors } from "../../src/errors/index.js";
import { checkRackQuotas, refuseOverQuota } from "../../src/rack-steps/quotas.js";
import { memoryContext } from "../support/aws-harness.js";

const ec2 = mockClient(EC2Client);
const quotas = mockClient(ServiceQuotasClient);
const ZONES = ["us-east-1a", "us-east-1b"];

/** An account with these resources (shapes as EC2 returns them). */
function account(usage: { addresses: number; vpcs: number; gateways: number; nats?: string[] }): void {
  ec2.reset();
  ec2.onAnyCommand().rejects(new Error("unmocked EC2 call"));
  ec2.on(DescribeAddressesCommand).resolves({ Addresses: Array.from({ length: usage.addresses }, (_, i) => ({ AllocationId: `eipalloc-${i}`, Domain: "vpc" })) });
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: Array.from({ length: usage.vpcs }, (_, i) => ({ VpcId: `vpc-${i}` })) });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: Array.from({ length: usage.gateways }, (_, i) => ({ InternetGatewayId: `igw-${i}` })) });
  const nats = usage.nats ?? [];
  ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: nats.map((zone, i) => ({ NatGatewayId: `nat-${i}`, SubnetId: `subnet-${zone}`, State: "available" })) });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [...new Set(nats)].map((zone) => ({ SubnetId: `subnet-${zone}`, AvailabilityZone: zone })) });
}

/** Service Quotas answers this applied value for every quota. */
function applied(value: number): void {
  quotas.reset();
  quotas.on(GetServiceQuotaCommand).callsFake((input: { QuotaCode: string }) => ({ Quota: { QuotaCode: input.QuotaCode, Value: value } }));
}

beforeEach(() => {
  account({ addresses: 0, vpcs: 1, gateways: 1 });
  applied(5);
});
afterEach(() => {
  ec2.reset();
  quotas.reset();
});

describe("the quota check before install and Private=Yes", () => {
  it("a private install needs an Elastic IP per zone: 4 of 5 used is refused, saying what is used, the limit and the command that raises it", async () => {
    account({ addresses: 4, vpcs: 1, gateways: 1 });
    const { context } = memoryContext();
    const error = (await refuseOverQuota(context, { zones: ZONES, private: true, newVpc: true }, "rack prod").catch((caught: unknown) => caught)) as ValidationErrors;
    expect(error).toBeInstanceOf(ValidationErrors);
    expect(error.message).toBe("rack prod does not fit in the account's quotas in us-east-1; nothing was changed");
    expect(error.problems).toEqual([
      {
        where: "EC2-VPC Elastic IPs",
        message: "a private rack takes one Elastic IP per zone (2 zones): 2 Elastic IPs, but the account uses 4 of its 5 in us-east-1 (EC2-VPC Elastic IPs, L-0263D0A3)",
        fix: expect.stringContaining("aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region us-east-1"),
      },
    ]);
  });

  it("a raised quota (GetServiceQuota's applied value) lets the same install through", async () => {
    account({ addresses: 4, vpcs: 1, gateways: 1 });
    applied(20);
    const { context } = memoryContext();
    const check = await refuseOverQuota(context, { zones: ZONES, private: true, newVpc: true }, "rack prod");
    expect(check.refusals).toEqual([]);
    expect(check.usage.limits).toEqual({ elasticIps: 20, vpcs: 20, internetGateways: 20, natGatewaysPerZone: 20 });
    expect(quotas).toHaveReceivedCommandWith(GetServiceQuotaCommand, { ServiceCode: "vpc", QuotaCode: "L-FE5A380F" });
  });

  it("NAT gateways count per zone (pending, available, deleting), found through their subnets", async () => {
    account({ addresses: 0, vpcs: 1, gateways: 1, nats: ["us-east-1b", "us-east-1b", "us-east-1b", "us-east-1b", "us-east-1b", "us-east-1c"] });
    const { context } = memoryContext();
    const check = await checkRackQuotas(context, { zones: ZONES, private: true, newVpc: false });
    expect(check.usage.natGateways).toEqual({ "us-east-1b": 5, "us-east-1c": 1 });
    expect(check.refusals.map((refusal) => refusal.message)).toEqual([expect.stringContaining("but us-east-1b has 5 of its 5")]);
    expect(ec2).toHaveReceivedCommandWith(DescribeNatGatewaysCommand, { Filter: [{ Name: "state", Values: ["pending", "available", "deleting"] }] });
  });

  it("Private=Yes on a running rack adds no VPC: a region at 5 of 5 VPCs is not refused for it", async () => {
    account({ addresses: 0, vpcs: 5, gateways: 5 });
    const { context } = memoryContext();
    expect((await checkRackQuotas(context, { zones: ZONES, private: true, newVpc: false })).refusals).toEqual([]);
    expect((await checkRackQuotas(context, { zones: ZONES, private: false, newVpc: true })).refusals.map((refusal) => refusal.quota)).toEqual(["vpcs", "internetGateways"]);
  });

  it("a scope that leaves out a quota the change adds to is an error, never a quota left unchecked", async () => {
    account({ addresses: 5, vpcs: 1, gateways: 1 });
    const { context } = memoryContext();
    await expect(checkRackQuotas(context, { zones: ZONES, private: true, newVpc: true }, { quotas: ["vpcs", "internetGateways"] })).rejects.toThrow(/did not read elasticIps, natGatewaysPerZone/);
    // Within its scope the check reads only those quotas, and the VPC count it is given.
    const check = await checkRackQuotas(context, { zones: ZONES, private: false, newVpc: true }, { quotas: ["vpcs", "internetGateways"], vpcCount: Promise.resolve(5) });
    expect(check.refusals.map((refusal) => refusal.quota)).toEqual(["vpcs"]);
  });

  it("a quota without an applied value (NoSuchResourceException) takes AWS's default from GetAWSDefaultServiceQuota", async () => {
    quotas.reset();
    quotas.on(GetServiceQuotaCommand).rejects(Object.assign(new Error("The request failed because the specified service quota does not exist."), { name: "NoSuchResourceException" }));
    quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 7 } });
    const { context } = memoryContext();
    const check = await checkRackQuotas(context, { zones: ZONES, private: true, newVpc: true });
    expect(check.usage.limits.elasticIps).toBe(7);
    expect(check.defaulted).toEqual([]);
  });

  it("Service Quotas not allowed (AccessDenied): the documented defaults, said on stderr, and the check still refuses", async () => {
    account({ addresses: 5, vpcs: 1, gateways: 1 });
    quotas.reset();
    quotas.onAnyCommand().rejects(Object.assign(new Error("User is not authorized to perform: servicequotas:GetServiceQuota"), { name: "AccessDeniedException" }));
    const { context, stderr } = memoryContext();
    const error = await refuseOverQuota(context, { zones: ZONES, private: true, newVpc: true }, "rack prod").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationErrors);
    expect(stderr.text).toContain("Service Quotas did not answer (AccessDeniedException: User is not authorized");
    expect(stderr.text).toContain("EC2-VPC Elastic IPs 5");
  });
});
