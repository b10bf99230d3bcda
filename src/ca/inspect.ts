/**
 * What racknet needs to know about a certificate it issued: when it expires, which
 * names it covers, whether the current CA signed it. Pure: no AWS.
 *
 * Read with Node's own X.509 parser, as expiry.ts is: install, params set and every deploy ask
 * "is this certificate still good?", and @peculiar/x509 with its ASN.1 schemas (about 360 kB,
 * 60-80 ms of CPU to load) is then loaded only to issue a certificate (authority.ts).
 */
import { X509Certificate } from "node:crypto";
import { RENEW_BEFORE_DAYS } from "./rules.js";
import { certificateExpiry } from "./expiry.js";

export interface CertificateInfo {
  notAfter: Date;
  dnsNames: string[];
}

/** Renew this long before expiry. */
export { RENEW_BEFORE_DAYS };

export function certificateInfo(certPem: string): CertificateInfo {
  const cert = new X509Certificate(certPem);
  return { notAfter: certificateExpiry(certPem).notAfter, dnsNames: dnsNames(cert.subjectAltName) };
}

export { certificateExpiry, type CertificateExpiry } from "./expiry.js";

/** True when the certificate expires within 30 days of `now` or covers other names than `names`. */
export function needsRenewal(certPem: string, names: string[], now = new Date()): boolean {
  if (certificateExpiry(certPem, now).renewDue) return true;
  return !sameNames(certificateInfo(certPem).dnsNames, names);
}

/** True when `certPem` names the CA in `caCertPem` as its issuer and carries a valid signature by its key. */
export async function isIssuedBy(certPem: string, caCertPem: string): Promise<boolean> {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caCertPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/**
 * The DNS names of Node's `subjectAltName` text: entries joined by ", ", each `KIND:value`, a
 * value holding a character that would make that ambiguous written as a JSON string (Node's
 * documented form since 17.3.1).
 */
function dnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const names: string[] = [];
  for (const [, kind, value = ""] of subjectAltName.matchAll(/(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    if (kind === "DNS") names.push(value.startsWith('"') ? (JSON.parse(value) as string) : value);
  }
  return names;
}

function sameNames(a: string[], b: string[]): boolean {
  const normalize = (names: string[]) => [...new Set(names.map((name) => name.toLowerCase()))].sort().join(",");
  return normalize(a) === normalize(b);
}
