import type { Context } from "../core/context.js";
import type { DeployOutcome } from "../aws/changeset/deploy.js";
import { rackSummary, printRackSummary } from "../operations/rack-summary.js";

/** What install and params set print when they end: the outcome, then the rack as `racknet rack` shows it. */
export async function printRackOutcome(context: Context, rack: string, outcome: DeployOutcome, verb: string): Promise<void> {
  const { printer } = context;
  if (outcome.kind !== "applied") {
    printer.result({ rack, outcome: outcome.kind }, () => undefined);
    return;
  }
  printer.success(`rack ${rack} ${verb}`);
  const summary = rackSummary({ ...outcome.stack, rack, rackOutputs: outcome.stack.outputs }, await context.aws.region());
  printer.result({ outcome: outcome.kind, ...summary }, () => printRackSummary(printer, summary));
}
