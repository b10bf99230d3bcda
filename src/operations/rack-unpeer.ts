/**
 * `racknet rack unpeer RACK PEER [--peer-region R] [--peer-profile P]`: undoes `rack peer` in the
 * reverse order (docs/peering.md): across two accounts, first each router zone dissociated from
 * the other's VPC (and any authorization left withdrawn); then PEER's routes (and its accepter role), then RACK's side (its routes and the peering connection),
 * then each router closed to the other's range and its zone dissociated from the other's VPC.
 * Each deletion is reviewed; both racks locked, journaled on RACK; run again after a stop, it does what
 * is not done. Whatever of the peering is already gone is skipped.
 */
import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { deleteStack } from "../aws/delete-stack.js";
import { peeringStackName, rackStackName } from "../names/index.js";
import { operationPort } from "../shared-steps/review.js";
import { runOperation } from "../safety/operation.js";
import { contextFor, readSides, vpcEntry, type Side } from "../rack-steps/peering.js";
import { disassociateVpc, withdrawAuthorization, zoneVpcs } from "../aws/zone-associations.js";
import { routerListsFor, setRouterLists, type RouterPeer } from "../rack-steps/router-access.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface UnpeerArgs {
  rack: string;
  peer: string;
  peerRegion?: string;
  peerProfile?: string;
}

export interface UnpeerResult {
  rack: string;
  peer: string;
  region: string;
  peerRegion: string;
  outcome: "applied" | "dry-run";
}

const OPERATION = "rack unpeer";

export async function run(context: Context, args: UnpeerArgs): Promise<Outcome> {
  const result = await unpeer(context, args);
  if (result.outcome === "applied") context.printer.success(`rack ${result.rack} (${result.region}) and rack ${result.peer} (${result.peerRegion}) are no longer peered`);
  return { json: result, changesPending: result.outcome === "dry-run" };
}

