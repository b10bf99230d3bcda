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
  /** The last drift detection's verdict (`racknet rack` reads it; `racknet rack drift` runs one). */
  drift?: DriftSummary;
  /** When the rack's certificates expire. */
  certificates?: CertificateExpiryView[];
}

export interface DriftSummary {
  /** DRIFTED, IN_SYNC, UNKNOWN or NOT_CHECKED, as the last detection left it. */
  status: string;
  lastChecked: string | null;
  /** `NetworkSecurityGroup (AWS::EC2::SecurityGroup)`, security-relevant first; only when DRIFTED. */
  drifted: string[];
}

export interface CertificateExpiryView {
  kind: string;
  notAfter: string;
  daysLeft: number;
  renewDue: boolean;
}

/** `DRIFTED at 2026-…: A, B (details: racknet rack drift)`: one line for `rack` and `apps info`. */
export function driftLine(summary: DriftSummary): string {
  const when = summary.lastChecked ? ` at ${summary.lastChecked.replace(/\.\d+Z$/, "Z")}` : "";
  if (summary.status === "NOT_CHECKED") return "not checked (racknet rack drift checks it)";
  if (summary.status === "DRIFTED") return `DRIFTED${when}: ${summary.drifted.join(", ")} (details: racknet rack drift)`;
  // CloudFormation's verdict only: `racknet rack drift` also compares the rules it does not.
  return `${summary.status}${when}, by CloudFormation's last detection (racknet rack drift checks again, security group rules included)`;
}

/** `rack 2027-03-01 (397 days), internal-apps 2027-03-01 (397 days)`. */
export function certificatesLine(certificates: readonly CertificateExpiryView[]): string {
  return certificates.map((entry) => `${entry.kind} ${entry.notAfter.slice(0, 10)} (${entry.daysLeft < 0 ? "expired" : `${entry.daysLeft} days`}${entry.renewDue ? ", renew due" : ""})`).join(", ");
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
    ...(summary.drift ? [["Drift", driftLine(summary.drift)] as const] : []),
    ...(summary.certificates && summary.certificates.length > 0 ? [["Certificates", certificatesLine(summary.certificates)] as const] : []),
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
