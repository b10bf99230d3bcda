/**
 * When racknet renews a certificate the rack CA signed, and for how long it issues one: the
 * CLI (src/ca) and the rack's renewal function (src/functions/ca-renewal) follow the same
 * rules. No imports: the function is bundled small.
 */

/** Renewed under 30 days left. */
export const RENEW_BEFORE_DAYS = 30;
/** Issued for 397 days, the longest browsers accept. */
export const SERVER_VALIDITY_DAYS = 397;
/** notBefore is backdated a little so a clock behind ours still accepts the certificate. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
