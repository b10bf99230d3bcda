import { isAnywhere } from "../rack/cidr.js";
import type { Widening } from "./exposure-model.js";
import type { ResourceChange } from "./model.js";

/**
 * Security group rules a change set opens to anyone (0.0.0.0/0 or ::/0) on a stack that
 * exists: a new ingress rule resource, or a group whose inline rules gain one. Read from
 * the change set's property values (BeforeContext / AfterContext); a change set without
 * them (moto) yields nothing here, and the model comparison still applies.
 */

const INGRESS = "AWS::EC2::SecurityGroupIngress";
const GROUP = "AWS::EC2::SecurityGroup";

export function securityGroupWidenings(changes: readonly ResourceChange[]): Widening[] {
  return changes.flatMap((change) => {
    const opened = openedToAnyone(change);
    return opened.map((rule) => ({ kind: "security-group" as const, subject: change.logicalId, sentence: `security group rule ${change.logicalId} opens ${rule}` }));
  });
}

function openedToAnyone(change: ResourceChange): string[] {
  if (change.resourceType === INGRESS && (change.action === "Add" || change.action === "Modify")) {
    const after = anyoneRules([properties(change.afterContext)]);
    const before = new Set(anyoneRules([properties(change.beforeContext)]));
    return after.filter((rule) => !before.has(rule));
  }
  if (change.resourceType === GROUP && change.action === "Modify") {
    const after = anyoneRules(inlineRules(properties(change.afterContext)));
    const before = new Set(anyoneRules(inlineRules(properties(change.beforeContext))));
    return after.filter((rule) => !before.has(rule));
  }
  return [];
}

type Properties = Readonly<Record<string, unknown>>;

/** The resource's properties from a context: `{"Properties": {...}}`, or the properties themselves. */
function properties(context: string | undefined): Properties | undefined {
  if (context === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(context);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  return isRecord(parsed.Properties) ? parsed.Properties : parsed;
}

function inlineRules(group: Properties | undefined): (Properties | undefined)[] {
  const rules = group?.SecurityGroupIngress;
  return Array.isArray(rules) ? rules.map((rule) => (isRecord(rule) ? rule : undefined)) : [];
}

/** `tcp 443 to 0.0.0.0/0` for each rule whose source is anyone. */
function anyoneRules(rules: readonly (Properties | undefined)[]): string[] {
  return rules.flatMap((rule) => {
    if (!rule) return [];
    const source = [rule.CidrIp, rule.CidrIpv6].find((cidr): cidr is string => typeof cidr === "string" && isAnywhere(cidr));
    return source ? [`${ports(rule)} to ${source}`] : [];
  });
}

function ports(rule: Properties): string {
  const protocol = String(rule.IpProtocol ?? "all");
  if (protocol === "-1" || protocol === "all") return "every port";
  const from = rule.FromPort;
  const to = rule.ToPort;
  return from === to || to === undefined ? `${protocol} ${String(from)}` : `${protocol} ${String(from)}-${String(to)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
