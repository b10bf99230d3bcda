import type {
  Change,
  ChangeSetSummary,
  CreateChangeSetCommandInput,
  DescribeChangeSetCommandOutput,
  Stack,
  StackEvent,
  StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import type { Json, Resource, Template } from "../../src/templates/cfn.js";
import { evaluate } from "./cfn-eval.js";
import { ACCOUNT, REGION, attribute, physicalId, resolvePhysical } from "./physical-ids.js";

/**
 * An in-memory CloudFormation: the calls racknet makes, answered consistently for the
 * stacks it holds. A change set's changes are computed from the templates (evaluated by
 * test/support/cfn-eval.ts with the given parameters): a CREATE adds every resource, an
 * update adds, removes and modifies what differs. A change set is ready at once, and
 * executing it brings the stack to *_COMPLETE at once, with the events CloudFormation
 * writes, so the engine never waits. Replacement is always "False" (the harness does not
 * know which property changes replace a resource).
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

interface ChangeSetRecord {
  id: string;
  name: string;
  stackId: string;
  type: "CREATE" | "UPDATE";
  status: "CREATE_COMPLETE" | "FAILED";
  statusReason?: string;
  executionStatus: "AVAILABLE" | "UNAVAILABLE" | "EXECUTE_COMPLETE";
  creationTime: Date;
  templateBody: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  resources: Record<string, Resource>;
  outputs: Record<string, Json>;
  changes: Change[];
}

/** A resource that fails the stack's next operation, as CloudFormation reports it. */
export interface Failure {
  logicalId?: string;
  reason: string;
}

/** What happened to stacks, in order: the operations that change AWS. */
export interface StackOperation {
  operation: "execute" | "delete";
  stackName: string;
  type?: "CREATE" | "UPDATE";
  outcome: string;
}

const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";

export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}

export class MemoryCloudFormation {
  readonly stacks: StackRecord[] = [];
  readonly operations: StackOperation[] = [];
  private readonly changeSets: ChangeSetRecord[] = [];
  private readonly failures = new Map<string, Failure>();
  private readonly refusals = new Map<string, string>();
  private readonly outputOverrides = new Map<string, Record<string, string>>();
  private counter = 0;
  private clock = 0;

  /** `readObject` answers TemplateURL (the rack's bucket, in memory). */
  constructor(private readonly readObject: (bucket: string, key: string) => string | undefined) {}

  // ---- fixtures -------------------------------------------------------------------------

  /** A stack that already exists (deployed before the test), at CREATE_COMPLETE unless told. */
  putStack(seed: { name: string; template: Template | string; parameters?: Record<string, string>; tags?: Record<string, string>; status?: string }): StackRecord {
    const id = this.newStackId(seed.name);
    const templateBody = typeof seed.template === "string" ? seed.template : JSON.stringify(seed.template);
    const parameters = seed.parameters ?? {};
    const evaluated = this.evaluate(templateBody, parameters, { name: seed.name, id });
    const stack: StackRecord = { id, name: seed.name, status: seed.status ?? "CREATE_COMPLETE", templateBody, parameters, tags: seed.tags ?? {}, resources: {}, physicalIds: {}, outputs: {}, creationTime: this.now(), events: [] };
    this.settle(stack, evaluated.resources, evaluated.outputs);
    this.event(stack, seed.name, "AWS::CloudFormation::Stack", stack.status);
    this.stacks.push(stack);
    return stack;
  }

  /** The stack's next operation (execute or delete) fails on this resource, and rolls back. */
  failNext(stackName: string, failure: Failure): void {
    this.failures.set(stackName, failure);
  }

  /** The stack's next change set ends FAILED with this reason (a template CloudFormation rejects). */
  refuseNextChangeSet(stackName: string, reason: string): void {
    this.refusals.set(stackName, reason);
  }

  /** Outputs the stack reports on top of those computed from its template. */
  overrideOutputs(stackName: string, outputs: Record<string, string>): void {
    this.outputOverrides.set(stackName, outputs);
  }

