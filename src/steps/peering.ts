/**
 * The two racks of a peering, read as its commands need them (docs/peering.md): each rack's
 * stack, range, VPC, route tables and its side's peering stack, in the rack's own Region.
 */
import { UserError } from "../core/errors.js";
import type { Context } from "../runtime/context.js";
import type { AwsClients } from "../aws/clients.js";
import { describeStack, stackResourcesOfType, type StackInfo } from "../aws/stacks.js";
import { describeFailure } from "../runtime/handle-errors.js";
import { KIND_TAG, PEER_TAG, RACK_NAME_MAX, RACK_TAG, nameProblem, peeringStackName, rackStackName } from "../names/index.js";
import { rackInfo, type RackInfo } from "./resolve.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export /** A rack as one side of a peering: the rack, its Region and clients, its range and route tables. */
interface Side {
  info: RackInfo;
  region: string;
  aws: AwsClients;
  cidr: string;
  vpcId: string;
  routeTables: { logicalId: string; id: string }[];
  /** Its side's peering stack, if one exists. */
  peering: StackInfo | undefined;
}


/** Both racks, side by side, each in its Region: `--peer-region` names the peer's (default: the rack's). */
export async function readSides(context: Context, args: { rack: string; peer: string; peerRegion?: string | undefined }): Promise<{ mine: Side; theirs: Side; region: string; peerRegion: string }> {
  for (const [what, name] of [["RACK", args.rack], ["PEER", args.peer]] as const) {
    const problem = nameProblem("rack", name, RACK_NAME_MAX);
    if (problem) throw new UserError(`${what}: ${problem}`, { fix: "name racks as `racknet racks` lists them" });
  }
  const region = await context.aws.region();
  const peerRegion = args.peerRegion ?? region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(peerRegion)) {
    throw new UserError(`${Flag.peerRegion} "${peerRegion}" is not a Region name`, { fix: `give a Region as AWS names it, e.g. ${Flag.peerRegion} eu-west-1` });
  }
  if (args.rack === args.peer && region === peerRegion) {
    throw new UserError(`rack ${args.rack} cannot be peered with itself`, { fix: `name two racks: RACK PEER (${Flag.peerRegion} R for a rack of another Region)` });
  }
  const peerAws = peerRegion === region ? context.aws : context.aws.inRegion(peerRegion);
  const [mine, theirs] = await Promise.all([readSide(context.aws, region, args.rack, args.peer), readSide(peerAws, peerRegion, args.peer, args.rack)]);
  return { mine, theirs, region, peerRegion };
}

/** The context of the peer's side: its Region's clients, the same printer and flags. */
export function contextFor(context: Context, side: Side, region: string): Context {
  return side.region === region ? context : { ...context, aws: side.aws };
}

async function readSide(aws: AwsClients, region: string, rack: string, other: string): Promise<Side> {
  const cfn = await aws.cloudFormation().catch(async (error: unknown) => unreachable(region, rack, error));
  const [stack, peering] = await Promise.all([
    describeStack(cfn, rackStackName(rack)).catch(async (error: unknown) => unreachable(region, rack, error)),
    describeStack(cfn, peeringStackName(rack, other)).catch(() => undefined),
  ]);
  if (!stack || stack.tags[KIND_TAG] !== "rack") {
    throw new UserError(`rack "${rack}" not found in ${region}; nothing was changed`, { fix: `run \`racknet racks --region ${region}\` to list the racks there (${Flag.peerRegion} names the peer's Region)` });
  }
  if (peering && (peering.tags[KIND_TAG] !== "peering" || peering.tags[RACK_TAG] !== rack || peering.tags[PEER_TAG] !== other)) {
    throw new UserError(`stack ${peering.name} in ${region} exists and is not rack ${rack}'s peering with ${other}; nothing was changed`, { fix: "rename or delete that stack, or peer under other names" });
  }
  const info = rackInfo(stack, rack);
  const routeTables = await stackResourcesOfType(cfn, stack.name, "AWS::EC2::RouteTable");
  return { info, region, aws, cidr: info.outputs[RackOutput.VpcCidr] || info.params.VPCCIDR, vpcId: info.outputs[RackOutput.VpcId] ?? "", routeTables, peering };
}

async function unreachable(region: string, rack: string, error: unknown): Promise<never> {
  const reason = (await describeFailure(error)).message.split("\n")[0] ?? "unknown error";
  throw new UserError(`rack ${rack} could not be read in ${region}: ${reason}; nothing was changed`, {
    fix: `check the Region's name (${Flag.peerRegion}) and that your credentials may read CloudFormation stacks there`,
  });
}

export function vpcEntry(side: Side, fromRegion: string): string {
  return side.region === fromRegion ? side.vpcId : `${side.region}:${side.vpcId}`;
}