async function unpeer(context: Context, args: UnpeerArgs): Promise<UnpeerResult> {
  const { mine, theirs, region, peerRegion, across } = await readSides(context, args);
  const toTheirs: RouterPeer = { cidr: theirs.cidr, ...(across ? {} : { vpc: vpcEntry(theirs, region) }) };
  const toMine: RouterPeer = { cidr: mine.cidr, ...(across ? {} : { vpc: vpcEntry(mine, peerRegion) }) };
  const routersOpen = opensTo(mine, toTheirs) || opensTo(theirs, toMine);
  const zonesJoined = across ? (await Promise.all([joinedTo(mine, theirs), joinedTo(theirs, mine)])).some(Boolean) : false;
  if (!mine.peering && !theirs.peering && !routersOpen && !zonesJoined) {
    throw new UserError(`rack ${args.rack} (${region}) and rack ${args.peer} (${peerRegion}) are not peered: no peering stack and neither router open to the other; nothing was changed`, {
      fix: `check the names and ${Flag.peerRegion}; racknet rack peer ${args.rack} ${args.peer} peers them`,
    });
  }
  const plan = {
    operation: OPERATION,
    key: `${args.rack} ${args.peer}@${peerRegion}`,
    command: `racknet rack unpeer ${args.rack} ${args.peer}${args.peerRegion ? ` ${Flag.peerRegion} ${peerRegion}` : ""}${args.peerProfile ? ` ${Flag.peerProfile} ${args.peerProfile}` : ""}`,
    stacks: [rackStackName(args.rack)],
    steps: [
      ...(across
        ? [
            { id: "zone:peer", what: `rack ${args.peer}'s router names no longer resolved from ${mine.vpcId} (its zone dissociated from that VPC)` },
            { id: "zone:rack", what: `rack ${args.rack}'s router names no longer resolved from ${theirs.vpcId} (its zone dissociated from that VPC)` },
          ]
        : []),
      { id: "side:peer", what: `rack ${args.peer}: its routes to ${mine.cidr} deleted (stack ${peeringStackName(args.peer, args.rack)})` },
      { id: "side:rack", what: `rack ${args.rack}: the peering connection and its routes to ${theirs.cidr} deleted (stack ${peeringStackName(args.rack, args.peer)})` },
      { id: "router:rack", what: `rack ${args.rack}: its router closed to ${theirs.cidr}${across ? "" : `, its names no longer resolved from ${theirs.vpcId}`}` },
      { id: "router:peer", what: `rack ${args.peer}: its router closed to ${mine.cidr}${across ? "" : `, its names no longer resolved from ${mine.vpcId}`}` },
    ],
  };
  const peerContext = contextFor(context, theirs);
  // PEER's lock too: its router and route tables change, so no other racknet may change PEER meanwhile.
  const others = [{ context: peerContext, scope: { rack: args.peer } }];
  return runOperation(context, { rack: args.rack }, plan, async ({ journal }) => {
    let dryRun = false;
    if (across) {
      for (const [id, owner, vpcSide] of [["zone:peer", theirs, mine], ["zone:rack", mine, theirs]] as const) {
        if (journal.isDone(id)) continue;
        if (context.options.dryRun) {
          context.printer.info(`would dissociate rack ${owner.info.rack}'s router zone from VPC ${vpcSide.vpcId} (Route 53, not CloudFormation)`);
          dryRun = true;
          continue;
        }
        await journal.start(id);
        const outcome = await dissociateAcross(context, owner, vpcSide);
        await journal.done(id, outcome === "absent" ? "it was not associated" : undefined);
      }
    }
    for (const [id, side, other, sideContext] of [["side:peer", theirs, mine, peerContext], ["side:rack", mine, theirs, context]] as const) {
      if (journal.isDone(id)) continue;
      await journal.start(id);
      const outcome = await deleteStack(side.aws, peeringStackName(side.info.rack, other.info.rack), {
        port: operationPort(sideContext, { destructiveByName: true }),
        followCommand: `aws cloudformation describe-stacks --stack-name ${peeringStackName(side.info.rack, other.info.rack)} --region ${side.region}`,
        what: `rack ${side.info.rack}'s side of the peering with ${other.info.rack}`,
      });
      if (outcome.kind === "dry-run") dryRun = true;
      await journal.done(id, outcome.kind === "absent" ? "it was not there" : undefined);
    }
    for (const [id, side, other, sideContext] of [["router:rack", mine, toTheirs, context], ["router:peer", theirs, toMine, peerContext]] as const) {
      if (journal.isDone(id)) continue;
      await journal.start(id);
      const outcome = await setRouterLists(sideContext, side.info, routerListsFor(side.info, other, "without"));
      if (outcome.kind === "dry-run") dryRun = true;
      await journal.done(id, outcome.kind === "no-changes" ? "it was closed already" : undefined);
    }
    return { rack: args.rack, peer: args.peer, region, peerRegion, outcome: dryRun ? "dry-run" : "applied" };
  }, { others });
}

function opensTo(side: Side, other: RouterPeer): boolean {
  const listed = (value: string) => value.split(",").map((item) => item.trim());
  return listed(side.info.params.internal_router_cidrs).includes(other.cidr) || (other.vpc !== undefined && listed(side.info.params.internal_router_vpcs).includes(other.vpc));
}

/** True when `owner`'s router zone is associated with `other`'s VPC (the zone owner reads it). */
async function joinedTo(owner: Side, other: Side): Promise<boolean> {
  const zone = owner.info.outputs[RackOutput.RouterZoneId];
  if (!zone) return false;
  return (await zoneVpcs(await owner.aws.route53(), zone)).includes(`${other.region}:${other.vpcId}`);
}

/**
 * `owner`'s router zone dissociated from `vpcSide`'s VPC by the zone's account (Route 53 API
 * reference, DisassociateVPCFromHostedZone: the zone's account or the VPC's may), and an
 * authorization a stopped `rack peer` left withdrawn.
 */
async function dissociateAcross(context: Context, owner: Side, vpcSide: Side): Promise<"disassociated" | "absent"> {
  const zone = owner.info.outputs[RackOutput.RouterZoneId];
  if (!zone) return "absent";
  const vpc = { id: vpcSide.vpcId, region: vpcSide.region };
  const route53 = await owner.aws.route53();
  await withdrawAuthorization(route53, zone, vpc);
  if (!(await zoneVpcs(route53, zone)).includes(`${vpc.region}:${vpc.id}`)) return "absent";
  context.printer.step(`rack ${owner.info.rack}'s router zone ${zone}: dissociating VPC ${vpc.id} of rack ${vpcSide.info.rack}`);
  return disassociateVpc(route53, zone, vpc);
}
