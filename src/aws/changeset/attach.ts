import { UserError } from "../../errors/index.js";
import { operationStart, StackEventPoller } from "../stack-events.js";
import type { StackInfo } from "../stacks.js";
import { failed, followOperation } from "./execute.js";
import { isInProgress, readStackStatus, SUCCESS_STATUSES } from "./monitor.js";
import { withRun } from "./run.js";
import type { DeployOptions, EngineAws, Operation } from "./types.js";

export type Attached =
  /** Nothing runs on the stack: its last status, for the caller to report. */
  | { kind: "idle"; status: string; statusReason?: string }
  | { kind: "followed"; status: string; stack?: StackInfo };

/**
 * Follow the operation a stack is in (one racknet started and stopped watching, or a person
 * started) to its end, as a deploy follows its own: its events from the operation's start,
 * the live view or CI lines, the root cause of a failure. Ctrl-C stops watching, again. An
 * operation that already ended is reported as followed would have: exit 3 with its root cause
 * when it failed, idle when it succeeded.
 */
export async function attachToStack(aws: EngineAws, stackName: string, options: DeployOptions): Promise<Attached> {
  return withRun(aws, options, async (run) => {
    const found = await readStackStatus(run.cfn, stackName);
    if (found.status === "DELETE_COMPLETE" && !found.stack) {
      throw new UserError(`${options.what} has no stack (${stackName} does not exist)`, { fix: options.removeCommand ? "nothing to wait for" : "check the name with `racknet racks` or `racknet apps`" });
    }
    if (!isInProgress(found.status) || found.status === "REVIEW_IN_PROGRESS" || !found.stack) {
      // It ended before racknet came back (or while no one watched): its result is the command's,
      // a failure with its root cause from the operation's own events, as if it had been followed.
      if (found.stack && LAST_OPERATION_FAILED.test(found.status)) {
        const since = await operationStart(run.cfn, found.stack.id);
        const operation = operationOf(found.status);
        // Nothing was watched: the diagnosis reads the operation's events itself.
        const poller = new StackEventPoller(run.cfn, { stackId: found.stack.id, ...(since ? { since } : {}) });
        throw await failed(run, stackName, operation === "delete" ? "deletion" : operation, { ...found, activities: [] }, poller);
      }
      return { kind: "idle", status: found.status, ...(found.statusReason ? { statusReason: found.statusReason } : {}) };
    }
    const stackId = found.stack.id;
    const since = await operationStart(run.cfn, stackId);
    const operation = operationOf(found.status);
    const poller = new StackEventPoller(run.cfn, { stackId, ...(since ? { since } : {}) });
    run.emit({ type: "started", what: options.what, operation, stackName });
    const startedAt = since?.getTime() ?? run.now();
    const endsWith = operation === "delete" ? (status: string) => status === "DELETE_COMPLETE" || status === "DELETE_FAILED" : undefined;
    const result = await followOperation(run, stackId, stackName, poller, operation, endsWith);
    if (!SUCCESS_STATUSES.has(result.status)) throw await failed(run, stackName, operation === "delete" ? "deletion" : operation, result, poller);
    run.emit({ type: "finished", what: options.what, status: result.status, elapsedMs: run.now() - startedAt });
    return { kind: "followed", status: result.status, ...(result.stack ? { stack: result.stack } : {}) };
  });
}

/** The stack's last operation failed: rolled back (the previous version runs, or nothing for a creation) or stuck failed. */
const LAST_OPERATION_FAILED = /(_FAILED|ROLLBACK_COMPLETE)$/;

/** `UPDATE_ROLLBACK_IN_PROGRESS` → update: the operation a status belongs to. */
function operationOf(status: string): Operation {
  if (status.startsWith("DELETE")) return "delete";
  if (status.startsWith("CREATE") || status.startsWith("ROLLBACK")) return "create";
  return "update";
}
