import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DescribeNetworkInterfacesCommand, type NetworkInterface } from "@aws-sdk/client-ec2";
import { UserError } from "../../src/core/errors.js";
import { holderName } from "../../src/aws/network-interfaces.js";
import { resolveRack, type RackInfo } from "../../src/steps/resolve.js";
import { waitForSubnetsToEmpty } from "../../src/steps/subnet-release.js";
import { emptyZoneBeforeUninstall } from "../../src/steps/zone-emptying.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";

/** The steps uninstall and Private=No take before subnets and the private-network zone are deleted. */
let h: AwsHarness;
let rack: RackInfo;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod", ["Private=Yes"]);
  h.options.rack = "prod";
  rack = await resolveRack(h.context);
});
afterEach(() => h.restore());

function eni(id: string, fields: Partial<NetworkInterface>): NetworkInterface {
  return { NetworkInterfaceId: id, SubnetId: "subnet-priv0", InterfaceType: "interface", Status: "in-use", ...fields };
}
const TASK = eni("eni-task", { Description: "arn:aws:ecs:us-east-1:123456789012:attachment/9a8b", RequesterId: "578734482556" });
const BALANCER = eni("eni-lb", { Description: "ELB app/prod-Internal/50dc6c495c0c9188", RequesterId: "amazon-elb" });
const NAT = eni("eni-nat", { Description: "Interface for NAT Gateway nat-0a1", InterfaceType: "natGateway", RequesterId: "AKIAEXAMPLE" });

describe("waiting for the subnets to be free", () => {
  it("Private=No: waits, with progress, until the tasks' interfaces have left the private subnets; load balancers and NAT gateways are the stack's own", async () => {
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [TASK, BALANCER, NAT] })
      .resolvesOnce({ NetworkInterfaces: [TASK, BALANCER] })
      .resolves({ NetworkInterfaces: [BALANCER, NAT] });
    const sleeps: number[] = [];
    const outcome = await h.run((context) => waitForSubnetsToEmpty(context, rack, "private-subnets", { pollMs: 5_000, timeoutMs: 60_000, sleep: async (ms) => void sleeps.push(ms) }), undefined);
    expect(sleeps).toEqual([5_000, 5_000]);
    // A sign of life from the first look, naming what holds the subnets; in CI, a timestamped line.
    expect(outcome.stderr).toMatch(/^\d\d:\d\d:\d\d {2}waiting for 1 network interface to leave the rack's private subnets, held by an ECS task \(eni-task\)/);
    expect(outcome.stderr).toContain("no task's network interface is left in the rack's private subnets");
    const filter = h.stubs.EC2?.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters;
    expect(filter).toEqual([{ Name: "subnet-id", Values: (rack.outputs.PrivateSubnets ?? "").split(",") }]);
  });

  it("uninstall: the whole VPC; past the timeout refused, naming each interface's id, subnet, description, requester and status", async () => {
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [TASK, BALANCER] });
    const error = (await waitForSubnetsToEmpty(h.context, rack, "vpc", { pollMs: 5_000, timeoutMs: 12_000, sleep: async () => undefined }).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("1 network interface(s) still use the rack's subnets of rack prod");
    expect(error.message).toContain('eni-task in subnet-priv0: "arn:aws:ecs:us-east-1:123456789012:attachment/9a8b" (requester 578734482556, interface, in-use)');
    expect(error.message).not.toContain("eni-lb");
    expect(h.stubs.EC2?.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters).toEqual([{ Name: "vpc-id", Values: [rack.outputs.VpcId] }]);
  });
});

describe("what holds an interface, in a few words", () => {
  it("an ECS task, a Lambda function by name, else the description", () => {
    const holder = (description: string) => ({ id: "eni-1", subnetId: "subnet-1", description, requester: "?", interfaceType: "interface", status: "in-use" });
    expect(holderName(holder("arn:aws:ecs:us-east-1:123456789012:attachment/9a8b"))).toBe("an ECS task (eni-1)");
    expect(holderName(holder("AWS Lambda VPC ENI-resize-images-0f8e7d6c-1a2b-3c4d-5e6f-0123456789ab"))).toBe("Lambda function resize-images (eni-1)");
    expect(holderName(holder("my bastion"))).toBe('"my bastion" (eni-1)');
  });
});

describe("emptying the private-network zone", () => {
  it("deletes racknet's A and TXT records, leaving SOA and NS", async () => {
    const zone = rack.outputs.PrivateNetworkZoneName ?? "";
    h.privateNetwork.records.push(
      { Name: `${zone}.`, Type: "SOA", TTL: 900, ResourceRecords: [{ Value: "ns-1. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" }] },
      { Name: `${zone}.`, Type: "NS", TTL: 172800, ResourceRecords: [{ Value: "ns-1." }] },
      { Name: `web.ap-1.${zone}.`, Type: "A", TTL: 10, ResourceRecords: [{ Value: "10.0.1.5" }] },
      { Name: `web.ap-1.${zone}.`, Type: "TXT", TTL: 10, ResourceRecords: [{ Value: '"racknet"' }] },
    );
    expect(await emptyZoneBeforeUninstall(h.context, rack)).toEqual({ deleted: 2 });
    expect(h.privateNetwork.records.map((record) => record.Type)).toEqual(["SOA", "NS"]);
  });

  it("a record racknet never writes (an alias) refuses uninstall before anything is deleted, naming it", async () => {
    const zone = rack.outputs.PrivateNetworkZoneName ?? "";
    h.privateNetwork.records.push(
      { Name: `web.ap-1.${zone}.`, Type: "A", TTL: 10, ResourceRecords: [{ Value: "10.0.1.5" }] },
      { Name: `db.${zone}.`, Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "db.example.com" }] },
    );
    const error = (await emptyZoneBeforeUninstall(h.context, rack).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`db.${zone}. CNAME`);
    expect(error.fix).toContain("racknet rack uninstall prod");
    expect(h.privateNetwork.records).toHaveLength(2);
  });
});
