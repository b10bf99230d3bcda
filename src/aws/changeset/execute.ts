import { AwsOperationFailed, Interrupted, UserError } from "../../errors/index.js";
import type { StackInfo } from "../stacks.js";
import { diagnose } from "../diagnose.js";
import { failureDetails } from "../failure-details.js";
import { StackEventPoller } from "../stack-events.js";
import { cancelBeforeExecution, discardOwn } from "./cleanup.js";
import type { ChangeSetRef } from "./create.js";
import { interruptible } from "./interrupt.js";
import { SUCCESS_STATUSES, watchStack, type WatchResult } from "./monitor.js";
import { followWithDeadline, formatDuration, rolledBackError } from "./cancel.js";
import type { Run } from "./run.js";
import { sdk } from "../sdk.js";
import { Flag } from "../../names/flags.js";

/**
 * Execute the approved change set and follow the stack's events until the operation
 * ends. Ctrl-C before ExecuteChangeSet is sent deletes the change set; during the call
 * racknet lets it finish (it cannot know otherwise whether AWS started); from then on
 * Ctrl-C stops racknet watching, not CloudFormation: the user is told the operation
 * continues and how to follow it.
 */
export async function applyChangeSet(run: Run, ref: ChangeSetRef, since: Date | undefined): Promise<StackInfo> {
  const operation = ref.type === "CREATE" ? "create" : "update";
  const poller = new StackEventPoller(run.cfn, { stackId: ref.stackId, since });
  if (!since) await interruptible((signal) => poller.prime(signal), () => cancelBeforeExecution(run, ref), run.ctrlC);
  if (run.ctrlC.pressed) return cancelBeforeExecution(run, ref);
  const startedAt = run.now();
  await executeChangeSet(run, ref);
  run.emit({ type: "started", what: run.options.what, operation, stackName: ref.stackName });
  const timeoutMs = run.options.timeoutMs;
  const watched =
    timeoutMs !== undefined && operation === "update"
      ? await followWithDeadline(run, ref.stackName, (endsWith) => followOperation(run, ref.stackId, ref.stackName, poller, "update", endsWith), startedAt + timeoutMs)
      : { result: await followOperation(run, ref.stackId, ref.stackName, poller, operation) };
  const { result } = watched;
  if (watched.cancelled) throw await rolledBackError(run.aws, run, ref.stackName, result, watched.cancelled.slow, `not done within ${Flag.timeout} ${formatDuration(timeoutMs ?? 0)}`);
  if (!SUCCESS_STATUSES.has(result.status)) throw await failed(run, ref.stackName, operation, result, poller);
  run.emit({ type: "finished", what: run.options.what, status: result.status, elapsedMs: run.now() - startedAt });
  // The poll that saw the end already holds the stack's outputs: nothing is read again.
  if (!result.stack) throw new AwsOperationFailed(`stack ${ref.stackName} reported ${result.status} but cannot be found`);
  return result.stack;
}

/**
 * ExecuteChangeSet. A change set that can no longer run (deleted, or the stack busy: another
 * racknet or a person changed the stack since it was made) is a refusal, nothing changed.
 */
async function executeChangeSet(run: Run, ref: ChangeSetRef): Promise<void> {
  const { ExecuteChangeSetCommand } = sdk.cloudFormation();
  try {
    await run.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: ref.id, StackName: ref.stackId }));
  } catch (error) {
    if (!isStaleChangeSet(error)) throw error;
    await discardOwn(run, ref, { keepEmptyStack: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`${run.options.what} was not changed: change set ${ref.name} can no longer run (${reason}); another racknet or a person changed stack ${ref.stackName} since it was made`, {
      fix: `see where it is with \`${run.options.followCommand}\`, then run the command again`,
    });
  }
}

/** CloudFormation's ways of saying a change set is gone or the stack is busy with something else. */
export function isStaleChangeSet(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const text = `${error.name} ${error.message}`;
  return /ChangeSetNotFound|InvalidChangeSetStatus|OperationInProgress|does not exist|cannot be executed in its current|_IN_PROGRESS state/i.test(text);
}

/** Watch with Ctrl-C meaning "stop watching": shared by deploy and delete. */
export function followOperation(
  run: Run,
  stackId: string,
  stackName: string,
  poller: StackEventPoller,
  operation: "create" | "update" | "delete",
  endsWith?: (status: string) => boolean,
): Promise<WatchResult> {
  const { options } = run;
  return interruptible(
    (signal) => watchStack(run.cfn, { stackId, stackName, poller, pacing: run.pacing, signal, endsWith, onActivity: (activity) => run.emit({ type: "activity", activity }), onHistory: (activities) => run.emit({ type: "history", activities }) }),
    async () => {
      throw new Interrupted(`stopped watching: the ${operation} of ${options.what} continues in AWS (Ctrl-C does not cancel it)`, {
        fix: `${options.rerunCommand ? `run \`${options.rerunCommand}\` again to finish (it follows the ${operation} to its end), or ` : ""}follow it to its end with \`${options.followCommand}\``,
      });
    },
    run.ctrlC,
  );
}

/**
 * Diagnose from the operation's whole history, add what the failed resources' services say (a
 * service's stopped tasks and its container's last log lines, what holds a subnet:
 * failure-details.ts), print the root cause first, and build the error (exit 3) with the recovery.
 */
export async function failed(run: Run, stackName: string, operation: string, watched: WatchResult, poller: StackEventPoller): Promise<AwsOperationFailed> {
  // Read once more: the watch never reads back an event CloudFormation lists behind one it has
  // read (the same second, recorded late), and a watch that came in mid-operation never saw its
  // start. A failed re-read leaves the diagnosis to what the watch saw.
  const history = await poller.history().catch(() => []);
  const result = history.length >= watched.activities.length ? { ...watched, activities: history } : watched;
  const diagnosis = diagnose(result.activities, { name: stackName, status: result.status, statusReason: result.statusReason }, run.options.removeCommand);
  const details = await failureDetails(run.aws, diagnosis);
  if (details.length > 0) diagnosis.details = details;
  run.emit({ type: "failed", what: run.options.what, diagnosis });
  const cause = diagnosis.rootCause ? `${diagnosis.rootCause.logicalId}: ${diagnosis.rootCause.reason ?? diagnosis.rootCause.status}` : (diagnosis.statusReason ?? "see the stack events");
  // Someone cancelled it (`racknet apps cancel`, or CancelUpdateStack by hand): no failure to fix.
  if (result.status === "UPDATE_ROLLBACK_COMPLETE" && !diagnosis.rootCause && /update cancelled/i.test(diagnosis.statusReason ?? "")) {
    return new AwsOperationFailed(`the update of ${run.options.what} was cancelled (CancelUpdateStack: \`racknet apps cancel\` or by hand) and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs`, {
      fix: "run the command again when the change should go ahead",
    });
  }
  return new AwsOperationFailed(`the ${operation} of ${run.options.what} failed (${result.status}): ${cause}`, { fix: diagnosis.recovery });
}
