import type { Change, Stack, StackEvent } from "@aws-sdk/client-cloudformation";
import type { Json, Resource, Template } from "../../src/templates/cfn.js";
import { evaluate } from "./cfn-eval.js";
import { REGION, attribute, physicalId, resolvePhysical } from "./physical-ids.js";

/**
 * One stack of the in-memory CloudFormation, and what CloudFormation computes from a
 * template: the resources and outputs under given parameters (test/support/cfn-eval.ts),
 * the changes between two versions, the Outputs as DescribeStacks shows them.
 */

export interface StackRecord {
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  templateBody: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  resources: Record<string, Resource>;
  physicalIds: Record<string, string>;
  outputs: Record<string, string>;
  creationTime: Date;
  lastUpdatedTime?: Date;
  /** Oldest first. */
  events: StackEvent[];
}

export interface Evaluated {
  resources: Record<string, Resource>;
  outputs: Record<string, Json>;
}

export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}

/** The template's resources and outputs under these parameters; refused as CloudFormation refuses unknown or missing ones. */
export function evaluateTemplate(templateBody: string, parameters: Record<string, string>, stack: { name: string; id: string }): Evaluated {
  const parsed = JSON.parse(templateBody) as Partial<Template>;
  const template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {}, ...parsed } as Template;
  const unknown = Object.keys(parameters).filter((name) => !(name in template.Parameters));
  if (unknown.length > 0) throw awsError("ValidationError", `Parameters: [${unknown.join(", ")}] do not exist in the template`);
  const missing = Object.entries(template.Parameters).filter(([name, declaration]) => parameters[name] === undefined && declaration.Default === undefined).map(([name]) => name);
  if (missing.length > 0) throw awsError("ValidationError", `Parameters: [${missing.join(", ")}] must have values`);
  const evaluated = evaluate(template, parameters, { stackName: stack.name, stackId: stack.id, region: REGION });
  return { resources: evaluated.resources, outputs: evaluated.outputs };
}

/** The stack now has these resources (new ones get physical ids, the others keep theirs) and reports these Outputs. */
export function settle(stack: StackRecord, evaluated: Evaluated, overrides: Record<string, string> = {}): void {
  const { resources, outputs } = evaluated;
  stack.resources = resources;
  stack.physicalIds = Object.fromEntries(Object.entries(resources).map(([logicalId, resource]) => [logicalId, stack.physicalIds[logicalId] ?? physicalId(stack, logicalId, resource.Type)]));
  const lookup = {
    ref: (logicalId: string) => stack.physicalIds[logicalId] ?? missingResource(stack, logicalId),
    getAtt: (logicalId: string, name: string) => {
      const resource = resources[logicalId];
      return resource ? attribute(stack, logicalId, resource, name, stack.physicalIds[logicalId] ?? "") : missingResource(stack, logicalId);
    },
  };
  const computed = Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, String(resolvePhysical(value, lookup))]));
  stack.outputs = { ...computed, ...overrides };
}

export function describeStack(stack: StackRecord): Stack {
  return {
    StackName: stack.name,
    StackId: stack.id,
    StackStatus: stack.status as Stack["StackStatus"],
    StackStatusReason: stack.statusReason,
    CreationTime: stack.creationTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

/**
 * Add what is new, Remove what is gone, Modify what differs. Replacement is always
 * "False": the harness does not know which property changes replace a resource.
 */
export function resourceChanges(before: Record<string, Resource>, after: Record<string, Resource>, physicalIds: Record<string, string>): Change[] {
  const change = (action: "Add" | "Modify" | "Remove", logicalId: string, resource: Resource): Change => ({
    Type: "Resource",
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ResourceType: resource.Type,
      PhysicalResourceId: action === "Add" ? undefined : physicalIds[logicalId],
      Replacement: action === "Modify" ? "False" : undefined,
      // One detail per top-level property that resolves differently, as CloudFormation names them.
      ...(action === "Modify" ? { Details: changedProperties(before[logicalId], resource).map((Name) => ({ Evaluation: "Static", ChangeSource: "DirectModification", Target: { Attribute: "Properties", Name, RequiresRecreation: "Never" } })) } : {}),
    },
  });
  const changes: Change[] = [];
  for (const [logicalId, resource] of Object.entries(after)) {
    const old = before[logicalId];
    if (!old) changes.push(change("Add", logicalId, resource));
    else if (JSON.stringify(old) !== JSON.stringify(resource)) changes.push(change("Modify", logicalId, resource));
  }
  for (const [logicalId, resource] of Object.entries(before)) if (!after[logicalId]) changes.push(change("Remove", logicalId, resource));
  return changes;
}

function changedProperties(before: Resource | undefined, after: Resource): string[] {
  const names = new Set([...Object.keys(before?.Properties ?? {}), ...Object.keys(after.Properties ?? {})]);
  return [...names].filter((name) => JSON.stringify(before?.Properties?.[name]) !== JSON.stringify(after.Properties?.[name])).sort();
}

/** IAM resources need CAPABILITY_IAM (or NAMED_IAM): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (Capabilities). */
export function requireCapabilities(resources: Record<string, Resource>, capabilities: readonly string[]): void {
  const iam = Object.values(resources).some((resource) => resource.Type.startsWith("AWS::IAM::"));
  if (iam && !capabilities.some((capability) => capability === "CAPABILITY_IAM" || capability === "CAPABILITY_NAMED_IAM")) {
    throw awsError("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]");
  }
}

export function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

function missingResource(stack: StackRecord, logicalId: string): never {
  throw new Error(`in-memory CloudFormation: stack ${stack.name} refers to ${logicalId}, which it does not have`);
}
