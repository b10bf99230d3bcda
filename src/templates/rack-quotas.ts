/**
 * The account quotas a rack needs, checked before anything is created: given what the rack
 * needs and what the account uses and may use, the refusals, each saying what is used, the
 * limit, and how to raise it (the Service Quotas code). Pure: the lead's install and
 * `params set` read the usage (EC2 DescribeAddresses, DescribeVpcs, DescribeInternetGateways,
 * DescribeNatGateways, Lambda GetAccountSettings) and the limits (Service Quotas
 * GetServiceQuota, DEFAULT_LIMITS where Service Quotas is not available). Sources are in
 * docs/aws-limits.md.
 */

/** Application Load Balancer: target groups per load balancer (not adjustable). */
export const TARGET_GROUPS_PER_BALANCER = 100;
/** Application Load Balancer: rules per load balancer, default rules excluded (adjustable, but see listenerCapacityProblem). */
export const RULES_PER_BALANCER = 100;
/** Lambda keeps this much of the account's concurrency for functions without a reservation. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

export type RackQuota = "elasticIps" | "vpcs" | "internetGateways" | "natGatewaysPerZone";

export interface QuotaCode {
  service: string;
  code: string;
  name: string;
}

/** The Service Quotas codes racknet asks GetServiceQuota for. */
export const QUOTA_CODES: Record<RackQuota | "lambdaConcurrency", QuotaCode> = {
  elasticIps: { service: "ec2", code: "L-0263D0A3", name: "EC2-VPC Elastic IPs" },
  vpcs: { service: "vpc", code: "L-F678F1CE", name: "VPCs per Region" },
  // Raised with VPCs per Region: "To increase this quota, increase the quota for VPCs per Region."
  internetGateways: { service: "vpc", code: "L-A4707A72", name: "Internet gateways per Region" },
  natGatewaysPerZone: { service: "vpc", code: "L-FE5A380F", name: "NAT gateways per Availability Zone" },
  lambdaConcurrency: { service: "lambda", code: "L-B99A9384", name: "Concurrent executions" },
};

/** The defaults of the Amazon VPC quotas page, for accounts where Service Quotas cannot be read. */
export const DEFAULT_LIMITS: Record<RackQuota, number> = { elasticIps: 5, vpcs: 5, internetGateways: 5, natGatewaysPerZone: 5 };

/** What an operation adds: an install (VPC, internet gateway and, when private, per zone an Elastic IP and a NAT gateway) or Private=Yes on a running rack. */
export interface RackNeeds {
  /** The rack's zones, by name. */
  zones: readonly string[];
  /** The rack is (or becomes) private: one Elastic IP and one NAT gateway per zone, unless `natZones` says which zones get one. */
  private: boolean;
  /** The zones where the change adds a NAT gateway and its Elastic IP (NatGateways: every zone, the first, or none); default: every zone when private. */
  natZones?: readonly string[];
  /** A new rack: one VPC and one internet gateway. */
  newVpc: boolean;
}

export interface AccountUsage {
  region: string;
  elasticIps: number;
  vpcs: number;
  internetGateways: number;
  /** NAT gateways in the pending, available or deleting state, by zone name (those count toward the quota). */
  natGateways: Readonly<Record<string, number>>;
  limits: Partial<Record<RackQuota, number>>;
}

export interface QuotaRefusal {
  quota: RackQuota;
  message: string;
  fix: string;
}

/** The zones where the change adds a NAT gateway. */
export function natZonesOf(needs: RackNeeds): readonly string[] {
  return needs.natZones ?? (needs.private ? needs.zones : []);
}

export function rackNeeds(needs: RackNeeds): Record<RackQuota, number> {
  const zones = natZonesOf(needs);
  return {
    elasticIps: zones.length,
    vpcs: needs.newVpc ? 1 : 0,
    internetGateways: needs.newVpc ? 1 : 0,
    natGatewaysPerZone: zones.length > 0 ? 1 : 0,
  };
}

function raise(quota: RackQuota, region: string, desired: number): string {
  const { service, code } = QUOTA_CODES[quota];
  return `aws service-quotas request-service-quota-increase --service-code ${service} --quota-code ${code} --desired-value ${desired} --region ${region}`;
}

