import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { INTERFACE_ENDPOINTS } from "../../src/rack/vpc-endpoints.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";

/** `racknet rack params set NatGateways=… / VpcEndpoints=…` (issue 26, items 2, 3 and 5), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function set(...params: string[]) {
  Object.assign(h.options, { rack: "prod", yes: true });
  return h.run(paramsSet, { params });
}

const ofType = (type: string) => Object.entries(h.cloudFormation.stack("prod")?.resources ?? {}).filter(([, resource]) => resource.Type === type);
const physical = (logicalId: string) => h.cloudFormation.stack("prod")?.physicalIds[logicalId];

describe("NatGateways", () => {
  it("One: a narrowing of availability, refused with --yes alone (as a destroy is), nothing changed", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    const result = await set("NatGateways=One");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Destroys or replaces");
    expect(result.stderr).toContain("NAT gateway NatGateway2 will be deleted: the private subnets of us-east-1b go out through the NAT gateway in us-east-1a");
    expect(result.stderr).toContain("--allow-destroy");
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(ofType("AWS::EC2::NatGateway")).toHaveLength(3);
  });

  it("One, approved: one NAT gateway, every private default route on it, the saving stated; back to PerZone replaces no subnet", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    const subnets = ["PrivateSubnet1", "PrivateSubnet2", "PrivateSubnet3", "PublicSubnet1"].map(physical);
    Object.assign(h.options, { allowDestroy: true, requireApproval: "never" });
    const one = await set("NatGateways=One");
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/2 NAT gateway\(s\) and their Elastic IPs will be released, last, once every private route has moved: saving about \$73\.00\/month/);
    expect(one.stderr).toContain("an outage of us-east-1a stops the outbound traffic of every zone");
    expect(ofType("AWS::EC2::NatGateway").map(([id]) => id)).toEqual(["NatGateway1"]);
    const resources = h.cloudFormation.stack("prod")?.resources ?? {};
    for (const az of [1, 2, 3]) expect(resources[`PrivateDefaultRoute${az}`]?.Properties?.NatGatewayId).toEqual({ Ref: "NatGateway1" });

    const back = await set("NatGateways=PerZone");
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stderr).toMatch(/2 NAT gateway\(s\) with an Elastic IP each will be created first, then the private routes move to them: about \$73\.00\/month more/);
    expect(ofType("AWS::EC2::NatGateway")).toHaveLength(3);
    expect(["PrivateSubnet1", "PrivateSubnet2", "PrivateSubnet3", "PublicSubnet1"].map(physical)).toEqual(subnets);
    for (const az of [1, 2, 3]) expect(h.cloudFormation.stack("prod")?.resources[`PrivateDefaultRoute${az}`]?.Properties?.NatGatewayId).toEqual({ Ref: `NatGateway${az}` });
  });

  it("One on a public rack, or None without the endpoints: refused with the fix, before any AWS write", async () => {
    await installedRack(h, "prod");
    const onPublic = await set("NatGateways=One");
    expect(onPublic.exitCode).toBe(1);
    expect(onPublic.stderr).toContain("NatGateways=One sets the NAT gateways of the private subnets, and the rack has none (Private=No)");
    expect(onPublic.stderr).toContain("Private=Yes NatGateways=One");
    const none = await set("Private=Yes", "NatGateways=None");
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain("NatGateways=None VpcEndpoints=Yes");
    expect([...onPublic.writes, ...none.writes].filter((write) => !write.startsWith("SSM."))).toEqual([]);
  });
});

describe("VpcEndpoints=Yes", () => {
  it("the interface endpoints in every private subnet, priced per zone-hour and per GB with the traffic at which they pay for themselves", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    const result = await set("VpcEndpoints=Yes");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("6 interface endpoints (ecr.api, ecr.dkr, logs, ssm, ssmmessages, sts) in every private subnet (3 zones), private DNS on, HTTPS from the VPC only: about $131.40/month ($0.01 per endpoint per zone-hour) plus $0.01/GB processed");
    expect(result.stderr).toContain("the endpoints pay for themselves above about 3,755 GB a month of it");
    const endpoints = ofType("AWS::EC2::VPCEndpoint").map(([id]) => id).sort();
    expect(endpoints).toEqual(["S3GatewayEndpoint", ...INTERFACE_ENDPOINTS.map((endpoint) => endpoint.logicalId)].sort());
  });

  it("then NatGateways=None: no NAT gateway and no default route; the plan says what stops working", async () => {
    await installedRack(h, "prod", ["Private=Yes", "VpcEndpoints=Yes"]);
    Object.assign(h.options, { allowDestroy: true, requireApproval: "never" });
    const result = await set("NatGateways=None");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("the private subnets will have no way to the internet: any call outside AWS stops working");
    expect(ofType("AWS::EC2::NatGateway")).toEqual([]);
    expect(ofType("AWS::EC2::Route").map(([id]) => id)).toEqual(["PublicDefaultRoute"]);
  });
});
