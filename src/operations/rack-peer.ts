/**
 * `racknet rack peer RACK PEER [--peer-region R] [--peer-profile P]`: two racks joined by a VPC
 * peering connection, a route to the other's range in every route table of both VPCs, each
 * internal router open to the other's range and its names resolved from the other's VPC
 * (docs/peering.md). Refused before any write: a rack with itself, overlapping ranges, a rack
 * without internal_router, a peer that cannot be read, router lists already full. Then, with both
 * racks locked and journaled on RACK, four change sets the user reviews in turn: RACK's router, PEER's router
 * (each widens who reaches it: approved first, before anything is made), RACK's side (the
 * connection and its routes), PEER's side (its routes). Across two accounts (--peer-profile, whose
 * credentials make every change in PEER's account) PEER's side first holds the role CloudFormation
 * assumes to accept the connection, and each router zone is associated with the other's VPC through
 * Route 53's API (the zone owner's authorization, the VPC owner's association), which
 * CloudFormation cannot do. Run again after a stop, it does what is not done.
 */
import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { deleteStack } from "../aws/delete-stack.js";
import { KIND_TAG, PEER_TAG, RACK_TAG, peeringStackName, rackStackName } from "../names/index.js";
import { blocksOverlap, parseCidr } from "../rack/cidr.js";
import { LIST_MAX } from "../rack/params.js";
import { peeringTemplate, PeeringOutput, type PeerFacts, type PeeringSide } from "../templates/rack-peering.js";
import { renderTemplate } from "../templates/cfn.js";
import { contextFor, readSides, refuseAtPeeringQuota, vpcEntry, type Side } from "../rack-steps/peering.js";
import { associateVpc, authorizeAssociation, withdrawAuthorization, zoneVpcs } from "../aws/zone-associations.js";
import { operationPort } from "../shared-steps/review.js";
import { runOperation } from "../safety/operation.js";
import { routerListsFor, routerOpenTo, setRouterLists, type RouterPeer } from "../rack-steps/router-access.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface PeerArgs {
  rack: string;
  peer: string;
  peerRegion?: string;
  peerProfile?: string;
}

export interface PeerResult {
  rack: string;
  peer: string;
  region: string;
  peerRegion: string;
  peeringConnectionId: string | null;
  outcome: "applied" | "dry-run" | "no-changes";
}

const OPERATION = "rack peer";

/** Data transfer over a peering is charged per GB in each direction (docs/peering.md, "Cost"). */
export const PEERING_COST_NOTE =
  "a VPC peering connection costs nothing by the hour; data crossing it is charged per GB (within one Availability Zone, none; across zones or Regions, AWS's data transfer rates on each side)";

export async function run(context: Context, args: PeerArgs): Promise<Outcome> {
  const result = await peer(context, args);
  if (result.outcome === "applied") context.printer.success(`rack ${result.rack} (${result.region}) and rack ${result.peer} (${result.peerRegion}) are peered (${result.peeringConnectionId})`);
  return { json: result, changesPending: result.outcome === "dry-run" };
}

