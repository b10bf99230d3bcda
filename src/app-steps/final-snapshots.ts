import type { Context } from "../runtime/context.js";
import type { ResourceChange } from "../plan/model.js";
import { finalCacheSnapshot, finalDbSnapshot } from "../aws/snapshots.js";

/**
 * What became of the databases a change deleted or replaced (issue 29): each RDS instance's
 * final snapshot and each Redis group's, by the name CloudFormation gave it, printed and returned
 * for `--json`. Read after the stack operation ended, since CloudFormation names the snapshot
 * itself: neither AWS::RDS::DBInstance nor AWS::ElastiCache::ReplicationGroup has a property that
 * names it (docs/decisions.md, "Resources"). Memcached keeps no snapshot (ElastiCache has no
 * Memcached backups): the plan says its data is lost, and nothing is looked for here.
 */

/** One deleted or replaced database and the snapshot it left (absent: none was found). */
export interface FinalSnapshot {
  /** The logical id of the database in the app's stack (ResourceDb). */
  resource: string;
  /** The deleted DB instance's identifier, or the Redis group's id. */
  instance: string;
  engine: "rds" | "redis";
  snapshot?: string;
}

/** The RDS instances and Redis groups a change deletes or replaces, with their physical ids. */
export function deletedDatabases(changes: readonly ResourceChange[]): { resource: string; instance: string; engine: FinalSnapshot["engine"]; surely: boolean; replaced: boolean }[] {
  return changes.flatMap((change) => {
    const engine = change.resourceType === "AWS::RDS::DBInstance" ? "rds" : change.resourceType === "AWS::ElastiCache::ReplicationGroup" ? "redis" : undefined;
    if (!engine || !change.physicalId) return [];
    const gone = change.action === "Remove" || (change.action === "Modify" && change.replacement === "True");
    const maybe = change.action === "Modify" && change.replacement === "Conditional";
    return gone || maybe ? [{ resource: change.logicalId, instance: change.physicalId, engine, surely: gone, replaced: change.action === "Modify" }] : [];
  });
}

/** After the stack operation: each database's final snapshot, said and returned. Reading fails only into a warning: the change itself is done. */
export async function reportFinalSnapshots(context: Context, stackName: string, changes: readonly ResourceChange[], since?: Date): Promise<FinalSnapshot[]> {
  const databases = deletedDatabases(changes);
  if (databases.length === 0) return [];
  const { printer } = context;
  const found: FinalSnapshot[] = [];
  for (const database of databases) {
    const lookup = database.engine === "rds" ? `aws rds describe-db-snapshots --db-instance-identifier ${database.instance} --snapshot-type manual` : `aws elasticache describe-snapshots --replication-group-id ${database.instance} --snapshot-source manual`;
    const noun = database.engine === "rds" ? "database" : "Redis cache";
    let snapshot: string | undefined;
    try {
      snapshot =
        database.engine === "rds"
          ? await finalDbSnapshot(await context.aws.rds(), { instanceId: database.instance, namePrefix: `${stackName}-snapshot-${database.resource}-`, ...(since ? { since } : {}) })
          : await finalCacheSnapshot(await context.aws.elastiCache(), { groupId: database.instance, ...(since ? { since } : {}) });
    } catch (error) {
      printer.warn(`the final snapshot of ${noun} ${database.resource} (${database.instance}) could not be read (${error instanceof Error ? error.message : String(error)}): \`${lookup}\` lists it`);
      found.push({ resource: database.resource, instance: database.instance, engine: database.engine });
      continue;
    }
    // A replacement CloudFormation only said might happen, and did not: nothing was deleted.
    if (!snapshot && !database.surely) continue;
    const what = database.replaced ? `replaced by a new ${database.engine === "rds" ? "instance" : "group"}` : "deleted";
    const restore = database.engine === "rds" ? `aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${snapshot} ...` : `aws elasticache create-replication-group --snapshot-name ${snapshot} ...`;
    if (snapshot) printer.success(`${noun} ${database.resource} (${database.instance}) ${what}; its final snapshot is ${snapshot} (restore: \`${restore}\`)`);
    else printer.warn(`${noun} ${database.resource} (${database.instance}) ${what}, and no final snapshot of it was found yet: \`${lookup}\``);
    found.push({ resource: database.resource, instance: database.instance, engine: database.engine, ...(snapshot ? { snapshot } : {}) });
  }
  return found;
}
