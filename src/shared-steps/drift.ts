/**
 * Drift of the rack's and its apps' stacks: a full detection for `racknet rack drift`, and
 * the last detection's verdict for `racknet rack` and `racknet apps info` (which never start
 * one: a detection takes seconds to minutes and reads every resource).
 */
import type { StackInfo } from "../aws/stacks.js";
import { DEFAULT_DRIFT_PACING, resourceDrifts, securityGroupRules, startDriftDetection, waitForDriftDetection, type DetectionStatus, type DriftPacing } from "../aws/drift.js";
import type { Context } from "../runtime/context.js";
import type { DriftSummary } from "../ui/rack-summary.js";
import { analyzeDrift, uncomparedGroups, type DriftedResource } from "./drift-analysis.js";

export interface DriftTarget {
  stackName: string;
  /** `rack prod`, `app shop`. */
  what: string;
}

export interface StackDriftReport {
  stack: string;
  what: string;
  /** DRIFTED when CloudFormation or racknet found a change; UNKNOWN when the detection failed without finding one. */
  status: "DRIFTED" | "IN_SYNC" | "UNKNOWN";
  detection: DetectionStatus;
  /** Why the detection failed, when it did. */
  reason?: string;
  checkedAt?: string;
  /** Security-relevant first. */
  resources: DriftedResource[];
  /** What drift detection did not compare, and what racknet compared instead. */
  notes: string[];
}

/** Stacks checked at once: each detection reads every resource of its stack. */
export const DRIFT_CONCURRENCY = 4;

/** One detection per stack (a few at a time), each waited for, then read and made honest (drift-analysis.ts). */
export async function detectDrift(context: Context, targets: readonly DriftTarget[], pacing: DriftPacing = { ...DEFAULT_DRIFT_PACING, sleep: (ms) => context.clock.sleep(ms) }): Promise<StackDriftReport[]> {
  const reports: StackDriftReport[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index];
      if (target) reports[index] = await detectStackDrift(context, target, pacing);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DRIFT_CONCURRENCY, targets.length) }, worker));
  return reports;
}

async function detectStackDrift(context: Context, target: DriftTarget, pacing: DriftPacing): Promise<StackDriftReport> {
  const cfn = await context.aws.cloudFormation();
  const detectionId = await startDriftDetection(cfn, target.stackName);
  context.printer.step(`detecting drift of ${target.what} (stack ${target.stackName})`);
  const result = await waitForDriftDetection(cfn, detectionId, pacing);
  if (!result) {
    return {
      stack: target.stackName,
      what: target.what,
      status: "UNKNOWN",
      detection: "DETECTION_IN_PROGRESS",
      reason: `still running after ${Math.round(pacing.timeoutMs / 1000)} s; see it with \`aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id ${detectionId}\``,
      resources: [],
      notes: [],
    };
  }
  const drifts = await resourceDrifts(cfn, target.stackName);
  const groups = uncomparedGroups(drifts);
  const rules = groups.length > 0 ? await securityGroupRules(await context.aws.ec2(), groups.map((group) => group.groupId)) : [];
  const { resources, notes } = analyzeDrift(drifts, rules);
  const status = resources.length > 0 ? "DRIFTED" : result.status === "DETECTION_COMPLETE" ? "IN_SYNC" : "UNKNOWN";
  return {
    stack: target.stackName,
    what: target.what,
    status,
    detection: result.status,
    ...(result.reason && result.status === "DETECTION_FAILED" ? { reason: result.reason } : {}),
    ...(result.timestamp ? { checkedAt: result.timestamp.toISOString() } : {}),
    resources,
    notes,
  };
}

/**
 * The last detection's verdict, from what DescribeStacks already returned, plus (only when it
 * says DRIFTED) one DescribeStackResourceDrifts for the names of the drifted resources. It
 * cannot see what only racknet's own comparison finds: `racknet rack drift` can.
 */
export async function lastDrift(context: Context, stack: StackInfo): Promise<DriftSummary> {
  const status = stack.drift?.status ?? "NOT_CHECKED";
  const lastChecked = stack.drift?.lastChecked?.toISOString() ?? null;
  if (status !== "DRIFTED") return { status, lastChecked, drifted: [] };
  // Unfiltered: the in-sync rule resources are what excuse a group's false ADDs.
  const drifts = await resourceDrifts(await context.aws.cloudFormation(), stack.name);
  const { resources } = analyzeDrift(drifts, []);
  return { status: resources.length > 0 ? status : "IN_SYNC", lastChecked, drifted: resources.map(({ logicalId, type, status: drift }) => ({ logicalId, type, status: drift })) };
}
