import { Interrupted } from "../../errors/index.js";
import type { ResourceChange } from "../../plan/model.js";
import { discardOwn } from "./cleanup.js";
import type { ChangeSetRef } from "./create.js";
import { interruptible } from "./interrupt.js";
import type { Run } from "./run.js";
import type { StackRequest } from "./types.js";
import { waitForChangeSet } from "./wait.js";

export type Review =
  | { kind: "approved"; changes: readonly ResourceChange[]; since?: Date }
  | { kind: "dry-run"; changes: readonly ResourceChange[] }
  | { kind: "no-changes" };

/**
 * Everything between creating the change set and executing it: wait for it, hand its
 * changes to the port's review (which shows the plan and gets the go-ahead). Nothing has
 * changed yet, so every way out but "approved" (empty, dry run, declined, refused,
 * failed, Ctrl-C) deletes the change set.
 */
export async function reviewChangeSet(run: Run, ref: ChangeSetRef, request: StackRequest): Promise<Review> {
  const { options } = run;
  const operation = ref.type === "CREATE" ? "create" : "update";
  let review: Review;
  try {
    review = await interruptible(
      async (signal) => {
        const described = await waitForChangeSet(run.cfn, ref, run.pacing, signal);
        if (described.kind === "no-changes") return described;
        const verdict = await options.port.review(
          { what: options.what, operation, stackName: ref.stackName, changes: described.changes, notes: request.notes ?? [] },
          signal,
        );
        return verdict === "dry-run"
          ? { kind: "dry-run", changes: described.changes }
          : { kind: "approved", changes: described.changes, since: described.creationTime };
      },
      async () => {
        throw new Interrupted("cancelled; nothing changed", { fix: `the change set was deleted; ${options.what} is as it was` });
      },
      run.ctrlC,
    );
  } catch (error) {
    await discardOwn(run, ref);
    throw error;
  }
  if (review.kind === "no-changes") {
    await discardOwn(run, ref);
    run.emit({ type: "no-changes", what: options.what });
  } else if (review.kind === "dry-run") {
    await discardOwn(run, ref);
    run.emit({ type: "dry-run", what: options.what, operation });
  }
  return review;
}
