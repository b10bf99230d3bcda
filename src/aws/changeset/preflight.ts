import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { UserError } from "../../errors/index.js";
import type { StackInfo } from "../stacks.js";
import { recoveryFor } from "../diagnose.js";
import { isInProgress } from "./monitor.js";
import { sdk } from "../sdk.js";

export type ChangeSetType = "CREATE" | "UPDATE";

/** Change sets racknet creates are named `racknet-<timestamp>`. */
export const CHANGE_SET_PREFIX = "racknet-";

/** A pending racknet change set older than this was left by a process that died: ignored. */
export const STALE_CHANGE_SET_MS = 60 * 60 * 1000;

const RUNNING: Readonly<Record<string, string>> = {
  CREATE_IN_PROGRESS: "it is being created",
  UPDATE_IN_PROGRESS: "an update is running",
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: "an update is finishing (removing replaced resources)",
  ROLLBACK_IN_PROGRESS: "a failed creation is rolling back",
  UPDATE_ROLLBACK_IN_PROGRESS: "a failed update is rolling back",
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: "a rolled-back update is finishing",
  DELETE_IN_PROGRESS: "it is being deleted",
  IMPORT_IN_PROGRESS: "resources are being imported",
  IMPORT_ROLLBACK_IN_PROGRESS: "a failed import is rolling back",
};

/** Stuck statuses: CloudFormation refuses change sets until someone acts. */
const STUCK = new Set(["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_FAILED"]);

/** A stack CloudFormation will not change until someone acts (`recoveryFor` says how). */
export function isStuck(status: string): boolean {
  return STUCK.has(status);
}

/**
 * Create or update, from the stack's status; a clear refusal when neither may run now.
 * REVIEW_IN_PROGRESS is a stack that was never created (an abandoned CREATE change
 * set leaves it, with no resources): it gets a CREATE change set again.
 */
export function changeSetTypeFor(stack: StackInfo | undefined, stackName: string, what: string, followCommand: string, removeCommand?: string): ChangeSetType {
  if (!stack || stack.status === "REVIEW_IN_PROGRESS") return "CREATE";
  if (isInProgress(stack.status)) {
    throw new UserError(`${what} is busy: stack ${stackName} is ${stack.status} (${RUNNING[stack.status] ?? "an operation is running"}); nothing was changed`, {
      fix: `follow it to its end with \`${followCommand}\`, then run this again`,
    });
  }
  if (STUCK.has(stack.status)) {
    const { state, recovery } = recoveryFor(stack.status, stackName, removeCommand);
    throw new UserError(`${what} cannot be changed: ${state}; nothing was changed`, { fix: recovery });
  }
  return "UPDATE";
}

/** A racknet change set that has not run yet, on one stack. */
export interface PendingChangeSet {
  id: string;
  name: string;
  createdAt: number;
}

/**
 * Two racknet processes on one stack would each show a plan the other invalidates:
 * refuse while another racknet change set is pending (less than an hour old).
 */
export function refuseConcurrentChangeSet(pending: readonly PendingChangeSet[], stack: StackInfo, what: string, now = Date.now()): void {
  const other = pending[0];
  if (other) throw anotherRacknet(other, stack.name, what, now);
}

/** The pending racknet change sets of the stack by name, read before knowing whether it exists (none when it does not). */
export async function pendingOn(cfn: CloudFormationClient, stackName: string, now = Date.now()): Promise<PendingChangeSet[]> {
  try {
    return await pendingChangeSets(cfn, "", stackName, now);
  } catch (error) {
    if (error instanceof Error && /does not exist/i.test(error.message)) return [];
    throw error;
  }
}

/**
 * The same check once our own change set exists, for two racknets that passed the first
 * check together: each sees the other's change set, and the later one (by creation time,
 * then id) gives way, so exactly one goes on. The caller deletes the refused change set.
 */
export async function refuseEarlierChangeSet(cfn: CloudFormationClient, ours: { id: string; stackId: string; stackName: string }, what: string, now = Date.now()): Promise<void> {
  const pending = await pendingChangeSets(cfn, ours.stackId, ours.stackName, now);
  const mine = pending.find((summary) => summary.id === ours.id);
  if (!mine) return;
  const earlier = pending.find((other) => other.id !== ours.id && (other.createdAt < mine.createdAt || (other.createdAt === mine.createdAt && other.id < mine.id)));
  if (earlier) throw anotherRacknet(earlier, ours.stackName, what, now);
}

function anotherRacknet(other: PendingChangeSet, stackName: string, what: string, now: number): UserError {
  const minutes = Math.max(0, Math.round((now - other.createdAt) / 60_000));
  return new UserError(
    `${what} has a pending racknet change set, ${other.name}, created ${minutes} min ago: another racknet is working on stack ${stackName}; nothing was changed`,
    { fix: `let the other run finish, or if none is running: \`aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${other.name}\`` },
  );
}

/** The stack's racknet change sets that have not run, oldest first; stale ones (a dead process's) left out. */
async function pendingChangeSets(cfn: CloudFormationClient, stackId: string, stackName: string, now: number): Promise<PendingChangeSet[]> {
  const { ListChangeSetsCommand } = sdk.cloudFormation();
  const pending: PendingChangeSet[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(new ListChangeSetsCommand({ StackName: stackId || stackName, NextToken: nextToken }));
    for (const summary of page.Summaries ?? []) {
      // moto lists every stack's change sets whatever StackName says: check the stack.
      const ours = stackId ? summary.StackId === stackId || (summary.StackId === undefined && summary.StackName === stackName) : summary.StackName === stackName;
      const waiting = ["CREATE_PENDING", "CREATE_IN_PROGRESS", "CREATE_COMPLETE"].includes(summary.Status ?? "")
        && ["AVAILABLE", "UNAVAILABLE"].includes(summary.ExecutionStatus ?? "");
      const name = summary.ChangeSetName ?? "";
      const createdAt = summary.CreationTime?.getTime() ?? now;
      if (ours && waiting && name.startsWith(CHANGE_SET_PREFIX) && now - createdAt < STALE_CHANGE_SET_MS) {
        pending.push({ id: summary.ChangeSetId ?? name, name, createdAt });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return pending.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
