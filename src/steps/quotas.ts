/**
 * The account's quotas, checked before anything is created: what the rack would add (a VPC
 * and an internet gateway at install; per zone an Elastic IP and a NAT gateway when private)
 * against what the account uses and may use. Every refusal says what is used, the limit, and
 * how to raise it (src/templates/rack-quotas.ts, docs/aws-limits.md).
 */
import { ValidationErrors } from "../core/errors.js";
import { networkUsage, serviceQuota, type QuotaLookup } from "../aws/quotas.js";
import { DEFAULT_LIMITS, QUOTA_CODES, rackQuotaRefusals, type AccountUsage, type QuotaRefusal, type RackNeeds, type RackQuota } from "../templates/rack-quotas.js";
import type { Context } from "../runtime/context.js";

export interface QuotaCheck {
  usage: AccountUsage;
  refusals: QuotaRefusal[];
  /** The quotas whose limit is AWS's documented default because Service Quotas did not answer, and why. */
  defaulted: { quota: RackQuota; reason: string }[];
}

const QUOTAS = Object.keys(DEFAULT_LIMITS) as RackQuota[];

/**
 * Reads the usage (EC2) and the limits (Service Quotas) side by side; refuses nothing itself.
 * `needs` may still be coming (the zones an install chooses): the reads do not wait for it.
 */
export async function checkRackQuotas(context: Context, needs: RackNeeds | Promise<RackNeeds>): Promise<QuotaCheck> {
  const [region, usage, lookups, wanted] = await Promise.all([
    context.aws.region(),
    context.aws.ec2().then(networkUsage),
    context.aws.serviceQuotas().then((client) => Promise.all(QUOTAS.map((quota) => serviceQuota(client, QUOTA_CODES[quota].service, QUOTA_CODES[quota].code)))),
    needs,
  ]);
  const limits: AccountUsage["limits"] = {};
  const defaulted: QuotaCheck["defaulted"] = [];
  QUOTAS.forEach((quota, index) => {
    const lookup: QuotaLookup | undefined = lookups[index];
    if (lookup?.value !== undefined) limits[quota] = lookup.value;
    else defaulted.push({ quota, reason: lookup?.source === "unavailable" ? lookup.reason : "no answer" });
  });
  const account: AccountUsage = { region, ...usage, limits };
  return { usage: account, refusals: rackQuotaRefusals(wanted, account), defaulted };
}

/**
 * The check before install (`newVpc: true`, `private` as asked) and before Private=Yes
 * (`newVpc: false`, `private: true`): every quota the change would pass refused at once
 * (exit 1, nothing changed). Also in a dry run: it only reads.
 */
export async function refuseOverQuota(context: Context, needs: RackNeeds | Promise<RackNeeds>, what: string): Promise<QuotaCheck> {
  const check = await checkRackQuotas(context, needs);
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
