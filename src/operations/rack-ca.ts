import type { Context } from "../runtime/context.js";
import { resolveRack } from "../steps/resolve.js";
import { readRackCaCertificate } from "../steps/certificates.js";
import { expiryWarnings, rackCertificateExpiry } from "../steps/renewal.js";
import { certificatesLine } from "../ui/rack-summary.js";

/**
 * `racknet rack ca`: the CA certificate (PEM) on stdout, for clients to trust; on stderr when
 * it and the certificates it signed for the rack expire, with a warning under 30 days.
 */
export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const [pem, expiry] = await Promise.all([readRackCaCertificate(context, rack.rack), rackCertificateExpiry(context, rack, { ca: true })]);
  for (const warning of expiryWarnings(rack.rack, expiry)) context.printer.warn(warning);
  context.printer.result({ rack: rack.rack, certificate: pem, expiry }, () => {
    context.printer.out(pem);
    if (expiry.length > 0) context.printer.info(`expires: ${certificatesLine(expiry)}`);
  });
}
