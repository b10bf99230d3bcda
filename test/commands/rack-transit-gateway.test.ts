import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";

/** TransitGatewayId and TransitGatewayCidrs (issue 25, item 4), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
  Object.assign(h.options, { yes: true, requireApproval: "never" });
});
afterEach(() => h.restore());

const TGW = "tgw-0123456789abcdef0";
const args = (params: string[]): InstallArgs => ({ name: "prod", params, private: false });
const cloudFormationWrites = (outcome: Parameters<typeof resourceWrites>[0]) => resourceWrites(outcome).filter((write) => write.startsWith("CloudFormation."));

describe("rack install with a transit gateway", () => {
  it("attaches the private subnets, routes each range from every route table through it, the router admits the ranges; the plan states the cost", async () => {
    h.transitGateways.push({ id: TGW, region: "us-east-1", state: "available" });
    const result = await h.run(install, args(["Private=Yes", "internal_router=true", `TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16,10.60.0.0/16"]));
    expect(result.exitCode, result.stderr).toBe(0);
    const stack = h.cloudFormation.stack("prod");
    expect(stack?.resources.TransitGatewayAttachment?.Properties).toMatchObject({ TransitGatewayId: TGW });
    const routes = Object.entries(stack?.resources ?? {}).filter(([id]) => id.startsWith("TransitGatewayRoute"));
    const tables = Object.entries(stack?.resources ?? {}).filter(([, resource]) => resource.Type === "AWS::EC2::RouteTable");
    expect(routes).toHaveLength(2 * tables.length);
    expect(routes.map(([, route]) => route.Properties?.DestinationCidrBlock).sort()).toEqual([...tables.map(() => "10.50.0.0/16"), ...tables.map(() => "10.60.0.0/16")].sort());
    const group = stack?.resources.RouterTransitGatewaySecurityGroup?.Properties?.SecurityGroupIngress as { CidrIp: string; FromPort: number }[];
    expect(group.map((rule) => `${rule.CidrIp}:${rule.FromPort}`).sort()).toEqual(["10.50.0.0/16:443", "10.50.0.0/16:80", "10.60.0.0/16:443", "10.60.0.0/16:80"]);
    expect(result.stderr).toContain("a transit gateway attachment is charged per hour");
    expect(stack?.parameters.InternalRouterCidrs).toBe("");
  });

  it("a gateway that does not exist, one of another Region, one still pending: refused before any write, saying which", async () => {
    const missing = await h.run(install, args(["Private=Yes", `TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16"]));
    expect(missing.stderr).toContain(`transit gateway ${TGW} does not exist in us-east-1, nor in the account's other Regions`);
    h.regions = ["us-east-1", "eu-west-1"];
    h.transitGateways.push({ id: TGW, region: "eu-west-1", state: "available" });
    const elsewhere = await h.run(install, args(["Private=Yes", `TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16"]));
    expect(elsewhere.stderr).toContain(`transit gateway ${TGW} is in eu-west-1, not in us-east-1`);
    h.transitGateways.push({ id: TGW, region: "us-east-1", state: "pending" });
    const pending = await h.run(install, args(["Private=Yes", `TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16"]));
    expect(pending.stderr).toContain(`transit gateway ${TGW} is pending in us-east-1`);
    for (const result of [missing, elsewhere, pending]) {
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("fix:");
      expect(cloudFormationWrites(result)).toEqual([]);
    }
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });

  it("bad input, refused before any AWS call: ranges without a gateway, a gateway without ranges or private subnets, a range inside the VPC, a malformed id", async () => {
    const cases: [string[], string][] = [
      [["Private=Yes", "TransitGatewayCidrs=10.50.0.0/16"], "TransitGatewayCidrs names ranges to route through a transit gateway, and TransitGatewayId is not given"],
      [["Private=Yes", `TransitGatewayId=${TGW}`], "TransitGatewayCidrs names no range"],
      [[`TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16"], "the rack has none (Private=No)"],
      [["Private=Yes", "VPCCIDR=10.50.0.0/16", `TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.128.0/17"], "10.50.128.0/17 overlaps the rack's own range 10.50.0.0/16"],
      [["Private=Yes", "TransitGatewayId=vpc-0123456789abcdef0", "TransitGatewayCidrs=10.50.0.0/16"], 'TransitGatewayId: "vpc-0123456789abcdef0" is not a transit gateway id'],
    ];
    for (const [params, message] of cases) {
      const result = await h.run(install, args(params));
      expect(result.exitCode, params.join(" ")).toBe(1);
      expect(result.stderr).toContain(message);
      expect(resourceWrites(result)).toEqual([]);
    }
  });
});

describe("rack params set with a transit gateway", () => {
  it("attaches a running private rack; ranges added at the end; a range that would move to another place is refused, naming the way", async () => {
    h.transitGateways.push({ id: TGW, region: "us-east-1", state: "available" });
    expect((await h.run(install, args(["Private=Yes"]))).exitCode).toBe(0);
    h.options.rack = "prod";
    const attached = await h.run(paramsSet, { params: [`TransitGatewayId=${TGW}`, "TransitGatewayCidrs=10.50.0.0/16,10.60.0.0/16"] });
    expect(attached.exitCode, attached.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.resources.TransitGatewayAttachment).toBeDefined();
    const added = await h.run(paramsSet, { params: ["TransitGatewayCidrs=10.50.0.0/16,10.60.0.0/16,10.70.0.0/16"] });
    expect(added.exitCode, added.stderr).toBe(0);
    const moved = await h.run(paramsSet, { params: ["TransitGatewayCidrs=10.60.0.0/16,10.70.0.0/16"] });
    expect(moved.exitCode).toBe(1);
    expect(moved.stderr).toContain("TransitGatewayCidrs would move 10.60.0.0/16, 10.70.0.0/16 to another place in the list");
    expect(moved.stderr).toContain("remove only from the end");
    expect(resourceWrites(moved)).toEqual([]);
    const detached = await h.run(paramsSet, { params: ["TransitGatewayId=", "TransitGatewayCidrs="] });
    expect(detached.exitCode, detached.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.resources.TransitGatewayAttachment).toBeUndefined();
  });
});
