import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { Interrupted } from "../../errors/index.js";
import type { ChangeSetRef } from "./create.js";
import type { DeployEvent } from "./events.js";
import { readStackStatus } from "./monitor.js";
import type { Pacing } from "./pacing.js";
import type { Run } from "./run.js";
import { sdk } from "../sdk.js";

/**
 * Remove a change set that will not run (dry run, declined, refused, Ctrl-C, empty,
 * failed), so nothing is left behind. A CREATE change set also leaves an empty stack in
 * REVIEW_IN_PROGRESS: that is deleted too (unless `keepEmptyStack`: another racknet's
 * CREATE change set is on it), and racknet waits (briefly) until it is gone, so
 * `racknet racks` and a retry do not trip over it. Best effort: a failure here is a
 * warning with the command to finish the job, never the error the user sees.
 */
export async function discardChangeSet(
  cfn: CloudFormationClient,
  ref: ChangeSetRef,
  emit: (event: DeployEvent) => void,
  pacing: Pacing,
  settings: { keepEmptyStack?: boolean } = {},
): Promise<void> {
  const { DeleteChangeSetCommand, DeleteStackCommand } = sdk.cloudFormation();
  try {
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: ref.id, StackName: ref.stackId }));
  } catch (error) {
    emit({ type: "warning", message: `could not delete change set ${ref.name}: ${message(error)}; delete it with \`aws cloudformation delete-change-set --stack-name ${ref.stackName} --change-set-name ${ref.name}\`` });
  }
  if (ref.type !== "CREATE" || settings.keepEmptyStack) return;
  try {
    if ((await readStackStatus(cfn, ref.stackId)).status !== "REVIEW_IN_PROGRESS") return;
    await cfn.send(new DeleteStackCommand({ StackName: ref.stackId }));
    for (let attempt = 0; attempt < 15; attempt += 1) {
      if ((await readStackStatus(cfn, ref.stackId)).status === "DELETE_COMPLETE") return;
      await pacing.sleep(1000);
    }
  } catch (error) {
    emit({ type: "warning", message: `could not delete the empty stack ${ref.stackName}: ${message(error)}; delete it with \`aws cloudformation delete-stack --stack-name ${ref.stackName}\`` });
  }
}

/** The change set of this run, discarded. */
export function discardOwn(run: Run, ref: ChangeSetRef, settings: { keepEmptyStack?: boolean } = {}): Promise<void> {
  return discardChangeSet(run.cfn, ref, run.emit, run.pacing, settings);
}

/** Ctrl-C before the change set ran: delete it and say nothing changed (exit 130). */
export async function cancelBeforeExecution(run: Run, ref: ChangeSetRef): Promise<never> {
  await discardOwn(run, ref);
  throw new Interrupted("cancelled; nothing changed", { fix: `the change set was deleted; ${run.options.what} is as it was` });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
