/**
 * Emptying the private-network zone before the rack stack is deleted: Route 53 deletes a
 * hosted zone only when it holds nothing but its SOA and NS records (DeleteHostedZone:
 * HostedZoneNotEmpty), and the sync function, which removes the names of stopped
 * containers, is deleted with the stack, so names it had no event for would stop uninstall.
 * The zone is racknet's: every plain A and TXT record in it goes. What racknet never writes
 * (alias or routing-policy records, other types) is returned, for uninstall to name it.
 */
import { route53Change, zoneRecord, type Route53RecordSetShape } from "./aws-shapes.js";
import { batchChanges, type RecordChange } from "./changes.js";
import type { PrivateNetworkIo } from "./sync.js";

export interface ZoneEmptyingPlan {
  /** DELETE changes, cut into ChangeResourceRecordSets requests within Route 53's limits. */
  batches: RecordChange[][];
  /** `name TYPE` of each record racknet cannot delete as a plain record. */
  foreign: string[];
}

const isApex = (name: string, zoneName: string) => name.replace(/\.$/, "") === zoneName.replace(/\.$/, "");

/** The zone's own SOA or NS record at its apex: what Route 53 lets a zone keep when it is deleted. */
export function isZoneApexRecord(set: Pick<Route53RecordSetShape, "Name" | "Type">, zoneName: string): boolean {
  return isApex(set.Name ?? "", zoneName) && (set.Type === "SOA" || set.Type === "NS");
}

export function planZoneEmptying(zoneName: string, records: readonly Route53RecordSetShape[]): ZoneEmptyingPlan {
  const deletions: RecordChange[] = [];
  const foreign: string[] = [];
  for (const set of records) {
    if (isZoneApexRecord(set, zoneName)) continue;
    const record = zoneRecord(set);
    if (record && (record.type === "A" || record.type === "TXT")) deletions.push({ action: "DELETE", record });
    else foreign.push(`${set.Name ?? "?"} ${set.Type ?? "?"}`);
  }
  return { batches: batchChanges(deletions), foreign };
}

/**
 * Reads the zone and deletes its records, again while another writer (a last sync run) made
 * a batch stale (InvalidChangeBatch). Returns the records deleted and those left.
 */
export async function emptyPrivateNetworkZone(io: Pick<PrivateNetworkIo, "readRecords" | "change">, zoneName: string, attempts = 3): Promise<{ deleted: number; foreign: string[] }> {
  let deleted = 0;
  for (let attempt = 1; ; attempt += 1) {
    const plan = planZoneEmptying(zoneName, await io.readRecords());
    try {
      for (const batch of plan.batches) {
        await io.change(batch.map(route53Change));
        deleted += batch.length;
      }
      return { deleted, foreign: plan.foreign };
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error && error.name === "InvalidChangeBatch")) throw error;
    }
  }
}
