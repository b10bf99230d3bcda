/**
 * The rack's internal certificates expire: the rack certificate and the internal and router
 * listeners' apps certificates are issued for 397 days by the rack CA (src/ca). The rack's own
 * daily function renews them (src/functions/ca-renewal); commands that change the rack or an
 * app renew those under 30 days left too, re-imported under the same ARN
 * so the listeners serve the new one without a stack change (ACM: a re-import keeps the ARN
 * and the associations, https://docs.aws.amazon.com/acm/latest/userguide/import-reimport.html);
 * commands that only read show when they expire and warn under 30 days.
 */
import { UserError } from "../errors/index.js";
import { caCertParameter, rackCertificateNames } from "../names/index.js";
import { certificateExpiry, type CertificateExpiry } from "../ca/expiry.js";
import { RENEW_BEFORE_DAYS } from "../ca/rules.js";
import { preloadCa } from "./certificates.js";
import { RENEWAL_FUNCTION_OUTPUT, RENEWAL_SCHEDULE, RENEWAL_SCHEDULE_OUTPUT } from "../templates/rack-ca-renewal.js";
import { APPS_CERTIFICATE_PARAMETER, appsCertificateNames } from "../templates/rack-certificates.js";
import { certificatePem, importCertificate } from "../aws/acm.js";
import { readStoredCa, readStoredCaCertificate } from "../aws/ssm-ca.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackParameter } from "../names/rack-parameters.js";
import { Flag } from "../names/flags.js";

export type RackCertificateKind = "rack" | "internal-apps" | "router-apps";

/** The certificates racknet renews: the rack's default one and the listeners' apps certificates. */
export function rackCertificateArns(rack: Pick<RackInfo, "parameters">): { kind: RackCertificateKind; arn: string }[] {
  const arns: { kind: RackCertificateKind; arn: string | undefined }[] = [
    { kind: "rack", arn: rack.parameters[RackParameter.RackCertificateArn] },
    { kind: "internal-apps", arn: rack.parameters[APPS_CERTIFICATE_PARAMETER.internal] },
    { kind: "router-apps", arn: rack.parameters[APPS_CERTIFICATE_PARAMETER.router] },
  ];
  return arns.filter((entry): entry is { kind: RackCertificateKind; arn: string } => Boolean(entry.arn));
}

export interface CertificateStatus {
  /** `rack`, `internal-apps`, `router-apps`, or `ca` (the rack CA itself). */
  kind: RackCertificateKind | "ca";
  arn?: string;
  notAfter: string;
  daysLeft: number;
  /** Under 30 days left (or expired): renewed by the next install, params set or deploy. */
  renewDue: boolean;
  expired: boolean;
}

function status(kind: CertificateStatus["kind"], expiry: CertificateExpiry, arn?: string): CertificateStatus {
  return { kind, ...(arn ? { arn } : {}), notAfter: expiry.notAfter.toISOString(), daysLeft: expiry.daysLeft, renewDue: expiry.renewDue, expired: expiry.expired };
}

/** When each of the rack's certificates expires (one GetCertificate each), for `rack` and `rack ca`; with the CA's when asked. */
export async function rackCertificateExpiry(context: Context, rack: RackInfo, options: { ca?: boolean; now?: Date } = {}): Promise<CertificateStatus[]> {
  const acm = await context.aws.acm();
  const now = options.now ?? new Date(context.clock.now());
  const read = await Promise.all(
    rackCertificateArns(rack).map(async ({ kind, arn }) => {
      // A certificate that cannot be read (deleted, not allowed) is left out: these commands only read.
      const pem = await certificatePem(acm, arn).catch(() => undefined);
      return pem ? [status(kind, certificateExpiry(pem, now), arn)] : [];
    }),
  );
  const statuses = read.flat();
  if (options.ca) {
    const caPem = await readStoredCaCertificate(await context.aws.ssm(), rack.rack);
    if (caPem) statuses.unshift(status("ca", certificateExpiry(caPem, now)));
  }
  return statuses;
}

/**
 * When the next certificate falls under 30 days, and what renews it: the rack's daily renewal
 * function (rack output CaRenewalFunction, src/templates/rack-ca-renewal.ts), or on a rack an
 * older racknet installed, the next command that changes the rack or an app.
 */
export interface NextRenewal {
  /** 30 days before the first of the rack's certificates expires (in the past when one is due now). */
  due: string;
  kind: RackCertificateKind;
  by: "function" | "commands";
  /** The rack's renewal function and how often it runs, when it has one. */
  function?: string;
  schedule?: string;
}

export function nextRenewal(rack: Pick<RackInfo, "outputs">, statuses: readonly CertificateStatus[]): NextRenewal | undefined {
  const first = statuses.filter((entry) => entry.kind !== "ca").sort((a, b) => a.notAfter.localeCompare(b.notAfter))[0];
  if (!first || first.kind === "ca") return undefined;
  const due = new Date(Date.parse(first.notAfter) - RENEW_BEFORE_DAYS * 24 * 60 * 60 * 1000).toISOString();
  const fn = rack.outputs[RENEWAL_FUNCTION_OUTPUT];
  return fn
    ? { due, kind: first.kind, by: "function", function: fn, schedule: rack.outputs[RENEWAL_SCHEDULE_OUTPUT] ?? RENEWAL_SCHEDULE }
    : { due, kind: first.kind, by: "commands" };
}

