import type { ElastiCacheClient } from "@aws-sdk/client-elasticache";
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

/**
 * The final snapshot CloudFormation keeps of a Redis replication group it deletes (DeletionPolicy
 * or UpdateReplacePolicy Snapshot). AWS::ElastiCache::ReplicationGroup has no property that names
 * it (its SnapshotName is the snapshot to restore from; only a serverless cache has a
 * FinalSnapshotName), so CloudFormation names it and it is read back, as for RDS: the account's
 * manual snapshots of that group, the newest taken since the change began. Never prints.
 */
export async function finalCacheSnapshot(elastiCache: ElastiCacheClient, query: { groupId: string; since?: Date }): Promise<string | undefined> {
  const { paginateDescribeSnapshots } = sdk.elastiCache();
  const candidates: { name: string; at: number }[] = [];
  for await (const page of paginateDescribeSnapshots({ client: elastiCache }, { SnapshotSource: "manual" })) {
    for (const snapshot of page.Snapshots ?? []) {
      if (!snapshot.SnapshotName || snapshot.ReplicationGroupId?.toLowerCase() !== query.groupId.toLowerCase()) continue;
      const taken = (snapshot.NodeSnapshots ?? []).map((node) => node.SnapshotCreateTime?.getTime() ?? 0);
      candidates.push({ name: snapshot.SnapshotName, at: Math.max(0, ...taken) });
    }
  }
  const since = query.since?.getTime();
  return candidates.sort((a, b) => b.at - a.at).find((candidate) => since === undefined || candidate.at >= since || candidate.at === 0)?.name;
}
