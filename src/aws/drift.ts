/**
 * CloudFormation drift detection, the thin calls: start a detection on a stack, wait for it,
 * read each checked resource's result, read the last result without starting one, and the
 * security group rules EC2 has (for the groups drift detection does not compare).
 *
 * DetectStackDrift returns a StackDriftDetectionId at once; the detection runs for seconds to
 * minutes and DescribeStackDriftDetectionStatus says DETECTION_IN_PROGRESS, _COMPLETE or
 * _FAILED (results then exist for the resources it could check). DescribeStackResourceDrifts
 * lists the resources of the most recent detection, ExpectedProperties and ActualProperties
 * as JSON (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html).
 */
import type { CloudFormationClient, StackResourceDrift } from "@aws-sdk/client-cloudformation";
import type { EC2Client, SecurityGroupRule } from "@aws-sdk/client-ec2";
import { sdk } from "./sdk.js";

export type DetectionStatus = "DETECTION_IN_PROGRESS" | "DETECTION_COMPLETE" | "DETECTION_FAILED";

export interface DetectionResult {
  detectionId: string;
  status: DetectionStatus;
  /** DRIFTED, IN_SYNC, UNKNOWN or NOT_CHECKED (absent while in progress). */
  stackDriftStatus?: string;
  driftedCount?: number;
  reason?: string;
  timestamp?: Date;
}

export interface PropertyDifference {
  path: string;
  difference: "ADD" | "REMOVE" | "NOT_EQUAL";
  expected?: string;
  actual?: string;
}

export interface ResourceDrift {
  logicalId: string;
  physicalId: string;
  type: string;
  /** IN_SYNC, MODIFIED, DELETED or NOT_CHECKED. */
  status: string;
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
  differences: PropertyDifference[];
}

export interface DriftPacing {
  /** The first wait, then each wait grows by half up to `maxMs`. */
  firstMs: number;
  maxMs: number;
  /** Give up after this long (the detection goes on in AWS; its result stays readable). */
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_DRIFT_PACING: DriftPacing = {
  firstMs: 1_000,
  maxMs: 10_000,
  timeoutMs: 10 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** DetectStackDrift: starts a detection on every resource of the stack that supports it. */
export async function startDriftDetection(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const { DetectStackDriftCommand } = sdk.cloudFormation();
  const { StackDriftDetectionId } = await cfn.send(new DetectStackDriftCommand({ StackName: stackName }));
  if (!StackDriftDetectionId) throw new Error(`DetectStackDrift on ${stackName} returned no StackDriftDetectionId`);
  return StackDriftDetectionId;
}

export async function driftDetectionStatus(cfn: CloudFormationClient, detectionId: string): Promise<DetectionResult> {
  const { DescribeStackDriftDetectionStatusCommand } = sdk.cloudFormation();
  const result = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }));
  return {
    detectionId,
    status: (result.DetectionStatus ?? "DETECTION_IN_PROGRESS") as DetectionStatus,
    stackDriftStatus: result.StackDriftStatus,
    driftedCount: result.DriftedStackResourceCount,
    reason: result.DetectionStatusReason,
    timestamp: result.Timestamp,
  };
}

/** Polls at a short, growing interval until the detection ends; undefined when it outlasts the timeout. */
export async function waitForDriftDetection(cfn: CloudFormationClient, detectionId: string, pacing: DriftPacing = DEFAULT_DRIFT_PACING): Promise<DetectionResult | undefined> {
  let waited = 0;
  let wait = pacing.firstMs;
  for (;;) {
    const result = await driftDetectionStatus(cfn, detectionId);
    if (result.status !== "DETECTION_IN_PROGRESS") return result;
    if (waited + wait > pacing.timeoutMs) return undefined;
    await pacing.sleep(wait);
    waited += wait;
    wait = Math.min(pacing.maxMs, Math.round(wait * 1.5));
  }
}

/** Every checked resource of the stack's most recent detection (all statuses, or those given). */
export async function resourceDrifts(cfn: CloudFormationClient, stackName: string, statuses?: readonly ("MODIFIED" | "DELETED" | "IN_SYNC")[]): Promise<ResourceDrift[]> {
  const { DescribeStackResourceDriftsCommand } = sdk.cloudFormation();
  const drifts: ResourceDrift[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(
      new DescribeStackResourceDriftsCommand({ StackName: stackName, NextToken: nextToken, ...(statuses ? { StackResourceDriftStatusFilters: [...statuses] } : {}) }),
    );
    drifts.push(...(page.StackResourceDrifts ?? []).map(toResourceDrift));
    nextToken = page.NextToken;
  } while (nextToken);
  return drifts;
}

function toResourceDrift(drift: StackResourceDrift): ResourceDrift {
  return {
    logicalId: drift.LogicalResourceId ?? "",
    physicalId: drift.PhysicalResourceId ?? "",
    type: drift.ResourceType ?? "",
    status: drift.StackResourceDriftStatus ?? "NOT_CHECKED",
    expected: parseProperties(drift.ExpectedProperties),
    actual: parseProperties(drift.ActualProperties),
    differences: (drift.PropertyDifferences ?? []).map((difference) => ({
      path: difference.PropertyPath ?? "",
      difference: (difference.DifferenceType ?? "NOT_EQUAL") as PropertyDifference["difference"],
      expected: difference.ExpectedValue,
      actual: difference.ActualValue,
    })),
  };
}

function parseProperties(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The rules of these groups, ingress and egress, as EC2 has them (DescribeSecurityGroupRules, filter group-id). */
export async function securityGroupRules(ec2: EC2Client, groupIds: readonly string[]): Promise<SecurityGroupRule[]> {
  if (groupIds.length === 0) return [];
  const { paginateDescribeSecurityGroupRules } = sdk.ec2();
  const rules: SecurityGroupRule[] = [];
  for await (const page of paginateDescribeSecurityGroupRules({ client: ec2 }, { Filters: [{ Name: "group-id", Values: [...groupIds] }] })) {
    rules.push(...(page.SecurityGroupRules ?? []));
  }
  return rules;
}
