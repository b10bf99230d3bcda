import type { CloudFormationClient, DescribeChangeSetOutput } from "@aws-sdk/client-cloudformation";
import { AwsOperationFailed } from "../../errors/index.js";
import type { ResourceChange } from "../../plan/model.js";
import type { ChangeSetRef } from "./create.js";
import { isNoUpdatesMessage } from "./create.js";
import { resourceChangesOf } from "./changes.js";
import { Backoff, isThrottling, type Pacing } from "./pacing.js";
import { sdk } from "../sdk.js";

export type Described =
  | { kind: "ready"; changes: ResourceChange[]; creationTime?: Date }
  | { kind: "no-changes" };

/**
 * Poll DescribeChangeSet until CloudFormation has computed the change set: every
 * second at first, then less often up to the cap, longer while throttled. An empty
 * change set is not an error (SPEC section 4); any other failure is.
 */
export async function waitForChangeSet(cfn: CloudFormationClient, ref: ChangeSetRef, pacing: Pacing, signal: AbortSignal): Promise<Described> {
  const backoff = new Backoff(pacing.changeSet, pacing.throttledMs);
  for (;;) {
    let wait: number;
    try {
      const first = await describePage(cfn, ref, undefined, signal);
      const status = first.Status ?? "";
      if (status === "CREATE_COMPLETE") return { kind: "ready", changes: await allChanges(cfn, ref, first, signal), creationTime: first.CreationTime };
      if (status === "FAILED") {
        const reason = first.StatusReason ?? "no reason given";
        if (isNoUpdatesMessage(reason)) return { kind: "no-changes" };
        throw new AwsOperationFailed(`CloudFormation could not create the change set for stack ${ref.stackName}: ${reason}`, {
          fix: "fix the template or parameters it names, then run the command again",
        });
      }
      if (status.startsWith("DELETE")) {
        throw new AwsOperationFailed(`the change set ${ref.name} of stack ${ref.stackName} was deleted while racknet waited for it (${status})`, {
          fix: "is another racknet or a person working on this stack? Run the command again",
        });
      }
      wait = backoff.next();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      wait = backoff.throttled();
    }
    await pacing.sleep(wait, signal);
  }
}

async function describePage(cfn: CloudFormationClient, ref: ChangeSetRef, nextToken: string | undefined, signal: AbortSignal): Promise<DescribeChangeSetOutput> {
  const { DescribeChangeSetCommand } = sdk.cloudFormation();
  // With the properties before and after, so the plan can tell what a change opens up.
  return cfn.send(new DescribeChangeSetCommand({ ChangeSetName: ref.id, StackName: ref.stackId, NextToken: nextToken, IncludePropertyValues: true }), { abortSignal: signal });
}

async function allChanges(cfn: CloudFormationClient, ref: ChangeSetRef, first: DescribeChangeSetOutput, signal: AbortSignal): Promise<ResourceChange[]> {
  const changes = toChanges(first);
  let nextToken = first.NextToken;
  while (nextToken) {
    const page = await describePage(cfn, ref, nextToken, signal);
    changes.push(...toChanges(page));
    nextToken = page.NextToken;
  }
  return changes;
}

function toChanges(output: DescribeChangeSetOutput): ResourceChange[] {
  return resourceChangesOf(output.Changes ?? []);
}
