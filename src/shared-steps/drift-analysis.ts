/**
 * What a stack's drift results mean, made honest about what CloudFormation does not see.
 * Pure: takes DescribeStackResourceDrifts' entries and EC2's rules, returns the drifted
 * resources (security-relevant first) and notes on what was and was not compared.
 *
 * Two AWS behaviours shape it (docs/drift.md):
 * - a security group whose template lists no inline rules for a direction is not compared
 *   in that direction, so a rule added by hand is not found
 *   (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2091):
 *   racknet compares those groups itself, against the stack's separate rule resources;
 * - on a group that lists inline rules, the rules of separate AWS::EC2::SecurityGroupIngress
 *   resources are reported as ADD (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1198):
 *   racknet does not count those as drift.
 */
import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { PropertyDifference, ResourceDrift } from "../aws/drift.js";
import { DEFAULT_EGRESS, describeRule, isOpenToTheWorld, ruleFromEc2, ruleFromJson, ruleFromTemplate, sameRule, type Rule } from "./drift-rules.js";

/** Types whose drift can widen or redirect access: shown first. */
const SECURITY_TYPES = new Set([
  "AWS::EC2::SecurityGroup",
  "AWS::EC2::SecurityGroupIngress",
  "AWS::EC2::SecurityGroupEgress",
  "AWS::EC2::NetworkAcl",
  "AWS::EC2::NetworkAclEntry",
  "AWS::EC2::Route",
  "AWS::EC2::RouteTable",
  "AWS::EC2::SubnetRouteTableAssociation",
  "AWS::EC2::Subnet",
  "AWS::ElasticLoadBalancingV2::LoadBalancer",
  "AWS::ElasticLoadBalancingV2::Listener",
  "AWS::ElasticLoadBalancingV2::ListenerRule",
  "AWS::ElasticLoadBalancingV2::ListenerCertificate",
  "AWS::IAM::Role",
  "AWS::IAM::Policy",
  "AWS::IAM::ManagedPolicy",
  "AWS::Lambda::Permission",
  "AWS::S3::BucketPolicy",
  "AWS::Route53::HostedZone",
  "AWS::Route53::RecordSet",
]);

export interface DriftDifference extends PropertyDifference {
  /** For a security group rule: the rule in words. */
  rule?: string;
  /** The rule admits (or sends to) every address. */
  openToTheWorld?: boolean;
}

export interface DriftedResource {
  logicalId: string;
  physicalId: string;
  type: string;
  status: "MODIFIED" | "DELETED";
  security: boolean;
  /** CloudFormation's drift detection, or racknet comparing a group's rules where CloudFormation does not. */
  foundBy: "cloudformation" | "racknet";
  differences: DriftDifference[];
}

/** A group and the directions CloudFormation does not compare on it (the template lists no inline rules there). */
export interface UncomparedGroup {
  logicalId: string;
  groupId: string;
  directions: Rule["direction"][];
}

const INLINE = { ingress: "SecurityGroupIngress", egress: "SecurityGroupEgress" } as const;
const SEPARATE = { ingress: "AWS::EC2::SecurityGroupIngress", egress: "AWS::EC2::SecurityGroupEgress" } as const;

function listsInlineRules(drift: ResourceDrift, direction: Rule["direction"]): boolean {
  const rules = drift.expected[INLINE[direction]];
  return Array.isArray(rules) && rules.length > 0;
}

/** The groups racknet must compare itself (DescribeSecurityGroupRules), and in which directions. */
export function uncomparedGroups(drifts: readonly ResourceDrift[]): UncomparedGroup[] {
  return drifts
    .filter((drift) => drift.type === "AWS::EC2::SecurityGroup" && drift.status !== "DELETED" && drift.physicalId)
    .map((drift) => ({ logicalId: drift.logicalId, groupId: drift.physicalId, directions: (["ingress", "egress"] as const).filter((direction) => !listsInlineRules(drift, direction)) }))
    .filter((group) => group.directions.length > 0);
}

/** The rules the stack declares on a group through separate resources, with the resources' logical ids. */
function separateRules(drifts: readonly ResourceDrift[], groupId: string, direction: Rule["direction"]): { logicalId: string; rule: Rule }[] {
  return drifts
    .filter((drift) => drift.type === SEPARATE[direction] && drift.status !== "DELETED" && String(drift.expected.GroupId ?? "") === groupId)
    .map((drift) => ({ logicalId: drift.logicalId, rule: ruleFromTemplate(direction, drift.expected) }));
}

export interface DriftAnalysis {
  resources: DriftedResource[];
  notes: string[];
}

