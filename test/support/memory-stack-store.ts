import type { Stack, StackEvent, StackResourceSummary } from "@aws-sdk/client-cloudformation";
import type { Template } from "../../src/templates/cfn.js";
import { ACCOUNT, REGION } from "./physical-ids.js";
import { awsError, describeStack, evaluateTemplate, settle, type StackRecord } from "./memory-stack.js";

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

/** A resource CloudFormation deleted: where it was, what it was, when. */
export interface DeletedResource {
  stackName: string;
  logicalId: string;
  physicalId: string;
  resource: StackRecord["resources"][string];
  at: Date;
}

/**
 * The stacks of the in-memory CloudFormation, their events and the calls that read or
 * delete them; memory-cloudformation.ts adds the change sets that create and update them.
 */
export class StackStore {
  readonly stacks: StackRecord[] = [];
  readonly operations: StackOperation[] = [];
  protected readonly failures = new Map<string, Failure>();
  protected readonly deletionRefusals = new Map<string, () => string | undefined>();
  protected readonly outputOverrides = new Map<string, Record<string, string>>();
  protected readonly deletionListeners: ((deleted: DeletedResource) => void)[] = [];
  private counter = 0;
  private clock = 0;

  /** A stack that already exists (deployed before the test), at CREATE_COMPLETE unless told. */
  putStack(seed: { name: string; template: Template | string; parameters?: Record<string, string>; tags?: Record<string, string>; status?: string }): StackRecord {
    const id = this.newStackId(seed.name);
    const templateBody = typeof seed.template === "string" ? seed.template : JSON.stringify(seed.template);
    const parameters = seed.parameters ?? {};
    const evaluated = evaluateTemplate(templateBody, parameters, { name: seed.name, id });
    const stack: StackRecord = { id, name: seed.name, status: seed.status ?? "CREATE_COMPLETE", templateBody, parameters, tags: seed.tags ?? {}, resources: {}, physicalIds: {}, outputs: {}, creationTime: this.now(), events: [] };
    settle(stack, evaluated, this.outputOverrides.get(seed.name));
    this.event(stack, seed.name, "AWS::CloudFormation::Stack", stack.status);
    this.stacks.push(stack);
    return stack;
  }

  /** The stack's next operation (execute or delete) fails on this resource, and rolls back. */
  failNext(stackName: string, failure: Failure): void {
    this.failures.set(stackName, failure);
  }

  /**
   * The service's own refusal to delete a resource of this type while something still uses it
   * (DeleteHostedZone while the zone holds records, DeleteCluster while tasks run): the
   * reason, or undefined when it may go. A stack deletion meeting it ends DELETE_FAILED.
   */
  refuseDeletion(resourceType: string, refusal: () => string | undefined): void {
    this.deletionRefusals.set(resourceType, refusal);
  }

  /** Told of each resource CloudFormation deletes (removed by an update, or with its stack), as a service sees the deletion. */
  whenDeleted(listener: (deleted: DeletedResource) => void): void {
    this.deletionListeners.push(listener);
  }

  protected deleted(stack: StackRecord, logicalId: string, resource: StackRecord["resources"][string]): void {
    for (const listener of this.deletionListeners) listener({ stackName: stack.name, logicalId, physicalId: stack.physicalIds[logicalId] ?? "", resource, at: this.now() });
  }

  /** Outputs the stack reports on top of those computed from its template. */
  overrideOutputs(stackName: string, outputs: Record<string, string>): void {
    this.outputOverrides.set(stackName, outputs);
  }

  /** The live stack of that name (not deleted). */
  stack(name: string): StackRecord | undefined {
    return this.stacks.find((stack) => stack.name === name && stack.status !== "DELETE_COMPLETE");
  }

  describeStacks(input: { StackName?: string }): { Stacks: Stack[] } {
    if (input.StackName === undefined) return { Stacks: this.stacks.filter((stack) => stack.status !== "DELETE_COMPLETE").map(describeStack) };
    return { Stacks: [describeStack(this.find(input.StackName))] };
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
      const refusal = failure && (failure.logicalId ?? logicalId) === logicalId ? failure.reason : this.deletionRefusals.get(resource.Type)?.();
      if (refusal !== undefined) {
        this.event(stack, logicalId, resource.Type, "DELETE_FAILED", refusal);
        stack.status = "DELETE_FAILED";
        this.event(stack, stack.name, "AWS::CloudFormation::Stack", "DELETE_FAILED", `The following resource(s) failed to delete: [${logicalId}].`);
        this.operations.push({ operation: "delete", stackName: stack.name, outcome: stack.status });
        return {};
      }
      this.deleted(stack, logicalId, resource);
      this.event(stack, logicalId, resource.Type, "DELETE_COMPLETE");
    }
    stack.status = "DELETE_COMPLETE";
    stack.resources = {};
    this.forgetChangeSets(stack.id);
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

  /**
   * By id, any stack (deleted ones too); by name, the live one: "Deleted stacks: You must specify
   * the unique stack ID" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
   */
  /** A deleted stack's change sets are gone with it. */
  protected forgetChangeSets(_stackId: string): void {}

  protected lookup(nameOrId: string): StackRecord | undefined {
    return nameOrId.startsWith("arn:") ? this.stacks.find((stack) => stack.id === nameOrId) : this.stack(nameOrId);
  }

  protected find(nameOrId: string): StackRecord {
    const stack = this.lookup(nameOrId);
    if (!stack) throw awsError("ValidationError", `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  protected event(stack: StackRecord, logicalId: string, type: string, status: string, reason?: string): void {
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
  protected now(): Date {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock);
  }

  protected uuid(): string {
    this.counter += 1;
    return `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, "0")}`;
  }

  protected newStackId(name: string): string {
    return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${this.uuid()}`;
  }
}
