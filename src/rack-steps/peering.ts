/**
 * The two racks of a peering, read as its commands need them (docs/peering.md): each rack's
 * stack, range, VPC, route tables and its side's peering stack, in the rack's own Region.
 */
import { UserError } from "../errors/index.js";
import type { Context } from "../runtime/context.js";
import type { AwsClients } from "../aws/clients.js";
import { describeStack, stackResourcesOfType, type StackInfo } from "../aws/stacks.js";
import { describeFailure } from "../runtime/handle-errors.js";
import { KIND_TAG, PEER_TAG, RACK_NAME_MAX, RACK_TAG, nameProblem, peeringStackName, rackStackName } from "../names/index.js";
import { rackInfo, type RackInfo } from "../shared-steps/resolve.js";
import { activePeeringsOf } from "../aws/peering-connections.js";
import { profileExists } from "../aws/profiles.js";
import { callerAccount } from "../aws/staging-bucket.js";
import { serviceQuota } from "../aws/quotas.js";
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
  /** The rack's account, read only when the two racks may be in two accounts (--peer-profile). */
  account?: string;
}


/**
 * Both racks, side by side, each in its Region: `--peer-region` names the peer's (default: the
 * rack's), `--peer-profile` the profile of the peer's account. `across` holds both account ids
 * when they differ (a profile of the same account is then only other credentials).
 */
export async function readSides(
  context: Context,
  args: { rack: string; peer: string; peerRegion?: string | undefined; peerProfile?: string | undefined },
): Promise<{ mine: Side; theirs: Side; region: string; peerRegion: string; across?: { mine: string; theirs: string } }> {
  for (const [what, name] of [["RACK", args.rack], ["PEER", args.peer]] as const) {
    const problem = nameProblem("rack", name, RACK_NAME_MAX);
    if (problem) throw new UserError(`${what}: ${problem}`, { fix: "name racks as `racknet racks` lists them" });
  }
  const region = await context.aws.region();
  const peerRegion = args.peerRegion ?? region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(peerRegion)) {
    throw new UserError(`${Flag.peerRegion} "${peerRegion}" is not a Region name`, { fix: `give a Region as AWS names it, e.g. ${Flag.peerRegion} eu-west-1` });
  }
  let peerAws = peerRegion === region ? context.aws : context.aws.inRegion(peerRegion);
  let across: { mine: string; theirs: string } | undefined;
  if (args.peerProfile !== undefined) {
    const profile = args.peerProfile;
    if (!(await profileExists(profile).catch(() => true))) {
      throw new UserError(`${Flag.peerProfile} ${profile}: no such profile in the AWS config or credentials file; nothing was changed`, {
        fix: `add a profile for the peer's account (aws configure --profile ${profile}, or a role_arn with a source_profile), or name one \`aws configure list-profiles\` lists`,
      });
    }
    peerAws = context.aws.withProfile(profile, peerRegion);
    const [mine, theirs] = await Promise.all([
      context.aws.sts().then(callerAccount).catch(async (error: unknown) => unreachable(region, args.rack, error)),
      peerAws.sts().then(callerAccount).catch(async (error: unknown) => unreachableAccount(profile, error)),
    ]);
    if (mine.account !== theirs.account) across = { mine: mine.account, theirs: theirs.account };
  }
  if (args.rack === args.peer && region === peerRegion && !across) {
    throw new UserError(`rack ${args.rack} cannot be peered with itself`, { fix: `name two racks: RACK PEER (${Flag.peerRegion} R for a rack of another Region, ${Flag.peerProfile} P of another account)` });
  }
  const [mine, theirs] = await Promise.all([readSide(context.aws, region, args.rack, args.peer), readSide(peerAws, peerRegion, args.peer, args.rack)]);
  if (across) {
    mine.account = across.mine;
    theirs.account = across.theirs;
  }
  return { mine, theirs, region, peerRegion, ...(across ? { across } : {}) };
}

/** The context of the peer's side: its Region's (and account's) clients, the same printer and flags. */
export function contextFor(context: Context, side: Side): Context {
  return side.aws === context.aws ? context : { ...context, aws: side.aws };
}