export function analyzeDrift(drifts: readonly ResourceDrift[], ec2Rules: readonly SecurityGroupRule[]): DriftAnalysis {
  const notes: string[] = [];
  const resources: DriftedResource[] = [];
  for (const drift of drifts) {
    if (drift.status !== "MODIFIED" && drift.status !== "DELETED") continue;
    const differences = drift.type === "AWS::EC2::SecurityGroup" ? groupDifferences(drift, drifts, notes) : drift.differences;
    if (drift.status === "MODIFIED" && differences.length === 0) continue;
    resources.push({ logicalId: drift.logicalId, physicalId: drift.physicalId, type: drift.type, status: drift.status, security: SECURITY_TYPES.has(drift.type), foundBy: "cloudformation", differences });
  }
  for (const group of uncomparedGroups(drifts)) {
    const added = handAddedRules(group, drifts, ec2Rules);
    const declaredBy = group.directions.flatMap((direction) => separateRules(drifts, group.groupId, direction).map((rule) => rule.logicalId));
    notes.push(
      `${group.logicalId} (${group.groupId}): CloudFormation does not compare its ${group.directions.join(" and ")} rules (its template lists none inline); racknet compared them with EC2's rules` +
        (declaredBy.length > 0 ? ` against ${declaredBy.join(", ")}` : "") +
        (group.directions.includes("egress") ? " and AWS's default egress (all traffic to 0.0.0.0/0)" : ""),
    );
    if (added.length === 0) continue;
    const existing = resources.find((resource) => resource.logicalId === group.logicalId);
    if (existing) existing.differences.push(...added);
    else resources.push({ logicalId: group.logicalId, physicalId: group.groupId, type: "AWS::EC2::SecurityGroup", status: "MODIFIED", security: true, foundBy: "racknet", differences: added });
  }
  return { resources: resources.sort(bySeverity), notes };
}

/** A group's differences without the false ADDs of rules that separate resources of the stack declare. */
function groupDifferences(drift: ResourceDrift, drifts: readonly ResourceDrift[], notes: string[]): DriftDifference[] {
  const kept: DriftDifference[] = [];
  const excused = new Set<string>();
  for (const difference of drift.differences) {
    const direction = difference.path.startsWith(`/${INLINE.egress}`) ? "egress" : difference.path.startsWith(`/${INLINE.ingress}`) ? "ingress" : undefined;
    if (!direction) {
      kept.push(difference);
      continue;
    }
    const rule = ruleFromJson(direction, difference.difference === "REMOVE" ? difference.expected : difference.actual);
    const declared = rule && difference.difference === "ADD" ? separateRules(drifts, drift.physicalId, direction).find((candidate) => sameRule(candidate.rule, rule)) : undefined;
    if (declared) {
      excused.add(declared.logicalId);
      continue;
    }
    kept.push(rule ? { ...difference, rule: describeRule(rule), openToTheWorld: isOpenToTheWorld(rule) } : difference);
  }
  if (excused.size > 0) {
    notes.push(`${drift.logicalId}: CloudFormation reports the rules of ${[...excused].join(", ")} (separate AWS::EC2::SecurityGroupIngress/Egress resources of the stack) as added to the group; they are the stack's own, not drift`);
  }
  return kept;
}

/** Rules EC2 has on the group, in the directions CloudFormation does not compare, that the stack does not declare. */
function handAddedRules(group: UncomparedGroup, drifts: readonly ResourceDrift[], ec2Rules: readonly SecurityGroupRule[]): DriftDifference[] {
  const added: DriftDifference[] = [];
  for (const direction of group.directions) {
    const declared = separateRules(drifts, group.groupId, direction).map((entry) => entry.rule);
    if (direction === "egress") declared.push(DEFAULT_EGRESS);
    const actual = ec2Rules.filter((rule) => rule.GroupId === group.groupId).map(ruleFromEc2).filter((rule) => rule.direction === direction);
    for (const rule of actual) {
      if (declared.some((candidate) => sameRule(candidate, rule))) continue;
      added.push({ path: `/${INLINE[direction]}`, difference: "ADD", expected: "null", actual: JSON.stringify(rule), rule: describeRule(rule), openToTheWorld: isOpenToTheWorld(rule) });
    }
  }
  return added;
}

function bySeverity(a: DriftedResource, b: DriftedResource): number {
  const open = (resource: DriftedResource) => resource.differences.some((difference) => difference.openToTheWorld);
  return Number(b.security) - Number(a.security) || Number(open(b)) - Number(open(a)) || a.logicalId.localeCompare(b.logicalId);
}
