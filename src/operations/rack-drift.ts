import { AwsOperationFailed, ExitCode } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import type { Printer } from "../ui/printer.js";
import { listApps } from "../aws/stacks.js";
import type { Context } from "../runtime/context.js";
import { detectDrift, type StackDriftReport } from "../shared-steps/drift.js";
import type { DriftDifference, DriftedResource } from "../shared-steps/drift-analysis.js";
import { resolveRack } from "../shared-steps/resolve.js";

/** `racknet rack drift --json`. */
export interface RackDrift {
  rack: string;
  drifted: boolean;
  /** The rack's stack first (`app` null), then each app's. */
  stacks: (StackDriftReport & { app: string | null })[];
}

/**
 * `racknet rack drift [--json]`: CloudFormation drift detection on the rack's stack and every
 * app stack of the rack (a scheduled CI check wants the whole rack in one exit code), made
 * honest about the security groups CloudFormation does not compare (shared-steps/drift-analysis.ts).
 * Exits 4 when anything drifted, 0 when nothing did, 3 when a detection failed without
 * finding drift (then nothing can be said).
 */
export async function run(context: Context): Promise<Outcome<RackDrift>> {
  const rack = await resolveRack(context);
  const apps = await listApps(await context.aws.cloudFormation(), rack.rack);
  const targets = [{ stackName: rack.name, what: `rack ${rack.rack}` }, ...apps.map((app) => ({ stackName: app.name, what: `app ${app.app}` }))];
  // Which app a report is about, as a name: `what` is for people, and stack names can be ambiguous.
  const owners = [null, ...apps.map((app) => app.app)];
  const stacks = (await detectDrift(context, targets)).map(({ stack, ...report }, index) => ({ stack, app: owners[index] ?? null, ...report }));
  const result: RackDrift = { rack: rack.rack, drifted: stacks.some((stack) => stack.status === "DRIFTED"), stacks };
  const unknown = stacks.filter((stack) => stack.status === "UNKNOWN");
  if (!result.drifted && unknown.length > 0) {
    // The report is still the result: --json gives it beside the error object, as one document (exit 3).
    const failure = new AwsOperationFailed(`drift detection did not complete for ${unknown.map((stack) => `${stack.what} (${stack.reason ?? stack.detection})`).join(", ")}; no drift was found in what it checked`, {
      fix: "run `racknet rack drift` again; if it keeps failing, see the reason with `aws cloudformation describe-stack-resource-drifts --stack-name STACK`",
    });
    return outcome(result, (printer) => printDrift(printer, result), { failure });
  }
  return outcome(result, (printer) => printDrift(printer, result), result.drifted ? { exitCode: ExitCode.changesPending } : {});
}

function printDrift(printer: Printer, result: RackDrift): void {
  const { paint } = printer;
  for (const stack of result.stacks) {
    const status = stack.status === "DRIFTED" ? paint.red(stack.status) : stack.status === "IN_SYNC" ? paint.green(stack.status) : paint.yellow(stack.status);
    printer.out(`${paint.bold(stack.what)} (stack ${stack.stack}): ${status}${stack.reason ? ` (${stack.reason})` : ""}`);
    for (const resource of stack.resources) printResource(printer, resource);
  }
  const notes = result.stacks.flatMap((stack) => stack.notes.map((note) => `${stack.what}: ${note}`));
  if (notes.length > 0) {
    printer.out("");
    printer.out(paint.dim("What drift detection does not compare, and what racknet compared instead:"));
    for (const note of notes) printer.out(paint.dim(`  • ${note}`));
  }
  printer.info(result.drifted ? "drift found: resources were changed outside racknet (exit 4)" : "no drift: every checked resource matches what racknet deployed");
}

function printResource(printer: Printer, resource: DriftedResource): void {
  const { paint } = printer;
  const tag = resource.security ? paint.red("security ") : "";
  const foundBy = resource.foundBy === "racknet" ? " (found by racknet: CloudFormation does not compare these rules)" : "";
  printer.out(`  ${tag}${resource.logicalId} ${paint.dim(`${resource.type} ${resource.physicalId}`)} ${resource.status}${foundBy}`);
  for (const difference of resource.differences) printer.out(`      ${describeDifference(difference, paint.red)}`);
}

function describeDifference(difference: DriftDifference, red: (text: string) => string): string {
  const open = difference.openToTheWorld ? ` ${red("(open to every address)")}` : "";
  if (difference.rule) {
    const verb = { ADD: "rule added", REMOVE: "rule removed", NOT_EQUAL: "rule changed" }[difference.difference];
    return `${verb}: ${difference.rule}${open}`;
  }
  if (difference.difference === "ADD") return `${difference.path} added: ${difference.actual ?? ""}`;
  if (difference.difference === "REMOVE") return `${difference.path} removed (was ${difference.expected ?? ""})`;
  return `${difference.path}: expected ${difference.expected ?? ""}, actual ${difference.actual ?? ""}`;
}
