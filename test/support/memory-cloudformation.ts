import type { Change, ChangeSetSummary, CreateChangeSetCommandInput, DescribeChangeSetCommandOutput } from "@aws-sdk/client-cloudformation";
import { ACCOUNT, REGION } from "./physical-ids.js";
import { StackStore, type Failure } from "./memory-stack-store.js";
import { awsError, evaluateTemplate, requireCapabilities, resourceChanges, sameEntries, settle, type Evaluated, type StackRecord } from "./memory-stack.js";

export { awsError, type StackRecord } from "./memory-stack.js";
export type { DeletedResource, Failure, StackOperation } from "./memory-stack-store.js";

/**
 * An in-memory CloudFormation: the calls racknet makes, answered consistently for the
 * stacks it holds. A change set's changes are computed from the templates (evaluated by
 * test/support/cfn-eval.ts with the given parameters): a CREATE adds every resource, an
 * update adds, removes and modifies what differs. A change set is ready at once, and
 * executing it brings the stack to *_COMPLETE at once, with the events CloudFormation
 * writes, so the engine never waits.
 */

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
  evaluated: Evaluated;
  changes: Change[];
}

const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";

export class MemoryCloudFormation extends StackStore {
  private readonly changeSets: ChangeSetRecord[] = [];
  private readonly refusals = new Map<string, string>();

  /** `readObject` answers TemplateURL (the rack's bucket, in memory). */
  constructor(private readonly readObject: (bucket: string, key: string) => string | undefined) {
    super();
  }

  /** The stack's next change set ends FAILED with this reason (a template CloudFormation rejects). */
  refuseNextChangeSet(stackName: string, reason: string): void {
    this.refusals.set(stackName, reason);
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
    const evaluated = evaluateTemplate(templateBody, parameters, stack);
    requireCapabilities(evaluated.resources, input.Capabilities ?? []);
    const before = type === "CREATE" ? {} : stack.resources;
    const unchanged = type === "UPDATE" && templateBody === stack.templateBody && sameEntries(parameters, stack.parameters) && sameEntries(tags, stack.tags);
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
      evaluated,
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
    for (const change of changeSet.changes) {
      const removed = change.ResourceChange?.Action === "Remove" ? change.ResourceChange.LogicalResourceId : undefined;
      const resource = removed === undefined ? undefined : stack.resources[removed];
      if (removed !== undefined && resource) this.deleted(stack, removed, resource);
    }
    Object.assign(stack, { templateBody: changeSet.templateBody, parameters: changeSet.parameters, tags: changeSet.tags, status: `${verb}_COMPLETE`, statusReason: undefined });
    if (verb === "UPDATE") stack.lastUpdatedTime = this.now();
    settle(stack, changeSet.evaluated, this.outputOverrides.get(stack.name));
    this.event(stack, stack.name, "AWS::CloudFormation::Stack", stack.status);
    this.operations.push({ operation: "execute", stackName: stack.name, type: changeSet.type, outcome: stack.status });
    return {};
  }

  protected override forgetChangeSets(stackId: string): void {
    this.changeSets.splice(0, this.changeSets.length, ...this.changeSets.filter((changeSet) => changeSet.stackId !== stackId));
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

  private rollBack(stack: StackRecord, changeSet: ChangeSetRecord, failure: Failure): Record<string, never> {
    const creating = changeSet.type === "CREATE";
    const first = changeSet.changes[0]?.ResourceChange;
    const logicalId = failure.logicalId ?? first?.LogicalResourceId ?? "Resource";
    const type = changeSet.evaluated.resources[logicalId]?.Type ?? first?.ResourceType ?? "AWS::CloudFormation::CustomResource";
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
}
