/**
 * What racknet needs to know about a certificate it issued: when it expires, which
 * names it covers, whether the current CA signed it. Pure: no AWS.
 */
import { x509 } from "./x509.js";
import { RENEW_BEFORE_DAYS } from "./rules.js";
import { certificateExpiry } from "./expiry.js";

export interface CertificateInfo {
  notAfter: Date;
  dnsNames: string[];
}

/** Renew this long before expiry. */
export { RENEW_BEFORE_DAYS };

export function certificateInfo(certPem: string): CertificateInfo {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dnsNames = (san?.names.items ?? []).filter((name) => name.type === "dns").map((name) => name.value);
  return { notAfter: cert.notAfter, dnsNames };
}

export { certificateExpiry, type CertificateExpiry } from "./expiry.js";

/** True when the certificate expires within 30 days of `now` or covers other names than `names`. */
export function needsRenewal(certPem: string, names: string[], now = new Date()): boolean {
  if (certificateExpiry(certPem, now).renewDue) return true;
  return !sameNames(certificateInfo(certPem).dnsNames, names);
}

/** True when `certPem` carries a valid signature by the CA in `caCertPem`. */
export async function isIssuedBy(certPem: string, caCertPem: string): Promise<boolean> {
  const cert = new x509.X509Certificate(certPem);
  const ca = new x509.X509Certificate(caCertPem);
  if (cert.issuer !== ca.subject) return false;
  return cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
}

function sameNames(a: string[], b: string[]): boolean {
  const normalize = (names: string[]) => [...new Set(names.map((name) => name.toLowerCase()))].sort().join(",");
  return normalize(a) === normalize(b);
}
