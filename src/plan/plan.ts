import type { PlanCost } from "../cost/model.js";
import { classifyBroadening } from "./broadening.js";
import { destroysOrReplaces } from "./destructive.js";
import type { ExposureModel, Widening } from "./exposure-model.js";
import type { DestroyItem, Plan, PlanRow, ResourceChange } from "./model.js";
import { natCostPhrase, natCreatedSentence, natMonthlyCost, natNoun } from "./nat-cost.js";
import { S3_ENDPOINT_NOTE } from "./rack-notes.js";
import { S3_GATEWAY_ENDPOINT_ID } from "../rack/vpc-endpoints.js";


export interface PlanInput {
  region: string;
  /** The caller's sentences (rack parameter meaning, app moves), shown after racknet's own. */
  notes?: readonly string[];
  /**
   * Who can reach what before and after (the rack's parameters, the apps' services), for the
   * "widens exposure" section. `stackExists: false` when the change set creates the stack.
   */
  exposure?: { before: ExposureModel; after: ExposureModel; stackExists?: boolean };
  /** The plan's monthly cost before and after (src/cost), for the "cost" section. */
  cost?: PlanCost;
  /**
   * What the caller knows goes, from the models (a NAT gateway NatGateways=One removes):
   * listed whether or not the change set lists it, in the caller's words where it does.
   */
  destroys?: readonly DestroyItem[];
  /** App plans: the service each ECS service's and task definition's logical id belongs to, so the plan names the services that roll. */
  services?: Readonly<Record<string, string>>;
}

export function buildPlan(changes: readonly ResourceChange[], input: PlanInput): Plan {
  const known = new Map((input.destroys ?? []).map((item) => [item.logicalId, item]));
  const listed = destroysOrReplaces(changes).map((item) => {
    const better = known.get(item.logicalId);
    known.delete(item.logicalId);
    return better ? { ...better, ...(item.physicalId ? { physicalId: item.physicalId } : {}) } : item;
  });
  const destroys = [...listed, ...known.values()];
  const dangerous = new Set(destroys.map((item) => item.logicalId));
  const rows = changes.map((change) => toRow(change, dangerous));
  const widens = input.exposure ? classifyBroadening(input.exposure.before, input.exposure.after, changes, { stackExists: input.exposure.stackExists ?? true }) : [];
  const sentences = [...natSentences(changes, input.region), ...endpointSentences(changes, input.exposure?.stackExists ?? true), ...serviceSentences(changes), ...(input.notes ?? [])];
  const rolls = input.services ? rollingServices(changes, input.services) : undefined;
  return {
    rows,
    ...(rolls ? { rolls } : {}),
    destroysOrReplaces: destroys,
    widensExposure: widens,
    ...(input.cost ? { cost: input.cost } : {}),
    sentences: unique(sentences),
    dangers: destroys.map((item) => item.sentence),
  };
}

/** The plan under its section names, for `--json`. */
export interface PlanJson {
  changes: PlanRow[];
  rolls?: string[];
  destroysOrReplaces: DestroyItem[];
  widensExposure: Widening[];
  cost?: PlanCost;
  notes: string[];
}

export function planJson(plan: Plan): PlanJson {
  return {
    changes: plan.rows,
    ...(plan.rolls ? { rolls: plan.rolls } : {}),
    destroysOrReplaces: plan.destroysOrReplaces,
    widensExposure: plan.widensExposure,
    ...(plan.cost ? { cost: plan.cost } : {}),
    notes: plan.sentences,
  };
}

function toRow(change: ResourceChange, dangerous: ReadonlySet<string>): PlanRow {
  return {
    action: change.action,
    logicalId: change.logicalId,
    resourceType: change.resourceType,
    replacement: replacementWord(change),
    dangerous: dangerous.has(change.logicalId),
    ...(change.properties && change.properties.length > 0 ? { properties: change.properties } : {}),
  };
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

/**
 * The S3 gateway endpoint the change set adds to private route tables (an install, a rack
 * update, Private=Yes): said once, here, from the change set; on a running rack with the
 * interruption it may cause.
 */
function endpointSentences(changes: readonly ResourceChange[], stackExists: boolean): string[] {
  const s3 = changes.find((change) => change.logicalId === S3_GATEWAY_ENDPOINT_ID && change.action === "Add");
  if (!s3) return [];
  if (!stackExists) return [S3_ENDPOINT_NOTE];
  return [`${S3_ENDPOINT_NOTE}; connections to S3 open at that moment may be interrupted briefly (ECR: "Amazon ECR interface VPC endpoints", considerations)`];
}

/** Changing only these, an ECS service keeps its tasks: it starts or stops some, it does not replace them. */
const IN_PLACE_SERVICE_PROPERTIES = new Set(["DesiredCount", "Tags"]);

function rolls(change: ResourceChange): boolean {
  if (change.resourceType === "AWS::ECS::TaskDefinition") return change.action === "Modify";
  if (change.resourceType !== "AWS::ECS::Service" || change.action !== "Modify") return false;
  return !change.properties || change.properties.some((property) => !IN_PLACE_SERVICE_PROPERTIES.has(property));
}

/** The services whose tasks are replaced (a new task definition, or a change an ECS deployment makes), by name, in the plan's order. */
function rollingServices(changes: readonly ResourceChange[], services: Readonly<Record<string, string>>): string[] {
  const names = changes.filter(rolls).map((change) => services[change.logicalId]);
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

function serviceSentences(changes: readonly ResourceChange[]): string[] {
  const services = (action: string) =>
    changes.filter((change) => change.resourceType === "AWS::ECS::Service" && change.action === action).map((change) => change.logicalId);
  const sentences: string[] = [];
  const counted = changes.filter((change) => change.resourceType === "AWS::ECS::Service" && change.action === "Modify" && !rolls(change)).map((change) => change.logicalId);
  if (counted.length > 0) sentences.push(`services will change their number of tasks, without replacing the running ones: ${counted.join(", ")}`);
  const updated = services("Modify").filter((logicalId) => !counted.includes(logicalId));
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