/** `next renewal: 2027-01-10 (the rack certificate), by the rack's function prod-ca-renewal, run rate(1 day)`. */
export function nextRenewalLine(next: NextRenewal, now = new Date()): string {
  const when = Date.parse(next.due) <= now.getTime() ? `due now (since ${next.due.slice(0, 10)})` : next.due.slice(0, 10);
  const by =
    next.by === "function"
      ? `by the rack's renewal function ${next.function ?? ""}, which runs ${next.schedule ?? RENEWAL_SCHEDULE}`
      : "by the next `racknet deploy` or `racknet rack params set` on this rack (installed by an older racknet, it has no renewal function: `racknet rack update` adds it)";
  return `next renewal: ${when}, the ${next.kind} certificate, 30 days before it expires; ${by}`;
}

/** Warnings for `rack` and `rack ca`: each certificate under 30 days, and what renews it. */
export function expiryWarnings(rack: string, statuses: readonly CertificateStatus[], renewer: Pick<RackInfo, "outputs"> = { outputs: {} }): string[] {
  const renewedBy = renewer.outputs[RENEWAL_FUNCTION_OUTPUT]
    ? `the rack's renewal function ${renewer.outputs[RENEWAL_FUNCTION_OUTPUT]} renews it on its next daily run`
    : "the next `racknet deploy` or `racknet rack params set` on this rack renews it";
  return statuses
    .filter((entry) => entry.renewDue)
    .map((entry) =>
      entry.kind === "ca"
        ? `the rack CA of ${rack} ${entry.expired ? "has expired" : `expires in ${entry.daysLeft} days`} (${entry.notAfter}); certificates it signed stop being trusted then: reinstall the rack (racknet rack uninstall ${rack}, racknet rack install ${rack}) and hand out the new CA (racknet rack ca)`
        : `the ${entry.kind} certificate of rack ${rack} ${entry.expired ? "has expired" : `expires in ${entry.daysLeft} days`} (${entry.notAfter}); ${renewedBy}`,
    );
}

export interface RenewalReport {
  renewed: { kind: RackCertificateKind; arn: string; notAfter: string }[];
  /** In a dry run: what a real run would renew. */
  wouldRenew: { kind: RackCertificateKind; arn: string }[];
}

/**
 * Re-issue each of the rack's certificates that has under 30 days left (or has expired), with
 * the names it has, signed by the rack CA, and re-import it under the same ARN. Nothing is
 * written in a dry run. Call it from every workflow that changes the rack or an app
 * (install, params set, deploy), after the refusals and before the change set.
 */
export async function renewRackCertificates(context: Context, rack: RackInfo, now = new Date(context.clock.now())): Promise<RenewalReport> {
  const acm = await context.aws.acm();
  // The certificates are read side by side: this runs on every change's critical path. Their
  // expiry needs only Node's X.509 reader; the CA library loads when one is due.
  const read = await Promise.all(rackCertificateArns(rack).map(async ({ kind, arn }) => ({ kind, arn, pem: await certificatePem(acm, arn) })));
  const due = read.flatMap(({ kind, arn, pem }) => (pem && certificateExpiry(pem, now).renewDue ? [{ kind, arn, pem }] : []));
  if (due.length === 0) return { renewed: [], wouldRenew: [] };
  if (context.options.dryRun) {
    for (const { kind } of due) context.printer.info(`the ${kind} certificate of rack ${rack.rack} expires within 30 days: a run without ${Flag.dryRun} renews it`);
    return { renewed: [], wouldRenew: due.map(({ kind, arn }) => ({ kind, arn })) };
  }
  const { keyPem, certPem } = await readStoredCa(await context.aws.ssm(), rack.rack);
  if (!keyPem || !certPem) {
    throw new UserError(`rack ${rack.rack}'s certificates expire within 30 days and its certificate authority is not in SSM Parameter Store (${caCertParameter(rack.rack)}); nothing was changed`, {
      fix: `check the region and rack name (racknet racks); a rack whose CA is gone must be reinstalled (racknet rack uninstall ${rack.rack}, then racknet rack install ${rack.rack})`,
    });
  }
  const { certificateInfo, issueServerCertificate } = await preloadCa();
  const renewed: RenewalReport["renewed"] = [];
  for (const { kind, arn, pem } of due) {
    const names = certificateInfo(pem).dnsNames;
    const dnsNames = names.length > 0 ? names : kind === "rack" ? rackCertificateNames(rack.rack) : appsCertificateNames(kind === "internal-apps" ? "internal" : "router", rack.rack, []);
    const [commonName = rack.rack] = dnsNames;
    const issued = await issueServerCertificate({ keyPem, certPem }, { commonName, dnsNames }, now);
    await importCertificate(acm, issued, { arn });
    const notAfter = certificateExpiry(issued.certPem, now).notAfter.toISOString();
    context.printer.step(`renewed the ${kind} certificate of rack ${rack.rack} (same ARN), valid until ${notAfter}`);
    renewed.push({ kind, arn, notAfter });
  }
  return { renewed, wouldRenew: [] };
}
