/**
 * `racknet rack peers [-r RACK]`: each peering of the Region's racks (one row per rack's side),
 * its connection's state, and whether everything `rack peer` makes is still in place on both
 * sides: the routes in every route table, each router open to the other's range and its names
 * resolved in the other's VPC. What is missing is named (someone changed it by hand, or a run
 * stopped half way: `rack peer` again finishes it). A `rack peer` or `rack unpeer` that stopped
 * is named by its journal, with where it stands, also before either side's stack exists. Reads only.
 */
import type { Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { describeStack, listRacknetStacks, stackResourcesOfType, type StackInfo } from "../aws/stacks.js";
import { peeringStates } from "../aws/peering-connections.js";
import { KIND_TAG, PEER_TAG, RACK_TAG, peeringStackName, rackStackName } from "../names/index.js";
import { UserError } from "../errors/index.js";
import { PeeringOutput, routeToPeerId } from "../templates/rack-peering.js";
import { rackInfo, type RackInfo } from "../shared-steps/resolve.js";
import { progressLines, readJournal, unfinishedSummary, type JournalRecord } from "../safety/journal.js";
import { routerOpenTo } from "../rack-steps/router-access.js";
import { zoneAuthorizations, zoneVpcs } from "../aws/zone-associations.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface PeeringView {
  rack: string;
  peer: string;
  peerRegion: string;
  peeringConnectionId: string | null;
  /** The connection's state as EC2 gives it (active, deleted, failed, …); null when EC2 does not know the id. */
  state: string | null;
  complete: boolean;
  /** What is not in place, in words, each naming the rack and what to run; empty when complete. */
  missing: string[];
}

export async function run(context: Context): Promise<Outcome> {
  const views = await listPeerings(context);
  return outcome(views, (printer) => {
    if (views.length === 0) {
      printer.info("no peerings in this region; peer two racks with `racknet rack peer RACK PEER`");
      return;
    }
    printer.table(
      [
        { header: "RACK", key: "rack" },
        { header: "PEER", key: "peer" },
        { header: "PEER REGION", key: "peerRegion" },
        { header: "CONNECTION", key: "connection" },
        { header: "STATE", key: "state" },
        { header: "COMPLETE", key: "complete" },
      ],
      views.map((view) => ({ rack: view.rack, peer: view.peer, peerRegion: view.peerRegion, connection: view.peeringConnectionId ?? "", state: view.state ?? "unknown", complete: view.complete ? "yes" : "no" })),
    );
    for (const view of views) for (const line of view.missing) printer.warn(`rack ${view.rack} and ${view.peer}: ${line}`);
  });
}

async function listPeerings(context: Context): Promise<PeeringView[]> {
  const [cfn, region, ec2] = await Promise.all([context.aws.cloudFormation(), context.aws.region(), context.aws.ec2()]);
  const stacks = await listRacknetStacks(cfn);
  const wanted = context.options.rack;
  const sides = stacks.filter((stack) => stack.tags[KIND_TAG] === "peering" && (!wanted || stack.tags[RACK_TAG] === wanted));
  const racks = new Map(stacks.filter((stack) => stack.tags[KIND_TAG] === "rack").map((stack) => [stack.name, stack]));
  // A rack named with -r that is not there is an error, not an empty list.
  if (wanted && ![...racks.values()].some((stack) => stack.tags[RACK_TAG] === wanted)) {
    throw new UserError(`rack "${wanted}" not found in ${region}`, { fix: `run \`racknet racks\` to list racks, or \`racknet rack install ${wanted}\` to create it` });
  }
  const rackNames = [...racks.values()].flatMap((stack) => stack.tags[RACK_TAG] ?? []).filter((rack) => !wanted || rack === wanted);
  const [states, journals] = await Promise.all([
    peeringStates(ec2, sides.flatMap((side) => side.outputs[PeeringOutput.ConnectionId] ?? [])),
    Promise.all(rackNames.map((rack) => readJournal(context, { rack }))),
  ]);
  const views = await Promise.all(sides.map((side) => viewOf(context, region, side, racks, states)));
  for (const journal of journals) if (journal) withUnfinished(views, journal, region);
  return views.sort((a, b) => a.rack.localeCompare(b.rack) || a.peer.localeCompare(b.peer));
}

const PEERING_OPERATIONS = new Set(["rack peer", "rack unpeer"]);

/**
 * A `rack peer` or `rack unpeer` that stopped half way (its journal, on RACK: key `RACK PEER@region`):
 * said on its peering's row, or on a row of its own when neither side's stack says it (Ctrl-C
 * after the routers, before the connection; or after unpeer deleted both sides).
 */
function withUnfinished(views: PeeringView[], journal: JournalRecord, region: string): void {
  if (!PEERING_OPERATIONS.has(journal.operation)) return;
  const match = /^(\S+) (\S+)@(\S+)$/.exec(journal.key);
  if (!match) return;
  const [, rack = "", peer = "", peerRegion = region] = match;
  const line = `${unfinishedSummary(journal)}: ${progressLines(journal).join("; ")}; run \`${journal.command}\` again to finish it`;
  const view = views.find((candidate) => candidate.rack === rack && candidate.peer === peer && candidate.peerRegion === peerRegion);
  if (view) {
    view.missing.unshift(line);
    view.complete = false;
    return;
  }
  views.push({ rack, peer, peerRegion, peeringConnectionId: null, state: null, complete: false, missing: [line] });
}

