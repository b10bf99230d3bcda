import type { Context } from "../runtime/context.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { readRackCaCertificate } from "../rack-steps/certificates.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { caConstraintStatus } from "../ca/index.js";
import { describeStoredCa } from "../aws/ssm-ca.js";
import { expiryWarnings, nextRenewal, nextRenewalLine, rackCertificateExpiry } from "../rack-steps/renewal.js";
import { certificatesLine } from "../ui/rack-summary.js";

/**
 * `racknet rack ca`: the CA certificate (PEM) on stdout, for peers and clients; on stderr,
 * the names it may sign (its X.509 name constraints), when it and the certificates it signed
 * for the rack expire (a warning under 30 days), when the next renewal is due and what does it
 * (the rack's daily renewal function), and which KMS key encrypts its private key.
 * Nothing here decrypts the key.
 */
export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const [pem, stored, expiry] = await Promise.all([
    readRackCaCertificate(context, rack.rack),
    context.aws.ssm().then((ssm) => describeStoredCa(ssm, rack.rack)),
    rackCertificateExpiry(context, rack, { ca: true }),
  ]);
  const status = caConstraintStatus(pem, rack.rack);
  const constraints = status.kind === "unconstrained" ? undefined : status.constraints;
  for (const warning of expiryWarnings(rack.rack, expiry, rack)) context.printer.warn(warning);
  const renewal = nextRenewal(rack, expiry);
  return outcome(
    {
      rack: rack.rack,
      certificate: pem,
      constraints: { status: status.kind, permittedDns: constraints?.permittedDns ?? [], excludedIps: constraints?.excludedIps ?? [] },
      expiry,
      renewal: renewal ?? null,
      keyEncryption: stored.keyId ?? null,
    },
    (printer) => {
      printer.out(pem);
      if (status.kind === "unconstrained") printer.warn("this CA has no name constraints: it can sign any name; rotate it (docs/safety.md, \"The rack CA signs only the rack's names\")");
      else printer.info(`signs only: ${status.constraints.permittedDns.join(", ")} (and names below them); never an IP address${status.constraints.permittedEmail.length > 0 ? ", an email address or a URI" : ""}${status.kind === "different" ? " — not this rack's names: rotate it" : ""}`);
      if (expiry.length > 0) printer.info(`expires: ${certificatesLine(expiry)}`);
      if (renewal) printer.info(nextRenewalLine(renewal));
      if (stored.keyId) printer.info(`private key encrypted with ${stored.keyId === "alias/aws/ssm" ? "Parameter Store's default key (aws/ssm)" : `the rack's own KMS key ${stored.keyId}`}`);
    },
  );
}
