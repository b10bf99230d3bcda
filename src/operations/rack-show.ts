import type { Context } from "../runtime/context.js";
import { lastDrift } from "../steps/drift.js";
import { expiryWarnings, rackCertificateExpiry } from "../steps/renewal.js";
import { resolveRack } from "../steps/resolve.js";
import { printRackSummary, rackSummary } from "../ui/rack-summary.js";

/**
 * `racknet rack`: the rack's stack as DescribeStacks shows it, the last drift detection's
 * verdict (never a new detection: `racknet rack drift` runs one) and when its certificates
 * expire (a warning under 30 days; this command only reads, the next change renews them).
 */
export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const [region, drift, certificates] = await Promise.all([context.aws.region(), lastDrift(context, rack), rackCertificateExpiry(context, rack)]);
  const summary = { ...rackSummary(rack, region), drift, certificates };
  for (const warning of expiryWarnings(rack.rack, certificates)) context.printer.warn(warning);
  context.printer.result(summary, () => printRackSummary(context.printer, summary));
}
