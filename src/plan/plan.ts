import type { Plan, PlanRow, ResourceChange } from "./model.js";
import { natCostPhrase, natCreatedSentence, natMonthlyCost, natNoun } from "./nat-cost.js";

/**
 * Resources whose replacement or removal breaks what users reach: names change,
 * addresses change, records vanish. SPEC section 4: shown, and only applied with a yes.
 */
const GUARDED: Readonly<Record<string, string>> = {
  "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
  "AWS::ElasticLoadBalancing::LoadBalancer": "load balancer",
  "AWS::EC2::Subnet": "subnet",
  "AWS::EC2::VPC": "VPC",
  "AWS::Route53::HostedZone": "hosted zone",
};

const CONSEQUENCE: Readonly<Record<string, string>> = {
  "load balancer": "its DNS name and addresses change",
  subnet: "anything running in it is moved or stopped",
  VPC: "every resource in it is recreated",
  "hosted zone": "its DNS records stop resolving until recreated",
};

export interface PlanInput {
  region: string;
  /** The caller's sentences (rack parameter meaning, app moves), shown after racknet's own. */
  notes?: readonly string[];
}

export function buildPlan(changes: readonly ResourceChange[], input: PlanInput): Plan {
  const rows = changes.map(toRow);
  const dangers = rows.filter((row) => row.dangerous).map(dangerSentence);
  const sentences = [...natSentences(changes, input.region), ...serviceSentences(changes), ...(input.notes ?? [])];
  return { rows, sentences: unique(sentences), dangers };
}

function toRow(change: ResourceChange): PlanRow {
  const replacement = replacementWord(change);
  const guarded = GUARDED[change.resourceType] !== undefined;
  const dangerous = guarded && (change.action === "Remove" || replacement === "yes" || replacement === "maybe");
  return { action: change.action, logicalId: change.logicalId, resourceType: change.resourceType, replacement, dangerous };
}

function replacementWord(change: ResourceChange): string {
  if (change.action !== "Modify") return "";
  switch (change.replacement) {
    case "True":
      return "yes";
    case "Conditional":
      return "maybe";
    case "False":
      return "no";
    default:
      return "";
  }
}

function dangerSentence(row: PlanRow): string {
  const noun = GUARDED[row.resourceType] ?? row.resourceType;
  const verb = row.action === "Remove" ? "will be deleted" : row.replacement === "maybe" ? "may be replaced" : "will be replaced";
  return `${noun} ${row.logicalId} ${verb}: ${CONSEQUENCE[noun] ?? "it is recreated"}`;
}

function natSentences(changes: readonly ResourceChange[], region: string): string[] {
  const nat = (action: string) => changes.filter((change) => change.resourceType === "AWS::EC2::NatGateway" && change.action === action).length;
  const added = nat("Add");
  const removed = nat("Remove");
  const sentences: string[] = [];
  if (added > 0) sentences.push(natCreatedSentence(added, region));
  if (removed > 0) {
    const saving = natMonthlyCost(removed, region);
    sentences.push(`${natNoun(removed)} will be deleted, ${saving === undefined ? natCostPhrase(removed, region) : `saving about $${saving.toFixed(2)}/month`}`);
  }
  return sentences;
}

function serviceSentences(changes: readonly ResourceChange[]): string[] {
  const services = (action: string) =>
    changes.filter((change) => change.resourceType === "AWS::ECS::Service" && change.action === action).map((change) => change.logicalId);
  const sentences: string[] = [];
  const updated = services("Modify");
  const added = services("Add");
  const removed = services("Remove");
  if (updated.length > 0) sentences.push(`services will roll (new tasks start before old ones stop): ${updated.join(", ")}`);
  if (added.length > 0) sentences.push(`services will be created: ${added.join(", ")}`);
  if (removed.length > 0) sentences.push(`services will be deleted: ${removed.join(", ")}`);
  return sentences;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** "3 to add, 1 to change, 2 to remove" (only the non-zero parts). */
export function planSummary(plan: Plan): string {
  const count = (action: string) => plan.rows.filter((row) => row.action === action).length;
  const parts = [
    [count("Add"), "to add"],
    [count("Modify") + count("Dynamic"), "to change"],
    [count("Remove"), "to remove"],
    [count("Import"), "to import"],
  ] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(", ");
  return text === "" ? "no resource changes listed" : text;
}
