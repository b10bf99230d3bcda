import type { StackInfo } from "../aws/stacks.js";
import type { Outcome } from "./outcome.js";
import { VERSION_TAG } from "../names/index.js";
import { PARAMS, defaultParams, type RackParams } from "../rack/params.js";
import { RackOutput, type RackOutputs } from "../names/rack-outputs.js";
import type { PlanJson } from "../plan/plan.js";
import type { Printer } from "./printer.js";

/** `racknet rack --json`, and what install prints when it ends. */
export interface RackSummary {
  name: string;
  status: string;
  region: string;
  version: string;
  /** Every rack parameter by its name, as `racknet rack params` and `racknet racks` give them. */
  parameters: RackParams;
  /** Each load balancer's DNS name; null where the rack has none (or its stack reports none). */
  endpoints: { external: string | null; internal: string | null; router: string | null };
  /** The NAT gateways' Elastic IPs of a private rack; empty for a public one (each task has its own). */
  outboundIps: string[];
  /** The last drift detection's verdict (`racknet rack` reads it; `racknet rack drift` runs one). */
  drift?: DriftSummary;
  /** When the rack's certificates expire. */
  certificates?: CertificateExpiryView[];
  /** Which rack template the rack runs, against this racknet's (`racknet rack update` moves it). */
  template?: TemplateView;
}

/** `racknet rack`'s and `racks`' template field: what the stack records, this racknet's, and where the rack stands. */
export interface TemplateView {
  /** null: installed before racknet recorded it (behind). */
  version: string | null;
  latest: string;
  standing: "current" | "behind" | "ahead" | "different";
}

/** `0.1.0+3f2a9c81d0be, up to date`; `none recorded, behind ...: racknet rack update -r prod moves it`. */
export function templateLine(rack: string, template: TemplateView): string {
  const recorded = template.version ?? "none recorded";
  switch (template.standing) {
    case "current":
      return `${recorded}, up to date`;
    case "behind":
      return `${recorded}, behind this racknet's ${template.latest}: \`racknet rack update -r ${rack}\` moves it`;
    case "different":
      return `${recorded}, not this racknet's ${template.latest} (same version number): \`racknet rack update -r ${rack}\` moves it`;
    case "ahead":
      return `${recorded}, ahead of this racknet's ${template.latest}: a newer racknet updated it; use that racknet (or newer) to change it`;
  }
}

export interface DriftSummary {
  /** DRIFTED, IN_SYNC, UNKNOWN or NOT_CHECKED, as the last detection left it. */
  status: string;
  lastChecked: string | null;
  /** The drifted resources, security-relevant first, as `racknet rack drift` names them; only when DRIFTED. */
  drifted: { logicalId: string; type: string; status: "MODIFIED" | "DELETED" }[];
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
  const drifted = summary.drifted.map((resource) => `${resource.logicalId} (${resource.type}${resource.status === "DELETED" ? ", deleted" : ""})`);
  if (summary.status === "DRIFTED") return `DRIFTED${when}: ${drifted.join(", ")} (details: racknet rack drift)`;
  // CloudFormation's verdict only: `racknet rack drift` also compares the rules it does not.
  return `${summary.status}${when}, by CloudFormation's last detection (racknet rack drift checks again, security group rules included)`;
}

/** `rack 2027-03-01 (397 days), internal-apps 2027-03-01 (397 days)`. */
export function certificatesLine(certificates: readonly CertificateExpiryView[]): string {
  return certificates.map((entry) => `${entry.kind} ${entry.notAfter.slice(0, 10)} (${entry.daysLeft < 0 ? "expired" : `${entry.daysLeft} days`}${entry.renewDue ? ", renew due" : ""})`).join(", ");
}

/** What the summary reads of a deployed rack. */
export type RackView = Pick<StackInfo, "status" | "tags"> & { rack: string; rackOutputs: RackOutputs; params: RackParams };

