import { Interrupted } from "../../core/errors.js";
import { buildPlan } from "../../plan/plan.js";
import type { Plan } from "../../plan/model.js";
import { approve } from "./approve.js";
import { discardChangeSet } from "./cleanup.js";
import type { ChangeSetRef } from "./create.js";
import { interruptible } from "./interrupt.js";
import type { Run } from "./run.js";
import type { StackRequest } from "./types.js";
import { waitForChangeSet } from "./wait.js";

export type Review =
  | { kind: "approved"; plan: Plan; since?: Date }
  | { kind: "dry-run"; plan: Plan }
  | { kind: "no-changes" };

/**
 * Everything between creating the change set and executing it: wait for it, show the
 * plan, get the go-ahead. Nothing has changed yet, so every way out but "approved"
 * (empty, dry run, declined, refused, failed, Ctrl-C) deletes the change set.
 */
export async function reviewChangeSet(run: Run, ref: ChangeSetRef, request: StackRequest): Promise<Review> {
  const { options } = run;
  const discard = () => discardChangeSet(run.cfn, ref, run.context.printer, run.pacing);
  let review: Review;
  try {
    review = await interruptible(
      async (signal) => {
        const described = await waitForChangeSet(run.cfn, ref, run.pacing, signal);
        if (described.kind === "no-changes") return described;
        const plan = buildPlan(described.changes, { region: await run.context.aws.region(), notes: request.notes });
        const operation = ref.type === "CREATE" ? "create" : "update";
        run.emit({ type: "plan", what: options.what, operation, stackName: ref.stackName, plan });
        const verdict = await approve(options, plan, ref.type === "CREATE" ? "Create" : "Apply these changes to", signal);
        return verdict === "dry-run" ? { kind: "dry-run", plan } : { kind: "approved", plan, since: described.creationTime };
      },
      async () => {
        throw new Interrupted("cancelled; nothing changed", { fix: `the change set was deleted; ${options.what} is as it was` });
      },
      run.ctrlC,
    );
  } catch (error) {
    await discard();
    throw error;
  }
  if (review.kind === "no-changes") {
    await discard();
    run.emit({ type: "no-changes", what: options.what });
  } else if (review.kind === "dry-run") {
    await discard();
    run.emit({ type: "dry-run", what: options.what, operation: ref.type === "CREATE" ? "create" : "update" });
  }
  return review;
}
