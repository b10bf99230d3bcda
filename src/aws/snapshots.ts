import type { RDSClient } from "@aws-sdk/client-rds";
import { sdk } from "./sdk.js";

/**
 * The final snapshot CloudFormation keeps of a DB instance it deletes (DeletionPolicy or
 * UpdateReplacePolicy Snapshot). CloudFormation chooses its name (`<stack>-snapshot-<logical
 * id>-<random>`, lower case: its RDS handler's IdentifierFactory), so it is read back, never
 * guessed: the instance's manual snapshots, the one named so first, else the newest taken since
 * the change began. The account's manual snapshots are listed and filtered here: DescribeDBSnapshots'
 * DBInstanceIdentifier "must match the identifier of an existing DBInstance", and this one is
 * gone. Never prints.
 */
export async function finalDbSnapshot(rds: RDSClient, query: { instanceId: string; namePrefix: string; since?: Date }): Promise<string | undefined> {
  const { paginateDescribeDBSnapshots } = sdk.rds();
  const candidates: { name: string; at: number }[] = [];
  for await (const page of paginateDescribeDBSnapshots({ client: rds }, { SnapshotType: "manual" })) {
    for (const snapshot of page.DBSnapshots ?? []) {
      if (!snapshot.DBSnapshotIdentifier || snapshot.DBInstanceIdentifier !== query.instanceId) continue;
      candidates.push({ name: snapshot.DBSnapshotIdentifier, at: snapshot.SnapshotCreateTime?.getTime() ?? 0 });
    }
  }
  const newestFirst = candidates.sort((a, b) => b.at - a.at);
  const named = newestFirst.find((candidate) => candidate.name.startsWith(query.namePrefix.toLowerCase()) && (query.since === undefined || candidate.at >= query.since.getTime()));
  return (named ?? newestFirst.find((candidate) => query.since !== undefined && candidate.at >= query.since.getTime()))?.name;
}
