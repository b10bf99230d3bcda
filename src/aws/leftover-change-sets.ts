import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CHANGE_SET_PREFIX } from "./changeset/preflight.js";
import { sdk } from "./sdk.js";

/** A racknet change set that was made and never executed. */
export interface LeftoverChangeSet {
  stackName: string;
  stackId: string;
  name: string;
  id: string;
}

/**
 * racknet change sets that were made and never executed, on one stack: what a racknet run
 * that died (or lost its connection) between CreateChangeSet and its clean-up leaves. Only
 * the caller knows they are leftovers (it holds the stack's lock and has checked that no
 * crossing operation holds another: no other racknet can be reviewing them); this module
 * only finds them, a read that may go out before those checks end.
 */
export async function findLeftoverChangeSets(cfn: CloudFormationClient, stackName: string): Promise<LeftoverChangeSet[]> {
  const { ListChangeSetsCommand } = sdk.cloudFormation();
  const found: LeftoverChangeSet[] = [];
  let nextToken: string | undefined;
  do {
    let listed;
    try {
      listed = await cfn.send(new ListChangeSetsCommand({ StackName: stackName, ...(nextToken ? { NextToken: nextToken } : {}) }));
    } catch (error) {
      if (error instanceof Error && /does not exist/.test(error.message)) return [];
      throw error;
    }
    for (const summary of listed.Summaries ?? []) {
      // moto lists every stack's change sets whatever StackName says: check the stack's name.
      const mine = summary.StackName === stackName && (summary.ChangeSetName ?? "").startsWith(CHANGE_SET_PREFIX);
      const waiting = ["AVAILABLE", "UNAVAILABLE"].includes(summary.ExecutionStatus ?? "") && summary.Status !== "DELETE_COMPLETE";
      if (!mine || !waiting || !summary.ChangeSetId) continue;
      found.push({ stackName, stackId: summary.StackId ?? stackName, name: summary.ChangeSetName ?? summary.ChangeSetId, id: summary.ChangeSetId });
    }
    nextToken = listed.NextToken;
  } while (nextToken);
  return found;
}

/** Deletes change sets found by `findLeftoverChangeSets`, once the caller knows they are leftovers. */
export async function deleteChangeSets(cfn: CloudFormationClient, changeSets: readonly LeftoverChangeSet[]): Promise<void> {
  const { DeleteChangeSetCommand } = sdk.cloudFormation();
  for (const changeSet of changeSets) await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id, StackName: changeSet.stackId }));
}
