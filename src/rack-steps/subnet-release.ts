/**
 * Before subnets are deleted (the private ones by Private=No, all of them by uninstall): wait
 * until no network interface that the rack's stack does not own is left in them. A Fargate
 * task's interface outlives its stop by a while, a deleted load balancer's too (ELB releases
 * them asynchronously), and EC2 refuses to delete a subnet that an interface still uses; the
 * stack's own load balancers' and NAT gateways' interfaces go first in its deletion order
 * (docs/rack-template.md, "Deletion order").
 */
import { UserError } from "../errors/index.js";
import { deleteSubnet, describeHolder, existingSubnets, goesWithTheStack, holderName, networkInterfaces, stackLoadBalancers, type InterfaceScope, type SubnetHolder } from "../aws/network-interfaces.js";
import type { Context } from "../runtime/context.js";
import { Waiting } from "../ui/waiting.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackOutput } from "../names/rack-outputs.js";

export interface ReleasePacing {
  pollMs: number;
  timeoutMs: number;
}

export const DEFAULT_RELEASE_PACING: ReleasePacing = {
  pollMs: 5_000,
  // ECS detaches a stopped task's interface within minutes; past this, something else holds it.
  timeoutMs: 5 * 60_000,
};

/** Which subnets are about to go: the private ones (Private=No), or every subnet of the VPC (uninstall). */
export type ReleaseScope = "private-subnets" | "vpc";

/**
 * Waits, with a sign of life naming what still holds the subnets (a spinner on a terminal; in
 * CI a line whenever that changes and a heartbeat), until none of those interfaces is left; past the timeout refuses (nothing deleted) naming
 * each one: id, subnet, description, requester, status. The interfaces of the stack's own
 * load balancers and NAT gateways go with the stack, in its order; those of a load balancer
 * that is gone (ELB releases them asynchronously after it is deleted) are waited for.
 * `afterDeletion`: the stack's deletion already removed its load balancers and NAT gateways,
 * so every interface left is waited for.
 */
export async function waitForSubnetsToEmpty(context: Context, rack: RackInfo, scope: ReleaseScope, pacing: ReleasePacing = DEFAULT_RELEASE_PACING, afterDeletion = false, only?: readonly string[]): Promise<void> {
  // In a VPC the rack was installed into (ExistingVpc), the stack deletes no subnet and the
  // VPC's other interfaces are none of its business: only what uses the rack's security
  // group holds the deletion (EC2 refuses to delete a group an interface uses).
  const existingVpc = scope === "vpc" && rack.params.ExistingVpc !== "";
  const where: InterfaceScope = existingVpc
    ? { groupIds: [rack.outputs[RackOutput.NetworkSecurityGroup] ?? ""].filter(Boolean) }
    : scope === "vpc"
      ? { vpcId: rack.outputs[RackOutput.VpcId] ?? "" }
      : { subnetIds: only ?? (rack.outputs[RackOutput.PrivateSubnets] ?? "").split(",").filter(Boolean) };
  if ("vpcId" in where && !where.vpcId) return;
  const [ec2, balancers] = await Promise.all([context.aws.ec2(), afterDeletion ? new Set<string>() : context.aws.cloudFormation().then((cfn) => stackLoadBalancers(cfn, rack.id))]);
  const subnets = existingVpc ? "the rack's security group" : scope === "vpc" ? "the rack's subnets" : "the rack's private subnets";
  const stays = (holder: SubnetHolder) => !afterDeletion && goesWithTheStack(holder, balancers);
  const deadline = context.clock.now() + pacing.timeoutMs;
  let waiting: Waiting | undefined;
  try {
    for (;;) {
      const holders = (await networkInterfaces(ec2, where)).filter((holder) => !stays(holder));
      if (holders.length === 0) {
        if (waiting) context.printer.step(`no network interface holds ${subnets} any more`);
        return;
      }
      if (context.clock.now() + pacing.pollMs > deadline) throw stillHeld(rack.rack, subnets, holders, pacing.timeoutMs);
      const label = `waiting for ${holders.length === 1 ? "1 network interface" : `${holders.length} network interfaces`} to leave ${subnets}: ${holdersInShort(holders)} (up to ${Math.round(pacing.timeoutMs / 60_000)} min)`;
      if (waiting) waiting.update(label);
      else waiting = new Waiting(context.printer, label).start();
      await context.clock.sleep(pacing.pollMs);
    }
  } finally {
    waiting?.end();
  }
}

/** The holders by name, the first few: `eni-1 (an ECS task's), eni-2 (Lambda function resize) and 3 more`. */
function holdersInShort(holders: readonly SubnetHolder[]): string {
  const named = holders.slice(0, 3).map(holderName).join(", ");
  return holders.length > 3 ? `${named} and ${holders.length - 3} more` : named;
}

function stillHeld(rack: string, subnets: string, holders: readonly SubnetHolder[], timeoutMs: number): UserError {
  const list = holders.map((holder) => `  ${describeHolder(holder)}`).join("\n");
  return new UserError(`after ${Math.round(timeoutMs / 60_000)} min, ${holders.length} network interface(s) still use ${subnets} of rack ${rack}, and EC2 would refuse to delete them; nothing was deleted:\n${list}`, {
    fix: "stop what they belong to (a task of another service, a Lambda function in the VPC, a load balancer made outside racknet), or wait and run the command again; `aws ec2 describe-network-interfaces --network-interface-ids ID` shows each",
  });
}

/**
 * After Private=No. The same update moves the rack's internal and router load balancers off
 * the private subnets and deletes those subnets in its clean-up phase; ELB releases the old
 * subnets' interfaces asynchronously, and a subnet EC2 refuses then is left outside the stack
 * (CloudFormation: "Update successful. One or more resources could not be deleted"). Each
 * private subnet of the rack as it was that still exists: wait for its interfaces to go (the
 * progress line naming them), then delete it.
 */
export async function removeLeftoverPrivateSubnets(context: Context, before: RackInfo, pacing: ReleasePacing = DEFAULT_RELEASE_PACING): Promise<string[]> {
  const ec2 = await context.aws.ec2();
  const left = await existingSubnets(ec2, (before.outputs[RackOutput.PrivateSubnets] ?? "").split(",").filter(Boolean));
  if (left.length === 0) return [];
  context.printer.step(`CloudFormation left ${left.join(", ")} of rack ${before.rack} undeleted (network interfaces still held them): waiting for them to be released, then deleting them`);
  await waitForSubnetsToEmpty(context, before, "private-subnets", pacing, true, left);
  for (const subnet of left) await deleteSubnet(ec2, subnet);
  context.printer.step(`deleted ${left.join(", ")}`);
  return left;
}