/** Every quota the rack would exceed, with what is used, the limit and how to raise it; empty when it fits. */
export function rackQuotaRefusals(needs: RackNeeds, usage: AccountUsage): QuotaRefusal[] {
  const needed = rackNeeds(needs);
  const limit = (quota: RackQuota) => usage.limits[quota] ?? DEFAULT_LIMITS[quota];
  const refusals: QuotaRefusal[] = [];
  const check = (quota: RackQuota, used: number, what: string, why: string, free: string) => {
    const adding = needed[quota];
    if (adding === 0 || used + adding <= limit(quota)) return;
    const { name, code } = QUOTA_CODES[quota];
    refusals.push({
      quota,
      message: `${why}: ${adding} ${what}, but the account uses ${used} of its ${limit(quota)} in ${usage.region} (${name}, ${code})`,
      fix: `${free}, or raise the quota: ${raise(quota === "internetGateways" ? "vpcs" : quota, usage.region, used + adding)}`,
    });
  };
  const natZones = natZonesOf(needs);
  const addresses = natZones.length === needs.zones.length ? `one Elastic IP per zone (${needs.zones.length} zones)` : `${natZones.length} Elastic IP(s), one per NAT gateway`;
  check("elasticIps", usage.elasticIps, "Elastic IPs", `a private rack takes ${addresses}`, "release Elastic IPs you no longer use (aws ec2 describe-addresses)");
  check("vpcs", usage.vpcs, "VPC", "a rack takes its own VPC", "delete a VPC you no longer use");
  check("internetGateways", usage.internetGateways, "internet gateway", "a rack takes its own internet gateway", "delete an internet gateway you no longer use");
  if (needed.natGatewaysPerZone > 0) {
    for (const zone of natZones) {
      const used = usage.natGateways[zone] ?? 0;
      if (used + 1 <= limit("natGatewaysPerZone")) continue;
      const { name, code } = QUOTA_CODES.natGatewaysPerZone;
      refusals.push({
        quota: "natGatewaysPerZone",
        message: `${natZones.length === needs.zones.length ? "a private rack takes one NAT gateway in each of its zones" : `the rack takes a NAT gateway in ${natZones.join(", ")}`}, but ${zone} has ${used} of its ${limit("natGatewaysPerZone")} (${name}, ${code})`,
        fix: `delete NAT gateways you no longer use in ${zone} (aws ec2 describe-nat-gateways), or raise the quota: ${raise("natGatewaysPerZone", usage.region, used + 1)}`,
      });
    }
  }
  return refusals;
}

/**
 * The sync function's SyncReservedConcurrency: `1` when the account can reserve one execution
 * and keep Lambda's 100 unreserved, else `none` (new accounts may start with a concurrency
 * quota of 10; the function then runs unreserved and relies on its retries and backoff).
 * `unreserved` is GetAccountSettings' AccountLimit.UnreservedConcurrentExecutions, read
 * before the function exists (or, on update, plus 1 when it already reserves one).
 */
export function syncReservedConcurrency(unreserved: number): "1" | "none" {
  return unreserved - 1 >= LAMBDA_UNRESERVED_MINIMUM ? "1" : "none";
}

export interface ListenerLoad {
  balancer: "external" | "internal" | "router";
  /** Target groups and rules the load balancer has now (other apps, and this app's current ones when it is redeployed: pass them as replaced). */
  targetGroups: number;
  rules: number;
  /** What this deploy adds, net of what it removes. */
  adding: number;
  /** The account's rules quota for the load balancer (default 100). */
  rulesLimit?: number;
}

/**
 * A deploy that would pass an ALB's limits, refused before any write. Each endpoint takes one
 * target group and one rule, and an ALB holds at most 100 target groups whatever its quotas,
 * so the message never advises raising a quota: raising the rules quota cannot let more
 * endpoints in, and the target-group limit is not adjustable.
 */
export function listenerCapacityProblem(load: ListenerLoad): { message: string; fix: string } | undefined {
  const capacity = Math.min(TARGET_GROUPS_PER_BALANCER, load.rulesLimit ?? RULES_PER_BALANCER);
  const used = Math.max(load.targetGroups, load.rules);
  if (used + load.adding <= capacity) return undefined;
  return {
    message: `the ${load.balancer} load balancer serves ${used} endpoints and this deploy adds ${load.adding}; it holds at most ${capacity} (one target group and one listener rule each, and an Application Load Balancer takes at most ${TARGET_GROUPS_PER_BALANCER} target groups, a limit AWS does not raise)`,
    fix: `give fewer services a ${load.balancer} endpoint, delete apps that no longer need one, or deploy this app to another rack`,
  };
}
