/**
 * How public certificates are reported (deploy, `racknet certs`): one JSON shape, and for a
 * person the exact DNS records still to create; and the removal of certificates racknet
 * requested that nothing wants any more.
 */
import { deleteCertificate } from "../aws/acm.js";
import type { DnsRecord } from "../aws/public-certificates.js";
import type { Context } from "../runtime/context.js";
import type { CertificateState } from "./public-certificates.js";

/** A certificate as `racknet certs --json` and `deploy --json` give it. */
export interface CertificateJson {
  app: string | null;
  service: string | null;
  /** `external` (`*.<app>.<Domain>`), `domain` (a service's `domain:`), or the rack CA's: `rack`, `internal-apps`, `router-apps`. */
  kind: string;
  /** `public` (ACM-issued) or `rack-ca` (signed by the rack's CA, imported). */
  issuer: "public" | "rack-ca";
  names: string[];
  arn: string | null;
  /** ACM's status, `NOT_REQUESTED` (a dry run) or `IN_STACK` (the stack makes it). */
  status: string;
  /** `stack` (the app stack makes it through the rack's zone), `racknet` (requested by racknet) or `import`. */
  managedBy: "stack" | "racknet" | "import";
  expires: string | null;
  /** What serves it: `external listener`, `app shop`, ... */
  inUseBy: string[];
  /** The DNS records still to create (validation CNAMEs, then the names' own records). */
  records: DnsRecord[];
}

export function certificateJson(app: string, state: CertificateState, inUseBy: string[] = []): CertificateJson {
  return {
    app,
    service: state.service ?? null,
    kind: state.kind,
    issuer: "public",
    names: state.names,
    arn: state.arn,
    status: state.status,
    managedBy: state.validation === "stack" ? "stack" : "racknet",
    expires: state.expires,
    inUseBy,
    records: state.records,
  };
}

/** "pending validation" for a person; ACM's status otherwise. */
export function statusText(status: string): string {
  switch (status) {
    case "PENDING_VALIDATION":
      return "pending validation";
    case "NOT_REQUESTED":
      return "not requested yet";
    case "IN_STACK":
      return "made by the app stack";
    default:
      return status.toLowerCase().replace(/_/g, " ");
  }
}

/** The records a person must create, one line each, aligned. */
export function recordLines(records: readonly DnsRecord[]): string[] {
  const width = Math.max(0, ...records.map((record) => record.name.length));
  return records.map((record) => `    ${record.name.padEnd(width)}  ${record.type.padEnd(5)}  ${record.value}`);
}

/** After a deploy: each certificate not yet issued, with the records to create. */
export function reportCertificates(context: Context, app: string, states: readonly CertificateState[]): void {
  for (const state of states) {
    if (state.status === "NOT_REQUESTED") {
      // A dry run: nothing was requested, so there is no validation record to show yet.
      context.printer.info(`certificate ${state.names.join(", ")}: a deploy requests it (DNS validation) and prints the records to create`);
      continue;
    }
    if (state.status === "ISSUED" || state.validation === "stack" || state.records.length === 0) continue;
    context.printer.warn(`certificate ${state.names.join(", ")}: ${statusText(state.status)}; until it is issued its names are not served with it. Create these DNS records:`);
    for (const line of recordLines(state.records)) context.printer.info(line);
    context.printer.info(`  then \`racknet certs\` shows it issued, and the next \`racknet deploy -a ${app}\` serves it`);
  }
}

/** Certificates racknet requested for this app that nothing wants now: deleted; one still in use is left with a warning. */
export async function removeObsoleteCertificates(context: Context, arns: readonly string[]): Promise<void> {
  if (arns.length === 0) return;
  const acm = await context.aws.acm();
  for (const arn of arns) {
    try {
      await deleteCertificate(acm, arn);
      context.printer.step(`deleted certificate ${arn}, which the app no longer uses`);
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "ResourceNotFoundException") continue;
      if (name !== "ResourceInUseException") throw error;
      context.printer.warn(`certificate ${arn} is no longer the app's, and ACM still reports it in use; delete it later: aws acm delete-certificate --certificate-arn ${arn}`);
    }
  }
}
