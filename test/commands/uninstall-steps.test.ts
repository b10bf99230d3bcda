import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeleteSubnetCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, type NetworkInterface } from "@aws-sdk/client-ec2";
import { UserError } from "../../src/errors/index.js";
import { holderName } from "../../src/aws/network-interfaces.js";
import { resolveRack, type RackInfo } from "../../src/shared-steps/resolve.js";
import { waitForSubnetsToEmpty } from "../../src/rack-steps/subnet-release.js";
import { emptyZoneBeforeUninstall } from "../../src/rack-steps/zone-emptying.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { awsHarness, type AwsHarness, type Outcome } from "../support/aws-harness.js";
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
const NAT = eni("eni-nat", { Description: "Interface for NAT Gateway nat-0a1", InterfaceType: "natGateway", RequesterId: "AKIAEXAMPLE" });
/** An interface of the rack's own external load balancer, as ELB describes it: `ELB app/<name>/<id>` of its ARN. */
let BALANCER: NetworkInterface;
beforeEach(() => {
  const arn = h.cloudFormation.stack("prod")?.physicalIds.ExternalBalancer ?? "";
  BALANCER = eni("eni-lb", { Description: `ELB ${arn.split(":loadbalancer/")[1]}`, RequesterId: "amazon-elb", InterfaceType: "interface" });
});
/** An interface of a load balancer that is gone (an app's NLB, deleted with it): ELB releases it in its own time. */
const GONE_BALANCER = eni("eni-gone", { Description: "ELB net/prod-shop-nlb/0f1e2d3c4b5a6978", RequesterId: "amazon-elb", InterfaceType: "network_load_balancer" });

describe("waiting for the subnets to be free", () => {
  it("Private=No: waits, with progress, until the tasks' interfaces have left the private subnets; load balancers and NAT gateways are the stack's own", async () => {
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [TASK, BALANCER, NAT] })
      .resolvesOnce({ NetworkInterfaces: [TASK, BALANCER] })
      .resolves({ NetworkInterfaces: [BALANCER, NAT] });
    const waited = h.clock.sleeps.length;
    const outcome = await h.run((context) => waitForSubnetsToEmpty(context, rack, "private-subnets", { pollMs: 5_000, timeoutMs: 60_000 }), undefined);
    expect(h.clock.sleeps.slice(waited)).toEqual([5_000, 5_000]);
    // A sign of life from the first look, naming what holds the subnets; in CI, a timestamped line.
    expect(outcome.stderr).toMatch(/^\d\d:\d\d:\d\d {2}waiting for 1 network interface to leave the rack's private subnets: eni-task \(an ECS task's\)/);
    expect(outcome.stderr).toContain("no network interface holds the rack's private subnets any more");
    const filter = h.stubs.EC2?.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters;
    expect(filter).toEqual([{ Name: "subnet-id", Values: (rack.outputs.PrivateSubnets ?? "").split(",") }]);
  });

  it("uninstall: the whole VPC; past the timeout refused, naming each interface's id, subnet, description, requester and status", async () => {
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [TASK, BALANCER] });
    const error = (await waitForSubnetsToEmpty(h.context, rack, "vpc", { pollMs: 5_000, timeoutMs: 12_000 }).catch((caught: unknown) => caught)) as UserError;
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
    expect(holderName(holder("arn:aws:ecs:us-east-1:123456789012:attachment/9a8b"))).toBe("eni-1 (an ECS task's)");
    expect(holderName(holder("AWS Lambda VPC ENI-resize-images-0f8e7d6c-1a2b-3c4d-5e6f-0123456789ab"))).toBe("eni-1 (Lambda function resize-images)");
    expect(holderName(holder("my bastion"))).toBe("eni-1 (my bastion)");
  });
});

