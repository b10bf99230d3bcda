/**
 * Before subnets are deleted (the private ones by Private=No, all of them by uninstall): wait
 * until no network interface that the rack's stack does not own is left in them. A Fargate
 * task's interface outlives its stop by a while, and EC2 refuses to delete a subnet that an
 * interface still uses; the load balancers' and NAT gateways' interfaces are the stack's own
 * and go first in its deletion order (docs/rack-template.md, "Deletion order").
 */
import { UserError } from "../core/errors.js";
import { describeHolder, holderName, networkInterfaces, ownedByTheStack, type SubnetHolder } from "../aws/network-interfaces.js";
import type { Context } from "../runtime/context.js";
import { Waiting } from "../ui/waiting.js";
import type { RackInfo } from "./resolve.js";

export interface ReleasePacing {
  pollMs: number;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_RELEASE_PACING: ReleasePacing = {
  pollMs: 5_000,
  // ECS detaches a stopped task's interface within minutes; past this, something else holds it.
  timeoutMs: 5 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Which subnets are about to go: the private ones (Private=No), or every subnet of the VPC (uninstall). */
export type ReleaseScope = "private-subnets" | "vpc";

/**
 * Waits, with a sign of life naming what holds the interfaces (a spinner on a terminal, a
 * line whenever they change and a heartbeat in CI), until none of them is left; past the
 * timeout refuses (nothing deleted) naming each one: id, subnet, description, requester, status.
 */
export async function waitForSubnetsToEmpty(context: Context, rack: RackInfo, scope: ReleaseScope, pacing: ReleasePacing = DEFAULT_RELEASE_PACING): Promise<void> {
  const where = scope === "vpc" ? { vpcId: rack.outputs.VpcId ?? "" } : { subnetIds: (rack.outputs.PrivateSubnets ?? "").split(",").filter(Boolean) };
  if ("vpcId" in where && !where.vpcId) return;
  const ec2 = await context.aws.ec2();
  const subnets = scope === "vpc" ? "the rack's subnets" : "the rack's private subnets";
  let waited = 0;
  let waiting: Waiting | undefined;
  try {
    for (;;) {
      const holders = (await networkInterfaces(ec2, where)).filter((holder) => !ownedByTheStack(holder));
      if (holders.length === 0) {
        if (waiting) context.printer.step(`no task's network interface is left in ${subnets}`);
        return;
      }
      if (waited + pacing.pollMs > pacing.timeoutMs) throw stillHeld(rack.rack, subnets, holders, pacing.timeoutMs);
      const label = `waiting for ${holders.length === 1 ? "1 network interface" : `${holders.length} network interfaces`} to leave ${subnets}, held by ${holdersInShort(holders)} (ECS releases a stopped task's within minutes; up to ${Math.round(pacing.timeoutMs / 60_000)} min)`;
      if (waiting) waiting.update(label);
      else waiting = new Waiting(context.printer, label).start();
      await pacing.sleep(pacing.pollMs);
      waited += pacing.pollMs;
    }
  } finally {
    waiting?.end();
  }
}

/** The holders by name, the first few: `an ECS task (eni-1), Lambda function resize (eni-2) and 3 more`. */
function holdersInShort(holders: readonly SubnetHolder[]): string {
  const named = holders.slice(0, 3).map(holderName).join(", ");
  return holders.length > 3 ? `${named} and ${holders.length - 3} more` : named;
}

function stillHeld(rack: string, subnets: string, holders: readonly SubnetHolder[], timeoutMs: number): UserError {
  const list = holders.map((holder) => `  ${describeHolder(holder)}`).join("\n");
  return new UserError(`after ${Math.round(timeoutMs / 60_000)} min, ${holders.length} network interface(s) still use ${subnets} of rack ${rack}, and EC2 would refuse to delete them; nothing was deleted:\n${list}`, {
    fix: "stop what they belong to (a task of another service, a Lambda function in the VPC), or wait and run the command again; `aws ec2 describe-network-interfaces --network-interface-ids ID` shows each",
  });
}
