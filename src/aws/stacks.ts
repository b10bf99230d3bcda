import type { CloudFormationClient, Stack } from "@aws-sdk/client-cloudformation";
import { APP_TAG, KIND_TAG, RACK_TAG } from "../names/index.js";
import { sdk } from "./sdk.js";

/** What racknet knows about a deployed stack, as plain maps. */
export interface StackInfo {
  name: string;
  id: string;
  status: string;
  statusReason?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  lastUpdated?: Date;
  /** The last drift detection's verdict (DescribeStacks' DriftInformation); absent when AWS says nothing. */
  drift?: StackDriftInfo;
}

export interface StackDriftInfo {
  /** DRIFTED, IN_SYNC, UNKNOWN or NOT_CHECKED. */
  status: string;
  /** When the last detection started; absent when none ever ran. */
  lastChecked?: Date;
}

export interface AppInfo extends StackInfo {
  rack: string;
  app: string;
}

export function toStackInfo(stack: Stack): StackInfo {
  const pairs = <T>(items: T[] | undefined, key: (item: T) => string | undefined, value: (item: T) => string | undefined) =>
    Object.fromEntries((items ?? []).map((item) => [key(item) ?? "", value(item) ?? ""]));
  return {
    name: stack.StackName ?? "",
    id: stack.StackId ?? "",
    status: stack.StackStatus ?? "UNKNOWN",
    statusReason: stack.StackStatusReason,
    parameters: pairs(stack.Parameters, (p) => p.ParameterKey, (p) => p.ParameterValue),
    outputs: pairs(stack.Outputs, (o) => o.OutputKey, (o) => o.OutputValue),
    tags: pairs(stack.Tags, (t) => t.Key, (t) => t.Value),
    lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime,
    ...(stack.DriftInformation?.StackDriftStatus
      ? { drift: { status: stack.DriftInformation.StackDriftStatus, ...(stack.DriftInformation.LastCheckTimestamp ? { lastChecked: stack.DriftInformation.LastCheckTimestamp } : {}) } }
      : {}),
  };
}

/** DescribeStacks for one stack; undefined when it does not exist (or is deleted). */
export async function describeStack(cfn: CloudFormationClient, name: string): Promise<StackInfo | undefined> {
  const { DescribeStacksCommand } = sdk.cloudFormation();
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const stack = result.Stacks?.[0];
    if (!stack || stack.StackStatus === "DELETE_COMPLETE") return undefined;
    return toStackInfo(stack);
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

/** Every live racknet stack in the region (racks and apps), from one paginated DescribeStacks. */
export async function listRacknetStacks(cfn: CloudFormationClient): Promise<StackInfo[]> {
  const { paginateDescribeStacks } = sdk.cloudFormation();
  const stacks: StackInfo[] = [];
  for await (const page of paginateDescribeStacks({ client: cfn }, {})) {
    for (const stack of page.Stacks ?? []) {
      if (stack.StackStatus === "DELETE_COMPLETE") continue;
      const info = toStackInfo(stack);
      if (info.tags[KIND_TAG]) stacks.push(info);
    }
  }
  return stacks;
}

export async function listRacks(cfn: CloudFormationClient): Promise<StackInfo[]> {
  return (await listRacknetStacks(cfn)).filter((stack) => stack.tags[KIND_TAG] === "rack");
}

export async function listApps(cfn: CloudFormationClient, rack: string): Promise<AppInfo[]> {
  return appsIn(await listRacknetStacks(cfn), rack);
}

/** The rack's apps among stacks already listed. */
export function appsIn(stacks: readonly StackInfo[], rack: string): AppInfo[] {
  return stacks.filter((stack) => stack.tags[KIND_TAG] === "app" && stack.tags[RACK_TAG] === rack).map((stack) => ({ ...stack, rack, app: stack.tags[APP_TAG] ?? stack.name }));
}

/** The rack's sides of its peerings among stacks already listed (each is in the rack's Region, whatever the peer's). */
export function peeringsIn(stacks: readonly StackInfo[], rack: string): StackInfo[] {
  return stacks.filter((stack) => stack.tags[KIND_TAG] === "peering" && stack.tags[RACK_TAG] === rack);
}

/** The stack's template as deployed (GetTemplate), parsed. */
export async function deployedTemplate(cfn: CloudFormationClient, stackId: string): Promise<Record<string, unknown>> {
  const { GetTemplateCommand } = sdk.cloudFormation();
  const result = await cfn.send(new GetTemplateCommand({ StackName: stackId }));
  return JSON.parse(result.TemplateBody ?? "{}") as Record<string, unknown>;
}

/** The stack's template by name, or undefined when there is no such stack (read beside DescribeStacks, not after it). */
export async function deployedTemplateIfAny(cfn: CloudFormationClient, stackName: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await deployedTemplate(cfn, stackName);
  } catch (error) {
    if (error instanceof Error && /does not exist/i.test(error.message)) return undefined;
    throw error;
  }
}

/** The stack's resources of one type, each with its logical and physical id (a rack's route tables, say). */
export async function stackResourcesOfType(cfn: CloudFormationClient, stackName: string, resourceType: string): Promise<{ logicalId: string; id: string }[]> {
  const { paginateListStackResources } = sdk.cloudFormation();
  const found: { logicalId: string; id: string }[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType === resourceType && resource.LogicalResourceId && resource.PhysicalResourceId && resource.ResourceStatus !== "DELETE_COMPLETE") {
        found.push({ logicalId: resource.LogicalResourceId, id: resource.PhysicalResourceId });
      }
    }
  }
  return found.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** The physical ids of the stack's resources of one type (the task definitions of an app, say). */
export async function stackResourceIds(cfn: CloudFormationClient, stackName: string, resourceType: string): Promise<string[]> {
  const { paginateListStackResources } = sdk.cloudFormation();
  const ids: string[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType === resourceType && resource.PhysicalResourceId && resource.ResourceStatus !== "DELETE_COMPLETE") ids.push(resource.PhysicalResourceId);
    }
  }
  return ids;
}