  /** The live stack of that name (not deleted). */
  stack(name: string): StackRecord | undefined {
    return this.stacks.find((stack) => stack.name === name && stack.status !== "DELETE_COMPLETE");
  }

  // ---- the API ----------------------------------------------------------------------------

  describeStacks(input: { StackName?: string }): { Stacks: Stack[] } {
    if (input.StackName === undefined) return { Stacks: this.stacks.filter((stack) => stack.status !== "DELETE_COMPLETE").map(describe) };
    return { Stacks: [describe(this.find(input.StackName))] };
  }

  createChangeSet(input: CreateChangeSetCommandInput): { Id: string; StackId: string } {
    const name = input.StackName ?? "";
    const existing = this.stack(name);
    const type = input.ChangeSetType === "CREATE" ? "CREATE" : "UPDATE";
    if (type === "CREATE" && existing && existing.status !== "REVIEW_IN_PROGRESS") throw awsError("AlreadyExistsException", `Stack [${name}] already exists`);
    if (type === "UPDATE" && (!existing || existing.status === "REVIEW_IN_PROGRESS")) throw awsError("ValidationError", `Stack [${name}] does not exist`);
    const templateBody = this.templateBody(input, existing);
    const parameters = Object.fromEntries((input.Parameters ?? []).map((p) => [p.ParameterKey ?? "", p.ParameterValue ?? ""]));
    const tags = Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
    const stack = existing ?? this.reviewStack(name);
    const evaluated = this.evaluate(templateBody, parameters, stack);
    requireCapabilities(evaluated.resources, input.Capabilities ?? []);
    const before = type === "CREATE" ? {} : stack.resources;
    const unchanged = type === "UPDATE" && templateBody === stack.templateBody && same(parameters, stack.parameters) && same(tags, stack.tags);
    const refusal = this.refusals.get(name);
    this.refusals.delete(name);
    const changeSet: ChangeSetRecord = {
      id: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${input.ChangeSetName}/${this.uuid()}`,
      name: input.ChangeSetName ?? "",
      stackId: stack.id,
      type,
      status: refusal || unchanged ? "FAILED" : "CREATE_COMPLETE",
      statusReason: refusal ?? (unchanged ? NO_CHANGES : undefined),
      executionStatus: refusal || unchanged ? "UNAVAILABLE" : "AVAILABLE",
      creationTime: this.now(),
      templateBody,
      parameters,
      tags,
      resources: evaluated.resources,
      outputs: evaluated.outputs,
      changes: unchanged ? [] : resourceChanges(before, evaluated.resources, stack.physicalIds),
    };
    this.changeSets.push(changeSet);
    return { Id: changeSet.id, StackId: stack.id };
  }

  describeChangeSet(input: { ChangeSetName?: string; StackName?: string }): Partial<DescribeChangeSetCommandOutput> {
    const changeSet = this.findChangeSet(input);
    const stack = this.find(changeSet.stackId);
    return {
      ChangeSetId: changeSet.id,
      ChangeSetName: changeSet.name,
      StackId: stack.id,
      StackName: stack.name,
      Status: changeSet.status,
      StatusReason: changeSet.statusReason,
      ExecutionStatus: changeSet.executionStatus,
      CreationTime: changeSet.creationTime,
      Changes: changeSet.changes,
    };
  }

  listChangeSets(input: { StackName?: string }): { Summaries: ChangeSetSummary[] } {
    const stack = this.find(input.StackName ?? "");
    return {
      Summaries: this.changeSets
        .filter((changeSet) => changeSet.stackId === stack.id)
        .map((changeSet) => ({
          ChangeSetId: changeSet.id,
          ChangeSetName: changeSet.name,
          StackId: stack.id,
          StackName: stack.name,
          Status: changeSet.status,
          ExecutionStatus: changeSet.executionStatus,
          CreationTime: changeSet.creationTime,
        })),
    };
  }

  deleteChangeSet(input: { ChangeSetName?: string; StackName?: string }): Record<string, never> {
    const changeSet = this.findChangeSet(input);
    this.changeSets.splice(this.changeSets.indexOf(changeSet), 1);
    return {};
  }

  executeChangeSet(input: { ChangeSetName?: string; StackName?: string }): Record<string, never> {
    const changeSet = this.findChangeSet(input);
    if (changeSet.executionStatus !== "AVAILABLE") {
      throw awsError("InvalidChangeSetStatusException", `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`);
    }
    const stack = this.find(changeSet.stackId);
    const verb = changeSet.type === "CREATE" ? "CREATE" : "UPDATE";
    changeSet.executionStatus = "EXECUTE_COMPLETE";
    // CloudFormation deletes a stack's other change sets once one of them runs.
    for (const other of this.changeSets.filter((one) => one.stackId === stack.id && one !== changeSet)) this.changeSets.splice(this.changeSets.indexOf(other), 1);
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", `${verb}_IN_PROGRESS`, "User Initiated");
    const failure = this.failures.get(stack.name);
    this.failures.delete(stack.name);
    if (failure) return this.rollBack(stack, changeSet, failure);
    for (const change of changeSet.changes) {
      const resource = change.ResourceChange;
      const status = { Add: "CREATE", Modify: "UPDATE", Remove: "DELETE" }[String(resource?.Action) as "Add" | "Modify" | "Remove"] ?? "UPDATE";
      this.event(stack, resource?.LogicalResourceId ?? "", resource?.ResourceType ?? "", `${status}_IN_PROGRESS`);
      this.event(stack, resource?.LogicalResourceId ?? "", resource?.ResourceType ?? "", `${status}_COMPLETE`);
    }
    Object.assign(stack, { templateBody: changeSet.templateBody, parameters: changeSet.parameters, tags: changeSet.tags, status: `${verb}_COMPLETE`, statusReason: undefined });
    if (verb === "UPDATE") stack.lastUpdatedTime = this.now();
    this.settle(stack, changeSet.resources, changeSet.outputs);
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", stack.status);
    this.operations.push({ operation: "execute", stackName: stack.name, type: changeSet.type, outcome: stack.status });
    return {};
  }

  describeStackEvents(input: { StackName?: string }): { StackEvents: StackEvent[] } {
    return { StackEvents: [...this.find(input.StackName ?? "").events].reverse() };
  }

  /** Like AWS: deleting a stack that does not exist (by name) succeeds and does nothing. */
  deleteStack(input: { StackName?: string }): Record<string, never> {
    const stack = this.lookup(input.StackName ?? "");
    if (!stack || stack.status === "DELETE_COMPLETE") return {};
    const failure = this.failures.get(stack.name);
    this.failures.delete(stack.name);
    if (stack.status !== "REVIEW_IN_PROGRESS") this.event(stack, stack.name, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated");
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (failure && (failure.logicalId ?? logicalId) === logicalId) {
        this.event(stack, logicalId, resource.Type, "DELETE_FAILED", failure.reason);
        stack.status = "DELETE_FAILED";
        this.event(stack, stack.name, "AWS::CloudFormation::Stack", "DELETE_FAILED", `The following resource(s) failed to delete: [${logicalId}].`);
        this.operations.push({ operation: "delete", stackName: stack.name, outcome: stack.status });
        return {};
      }
      this.event(stack, logicalId, resource.Type, "DELETE_COMPLETE");
    }
    stack.status = "DELETE_COMPLETE";
    stack.resources = {};
    this.changeSets.splice(0, this.changeSets.length, ...this.changeSets.filter((changeSet) => changeSet.stackId !== stack.id));
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", "DELETE_COMPLETE");
    this.operations.push({ operation: "delete", stackName: stack.name, outcome: stack.status });
    return {};
  }

  listStackResources(input: { StackName?: string }): { StackResourceSummaries: StackResourceSummary[] } {
    const stack = this.find(input.StackName ?? "");
    return {
      StackResourceSummaries: Object.entries(stack.resources).map(([logicalId, resource]) => ({
        LogicalResourceId: logicalId,
        PhysicalResourceId: stack.physicalIds[logicalId],
        ResourceType: resource.Type,
        ResourceStatus: "CREATE_COMPLETE",
        LastUpdatedTimestamp: stack.lastUpdatedTime ?? stack.creationTime,
      })),
    };
  }

  getTemplate(input: { StackName?: string }): { TemplateBody: string } {
    return { TemplateBody: this.find(input.StackName ?? "").templateBody };
  }

  // ---- inside ---------------------------------------------------------------------------

  /** By id, any stack (deleted ones too); by name, the live one. */
  private lookup(nameOrId: string): StackRecord | undefined {
    return nameOrId.startsWith("arn:") ? this.stacks.find((stack) => stack.id === nameOrId) : this.stack(nameOrId);
  }

  private find(nameOrId: string): StackRecord {
    const stack = this.lookup(nameOrId);
    if (!stack) throw awsError("ValidationError", `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  private findChangeSet(input: { ChangeSetName?: string; StackName?: string }): ChangeSetRecord {
    const wanted = input.ChangeSetName ?? "";
    const found = wanted.startsWith("arn:")
      ? this.changeSets.find((changeSet) => changeSet.id === wanted)
      : this.changeSets.find((changeSet) => changeSet.name === wanted && changeSet.stackId === this.lookup(input.StackName ?? "")?.id);
    if (!found) throw awsError("ChangeSetNotFoundException", `ChangeSet [${wanted}] does not exist`);
    return found;
  }

  private reviewStack(name: string): StackRecord {
    const stack: StackRecord = { id: this.newStackId(name), name, status: "REVIEW_IN_PROGRESS", templateBody: "{}", parameters: {}, tags: {}, resources: {}, physicalIds: {}, outputs: {}, creationTime: this.now(), events: [] };
    this.event(stack, name, "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS", "User Initiated");
    this.stacks.push(stack);
    return stack;
  }

  private templateBody(input: CreateChangeSetCommandInput, existing: StackRecord | undefined): string {
    if (input.UsePreviousTemplate) {
      if (!existing) throw awsError("ValidationError", "UsePreviousTemplate needs an existing stack");
      return existing.templateBody;
    }
    if (input.TemplateBody !== undefined) {
      if (Buffer.byteLength(input.TemplateBody) > 51_200) throw awsError("ValidationError", "Templates with a size greater than 51,200 bytes must be deployed via an S3 Bucket");
      return input.TemplateBody;
    }
    const url = new URL(input.TemplateURL ?? "");
    const body = this.readObject(url.hostname.split(".")[0] ?? "", decodeURIComponent(url.pathname.slice(1)));
    if (body === undefined) throw awsError("ValidationError", `TemplateURL must reference a valid S3 object to which you have access: ${input.TemplateURL}`);
    return body;
  }

  private evaluate(templateBody: string, parameters: Record<string, string>, stack: { name: string; id: string }): { resources: Record<string, Resource>; outputs: Record<string, Json> } {
    const parsed = JSON.parse(templateBody) as Partial<Template>;
    const template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {}, ...parsed } as Template;
    const unknown = Object.keys(parameters).filter((name) => !(name in template.Parameters));
    if (unknown.length > 0) throw awsError("ValidationError", `Parameters: [${unknown.join(", ")}] do not exist in the template`);
    const missing = Object.entries(template.Parameters).filter(([name, declaration]) => parameters[name] === undefined && declaration.Default === undefined).map(([name]) => name);
    if (missing.length > 0) throw awsError("ValidationError", `Parameters: [${missing.join(", ")}] must have values`);
    const evaluated = evaluate(template, parameters, { stackName: stack.name, stackId: stack.id, region: REGION });
    return { resources: evaluated.resources, outputs: evaluated.outputs };
  }

  /** Physical ids for new resources (kept for the others), and the Outputs as AWS reports them. */
  private settle(stack: StackRecord, resources: Record<string, Resource>, outputs: Record<string, Json>): void {
    stack.resources = resources;
    stack.physicalIds = Object.fromEntries(Object.entries(resources).map(([logicalId, resource]) => [logicalId, stack.physicalIds[logicalId] ?? physicalId(stack, logicalId, resource.Type)]));
    const lookup = {
      ref: (logicalId: string) => stack.physicalIds[logicalId] ?? stack.parameters[logicalId] ?? missingResource(stack, logicalId),
      getAtt: (logicalId: string, name: string) => {
        const resource = resources[logicalId];
        return resource ? attribute(stack, logicalId, resource, name, stack.physicalIds[logicalId] ?? "") : missingResource(stack, logicalId);
      },
    };
    const computed = Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, String(resolvePhysical(value, lookup))]));
    stack.outputs = { ...computed, ...(this.outputOverrides.get(stack.name) ?? {}) };
  }

  private rollBack(stack: StackRecord, changeSet: ChangeSetRecord, failure: Failure): Record<string, never> {
    const creating = changeSet.type === "CREATE";
    const first = changeSet.changes[0]?.ResourceChange;
    const logicalId = failure.logicalId ?? first?.LogicalResourceId ?? "Resource";
    const type = changeSet.resources[logicalId]?.Type ?? first?.ResourceType ?? "AWS::CloudFormation::CustomResource";
    const verb = creating ? "CREATE" : "UPDATE";
    this.event(stack, logicalId, type, `${verb}_IN_PROGRESS`);
    this.event(stack, logicalId, type, `${verb}_FAILED`, failure.reason);
    const rollback = creating ? "ROLLBACK" : "UPDATE_ROLLBACK";
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", `${rollback}_IN_PROGRESS`, `The following resource(s) failed to ${creating ? "create" : "update"}: [${logicalId}]. ${creating ? "Rollback requested by user." : ""}`.trim());
    this.event(stack, logicalId, type, creating ? "DELETE_COMPLETE" : "UPDATE_COMPLETE");
    stack.status = `${rollback}_COMPLETE`;
    if (creating) {
      stack.templateBody = changeSet.templateBody;
      stack.parameters = changeSet.parameters;
      stack.tags = changeSet.tags;
    }
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", stack.status);
    this.operations.push({ operation: "execute", stackName: stack.name, type: changeSet.type, outcome: stack.status });
    return {};
  }

  private event(stack: StackRecord, logicalId: string, type: string, status: string, reason?: string): void {
    const isStack = type === "AWS::CloudFormation::Stack" && logicalId === stack.name;
    const timestamp = this.now();
    stack.events.push({
      EventId: `${logicalId}-${status}-${timestamp.getTime()}-${stack.events.length}`,
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: isStack ? stack.id : stack.physicalIds[logicalId],
      ResourceType: type,
      ResourceStatus: status as StackEvent["ResourceStatus"],
      ResourceStatusReason: reason,
      Timestamp: timestamp,
    });
  }

  /** Wall-clock time that never stands still: each event is later than the one before. */
  private now(): Date {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock);
  }

  private uuid(): string {
    this.counter += 1;
    return `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, "0")}`;
  }

  private newStackId(name: string): string {
    return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${this.uuid()}`;
  }
}

function describe(stack: StackRecord): Stack {
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

function resourceChanges(before: Record<string, Resource>, after: Record<string, Resource>, physicalIds: Record<string, string>): Change[] {
  const change = (action: "Add" | "Modify" | "Remove", logicalId: string, resource: Resource): Change => ({
    Type: "Resource",
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ResourceType: resource.Type,
      PhysicalResourceId: action === "Add" ? undefined : physicalIds[logicalId],
      Replacement: action === "Modify" ? "False" : undefined,
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

function requireCapabilities(resources: Record<string, Resource>, capabilities: readonly string[]): void {
  const iam = Object.values(resources).some((resource) => resource.Type.startsWith("AWS::IAM::"));
  if (iam && !capabilities.some((capability) => capability === "CAPABILITY_IAM" || capability === "CAPABILITY_NAMED_IAM")) {
    throw awsError("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]");
  }
}

function same(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

function missingResource(stack: StackRecord, logicalId: string): never {
  throw new Error(`in-memory CloudFormation: stack ${stack.name} refers to ${logicalId}, which it does not have`);
}