async function viewOf(context: Context, region: string, side: StackInfo, racks: Map<string, StackInfo>, states: Map<string, string>): Promise<PeeringView> {
  const rackName = side.tags[RACK_TAG] ?? "";
  const peerName = side.tags[PEER_TAG] ?? "";
  const peerRegion = side.outputs[PeeringOutput.PeerRegion] || region;
  const connectionId = side.outputs[PeeringOutput.ConnectionId] ?? null;
  const state = connectionId ? (states.get(connectionId) ?? null) : null;
  const fix = `racknet rack peer ${rackName} ${peerName}${peerRegion === region ? "" : ` ${Flag.peerRegion} ${peerRegion}`} puts it back`;
  const missing: string[] = [];
  if (!settled(side)) missing.push(`stack ${side.name} is ${side.status}`);
  if (state !== "active") missing.push(`the peering connection ${connectionId ?? "(none)"} is ${state ?? "not found"}`);
  const rackStack = racks.get(rackStackName(rackName));
  const peerAccount = side.outputs[PeeringOutput.PeerAccount];
  if (peerAccount) {
    // The peer is in another account: only this side is read here (its peer's, with that account's profile).
    const fixAcross = `run \`racknet rack peer\` again from the account of the rack that asked for the peering (rack ${rackName} here, or rack ${peerName} in account ${peerAccount}), with ${Flag.peerProfile} naming the other account's profile`;
    if (rackStack) {
      const rack = rackInfo(rackStack, rackName);
      missing.push(...(await missingRoutes(context, rack, side)).filter(() => connectionId !== null));
      if (!routerOpenTo(rack, { cidr: side.outputs[PeeringOutput.PeerCidr] ?? "" })) missing.push(`rack ${rackName}'s router is not open to ${peerName}'s range (internal_router_cidrs)`);
      const zone = rack.outputs[RackOutput.RouterZoneId];
      const peerVpc = side.outputs[PeeringOutput.PeerVpc] ?? "";
      if (zone) {
        const route53 = await context.aws.route53();
        const [associated, authorized] = await Promise.all([zoneVpcs(route53, zone), zoneAuthorizations(route53, zone)]);
        if (!associated.includes(`${peerRegion}:${peerVpc}`)) {
          missing.push(`rack ${rackName}'s router zone ${zone} is not associated with ${peerName}'s VPC ${peerVpc} (account ${peerAccount}): its names do not resolve there`);
        }
        // rack peer withdraws it once the association is made: one left means a run stopped between the two.
        if (authorized.includes(`${peerRegion}:${peerVpc}`)) {
          missing.push(`rack ${rackName}'s router zone ${zone} still authorizes account ${peerAccount} to associate VPC ${peerVpc} (rack peer withdraws it once associated)`);
        }
      }
    } else missing.push(`rack ${rackName} is not found in ${region}`);
    return { rack: rackName, peer: peerName, peerRegion, peeringConnectionId: connectionId, state, complete: missing.length === 0, missing: missing.map((line) => `${line}; ${fixAcross}`) };
  }
  const peerAws = peerRegion === region ? context.aws : context.aws.inRegion(peerRegion);
  const peerCfn = await peerAws.cloudFormation();
  const [peerRack, peerSide] = await Promise.all([describeStack(peerCfn, rackStackName(peerName)), describeStack(peerCfn, peeringStackName(peerName, rackName))]);
  if (rackStack) {
    const rack = rackInfo(rackStack, rackName);
    missing.push(...(await missingRoutes(context, rack, side)));
    const peerVpc = side.outputs[PeeringOutput.PeerVpc] ?? "";
    if (!routerOpenTo(rack, { cidr: side.outputs[PeeringOutput.PeerCidr] ?? "", vpc: peerRegion === region ? peerVpc : `${peerRegion}:${peerVpc}` })) {
      missing.push(`rack ${rackName}'s router is not open to ${peerName}'s range, or its names do not resolve in ${peerName}'s VPC (internal_router_cidrs, internal_router_vpcs)`);
    }
    if (peerRack) {
      const peer = rackInfo(peerRack, peerName);
      const own = rack.outputs[RackOutput.VpcCidr] || rack.params.VPCCIDR;
      const vpc = rack.outputs[RackOutput.VpcId] ?? "";
      if (!routerOpenTo(peer, { cidr: own, vpc: peerRegion === region ? vpc : `${region}:${vpc}` })) {
        missing.push(`rack ${peerName}'s router is not open to ${rackName}'s range, or its names do not resolve in ${rackName}'s VPC`);
      }
    }
  }
  if (!peerRack) missing.push(`rack ${peerName} is not found in ${peerRegion}`);
  else if (!peerSide || !settled(peerSide)) {
    missing.push(`rack ${peerName}'s side (stack ${peeringStackName(peerName, rackName)} in ${peerRegion}) is ${peerSide ? peerSide.status : "missing"}: it has no route back`);
  }
  return { rack: rackName, peer: peerName, peerRegion, peeringConnectionId: connectionId, state, complete: missing.length === 0, missing: missing.map((line) => `${line}; ${fix}`) };
}

/** A stack whose last operation completed (not rolled back, not being deleted). */
function settled(stack: StackInfo): boolean {
  return /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
}

/** The rack's route tables that have no route of the side's stack (a private one added since, say). */
async function missingRoutes(context: Context, rack: RackInfo, side: StackInfo): Promise<string[]> {
  const cfn = await context.aws.cloudFormation();
  const [tables, routes] = await Promise.all([stackResourcesOfType(cfn, rack.name, "AWS::EC2::RouteTable"), stackResourcesOfType(cfn, side.name, "AWS::EC2::Route")]);
  const routed = new Set(routes.map((route) => route.logicalId));
  const without = tables.filter((table) => !routed.has(routeToPeerId(table.logicalId)));
  return without.length === 0 ? [] : [`rack ${rack.rack}'s route tables ${without.map((table) => table.logicalId).join(", ")} have no route to the peer`];
}
