/**
 * The account's quotas, checked before anything is created: what the rack would add (a VPC
 * and an internet gateway at install; per zone an Elastic IP and a NAT gateway when private)
 * against what the account uses and may use. Every refusal says what is used, the limit, and
 * how to raise it (src/templates/rack-quotas.ts, docs/aws-limits.md).
 */
import { UserError, ValidationErrors } from "../errors/index.js";
import { fargateVcpusRunning, networkUsage, serviceQuota, type QuotaLookup } from "../aws/quotas.js";
import type { RolloutPeak } from "../templates/app-rollout.js";
import { DEFAULT_LIMITS, QUOTA_CODES, rackNeeds, rackQuotaRefusals, type AccountUsage, type QuotaRefusal, type RackNeeds, type RackQuota } from "../templates/rack-quotas.js";
import type { Context } from "../runtime/context.js";

export interface QuotaCheck {
  usage: AccountUsage;
  refusals: QuotaRefusal[];
  /** The quotas whose limit is AWS's documented default because Service Quotas did not answer, and why. */
  defaulted: { quota: RackQuota; reason: string }[];
}

const QUOTAS = Object.keys(DEFAULT_LIMITS) as RackQuota[];

/**
 * What the check reads, known before the change's needs are (an install knows from its
 * parameters whether it makes NAT gateways; the zones come a round trip later): only these
 * quotas are read, and `vpcCount` replaces DescribeVpcs when the caller lists the VPCs anyway.
 * A need outside `quotas` is an error, never a quota left unchecked.
 */
export interface QuotaScope {
  quotas?: readonly RackQuota[];
  vpcCount?: Promise<number>;
}

/**
 * Reads the usage (EC2) and the limits (Service Quotas) side by side; refuses nothing itself.
 * `needs` may still be coming (the zones an install chooses): the reads do not wait for it.
 */
export async function checkRackQuotas(context: Context, needs: RackNeeds | Promise<RackNeeds>, scope: QuotaScope = {}): Promise<QuotaCheck> {
  const quotas = QUOTAS.filter((quota) => !scope.quotas || scope.quotas.includes(quota));
  const reads = {
    vpcs: quotas.includes("vpcs") ? (scope.vpcCount ?? true) : false,
    internetGateways: quotas.includes("internetGateways"),
    elasticIps: quotas.includes("elasticIps"),
    natGateways: quotas.includes("natGatewaysPerZone"),
  };
  const [region, usage, lookups, wanted] = await Promise.all([
    context.aws.region(),
    context.aws.ec2().then((ec2) => networkUsage(ec2, reads)),
    quotas.length === 0 ? [] : context.aws.serviceQuotas().then((client) => Promise.all(quotas.map((quota) => serviceQuota(client, QUOTA_CODES[quota].service, QUOTA_CODES[quota].code)))),
    needs,
  ]);
  const unread = Object.entries(rackNeeds(wanted)).filter(([quota, adding]) => adding > 0 && !quotas.includes(quota as RackQuota));
  if (unread.length > 0) throw new Error(`the quota check did not read ${unread.map(([quota]) => quota).join(", ")}, which this change adds to`);
  const limits: AccountUsage["limits"] = {};
  const defaulted: QuotaCheck["defaulted"] = [];
  quotas.forEach((quota, index) => {
    const lookup: QuotaLookup | undefined = lookups[index];
    if (lookup?.value !== undefined) limits[quota] = lookup.value;
    else defaulted.push({ quota, reason: lookup?.source === "unavailable" ? lookup.reason : "no answer" });
  });
  const account: AccountUsage = { region, ...usage, limits };
  return { usage: account, refusals: rackQuotaRefusals(wanted, account), defaulted };
}

/** The quotas a change with these parameters can add to: a VPC and an internet gateway when it makes the network, Elastic IPs and NAT gateways when it makes NAT gateways. */
export function quotasTouched(adds: { newVpc: boolean; natGateways: boolean }): RackQuota[] {
  return [...(adds.newVpc ? (["vpcs", "internetGateways"] as const) : []), ...(adds.natGateways ? (["elasticIps", "natGatewaysPerZone"] as const) : [])];
}

/**
 * The check before install (`newVpc: true`, `private` as asked) and before Private=Yes
 * (`newVpc: false`, `private: true`): every quota the change would pass refused at once
 * (exit 1, nothing changed). Also in a dry run: it only reads.
 */
