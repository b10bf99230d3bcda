import type { Context } from "../core/context.js";
import { resolveRack } from "../aws/stacks.js";
import { printRackSummary, rackSummary } from "../operations/rack-summary.js";

export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const summary = rackSummary(rack, await context.aws.region());
  context.printer.result(summary, () => printRackSummary(context.printer, summary));
}
