import type { StackInfo } from "../aws/stacks.js";
import { VERSION_TAG } from "../names/index.js";
import { PARAMS, defaultParams, type RackParams } from "../rack/params.js";
import type { RackOutputs } from "../templates/rack-contract.js";
import type { Printer } from "./printer.js";

export interface RackSummary {
  name: string;
  status: string;
  region: string;
  version: string;
  parameters: RackParams;
  endpoints: { external?: string; internal?: string; router?: string };
  outboundIps: string[];
  outboundNote: string;
}

/** `racknet rack`: what a user wants to know about the rack, from one DescribeStacks. */
/** What the summary reads of a deployed rack. */
export type RackView = Pick<StackInfo, "status" | "tags"> & { rack: string; rackOutputs: RackOutputs; params: RackParams };

export function rackSummary(rack: RackView, region: string): RackSummary {
  const parameters = rack.params;
  const outputs = rack.rackOutputs;
  const nat = (outputs.NatElasticIps ?? "").split(",").filter(Boolean);
  const isPrivate = parameters.Private === "Yes";
  return {
    name: rack.rack,
    status: rack.status,
    region,
    version: rack.tags[VERSION_TAG] ?? "unknown",
    parameters,
    endpoints: {
      ...(outputs.ExternalLoadBalancerDns ? { external: outputs.ExternalLoadBalancerDns } : {}),
      ...(outputs.InternalLoadBalancerDns ? { internal: outputs.InternalLoadBalancerDns } : {}),
      ...(outputs.RouterLoadBalancerDns ? { router: outputs.RouterLoadBalancerDns } : {}),
    },
    outboundIps: isPrivate ? nat : [],
    outboundNote: isPrivate
      ? "NAT gateway Elastic IPs: every service's outbound traffic leaves from these"
      : "public rack: each task leaves from its own public IP (set Private=Yes for fixed outbound IPs)",
  };
}

/** Parameters that differ from their defaults, `Private=Yes Internal=Yes`; "defaults" when none. */
export function shortParameters(parameters: RackParams): string {
  const defaults = defaultParams();
  const set = PARAMS.filter((spec) => parameters[spec.name] !== defaults[spec.name] && spec.name !== "VPCCIDR");
  return set.length === 0 ? "defaults" : set.map((spec) => `${spec.name}=${parameters[spec.name]}`).join(" ");
}

export function printRackSummary(printer: Printer, summary: RackSummary): void {
  printer.keyValues([
    ["Name", summary.name],
    ["Status", summary.status],
    ["Region", summary.region],
    ["Version", summary.version],
    ["Parameters", shortParameters(summary.parameters)],
    ["External", summary.endpoints.external ?? "(none: InternalOnly=Yes)"],
    ...(summary.endpoints.internal ? [["Internal", summary.endpoints.internal] as const] : []),
    ...(summary.endpoints.router ? [["Internal router", summary.endpoints.router] as const] : []),
    ["Outbound IPs", summary.outboundIps.length > 0 ? summary.outboundIps.join(", ") : "dynamic"],
  ]);
  printer.info(summary.outboundNote);
}

/** What install prints when it ends: the outcome, then (when applied) the rack as `racknet rack` shows it. */
export function printRackOutcome(printer: Printer, region: string, name: string, verb: string, outcome: { kind: "no-changes" | "dry-run" } | { kind: "applied"; rack: RackView }): void {
  if (outcome.kind !== "applied") {
    printer.result({ rack: name, outcome: outcome.kind }, () => undefined);
    return;
  }
  printer.success(`rack ${name} ${verb}`);
  const summary = rackSummary(outcome.rack, region);
  printer.result({ outcome: outcome.kind, ...summary }, () => printRackSummary(printer, summary));
}