/** `racknet rack`: what a user wants to know about the rack, from one DescribeStacks. */
export function rackSummary(rack: RackView, region: string): RackSummary {
  const parameters = rack.params;
  const outputs = rack.rackOutputs;
  const nat = (outputs[RackOutput.NatElasticIps] ?? "").split(",").filter(Boolean);
  return {
    name: rack.rack,
    status: rack.status,
    region,
    version: rack.tags[VERSION_TAG] ?? "unknown",
    parameters,
    endpoints: {
      external: outputs[RackOutput.ExternalLoadBalancerDns] || null,
      internal: outputs[RackOutput.InternalLoadBalancerDns] || null,
      router: outputs[RackOutput.RouterLoadBalancerDns] || null,
    },
    outboundIps: parameters.Private === "Yes" ? nat : [],
  };
}

/** Parameters that differ from their defaults, `Private=Yes Internal=Yes`; "defaults" when none. */
export function shortParameters(parameters: RackParams): string {
  const defaults = defaultParams();
  const set = PARAMS.filter((spec) => parameters[spec.name] !== defaults[spec.name] && spec.name !== "VPCCIDR");
  return set.length === 0 ? "defaults" : set.map((spec) => `${spec.name}=${parameters[spec.name]}`).join(" ");
}

export function printRackSummary(printer: Printer, summary: RackSummary): void {
  const { parameters, endpoints } = summary;
  // A stack that failed (ROLLBACK_COMPLETE) has no outputs: say so, not that the parameters took them away.
  const absent = (expected: boolean, reason: string) => (expected ? `(none: stack ${summary.status} reports none)` : `(none: ${reason})`);
  const isPrivate = parameters.Private === "Yes";
  printer.keyValues([
    ["Name", summary.name],
    ["Status", summary.status],
    ["Region", summary.region],
    ["Version", summary.version],
    ["Parameters", shortParameters(parameters)],
    ["VPC range", parameters.VPCCIDR],
    ["External", endpoints.external ?? absent(parameters.InternalOnly !== "Yes", "InternalOnly=Yes")],
    ...(endpoints.internal || parameters.Internal === "Yes" ? [["Internal", endpoints.internal ?? absent(true, "")] as const] : []),
    ...(endpoints.router || parameters.internal_router === "true" ? [["Internal router", endpoints.router ?? absent(true, "")] as const] : []),
    ["Outbound IPs", summary.outboundIps.length > 0 ? summary.outboundIps.join(", ") : isPrivate ? absent(true, "") : "dynamic"],
    ...(summary.drift ? [["Drift", driftLine(summary.drift)] as const] : []),
    ...(summary.certificates && summary.certificates.length > 0 ? [["Certificates", certificatesLine(summary.certificates)] as const] : []),
    ...(summary.template ? [["Template", templateLine(summary.name, summary.template)] as const] : []),
  ]);
  if (!isPrivate) printer.info("public rack: each task leaves from its own public IP (set Private=Yes for fixed outbound IPs)");
  else if (summary.outboundIps.length > 0) printer.info("NAT gateway Elastic IPs: every service's outbound traffic leaves from these");
}

/**
 * What install did: the outcome, then (when applied) the rack as `racknet rack` shows it. --json: `{ rack, outcome, plan?, summary? }`, the plan that was shown (a dry run's
 * too) and, once applied, the summary `racknet rack --json` gives.
 */
export function rackOutcome(
  region: string,
  name: string,
  outcome: { kind: "no-changes" | "dry-run" } | { kind: "applied"; rack: RackView },
  plan?: PlanJson,
): Outcome {
  const shown = { rack: name, outcome: outcome.kind, ...(plan ? { plan } : {}) };
  if (outcome.kind !== "applied") return { json: shown };
  const summary = rackSummary(outcome.rack, region);
  return { json: { ...shown, summary }, text: (printer) => printRackSummary(printer, summary) };
}