async function unreachableAccount(profile: string, error: unknown): Promise<never> {
  const reason = (await describeFailure(error)).message.split("\n")[0] ?? "unknown error";
  throw new UserError(`the peer's account could not be reached with profile ${profile}: ${reason}; nothing was changed`, {
    fix: `check the profile (aws sts get-caller-identity --profile ${profile}): its credentials, or the role it assumes and that role's trust policy`,
  });
}

async function readSide(aws: AwsClients, region: string, rack: string, other: string): Promise<Side> {
  const cfn = await aws.cloudFormation().catch(async (error: unknown) => unreachable(region, rack, error));
  const [stack, peering] = await Promise.all([
    describeStack(cfn, rackStackName(rack)).catch(async (error: unknown) => unreachable(region, rack, error)),
    describeStack(cfn, peeringStackName(rack, other)).catch(() => undefined),
  ]);
  if (!stack || stack.tags[KIND_TAG] !== "rack") {
    throw new UserError(`rack "${rack}" not found in ${region}; nothing was changed`, { fix: `run \`racknet racks ${Flag.region} ${region}\` to list the racks there (${Flag.peerRegion} names the peer's Region)` });
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


/**
 * Amazon VPC quota "Active VPC peering connections per VPC": 50 by default, adjustable up to
 * 125 (https://docs.aws.amazon.com/general/latest/gr/vpc-service.html; docs/aws-limits.md).
 */
export const PEERING_QUOTA = { service: "vpc", code: "L-7E9ECCDB", name: "Active VPC peering connections per VPC", default: 50, max: 125 } as const;

/**
 * Before any write (a dry run too: it only reads): each rack's VPC, in its own Region, against
 * the quota's applied value (Service Quotas; AWS's default when it does not answer). A VPC at
 * the quota is refused, naming it and how to raise it; a connection already joining the two
 * VPCs (a run finishing what a stopped one began) needs no new one, so nothing is refused.
 */
export async function refuseAtPeeringQuota(context: Context, sides: readonly Side[]): Promise<void> {
  const reads = await Promise.all(
    sides.map(async (side) => {
      const [active, quota] = await Promise.all([
        side.aws.ec2().then((ec2) => activePeeringsOf(ec2, side.vpcId)),
        side.aws.serviceQuotas().then((client) => serviceQuota(client, PEERING_QUOTA.service, PEERING_QUOTA.code)),
      ]);
      return { side, active, quota };
    }),
  );
  const vpcs = new Set(sides.map((side) => side.vpcId));
  const joined = reads.some(({ active }) => active.some((connection) => vpcs.has(connection.requesterVpc) && vpcs.has(connection.accepterVpc) && connection.requesterVpc !== connection.accepterVpc));
  if (joined) return;
  for (const { side, active, quota } of reads) {
    const limit = quota.value ?? PEERING_QUOTA.default;
    if (quota.value === undefined) context.printer.debug(`Service Quotas did not answer for ${PEERING_QUOTA.name} in ${side.region} (${quota.reason}); checked against AWS's default, ${PEERING_QUOTA.default}`);
    if (active.length < limit) continue;
    const raise =
      limit < PEERING_QUOTA.max
        ? `, or raise the quota (at most ${PEERING_QUOTA.max}): aws service-quotas request-service-quota-increase --service-code ${PEERING_QUOTA.service} --quota-code ${PEERING_QUOTA.code} --desired-value ${Math.min(PEERING_QUOTA.max, active.length + 1)} --region ${side.region}`
        : ` (the quota is at AWS's maximum, ${PEERING_QUOTA.max}: a transit gateway joins more VPCs, docs/peering.md)`;
    throw new UserError(
      `rack ${side.info.rack}'s VPC ${side.vpcId} (${side.region}) has ${active.length} active peering connections, the account's quota (${PEERING_QUOTA.name}, ${PEERING_QUOTA.code}: ${limit}): AWS would refuse another; nothing was changed`,
      { fix: `delete a peering it no longer needs (racknet rack unpeer, or aws ec2 delete-vpc-peering-connection for one made by hand)${raise}` },
    );
  }
}
