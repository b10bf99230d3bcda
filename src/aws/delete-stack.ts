import { Interrupted, UserError } from "../errors/index.js";
import type { ResourceChange } from "../plan/model.js";
import { failed, followOperation } from "./changeset/execute.js";
import { interruptible } from "./changeset/interrupt.js";
import { isInProgress } from "./changeset/monitor.js";
import { withRun, type Run } from "./changeset/run.js";
import type { DeployOptions, EngineAws } from "./changeset/types.js";
import { StackEventPoller, type StackActivity } from "./stack-events.js";
import { describeStack, type StackInfo } from "./stacks.js";
import { sdk } from "./sdk.js";

export type DeleteOptions = DeployOptions & {
  /** A sentence about what outlives the stack (e.g. "the rack's CA is removed after"), handed to the review. */
  retainNote?: string;
  /** A stopped run of the caller sent this deletion: one still under way is followed to its end, not refused as busy. */
  resumesDeletion?: boolean;
  /**
   * After DELETE_FAILED, given the resources that failed: settle what held them (wait for
   * what AWS releases by itself) and answer true to delete the stack once more.
   */
  retryAfterFailure?: (failedResources: readonly StackActivity[]) => Promise<boolean>;
};

/** `deleted`: the resources the deletion removed (absent when a run only followed a deletion another run started). */
export type DeleteOutcome = { kind: "absent" } | { kind: "dry-run" } | { kind: "deleted"; removed?: readonly ResourceChange[] };

/**
 * Delete a stack the way deployStack changes one: have what goes reviewed (every
 * resource, as Remove changes), delete, follow the events until DELETE_COMPLETE (by
 * stack id: by name the stack disappears), and on DELETE_FAILED say which resource held
 * it and what to do.
 */
export async function deleteStack(aws: EngineAws, stackName: string, options: DeleteOptions): Promise<DeleteOutcome> {
  return withRun(aws, options, async (run) => {
    const stack = await describeStack(run.cfn, stackName);
    if (!stack) return { kind: "absent" };
    if (stack.status === "DELETE_IN_PROGRESS" && options.resumesDeletion) return followStartedDeletion(run, stack, stackName, options);
    if (isInProgress(stack.status) && stack.status !== "REVIEW_IN_PROGRESS") {
      throw new UserError(`${options.what} is busy: stack ${stackName} is ${stack.status}; nothing was deleted`, {
        fix: `wait for it to finish (\`aws cloudformation describe-stack-events --stack-name ${stackName}\`), then run this again`,
      });
    }

    const changes = await removals(run, stack);
    const cancelled = async (): Promise<never> => {
      throw new Interrupted("cancelled; nothing changed");
    };
    const request = { what: options.what, operation: "delete" as const, stackName, changes, notes: options.retainNote ? [options.retainNote] : [] };
    const verdict = await interruptible((signal) => options.port.review(request, signal), cancelled, run.ctrlC);
    if (verdict === "dry-run") {
      run.emit({ type: "dry-run", what: options.what, operation: "delete" });
      return { kind: "dry-run" };
    }

    await options.beforeExecute?.();
    const { DeleteStackCommand } = sdk.cloudFormation();
    const poller = new StackEventPoller(run.cfn, { stackId: stack.id });
    await interruptible((signal) => poller.prime(signal), cancelled, run.ctrlC);
    if (run.ctrlC.pressed) await cancelled();
    const startedAt = run.now();
    // Not cut off by Ctrl-C: once sent, the deletion runs, and the user is told so.
    await run.cfn.send(new DeleteStackCommand({ StackName: stack.id }));
    run.emit({ type: "started", what: options.what, operation: "delete", stackName });
    const ended = (status: string) => status === "DELETE_COMPLETE" || status === "DELETE_FAILED";
    let result = await followOperation(run, stack.id, stackName, poller, "delete", ended);
    const failedResources = result.activities.filter((activity) => !activity.isStack && activity.status === "DELETE_FAILED");
    if (result.status === "DELETE_FAILED" && options.retryAfterFailure && (await options.retryAfterFailure(failedResources))) {
      // A stack in DELETE_FAILED is deleted again from where it stopped.
      await run.cfn.send(new DeleteStackCommand({ StackName: stack.id }));
      result = await followOperation(run, stack.id, stackName, poller, "delete", ended);
    }
    if (result.status !== "DELETE_COMPLETE") throw await failed(run, stackName, "deletion", result, poller);
    run.emit({ type: "finished", what: options.what, status: result.status, elapsedMs: run.now() - startedAt });
    return { kind: "deleted", removed: changes };
  });
}

/**
 * A creation a stopped run started (Ctrl-C, kill -9), followed to its end as if this run had
 * started it: the stack as it ends, or the failure with its root cause.
 */
export async function followUnderwayCreation(aws: EngineAws, stackName: string, options: DeployOptions): Promise<StackInfo> {
  return withRun(aws, options, async (run) => {
    const stack = await describeStack(run.cfn, stackName);
    if (!stack) throw new UserError(`${options.what}: stack ${stackName} is gone`, { fix: `run the command again` });
    const poller = new StackEventPoller(run.cfn, { stackId: stack.id });
    const startedAt = run.now();
    run.emit({ type: "started", what: options.what, operation: "create", stackName });
    const result = await followOperation(run, stack.id, stackName, poller, "create");
    if (result.status !== "CREATE_COMPLETE") throw await failed(run, stackName, "creation", result, poller);
    run.emit({ type: "finished", what: options.what, status: result.status, elapsedMs: run.now() - startedAt });
    const ended = await describeStack(run.cfn, stack.id);
    if (!ended) throw new UserError(`${options.what}: stack ${stackName} is gone`);
    return ended;
  });
}

/** The deletion a stopped run sent (Ctrl-C, kill -9), followed to DELETE_COMPLETE as if this run had sent it. */
async function followStartedDeletion(run: Run, stack: StackInfo, stackName: string, options: DeleteOptions): Promise<DeleteOutcome> {
  const poller = new StackEventPoller(run.cfn, { stackId: stack.id });
  const startedAt = run.now();
  run.emit({ type: "started", what: options.what, operation: "delete", stackName });
  const result = await followOperation(run, stack.id, stackName, poller, "delete", (status) => status === "DELETE_COMPLETE" || status === "DELETE_FAILED");
  if (result.status !== "DELETE_COMPLETE") throw await failed(run, stackName, "deletion", result, poller);
  run.emit({ type: "finished", what: options.what, status: result.status, elapsedMs: run.now() - startedAt });
  return { kind: "deleted" };
}

/** Every resource of the stack, as the Remove changes a deletion makes. */
async function removals(run: Run, stack: StackInfo): Promise<ResourceChange[]> {
  const { ListStackResourcesCommand } = sdk.cloudFormation();
  const removed: ResourceChange[] = [];
  let nextToken: string | undefined;
  do {
    const page = await run.cfn.send(new ListStackResourcesCommand({ StackName: stack.id, NextToken: nextToken }));
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceStatus === "DELETE_COMPLETE") continue;
      removed.push({ action: "Remove", logicalId: resource.LogicalResourceId ?? "", resourceType: resource.ResourceType ?? "", physicalId: resource.PhysicalResourceId });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return removed;
}
