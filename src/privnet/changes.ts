/**
 * Record changes, and how they are cut into ChangeResourceRecordSets requests. Pure.
 *
 * Route 53 (Developer Guide, "Quotas", maximums on ChangeResourceRecordSets requests):
 * at most 1,000 ResourceRecord elements and 32,000 characters in all Value elements per
 * request; an UPSERT counts each record and each character twice.
 */

export interface ZoneRecord {
  /** Fully qualified, with the trailing dot. */
  name: string;
  type: string;
  ttl?: number;
  values: string[];
}

export type ChangeAction = "CREATE" | "DELETE" | "UPSERT";

export interface RecordChange {
  action: ChangeAction;
  record: ZoneRecord;
}

export const MAX_RECORDS_PER_REQUEST = 1000;
export const MAX_VALUE_CHARACTERS_PER_REQUEST = 32_000;

export function changeCost(change: RecordChange): { records: number; characters: number } {
  const weight = change.action === "UPSERT" ? 2 : 1;
  const characters = change.record.values.reduce((sum, value) => sum + value.length, 0);
  return { records: weight * change.record.values.length, characters: weight * characters };
}

/**
 * Every change of one name stays in one request (a DELETE and the CREATE that replaces it,
 * an index's A and TXT records), so Route 53 applies them together or not at all.
 */
export function batchChanges(changes: readonly RecordChange[]): RecordChange[][] {
  const groups = new Map<string, RecordChange[]>();
  for (const change of changes) groups.set(change.record.name, [...(groups.get(change.record.name) ?? []), change]);

  const batches: RecordChange[][] = [];
  let batch: RecordChange[] = [];
  let records = 0;
  let characters = 0;
  for (const group of groups.values()) {
    const cost = group.map(changeCost).reduce((sum, one) => ({ records: sum.records + one.records, characters: sum.characters + one.characters }));
    if (batch.length > 0 && (records + cost.records > MAX_RECORDS_PER_REQUEST || characters + cost.characters > MAX_VALUE_CHARACTERS_PER_REQUEST)) {
      batches.push(batch);
      batch = [];
      records = 0;
      characters = 0;
    }
    batch.push(...group);
    records += cost.records;
    characters += cost.characters;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
