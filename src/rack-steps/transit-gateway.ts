/**
 * TransitGatewayId checked against AWS before anything is written (docs/peering.md, "Transit
 * gateway"): racknet never creates a transit gateway, and a VPC attaches only to one of its own
 * Region that is available. A gateway not found in the rack's Region is looked for in the
 * account's other Regions, so the refusal can say where it is.
 */
import { UserError } from "../errors/index.js";
import type { Context } from "../runtime/context.js";
import { enabledRegions } from "../aws/address-ranges.js";
import { transitGatewayState } from "../aws/transit-gateways.js";
import type { RackParams } from "../rack/params.js";

export async function checkedTransitGateway(context: Context, params: Readonly<RackParams>): Promise<void> {
  const id = params.TransitGatewayId;
  if (id === "") return;
  const [ec2, region] = await Promise.all([context.aws.ec2(), context.aws.region()]);
  const state = await transitGatewayState(ec2, id);
  if (state === "available") return;
  if (state !== undefined) {
    throw new UserError(`transit gateway ${id} is ${state} in ${region}: a VPC attaches only to an available transit gateway; nothing was changed`, {
      fix: `wait until \`aws ec2 describe-transit-gateways --transit-gateway-ids ${id} --region ${region}\` says available, or name another with TransitGatewayId=`,
    });
  }
  const elsewhere = await foundIn(context, id, region);
  if (elsewhere) {
    throw new UserError(`transit gateway ${id} is in ${elsewhere}, not in ${region}: a VPC attaches only to a transit gateway of its own Region; nothing was changed`, {
      fix: `name a transit gateway of ${region} (your network team can peer it with the one in ${elsewhere}), or install the rack in ${elsewhere}`,
    });
  }
  throw new UserError(`transit gateway ${id} does not exist in ${region}, nor in the account's other Regions; nothing was changed`, {
    fix: `check the id with \`aws ec2 describe-transit-gateways --region ${region}\`: racknet never creates a transit gateway; a network team's one is shared with this account through AWS RAM`,
  });
}

/** The other Region that has the gateway, if any; a Region that cannot be read counts as not having it. */
async function foundIn(context: Context, id: string, region: string): Promise<string | undefined> {
  const regions = await enabledRegions(await context.aws.ec2()).catch(() => []);
  const found = await Promise.all(
    regions
      .filter((candidate) => candidate !== region)
      .map(async (candidate) => ((await transitGatewayState(await context.aws.inRegion(candidate).ec2(), id).catch(() => undefined)) ? candidate : undefined)),
  );
  return found.find((candidate) => candidate !== undefined);
}