async function peer(context: Context, args: PeerArgs): Promise<PeerResult> {
  const { mine, theirs, region, peerRegion, across } = await readSides(context, args);
  refuseUnpeerable(mine, theirs);
  // Across accounts the zones are associated through the API, not through internal_router_vpcs.
  const toTheirs: RouterPeer = { cidr: theirs.cidr, ...(across ? {} : { vpc: vpcEntry(theirs, region) }) };
  const toMine: RouterPeer = { cidr: mine.cidr, ...(across ? {} : { vpc: vpcEntry(mine, peerRegion) }) };
  for (const [side, other] of [[mine, toTheirs], [theirs, toMine]] as const) {
    const lists = routerListsFor(side.info, other, "with");
    if (lists.cidrs.length > LIST_MAX || lists.vpcs.length > LIST_MAX) {
      throw new UserError(`rack ${side.info.rack}'s router already admits ${LIST_MAX} ranges or VPCs (internal_router_cidrs, internal_router_vpcs): it cannot take another peer; nothing was changed`, {
        fix: `unpeer a rack it no longer needs, or take an entry out with racknet rack params set internal_router_cidrs=... -r ${side.info.rack}`,
      });
    }
  }
  const zones = across ? await zonesJoined(mine, theirs) : { mine: true, theirs: true };
  const complete = peeringComplete(mine, theirs) && routerOpenTo(mine.info, toTheirs) && routerOpenTo(theirs.info, toMine) && zones.mine && zones.theirs;
  if (!complete) await refuseAtPeeringQuota(context, [mine, theirs]);
  const key = `${args.rack} ${args.peer}@${peerRegion}`;
  const accountNote = across ? ` (account ${across.theirs})` : "";
  const plan = {
    operation: OPERATION,
    key,
    command: `racknet rack peer ${args.rack} ${args.peer}${args.peerRegion ? ` ${Flag.peerRegion} ${peerRegion}` : ""}${args.peerProfile ? ` ${Flag.peerProfile} ${args.peerProfile}` : ""}`,
    stacks: [peeringStackName(args.rack, args.peer), rackStackName(args.rack)],
    // The routers first: they widen who reaches what, so their approvals come before anything is made.
    steps: [
      { id: "router:rack", what: `rack ${args.rack}: its router open to ${theirs.cidr}${across ? "" : `, its names resolved from ${theirs.vpcId}`}` },
      { id: "router:peer", what: `rack ${args.peer}${accountNote}: its router open to ${mine.cidr}${across ? "" : `, its names resolved from ${mine.vpcId}`}` },
      ...(across ? [{ id: "role:peer", what: `rack ${args.peer}${accountNote}: the role that lets account ${across.mine} accept the peering with its VPC` }] : []),
      { id: "side:rack", what: `rack ${args.rack}: the peering connection and a route to ${theirs.cidr} in each of its route tables` },
      { id: "side:peer", what: `rack ${args.peer}${accountNote}: a route to ${mine.cidr} in each of its route tables` },
      ...(across
        ? [
            { id: "zone:rack", what: `rack ${args.rack}'s router names resolved from ${theirs.vpcId}: authorized by account ${across.mine}, associated by account ${across.theirs}, the authorization then withdrawn` },
            { id: "zone:peer", what: `rack ${args.peer}'s router names resolved from ${mine.vpcId}: authorized by account ${across.theirs}, associated by account ${across.mine}, the authorization then withdrawn` },
          ]
        : []),
    ],
  };
  const peerContext = contextFor(context, theirs);
  // PEER's lock too: its router and route tables change, so no other racknet may change PEER meanwhile.
  const others = [{ context: peerContext, scope: { rack: args.peer } }];
  return runOperation(context, { rack: args.rack }, plan, async ({ journal, resumed }) => {
    if (complete && !resumed) {
      throw new UserError(`rack ${args.rack} and rack ${args.peer} are already peered (${mine.peering?.outputs[PeeringOutput.ConnectionId] ?? "?"}); nothing was changed`, {
        fix: `nothing to do: the connection, the routes (stacks ${peeringStackName(args.rack, args.peer)} and ${peeringStackName(args.peer, args.rack)}) and both routers are in place`,
      });
    }
    let outcome: PeerResult["outcome"] = "no-changes";
    const note = (result: DeployOutcome) => {
      if (result.kind === "applied") outcome = "applied";
      else if (result.kind === "dry-run" && outcome !== "applied") outcome = "dry-run";
    };
    if (!journal.isDone("router:rack")) {
      await journal.start("router:rack");
      note(await setRouterLists(context, mine.info, routerListsFor(mine.info, toTheirs, "with")));
      await journal.done("router:rack");
    }
    if (!journal.isDone("router:peer")) {
      await journal.start("router:peer");
      note(await setRouterLists(peerContext, theirs.info, routerListsFor(theirs.info, toMine, "with")));
      await journal.done("router:peer");
    }
    let roleArn = theirs.peering?.outputs[PeeringOutput.AcceptRoleArn];
    if (across && !journal.isDone("role:peer")) {
      await journal.start("role:peer");
      // Only the role while the connection does not exist; a side already routing keeps its routes.
      const connection = theirs.peering?.outputs[PeeringOutput.ConnectionId];
      const result = await deploySide(peerContext, theirs, mine, connection ? { id: connection } : { acceptOnly: true });
      note(result);
      if (result.kind === "dry-run") return dryRunResult(context, args, region, peerRegion, `rack ${args.rack}'s side (the connection, accepted through that role) and`);
      if (result.kind === "applied") {
        roleArn = result.stack.outputs[PeeringOutput.AcceptRoleArn];
        // PEER's side exists now: its routes come later as an update of this stack.
        theirs.peering = result.stack;
      }
      await journal.done("role:peer");
    }
    let connectionId = mine.peering?.outputs[PeeringOutput.ConnectionId];
    if (!journal.isDone("side:rack")) {
      await journal.start("side:rack");
      if (across && !roleArn) throw new Error(`peering stack ${peeringStackName(args.peer, args.rack)} has no ${PeeringOutput.AcceptRoleArn} output`);
      const make = { ...(peerRegion === region ? {} : { peerRegion }), ...(across && roleArn ? { peerRoleArn: roleArn } : {}) };
      const result = await deploySide(context, mine, theirs, { make });
      note(result);
      if (result.kind === "dry-run") return dryRunResult(context, args, region, peerRegion);
      if (result.kind === "applied") connectionId = result.stack.outputs[PeeringOutput.ConnectionId];
      await journal.done("side:rack");
    }
    if (!connectionId) throw new Error(`peering stack ${peeringStackName(args.rack, args.peer)} has no ${PeeringOutput.ConnectionId} output`);
    if (!journal.isDone("side:peer")) {
      await journal.start("side:peer");
      note(await deploySide(peerContext, theirs, mine, { id: connectionId }));
      await journal.done("side:peer");
    }
    if (across) {
      for (const [id, owner, vpcSide] of [["zone:rack", mine, theirs], ["zone:peer", theirs, mine]] as const) {
        if (journal.isDone(id)) continue;
        await journal.start(id);
        const done = await associateAcross(context, owner, vpcSide);
        if (done) outcome = "applied";
        await journal.done(id, done ? undefined : "it was associated already");
      }
    }
    return { rack: args.rack, peer: args.peer, region, peerRegion, peeringConnectionId: connectionId, outcome };
  }, { others });
}

