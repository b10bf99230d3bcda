import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CHANGE_SET_PREFIX } from "./changeset/preflight.js";
import { sdk } from "./sdk.js";

/**
 * racknet change sets that were made and never executed, on one stack: what a racknet run
 * that died (or lost its connection) between CreateChangeSet and its clean-up leaves. Only
 * the caller knows they are leftovers (it holds the stack's lock: no other racknet can be
 * reviewing them); this module finds and deletes them.
 */
export async function deleteLeftoverChangeSets(cfn: CloudFormationClient, stackName: string): Promise<string[]> {
  const { ListChangeSetsCommand, DeleteChangeSetCommand } = sdk.cloudFormation();
  const deleted: string[] = [];
  let nextToken: string | undefined;
  let listed;
  try {
    listed = await cfn.send(new ListChangeSetsCommand({ StackName: stackName }));
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) return [];
    throw error;
  }
  for (;;) {
    for (const summary of listed.Summaries ?? []) {
      // moto lists every stack's change sets whatever StackName says: check the stack's name.
      const mine = summary.StackName === stackName && (summary.ChangeSetName ?? "").startsWith(CHANGE_SET_PREFIX);
      const waiting = ["AVAILABLE", "UNAVAILABLE"].includes(summary.ExecutionStatus ?? "") && summary.Status !== "DELETE_COMPLETE";
      if (!mine || !waiting || !summary.ChangeSetId) continue;
      await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: summary.ChangeSetId, StackName: summary.StackId }));
      deleted.push(summary.ChangeSetName ?? summary.ChangeSetId);
    }
    nextToken = listed.NextToken;
    if (!nextToken) return deleted;
    listed = await cfn.send(new ListChangeSetsCommand({ StackName: stackName, NextToken: nextToken }));
  }
}
