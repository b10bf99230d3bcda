import { AwsOperationFailed, Interrupted } from "../../core/errors.js";
import { describeStack, type StackInfo } from "../stacks.js";
import { diagnose } from "../diagnose.js";
import { StackEventPoller } from "../stack-events.js";
import type { ChangeSetRef } from "./create.js";
import { interruptible } from "./interrupt.js";
import { SUCCESS_STATUSES, watchStack, type WatchResult } from "./monitor.js";
import type { Run } from "./run.js";

/**
 * Execute the approved change set and follow the stack's events until the operation
 * ends. From here on Ctrl-C stops racknet watching, not CloudFormation: the user is
 * told the operation continues and how to follow it.
 */
export async function applyChangeSet(run: Run, ref: ChangeSetRef, since: Date | undefined): Promise<StackInfo> {
  const { ExecuteChangeSetCommand } = await import("@aws-sdk/client-cloudformation");
  const operation = ref.type === "CREATE" ? "create" : "update";
  const poller = new StackEventPoller(run.cfn, { stackId: ref.stackId, since });
  if (!since) await poller.prime();
  const startedAt = Date.now();
  await run.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: ref.id, StackName: ref.stackId }));
  run.emit({ type: "started", what: run.options.what, operation, stackName: ref.stackName });
  const result = await followOperation(run, ref.stackId, ref.stackName, poller, operation);
  if (!SUCCESS_STATUSES.has(result.status)) throw failed(run, ref.stackName, operation, result);
  run.emit({ type: "finished", what: run.options.what, status: result.status, elapsedMs: Date.now() - startedAt });
  const stack = await describeStack(run.cfn, ref.stackId);
  if (!stack) throw new AwsOperationFailed(`stack ${ref.stackName} reported ${result.status} but cannot be found`);
  return stack;
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
    (signal) => watchStack(run.cfn, { stackId, stackName, poller, pacing: run.pacing, signal, endsWith, onActivity: (activity) => run.emit({ type: "activity", activity }) }),
    async () => {
      throw new Interrupted(`stopped watching: the ${operation} of ${options.what} continues in AWS (Ctrl-C does not cancel it)`, {
        fix: `follow it with \`${options.followCommand}\` or \`aws cloudformation describe-stack-events --stack-name ${stackName}\``,
      });
    },
  );
}

/** Diagnose, print the root cause first, and build the error (exit 3) with the recovery. */
export function failed(run: Run, stackName: string, operation: string, result: WatchResult): AwsOperationFailed {
  const diagnosis = diagnose(result.activities, { name: stackName, status: result.status, statusReason: result.statusReason });
  run.emit({ type: "failed", what: run.options.what, diagnosis });
  const cause = diagnosis.rootCause ? `${diagnosis.rootCause.logicalId}: ${diagnosis.rootCause.reason ?? diagnosis.rootCause.status}` : (diagnosis.statusReason ?? "see the stack events");
  return new AwsOperationFailed(`the ${operation} of ${run.options.what} failed (${result.status}): ${cause}`, { fix: diagnosis.recovery });
}
