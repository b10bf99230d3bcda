import type { Context } from "../runtime/context.js";
import { lastDrift } from "../shared-steps/drift.js";
import { expiryWarnings, rackCertificateExpiry } from "../rack-steps/renewal.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { progressLines, readRackJournals, unfinishedSummary, type JournalRecord } from "../safety/journal.js";
import type { Printer } from "../ui/printer.js";
import { printRackSummary, rackSummary } from "../ui/rack-summary.js";
import { rackStanding } from "../rack-steps/rack-standing.js";

/**
 * `racknet rack`: the rack's stack as DescribeStacks shows it, the last drift detection's
 * verdict (never a new detection: `racknet rack drift` runs one) and when its certificates
 * expire (a warning under 30 days; this command only reads, the next change renews them).
 */
export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const [region, journals, drift, certificates, template] = await Promise.all([
    context.aws.region(),
    readRackJournals(context, rack.rack),
    lastDrift(context, rack),
    rackCertificateExpiry(context, rack),
    context.aws.region().then((inRegion) => rackStanding(rack, inRegion)),
  ]);
  const summary = { ...rackSummary(rack, region), drift, certificates, template };
  const unfinished = journals.map(unfinishedView);
  for (const warning of expiryWarnings(rack.rack, certificates, rack)) context.printer.warn(warning);
  return outcome({ ...summary, unfinished }, (printer) => {
    printRackSummary(printer, summary);
    for (const journal of journals) printUnfinished(printer, journal);
  });
}

/** An operation that stopped half way (or is running now), as `--json` gives it. */
function unfinishedView(journal: JournalRecord) {
  return {
    operation: journal.operation,
    key: journal.key,
    state: journal.state,
    startedAt: journal.startedAt,
    ...(journal.stoppedBecause ? { stoppedBecause: journal.stoppedBecause } : {}),
    steps: journal.steps.map((step) => ({ id: step.id, what: step.what, state: step.state })),
    command: journal.command,
  };
}

/** Which stacks changed and which did not, and the command that finishes the job (apps mid-move show here). */
function printUnfinished(printer: Printer, journal: JournalRecord): void {
  const running = journal.state === "running";
  printer.warn(running ? `racknet ${journal.operation} ${journal.key} is running, or the racknet running it was cut off (started ${journal.startedAt})` : unfinishedSummary(journal));
  for (const line of progressLines(journal)) printer.info(`  ${line}`);
  if (!running) printer.info(`  finish it with \`${journal.command}\``);
}
