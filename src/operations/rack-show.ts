import type { Context } from "../runtime/context.js";
import { resolveRack } from "../steps/resolve.js";
import { printRackSummary, rackSummary } from "../ui/rack-summary.js";

export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const summary = rackSummary(rack, await context.aws.region());
  context.printer.result(summary, () => printRackSummary(context.printer, summary));
}
