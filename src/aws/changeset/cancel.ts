/**
 * An update that runs too long (`deploy --timeout`) or that the user cancels (`apps cancel`):
 * CancelUpdateStack, then the stack's events until the rollback ends, and why it was slow.
 * CloudFormation can cancel an update only while the stack is UPDATE_IN_PROGRESS
 * (API_CancelUpdateStack); a creation cannot be cancelled.
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { AwsOperationFailed } from "../../errors/index.js";
import { diagnose, type Diagnosis } from "../diagnose.js";
import { explainServiceFailure } from "../ecs-diagnosis.js";
import type { FailureDetailClients } from "../failure-details.js";
import type { StackActivity } from "../stack-events.js";
import { sdk } from "../sdk.js";
import { isInProgress, type WatchResult } from "./monitor.js";
import type { Run } from "./run.js";
import { Flag } from "../../names/flags.js";

/** CancelUpdateStack. False when the stack is no longer UPDATE_IN_PROGRESS (it finished meanwhile, or is cleaning up). */
export async function cancelUpdate(cfn: CloudFormationClient, stackName: string): Promise<boolean> {
  const { CancelUpdateStackCommand } = sdk.cloudFormation();
  try {
    await cfn.send(new CancelUpdateStackCommand({ StackName: stackName }));
    return true;
  } catch (error) {
    if (error instanceof Error && /cannot be called from current stack status/i.test(error.message)) return false;
    throw error;
  }
}

/** The resources still in flight: each one whose latest event is *_IN_PROGRESS. */
export function resourcesInFlight(activities: readonly StackActivity[]): StackActivity[] {
  const latest = new Map<string, StackActivity>();
  for (const activity of activities) if (!activity.isStack) latest.set(activity.logicalId, activity);
  return [...latest.values()].filter((activity) => isInProgress(activity.status));
}

export interface DeadlineWatch {
  result: WatchResult;
  /** Set when racknet cancelled the update: what was still running then. */
  cancelled?: { slow: StackActivity[] };
}

/**
 * Follow the update; when it is still UPDATE_IN_PROGRESS at the deadline, cancel it and
 * follow the rollback to its end.
 */
export async function followWithDeadline(run: Run, stackName: string, follow: (endsWith?: (status: string) => boolean) => Promise<WatchResult>, deadline: number): Promise<DeadlineWatch> {
  let late = false;
  const first = await follow((status) => {
    if (!isInProgress(status)) return true;
    late = status === "UPDATE_IN_PROGRESS" && run.now() >= deadline;
    return late;
  });
  if (!late) return { result: first };
  const slow = resourcesInFlight(first.activities);
  run.emit({ type: "warning", message: `${run.options.what} is still updating after ${Flag.timeout} ${formatDuration(run.options.timeoutMs ?? 0)}: racknet cancels the update (CancelUpdateStack) and CloudFormation rolls it back` });
  const cancelled = await cancelUpdate(run.cfn, stackName);
  const rest = await follow();
  const result = { ...rest, activities: [...first.activities, ...rest.activities] };
  return cancelled ? { result, cancelled: { slow } } : { result };
}

/**
 * The error of an update that was cancelled and rolled back: the resources that were still
 * running (the root cause of the slowness) first, with what their services say (an ECS
 * service's stopped tasks and why they stopped, failing health checks among them).
 */
export async function rolledBackError(aws: FailureDetailClients, run: Pick<Run, "emit" | "options">, stackName: string, result: WatchResult, slow: readonly StackActivity[], why: string): Promise<AwsOperationFailed> {
  const diagnosis: Diagnosis = { ...diagnose(result.activities, { name: stackName, status: result.status, statusReason: result.statusReason }, run.options.removeCommand), otherFailures: [], cancelled: 0 };
  const [first] = slow;
  if (first) diagnosis.rootCause = { ...first, status: `still ${first.status}`, reason: `${first.resourceType} had not finished when the update was cancelled` };
  diagnosis.details = await slownessDetails(aws, slow);
  run.emit({ type: "failed", what: run.options.what, diagnosis });
  const rolledBack = result.status === "UPDATE_ROLLBACK_COMPLETE";
  const still = slow.length > 0 ? `; still running then: ${slow.map((activity) => activity.logicalId).join(", ")}` : "";
  return new AwsOperationFailed(`${why}: the update of ${run.options.what} was cancelled and ${rolledBack ? "rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs" : `ended ${result.status}`}${still}`, {
    fix: rolledBack ? "fix what kept it slow (above), then run the command again" : diagnosis.recovery,
  });
}

/** What the slow resources' services say; only ECS services have something to say here. */
export async function slownessDetails(aws: FailureDetailClients, slow: readonly StackActivity[]): Promise<string[]> {
  const lines: string[] = [];
  for (const activity of slow) {
    if (activity.resourceType !== "AWS::ECS::Service" || !activity.physicalId || !aws.ecs || !aws.cloudWatchLogs) continue;
    try {
      lines.push(...(await explainServiceFailure({ ecs: aws.ecs.bind(aws), cloudWatchLogs: aws.cloudWatchLogs.bind(aws) }, activity.physicalId)));
    } catch {
      // What CloudFormation said stands on its own.
    }
  }
  return lines;
}

/** `90000` → `1m30s`: the duration as the user gave it, near enough. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  if (seconds >= 3600) parts.push(`${Math.floor(seconds / 3600)}h`);
  if (seconds % 3600 >= 60) parts.push(`${Math.floor((seconds % 3600) / 60)}m`);
  if (seconds % 60 > 0 || parts.length === 0) parts.push(`${seconds % 60}s`);
  return parts.join("");
}
