/**
 * When a certificate expires, read with Node's own X.509 parser: the checks that run on every
 * install, params set, deploy and `rack` (is a certificate due for renewal?) need no more, and
 * @peculiar/x509 with its ASN.1 schemas is then loaded only to issue or inspect one.
 */
import { X509Certificate } from "node:crypto";
import { DAY_MS, RENEW_BEFORE_DAYS } from "./rules.js";

export interface CertificateExpiry {
  notAfter: Date;
  /** Whole days left from `now`; negative once expired. */
  daysLeft: number;
  /** Under RENEW_BEFORE_DAYS left: renew now, and warn. */
  renewDue: boolean;
  expired: boolean;
}

/** When a certificate (the rack's, an app's, or the CA itself) expires, for `rack`, `rack ca` and renewal. */
export function certificateExpiry(certPem: string, now = new Date()): CertificateExpiry {
  // validTo is OpenSSL's "Mon DD HH:MM:SS YYYY GMT", which Date reads.
  const notAfter = new Date(new X509Certificate(certPem).validTo);
  if (Number.isNaN(notAfter.getTime())) throw new Error("the certificate's expiry could not be read");
  const left = notAfter.getTime() - now.getTime();
  return { notAfter, daysLeft: Math.floor(left / DAY_MS), renewDue: left < RENEW_BEFORE_DAYS * DAY_MS, expired: left <= 0 };
}
