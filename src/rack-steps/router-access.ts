/**
 * A rack's internal router opened to a peer and its names resolved from the peer's VPC: the
 * rack's own `internal_router_cidrs` and `internal_router_vpcs`, changed through a change set on
 * the rack's deployed template (docs/peering.md). The parameters' own rules apply (at most five
 * entries each; an empty CIDR list means the rack's own VPC, so the first peer adds both).
 */
import type { Context } from "../runtime/context.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { RackParam, applyAssignments, toCfnParameters } from "../rack/params.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { azCountOf, storedDerivedParams, type RackInfo } from "../shared-steps/resolve.js";
import { exposure } from "../shared-steps/plan-context.js";
import { operationPort } from "../shared-steps/review.js";
import { rackWaitCommand } from "../shared-steps/wait.js";
import { RackOutput } from "../names/rack-outputs.js";

export interface RouterPeer {
  cidr: string;
  /**
   * `vpc-…` in the rack's Region, `<region>:vpc-…` in another (as internal_router_vpcs takes it).
   * Absent for a peer of another account: CloudFormation cannot associate another account's VPC
   * with the zone; `rack peer` does it through the API (docs/peering.md, "Another account").
   */
  vpc?: string;
}

function listOf(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}

/** The router lists with the peer in them (`with`) or out of them (`without`). */
export function routerListsFor(rack: RackInfo, peer: RouterPeer, change: "with" | "without"): { cidrs: string[]; vpcs: string[] } {
  const own = rack.outputs[RackOutput.VpcCidr] || rack.params.VPCCIDR;
  const cidrs = listOf(rack.params.internal_router_cidrs);
  const vpcs = listOf(rack.params.internal_router_vpcs);
  if (change === "without") {
    const left = cidrs.filter((cidr) => cidr !== peer.cidr);
    // Back to the default (the rack's own VPC) when only that is left.
    return { cidrs: left.length === 1 && left[0] === own ? [] : left, vpcs: vpcs.filter((vpc) => vpc !== peer.vpc) };
  }
  const base = cidrs.length === 0 ? [own] : cidrs;
  return { cidrs: base.includes(peer.cidr) ? base : [...base, peer.cidr], vpcs: peer.vpc === undefined || vpcs.includes(peer.vpc) ? vpcs : [...vpcs, peer.vpc] };
}

/** True when the rack's router already admits the peer's range and its zone is associated with the peer's VPC. */
export function routerOpenTo(rack: RackInfo, peer: RouterPeer): boolean {
  return listOf(rack.params.internal_router_cidrs).includes(peer.cidr) && (peer.vpc === undefined || listOf(rack.params.internal_router_vpcs).includes(peer.vpc));
}

/** Sets the two lists on the rack's stack (`context.aws` in the rack's Region), through the change-set engine and the user's review. */
export async function setRouterLists(context: Context, rack: RackInfo, lists: { cidrs: string[]; vpcs: string[] }): Promise<DeployOutcome> {
  const { params, changes, problems } = applyAssignments(rack.params, [`${RackParam.InternalRouterCidrs}=${lists.cidrs.join(",")}`, `${RackParam.InternalRouterVpcs}=${lists.vpcs.join(",")}`], "update");
  assertNoParamProblems(problems);
  if (changes.length === 0) return { kind: "no-changes" };
  const [region, derived] = await Promise.all([context.aws.region(), storedDerivedParams(context, rack)]);
  const port = operationPort(context, { exposure: { before: exposure(rack.params, []), after: exposure(params, []) } });
  return deployStack(
    context.aws,
    {
      stackName: rack.name,
      template: { usePrevious: true },
      parameters: declaredOnly(rack, toCfnParameters(params, derived)),
      tags: rack.tags,
      capabilities: ["CAPABILITY_IAM"],
      notes: rackParameterNotes(changes, azCountOf(rack), region, rack.rack),
    },
    { port, followCommand: rackWaitCommand(rack.rack), what: `rack ${rack.rack}`, removeCommand: `racknet rack uninstall ${rack.rack}` },
  );
}

/** A rack installed by an older racknet declares fewer parameters; the two lists are as old as the router, so nothing asked for is dropped. */
function declaredOnly(rack: RackInfo, wanted: Record<string, string>): Record<string, string> {
  const declared = new Set(Object.keys(rack.parameters));
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => declared.has(name)));
}