/** Each rack's router zone associated with the other's VPC (read by each zone's owner). */
async function zonesJoined(mine: Side, theirs: Side): Promise<{ mine: boolean; theirs: boolean }> {
  const joined = async (owner: Side, other: Side) => {
    const zone = owner.info.outputs[RackOutput.RouterZoneId];
    if (!zone) return false;
    return (await zoneVpcs(await owner.aws.route53(), zone)).includes(`${other.region}:${other.vpcId}`);
  };
  const [a, b] = await Promise.all([joined(mine, theirs), joined(theirs, mine)]);
  return { mine: a, theirs: b };
}

/**
 * The zone of `owner`'s router associated with `vpcSide`'s VPC, across two accounts (Route 53 API
 * reference, AssociateVPCWithHostedZone): the zone's account authorizes, the VPC's account
 * associates, then the authorization is withdrawn (the Route 53 guide advises it: the
 * association stays). False when it was associated already.
 */
async function associateAcross(context: Context, owner: Side, vpcSide: Side): Promise<boolean> {
  const zone = owner.info.outputs[RackOutput.RouterZoneId];
  if (!zone) throw new Error(`rack ${owner.info.rack} has no RouterZoneId output`);
  const vpc = { id: vpcSide.vpcId, region: vpcSide.region };
  const ownerRoute53 = await owner.aws.route53();
  if ((await zoneVpcs(ownerRoute53, zone)).includes(`${vpc.region}:${vpc.id}`)) {
    await withdrawAuthorization(ownerRoute53, zone, vpc);
    return false;
  }
  context.printer.step(`rack ${owner.info.rack}'s router zone ${zone}: authorizing account ${vpcSide.account ?? "?"} to associate VPC ${vpc.id} (${vpc.region})`);
  await authorizeAssociation(ownerRoute53, zone, vpc);
  context.printer.step(`VPC ${vpc.id} of rack ${vpcSide.info.rack}: associating it with the zone, so that rack ${owner.info.rack}'s router names resolve there`);
  await associateVpc(await vpcSide.aws.route53(), zone, vpc, `racknet: rack ${vpcSide.info.rack} resolves rack ${owner.info.rack}'s router names`);
  await withdrawAuthorization(ownerRoute53, zone, vpc);
  return true;
}

/**
 * A dry run shows the two routers' change sets and RACK's side; PEER's side routes through the
 * connection's id, which exists only once RACK's side is applied: what it would do is said.
 */