export async function refuseOverQuota(context: Context, needs: RackNeeds | Promise<RackNeeds>, what: string, scope: QuotaScope = {}): Promise<QuotaCheck> {
  const check = await checkRackQuotas(context, needs, scope);
  if (check.defaulted.length > 0) {
    const names = check.defaulted.map(({ quota }) => `${QUOTA_CODES[quota].name} ${DEFAULT_LIMITS[quota]}`).join(", ");
    context.printer.info(`Service Quotas did not answer (${check.defaulted[0]?.reason ?? ""}); checked against AWS's default quotas: ${names}`);
  }
  if (check.refusals.length > 0) {
    throw new ValidationErrors(
      `${what} does not fit in the account's quotas in ${check.usage.region}; nothing was changed`,
      check.refusals.map((refusal) => ({ where: QUOTA_CODES[refusal.quota].name, message: refusal.message, fix: refusal.fix })),
    );
  }
  return check;
}

/** Service Quotas: Fargate On-Demand vCPU resource count (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html). */
export const FARGATE_VCPU_QUOTA = { service: "fargate", code: "L-3032A538", name: "Fargate On-Demand vCPU resource count" } as const;

/** The quota and what the account runs now; read beside a deploy's other reads (they need no template). */
export interface FargateCapacity {
  region: string;
  quota: QuotaLookup;
  /** vCPUs of the Fargate tasks running now; undefined when ECS could not be read. */
  running?: number;
}

export async function readFargateCapacity(context: Context): Promise<FargateCapacity> {
  const [region, quota, running] = await Promise.all([
    context.aws.region(),
    context.aws.serviceQuotas().then((client) => serviceQuota(client, FARGATE_VCPU_QUOTA.service, FARGATE_VCPU_QUOTA.code)),
    context.aws
      .ecs()
      .then(fargateVcpusRunning)
      .catch((error: unknown) => {
        context.printer.debug(`the Fargate vCPUs running now could not be read (${error instanceof Error ? error.message : String(error)}); the rollout alone is checked`);
        return undefined;
      }),
  ]);
  return { region, quota, ...(running === undefined ? {} : { running }) };
}

/**
 * Before a deploy's change set (also a dry run's: it only reads): the vCPUs the rollout runs
 * at its peak, plus what the account runs now beside the services that roll (when ECS can be
 * read), against the Fargate On-Demand vCPU quota. Over it, refused with the numbers and the
 * command that raises the quota: ECS would otherwise start the new tasks slowly or not at all.
 * Without an answer from Service Quotas nothing is refused (said with --debug).
 */
export function refuseOverFargateQuota(context: Context, what: string, peak: RolloutPeak, capacity: FargateCapacity): void {
  if (peak.peakVcpu === 0) return;
  const { region, quota, running } = capacity;
  if (quota.value === undefined) {
    context.printer.debug(`Service Quotas did not answer for ${FARGATE_VCPU_QUOTA.name} (${quota.reason}); the rollout's vCPUs were not checked`);
    return;
  }
  // What runs beside the rollout: the account's tasks less the rolling services' old tasks (the peak counts those).
  const beside = running === undefined ? 0 : Math.max(0, running - peak.runningVcpu);
  const needed = beside + peak.peakVcpu;
  if (needed <= quota.value) return;
  const rollout = peak.services.map((service) => `${service.service}: ${service.tasks} task(s) × ${vcpus(service.vcpu)} vCPU at deployment.maximum ${service.maximum}%`).join("; ");
  const now = running === undefined ? "" : `, beside the ${vcpus(beside)} vCPUs the account runs now in ${region}`;
  throw new UserError(
    `${what}: its rollout runs up to ${vcpus(peak.peakVcpu)} vCPUs of Fargate at once (${rollout})${now}: ${vcpus(needed)} in all, over the account's ${vcpus(quota.value)} (${FARGATE_VCPU_QUOTA.name}, ${FARGATE_VCPU_QUOTA.code}); nothing was changed`,
    {
      fix: `lower deployment.maximum or the count, stop tasks you no longer need, or raise the quota: aws service-quotas request-service-quota-increase --service-code ${FARGATE_VCPU_QUOTA.service} --quota-code ${FARGATE_VCPU_QUOTA.code} --desired-value ${Math.ceil(needed)} --region ${region}`,
    },
  );
}

function vcpus(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, "");
}
