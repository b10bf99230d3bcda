import type { RackInfo } from "../aws/stacks.js";
import { VERSION_TAG } from "../names/index.js";
import { PARAMS, defaultParams, fromCfnParameters, type RackParams } from "../rack/params.js";
import type { Printer } from "./printer.js";
import type { DeployOutcome } from "../aws/changeset/types.js";

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
export function rackSummary(rack: RackInfo, region: string): RackSummary {
  const parameters = fromCfnParameters(rack.parameters);
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

/** What install and params set print when they end: the outcome, then the rack as `racknet rack` shows it. */
export function printRackOutcome(printer: Printer, region: string, rack: string, outcome: DeployOutcome, verb: string): void {
  if (outcome.kind !== "applied") {
    printer.result({ rack, outcome: outcome.kind }, () => undefined);
    return;
  }
  printer.success(`rack ${rack} ${verb}`);
  const summary = rackSummary({ ...outcome.stack, rack, rackOutputs: outcome.stack.outputs }, region);
  printer.result({ outcome: outcome.kind, ...summary }, () => printRackSummary(printer, summary));
}
