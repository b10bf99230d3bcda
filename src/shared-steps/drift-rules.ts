/**
 * Security group rules in one shape, whether CloudFormation states them (a group's inline
 * SecurityGroupIngress/Egress, an AWS::EC2::SecurityGroupIngress resource, a drift result's
 * ActualValue) or EC2 lists them (DescribeSecurityGroupRules), so that racknet can tell
 * which rules a stack declares and which were added by hand. Pure.
 */
import type { SecurityGroupRule } from "@aws-sdk/client-ec2";

export interface Rule {
  direction: "ingress" | "egress";
  /** tcp, udp, icmp, icmpv6, or -1 (all traffic). */
  protocol: string;
  fromPort: number;
  toPort: number;
  /** A CIDR, a security group id or a prefix list id; undefined when a template's value could not be resolved (then any peer matches). */
  peer?: string;
}

const PROTOCOLS: Readonly<Record<string, string>> = { "-1": "-1", all: "-1", "6": "tcp", tcp: "tcp", "17": "udp", udp: "udp", "1": "icmp", icmp: "icmp", "58": "icmpv6", icmpv6: "icmpv6" };

function protocolOf(value: unknown): string {
  const text = String(value ?? "-1").toLowerCase();
  return PROTOCOLS[text] ?? text;
}

function port(value: unknown): number {
  const number = Number(value);
  return Number.isFinite(number) ? number : -1;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.toLowerCase() : undefined;
}

function withPorts(direction: Rule["direction"], protocol: string, from: unknown, to: unknown, peer: string | undefined): Rule {
  // All traffic has no ports (EC2 lists -1); so do ICMP rules of every type.
  const all = protocol === "-1";
  return { direction, protocol, fromPort: all ? -1 : port(from), toPort: all ? -1 : port(to), peer };
}

/** A rule as CloudFormation writes it (inline, a separate resource's properties, or a drift ActualValue). */
export function ruleFromTemplate(direction: Rule["direction"], properties: Record<string, unknown>): Rule {
  const peer =
    direction === "ingress"
      ? (text(properties.CidrIp) ?? text(properties.CidrIpv6) ?? text(properties.SourceSecurityGroupId) ?? text(properties.SourcePrefixListId))
      : (text(properties.CidrIp) ?? text(properties.CidrIpv6) ?? text(properties.DestinationSecurityGroupId) ?? text(properties.DestinationPrefixListId));
  return withPorts(direction, protocolOf(properties.IpProtocol), properties.FromPort, properties.ToPort, peer);
}

/** A rule as DescribeSecurityGroupRules lists it. */
export function ruleFromEc2(rule: SecurityGroupRule): Rule {
  const peer = text(rule.CidrIpv4) ?? text(rule.CidrIpv6) ?? text(rule.ReferencedGroupInfo?.GroupId) ?? text(rule.PrefixListId);
  return withPorts(rule.IsEgress ? "egress" : "ingress", protocolOf(rule.IpProtocol), rule.FromPort, rule.ToPort, peer);
}

/** A drift difference's ActualValue or ExpectedValue: one rule as JSON ("null" when there is none). */
export function ruleFromJson(direction: Rule["direction"], json: string | undefined): Rule | undefined {
  if (!json || json === "null") return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? ruleFromTemplate(direction, parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sameRule(declared: Rule, actual: Rule): boolean {
  return (
    declared.direction === actual.direction &&
    declared.protocol === actual.protocol &&
    declared.fromPort === actual.fromPort &&
    declared.toPort === actual.toPort &&
    (declared.peer === undefined || declared.peer === actual.peer)
  );
}

/** The rule AWS gives every new VPC security group whose template states no egress. */
export const DEFAULT_EGRESS: Rule = { direction: "egress", protocol: "-1", fromPort: -1, toPort: -1, peer: "0.0.0.0/0" };

/** Open to every address: 0.0.0.0/0 or ::/0. */
export function isOpenToTheWorld(rule: Rule): boolean {
  return rule.peer === "0.0.0.0/0" || rule.peer === "::/0";
}

/** `tcp 22 from 0.0.0.0/0`, `all traffic to sg-…`, `udp 0-65535 from sg-…`. */
export function describeRule(rule: Rule): string {
  const what = rule.protocol === "-1" ? "all traffic" : `${rule.protocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`}`;
  return `${what} ${rule.direction === "ingress" ? "from" : "to"} ${rule.peer ?? "?"}`;
}
