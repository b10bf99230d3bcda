import { Interrupted } from "../../errors/index.js";
import { describeStack } from "../stacks.js";
import { cancelBeforeExecution, discardOwn } from "./cleanup.js";
import { createChangeSet, type ChangeSetRef } from "./create.js";
import { applyChangeSet } from "./execute.js";
import { changeSetTypeFor, pendingOn, refuseConcurrentChangeSet, refuseEarlierChangeSet } from "./preflight.js";
import { reviewChangeSet } from "./review.js";
import { withRun, type Run } from "./run.js";
import type { DeployOptions, DeployOutcome, EngineAws, StackRequest } from "./types.js";

export type { DeployOptions, DeployOutcome, EngineAws, OperationPort, ReviewRequest, StackRequest, Verdict } from "./types.js";

/**
 * Create or update a stack through a change set the user sees first (SPEC section 4):
 *
 *   look up the stack → create or update? → create the change set → is another racknet
 *   at it? → wait for it and have it reviewed → execute → follow the stack events →
 *   done, or diagnose.
 *
 * Each step is a function of its own; this one only puts them in order. Ctrl-C at any
 * point is answered (see interrupt.ts): before execution the change set is deleted.
 */
export async function deployStack(aws: EngineAws, request: StackRequest, options: DeployOptions): Promise<DeployOutcome> {
  return withRun(aws, options, async (run) => {
    // Side by side: the stack (unless the caller just read it) and any other racknet's pending change set.
    const [existing, pending] = await Promise.all([
      request.existing !== undefined ? request.existing ?? undefined : describeStack(run.cfn, request.stackName),
      request.pending ?? pendingOn(run.cfn, request.stackName),
    ]);
    const type = changeSetTypeFor(existing, request.stackName, options.what, options.followCommand, options.removeCommand);
    if (existing) refuseConcurrentChangeSet(pending, existing, options.what);
    if (run.ctrlC.pressed) throw new Interrupted("cancelled; nothing changed");

    // Not cut off by Ctrl-C: a change set that was made must be found and deleted.
    run.emit({ type: "creating-change-set", what: options.what, stackName: request.stackName });
    const created = await createChangeSet(run, request, type);
    if (created.kind === "no-changes") {
      run.emit({ type: "no-changes", what: options.what });
      return { kind: "no-changes" };
    }
    const changeSet = created.changeSet;
    if (run.ctrlC.pressed) return cancelBeforeExecution(run, changeSet);
    await giveWayToAnotherRacknet(run, changeSet);

    const review = await reviewChangeSet(run, changeSet, request);
    if (review.kind !== "approved") return review;

    try {
      await options.beforeExecute?.();
    } catch (error) {
      await discardOwn(run, changeSet);
      throw error;
    }
    const stack = await applyChangeSet(run, changeSet, review.since);
    return { kind: "applied", stack, changes: review.changes, ...(review.since ? { since: review.since } : {}) };
  });
}

/** Two racknets that started together: the one with the later change set deletes it and refuses. */
async function giveWayToAnotherRacknet(run: Run, changeSet: ChangeSetRef): Promise<void> {
  try {
    await refuseEarlierChangeSet(run.cfn, changeSet, run.options.what);
  } catch (error) {
    // The other racknet's CREATE change set is on the same new stack: leave the stack to it.
    await discardOwn(run, changeSet, { keepEmptyStack: true });
    throw error;
  }
}