describe("load balancers' own interfaces (ELB releases them asynchronously after the load balancer is deleted)", () => {
  it("an interface of a load balancer that is not the stack's is waited for, and the progress line names the load balancer", async () => {
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [GONE_BALANCER, BALANCER] })
      .resolves({ NetworkInterfaces: [BALANCER] });
    const waited = h.clock.sleeps.length;
    const result = await h.run((context) => waitForSubnetsToEmpty(context, rack, "private-subnets", { pollMs: 5_000, timeoutMs: 60_000 }), undefined);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.clock.sleeps.slice(waited)).toEqual([5_000]);
    expect(result.stderr).toContain("waiting for 1 network interface to leave the rack's private subnets: eni-gone (load balancer net/prod-shop-nlb/0f1e2d3c4b5a6978, released by ELB after it is deleted or leaves the subnet) (up to 1 min)");
    expect(result.stderr).toContain("no network interface holds the rack's private subnets any more");
  });

  it("uninstall: EC2 refuses a subnet while a deleted load balancer's interface is still there; racknet waits for it to go, naming it, and deletes the stack again", async () => {
    h.cloudFormation.failNext("prod", { logicalId: "PublicSubnet1", reason: "The subnet 'subnet-0a1' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)" });
    const released = eni("eni-lb", { ...BALANCER, Status: "in-use" });
    let looks = 0;
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand).callsFake(() => {
      looks++;
      // Before DeleteStack: the load balancer's interface is the stack's own. After the failure: still there twice, then released.
      return { NetworkInterfaces: looks <= 3 ? [released] : [] };
    });
    const result = await runWithFakeClock(() => withYes(() => h.run(uninstall, { name: "prod" })));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("EC2 refused to delete PublicSubnet1: network interfaces still held them; waiting for AWS to release them, then deleting the rack's stack again");
    expect(result.stderr).toMatch(/waiting for 1 network interface to leave the rack's subnets: eni-lb \(load balancer app\/prod-ExternalBalancer\/[0-9a-f]+, released by ELB after it is deleted or leaves the subnet\)/);
    expect(result.stderr).toContain("rack prod uninstalled");
    expect(h.cloudFormation.operations.filter((operation) => operation.operation === "delete" && operation.stackName === "prod").map((operation) => operation.outcome)).toEqual(["DELETE_FAILED", "DELETE_COMPLETE"]);
  });

  it("uninstall: a deletion that failed for another reason is not tried again", async () => {
    h.cloudFormation.failNext("prod", { logicalId: "TemplateBucket", reason: "The bucket you tried to delete is not empty" });
    const result = await withYes(() => h.run(uninstall, { name: "prod" }));
    expect(result.exitCode).toBe(3);
    expect(h.cloudFormation.operations.filter((operation) => operation.operation === "delete" && operation.stackName === "prod")).toHaveLength(1);
  });
});

describe("Private=No: a private subnet CloudFormation's clean-up could not delete", () => {
  it("is waited for until the load balancer's interface is released, named in the progress line, then deleted", async () => {
    const left = (rack.outputs.PrivateSubnets ?? "").split(",")[0] ?? "";
    let cleanedUp = false;
    let looksAfter = 0;
    h.stubs.EC2?.on(DescribeSubnetsCommand).callsFake(() => {
      cleanedUp = true;
      return { Subnets: [{ SubnetId: left }] };
    });
    h.stubs.EC2?.on(DescribeNetworkInterfacesCommand).callsFake(() => {
      if (!cleanedUp) return { NetworkInterfaces: [] };
      looksAfter++;
      return { NetworkInterfaces: looksAfter <= 2 ? [{ ...GONE_BALANCER, SubnetId: left }] : [] };
    });
    const deleted: string[] = [];
    h.stubs.EC2?.on(DeleteSubnetCommand).callsFake((input: { SubnetId: string }) => {
      deleted.push(input.SubnetId);
      return {};
    });
    const result = await runWithFakeClock(() => withYes(() => h.run(paramsSet, { params: ["Private=No"] }), { requireApproval: "never", allowDestroy: true }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`CloudFormation left ${left} of rack prod undeleted (network interfaces still held them): waiting for them to be released, then deleting them`);
    expect(result.stderr).toContain("eni-gone (load balancer net/prod-shop-nlb/0f1e2d3c4b5a6978, released by ELB after it is deleted or leaves the subnet)");
    expect(deleted).toEqual([left]);
    expect(h.cloudFormation.stack("prod")?.parameters.Private).toBe("No");
  });

  it("none left: nothing is deleted", async () => {
    const deleted: string[] = [];
    h.stubs.EC2?.on(DeleteSubnetCommand).callsFake((input: { SubnetId: string }) => void deleted.push(input.SubnetId));
    const result = await withYes(() => h.run(paramsSet, { params: ["Private=No"] }), { requireApproval: "never", allowDestroy: true });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(deleted).toEqual([]);
    expect(result.calls.filter((call) => call.operation === "EC2.DescribeSubnets")).toHaveLength(1);
  });
});

function withYes(step: () => Promise<Outcome>, more: Partial<AwsHarness["options"]> = {}): Promise<Outcome> {
  Object.assign(h.options, { yes: true, ...more });
  return step();
}

/** Runs the command with setTimeout on a fake clock moved on whenever the command waits. */
async function runWithFakeClock(step: () => Promise<Outcome>): Promise<Outcome> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    let done = false;
    const running = step().finally(() => (done = true));
    while (!done) await vi.advanceTimersByTimeAsync(1000);
    return await running;
  } finally {
    vi.useRealTimers();
  }
}

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
