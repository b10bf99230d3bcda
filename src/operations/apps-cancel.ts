import { AwsOperationFailed, UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import { cancelUpdate, resourcesInFlight, slownessDetails } from "../aws/changeset/cancel.js";
import { isInProgress, watchStack } from "../aws/changeset/monitor.js";
import { defaultPacing } from "../aws/changeset/pacing.js";
import { recoveryFor } from "../aws/diagnose.js";
import { StackEventPoller } from "../aws/stack-events.js";
import type { Context } from "../runtime/context.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { approveAction, operationPort } from "../shared-steps/review.js";
import { chosenApp } from "./apps-info.js";
import { Flag } from "../names/flags.js";

/** `racknet apps cancel --json`. */
export interface CancelResult {
  app: string;
  rack: string;
  outcome: "cancelled" | "dry-run";
  /** The stack's status at the end (UPDATE_ROLLBACK_COMPLETE once rolled back); on a dry run, UPDATE_IN_PROGRESS. */
  status: string;
  /** The resources still updating when the update was cancelled: what kept it slow. */
  stillRunning: string[];
}

/**
 * `racknet apps cancel APP`: the app's update in progress (a deploy, an env change, a scale,
 * a rack change moving it) is cancelled with CancelUpdateStack, which CloudFormation allows
 * only while the stack is UPDATE_IN_PROGRESS; racknet follows the rollback to its end and
 * says what was still running and why (an ECS service's stopped tasks, failing health
 * checks). Approved like any change: --yes, or a terminal's yes.
 */
export async function run(context: Context, args: { app?: string }): Promise<Outcome> {
  const name = chosenApp(context, args.app);
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, name);
  const what = `app ${name} on rack ${rack.rack}`;
  if (app.status !== "UPDATE_IN_PROGRESS") {
    throw new UserError(`${what} is not being updated (${app.status}): there is nothing to cancel; nothing was changed`, {
      fix: isInProgress(app.status) ? `CloudFormation cancels updates only; follow this one with \`racknet apps info ${name}\`` : `see its state with \`racknet apps info ${name}\``,
    });
  }
  const cfn = await context.aws.cloudFormation();
  const poller = new StackEventPoller(cfn, { stackId: app.id, ...(app.lastUpdated ? { since: new Date(app.lastUpdated.getTime() - 1000) } : {}) });
  const slow = resourcesInFlight(await poller.poll());
  const base = { app: name, rack: rack.rack, stillRunning: slow.map((activity) => activity.logicalId) };
  if (slow.length > 0) context.printer.info(`still updating: ${slow.map((activity) => `${activity.logicalId} (${activity.resourceType})`).join(", ")}`);
  if ((await approveAction(context, { what, question: `Cancel the update of ${what} and roll it back?` })) === "dry-run") {
    context.printer.info(`dry run: nothing was changed; \`racknet apps cancel ${name} ${Flag.yes}\` cancels the update and CloudFormation rolls it back`);
    return { json: { ...base, outcome: "dry-run", status: app.status } satisfies CancelResult };
  }
  if (!(await cancelUpdate(cfn, app.name))) {
    throw new UserError(`${what}'s update can no longer be cancelled: it finished or is cleaning up meanwhile; nothing was changed`, { fix: `see where it is with \`racknet apps info ${name}\`` });
  }
  context.printer.step(`cancelled the update of ${what} (CancelUpdateStack); CloudFormation rolls it back`);
  const port = operationPort(context);
  const abort = new AbortController();
  const result = await watchStack(cfn, { stackId: app.id, stackName: app.name, poller, pacing: { ...defaultPacing, sleep: context.clock.sleep }, signal: abort.signal, onActivity: (activity) => port.emit({ type: "activity", activity }) });
  for (const line of await slownessDetails(context.aws, slow)) context.printer.info(line);
  if (result.status !== "UPDATE_ROLLBACK_COMPLETE") {
    const { state, recovery } = recoveryFor(result.status, app.name, `racknet apps delete ${name} -r ${rack.rack}`);
    throw new AwsOperationFailed(`the update of ${what} was cancelled and its rollback ended ${result.status}: ${state}`, { fix: recovery });
  }
  context.printer.success(`the update of ${what} was cancelled and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs`);
  return { json: { ...base, outcome: "cancelled", status: result.status } satisfies CancelResult };
}
