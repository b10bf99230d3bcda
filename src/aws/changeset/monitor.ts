import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { StackEventPoller, type StackActivity } from "../stack-events.js";
import { toStackInfo, type StackInfo } from "../stacks.js";
import { Backoff, isThrottling, type Pacing } from "./pacing.js";
import { sdk } from "../sdk.js";

export const SUCCESS_STATUSES = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE", "DELETE_COMPLETE"]);

export function isInProgress(status: string): boolean {
  return status.endsWith("_IN_PROGRESS");
}

export interface StackStatus {
  status: string;
  statusReason?: string;
  /** The stack as DescribeStacks answered (absent once it is gone). */
  stack?: StackInfo;
}

export interface WatchRequest {
  stackId: string;
  stackName: string;
  poller: StackEventPoller;
  pacing: Pacing;
  signal: AbortSignal;
  onActivity: (activity: StackActivity) => void;
  /** The stack's previous operation, when the first read of events came across it (for the ETA). */
  onHistory?: (activities: StackActivity[]) => void;
  /** For a delete: only DELETE_COMPLETE or DELETE_FAILED end the watch. */
  endsWith?: (status: string) => boolean;
}

export interface WatchResult extends StackStatus {
  activities: StackActivity[];
}

/**
 * Poll the stack's status until the operation ends, its events every few polls and once
 * more at the end (the final poll), so the end is noticed within a poll's interval at the
 * cost of one cheap call each time. Right after ExecuteChangeSet the stack may still show
 * its previous final status: the watch ends only once the operation was seen running, or
 * its own stack event for that status arrived, or a few polls passed without either.
 */
export async function watchStack(cfn: CloudFormationClient, request: WatchRequest): Promise<WatchResult> {
  const { pacing, signal } = request;
  const backoff = new Backoff(pacing.events, pacing.throttledMs);
  const ends = request.endsWith ?? ((status: string) => !isInProgress(status));
  const activities: StackActivity[] = [];
  const take = (fresh: StackActivity[]) => {
    const history = request.poller.takeHistory();
    if (history.length > 0) request.onHistory?.(history);
    for (const activity of fresh) request.onActivity(activity);
    activities.push(...fresh);
  };
  let sawRunning = false;
  let settledPolls = 0;
  for (let poll = 0; ; poll += 1) {
    let wait: number;
    try {
      const withEvents = poll % Math.max(1, pacing.eventsEvery) === 0;
      const [current, fresh] = await Promise.all([readStackStatus(cfn, request.stackId, signal), withEvents ? request.poller.poll(signal) : []]);
      take(fresh);
      if (isInProgress(current.status) && current.status !== "REVIEW_IN_PROGRESS") sawRunning = true;
      if (ends(current.status)) {
        // The final poll: the events that came since the last read, then the verdict.
        if (!withEvents) take(await request.poller.poll(signal));
        settledPolls += 1;
        const announced = activities.some((activity) => activity.isStack && activity.status === current.status);
        if (sawRunning || announced || settledPolls >= 5) return { ...current, activities };
      }
      wait = backoff.next();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      wait = backoff.throttled();
    }
    await pacing.sleep(wait, signal);
  }
}

/** DescribeStacks by stack id: a deleted stack is still found (DELETE_COMPLETE) by its id. */
export async function readStackStatus(cfn: CloudFormationClient, stackId: string, signal?: AbortSignal): Promise<StackStatus> {
  const { DescribeStacksCommand } = sdk.cloudFormation();
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: stackId }), { abortSignal: signal });
    const stack = result.Stacks?.[0];
    if (!stack) return { status: "DELETE_COMPLETE" };
    return { status: stack.StackStatus ?? "DELETE_COMPLETE", statusReason: stack.StackStatusReason, stack: toStackInfo(stack) };
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) return { status: "DELETE_COMPLETE" };
    throw error;
  }
}
