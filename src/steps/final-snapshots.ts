import type { Context } from "../runtime/context.js";
import type { ResourceChange } from "../plan/model.js";
import { finalDbSnapshot } from "../aws/snapshots.js";

/**
 * What became of the databases a change deleted or replaced (issue 29): each RDS instance's
 * final snapshot, by the name CloudFormation gave it, printed and returned for `--json`; each
 * Redis group's final snapshot, where to find it. Read after the stack operation ended, since
 * CloudFormation names the snapshot itself (docs/decisions.md, "Resources").
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
    if (database.engine === "redis") {
      // racknet has no ElastiCache client of its own (docs/decisions.md): where the snapshot is, not its name.
      if (database.surely) {
        printer.info(`Redis cache ${database.resource} (${database.instance}) ${database.replaced ? "was replaced" : "is gone"}; CloudFormation kept its final snapshot: \`aws elasticache describe-snapshots --snapshot-source manual\` lists it under replication group ${database.instance}`);
        found.push({ resource: database.resource, instance: database.instance, engine: "redis" });
      }
      continue;
    }
    const lookup = `aws rds describe-db-snapshots --db-instance-identifier ${database.instance} --snapshot-type manual`;
    let snapshot: string | undefined;
    try {
      snapshot = await finalDbSnapshot(await context.aws.rds(), { instanceId: database.instance, namePrefix: `${stackName}-snapshot-${database.resource}-`, ...(since ? { since } : {}) });
    } catch (error) {
      printer.warn(`the final snapshot of database ${database.resource} (${database.instance}) could not be read (${error instanceof Error ? error.message : String(error)}): \`${lookup}\` lists it`);
      found.push({ resource: database.resource, instance: database.instance, engine: "rds" });
      continue;
    }
    // A replacement CloudFormation only said might happen, and did not: nothing was deleted.
    if (!snapshot && !database.surely) continue;
    const what = database.replaced ? "replaced by a new instance" : "deleted";
    if (snapshot) printer.success(`database ${database.resource} (${database.instance}) ${what}; its final snapshot is ${snapshot} (restore: \`aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${snapshot} ...\`)`);
    else printer.warn(`database ${database.resource} (${database.instance}) ${what}, and no final snapshot of it was found yet: \`${lookup}\``);
    found.push({ resource: database.resource, instance: database.instance, engine: "rds", ...(snapshot ? { snapshot } : {}) });
  }
  return found;
}
