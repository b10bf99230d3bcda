import type { Context } from "../../core/context.js";
import { describeStack } from "../stacks.js";
import { discardChangeSet } from "./cleanup.js";
import { createChangeSet } from "./create.js";
import { applyChangeSet } from "./execute.js";
import { changeSetTypeFor, refuseConcurrentChangeSet } from "./preflight.js";
import { reviewChangeSet } from "./review.js";
import { startRun } from "./run.js";
import type { DeployOptions, DeployOutcome, StackRequest } from "./types.js";

export type { DeployOptions, DeployOutcome, StackRequest } from "./types.js";

/**
 * Create or update a stack through a change set the user sees first (SPEC section 4):
 *
 *   look up the stack → create or update? → create the change set → wait for it and
 *   show the plan → go-ahead → execute → follow the stack events → done, or diagnose.
 *
 * Each step is a function of its own; this one only puts them in order.
 */
export async function deployStack(context: Context, request: StackRequest, options: DeployOptions): Promise<DeployOutcome> {
  const run = await startRun(context, options);
  const existing = await describeStack(run.cfn, request.stackName);
  const type = changeSetTypeFor(existing, request.stackName, options.what, options.followCommand);
  if (existing) await refuseConcurrentChangeSet(run.cfn, existing, options.what);

  const created = await createChangeSet(context, run.cfn, request, type, options.what);
  if (created.kind === "no-changes") {
    run.emit({ type: "no-changes", what: options.what });
    return { kind: "no-changes" };
  }
  const changeSet = created.changeSet;

  const review = await reviewChangeSet(run, changeSet, request);
  if (review.kind !== "approved") return review;

  try {
    await options.beforeExecute?.();
  } catch (error) {
    await discardChangeSet(run.cfn, changeSet, context.printer, run.pacing);
    throw error;
  }
  const stack = await applyChangeSet(run, changeSet, review.since);
  return { kind: "applied", stack, plan: review.plan };
}