function dryRunResult(context: Context, args: PeerArgs, region: string, peerRegion: string, first = ""): PeerResult {
  const zones = args.peerProfile ? `; then each router zone associated with the other's VPC through Route 53 (authorization, association)` : "";
  context.printer.info(`then: ${first ? `${first} ` : ""}rack ${args.peer}'s routes to ${args.rack} through the connection (its change set is made once the connection exists)${zones}`);
  return { rack: args.rack, peer: args.peer, region, peerRegion, peeringConnectionId: null, outcome: "dry-run" };
}

function refuseUnpeerable(mine: Side, theirs: Side): void {
  const a = parseCidr(mine.cidr);
  const b = parseCidr(theirs.cidr);
  if (a && b && blocksOverlap(a, b)) {
    throw new UserError(
      `rack ${mine.info.rack} (${mine.cidr}) and rack ${theirs.info.rack} (${theirs.cidr}) have overlapping address ranges: AWS refuses to peer them; nothing was changed`,
      { fix: "one of them must be reinstalled with a range of its own (rack install without VPCCIDR picks one that overlaps no other rack)" },
    );
  }
  for (const side of [mine, theirs]) {
    if (side.info.params.internal_router !== "true") {
      throw new UserError(`rack ${side.info.rack} has no internal router, which peered racks reach each other through; nothing was changed`, {
        fix: `turn it on first: racknet rack params set internal_router=true -r ${side.info.rack}${side.region === mine.region ? "" : ` ${Flag.region} ${side.region}`}`,
      });
    }
    if (!side.vpcId || side.routeTables.length === 0) throw new Error(`rack ${side.info.rack} has no VpcId output or no route tables`);
  }
}

/** Both sides' stacks exist, completed, and route every route table the rack has now. */
function peeringComplete(mine: Side, theirs: Side): boolean {
  return [mine, theirs].every((side) => side.peering !== undefined && /_COMPLETE$/.test(side.peering.status) && !/ROLLBACK|DELETE/.test(side.peering.status));
}

async function deploySide(context: Context, side: Side, other: Side, connection: Parameters<typeof peeringTemplate>[2]): Promise<DeployOutcome> {
  const self: PeeringSide = { rack: side.info.rack, vpcId: side.vpcId, routeTables: side.routeTables };
  const facts: PeerFacts = { rack: other.info.rack, vpcId: other.vpcId, cidr: other.cidr, region: other.region, ...(other.account ? { account: other.account } : {}) };
  const stackName = peeringStackName(side.info.rack, other.info.rack);
  let existing = side.peering ?? null;
  if (existing?.status === "ROLLBACK_COMPLETE") {
    // A first creation that failed leaves a stack CloudFormation cannot update; it holds nothing, so it goes first.
    context.printer.step(`stack ${stackName} is left from a creation that failed (ROLLBACK_COMPLETE) and holds nothing: deleting it, then making it again`);
    await deleteStack(side.aws, stackName, { port: operationPort(context, { destructiveByName: true }), followCommand: `aws cloudformation describe-stacks --stack-name ${stackName} --region ${side.region}`, what: `rack ${side.info.rack}'s failed side of the peering with ${other.info.rack}` });
    existing = null;
  }
  return deployStack(
    side.aws,
    {
      stackName,
      template: { body: renderTemplate(peeringTemplate(self, facts, connection)) },
      parameters: {},
      tags: { [KIND_TAG]: "peering", [RACK_TAG]: side.info.rack, [PEER_TAG]: other.info.rack },
      // The accepter's side across accounts holds a role (no name given: CAPABILITY_IAM).
      ...(other.account && !("make" in connection) ? { capabilities: ["CAPABILITY_IAM" as const] } : {}),
      notes: [
        "acceptOnly" in connection
          ? `a role account ${other.account ?? "?"} (rack ${other.info.rack}) may assume, only to accept a peering with rack ${side.info.rack}'s VPC ${side.vpcId}`
          : `rack ${side.info.rack}'s traffic to ${other.cidr} (rack ${other.info.rack}, ${other.region}) goes through the peering connection`,
        ...("make" in connection ? [PEERING_COST_NOTE] : []),
      ],
      existing,
    },
    {
      port: operationPort(context),
      followCommand: `aws cloudformation describe-stacks --stack-name ${stackName} --region ${side.region}`,
      what: `rack ${side.info.rack}'s side of the peering with ${other.info.rack}`,
    },
  );
}
