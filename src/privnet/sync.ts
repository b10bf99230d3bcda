/**
 * One reconcile of the private network zone: read the tasks and the records, plan, apply in
 * batches. The reads and writes are passed in (the CLI brings its clients, the in-rack
 * function the runtime's SDK), so both run exactly this sequence. No SDK import here.
 */
import { privateNetworkTask, route53Change, zoneRecord, type EcsTaskShape, type Route53ChangeShape, type Route53RecordSetShape } from "./aws-shapes.js";
import { planPrivateNetworkRecords, type PrivateNetworkPlan, type PrivateNetworkTask } from "./records.js";
import type { ZoneRecord } from "./changes.js";

export interface PrivateNetworkIo {
  /** Every task of the cluster whose desired status is RUNNING, described with their tags. */
  readTasks(): Promise<EcsTaskShape[]>;
  /** Every record set of the zone. */
  readRecords(): Promise<Route53RecordSetShape[]>;
  /** One ChangeResourceRecordSets request. */
  change(changes: Route53ChangeShape[]): Promise<void>;
}

export interface SyncOptions {
  zoneName: string;
  appIds?: readonly string[];
  /** Plans tried when a batch is refused because someone else changed the zone meanwhile. */
  attempts?: number;
}

export interface SyncResult {
  plan: PrivateNetworkPlan;
  /** Changes sent to Route 53 across every attempt. */
  applied: number;
  attempts: number;
}

export interface PrivateNetworkState {
  tasks: PrivateNetworkTask[];
  records: ZoneRecord[];
}

export async function readPrivateNetworkState(io: PrivateNetworkIo): Promise<PrivateNetworkState> {
  const [tasks, records] = await Promise.all([io.readTasks(), io.readRecords()]);
  return {
    tasks: tasks.map(privateNetworkTask).filter((task): task is PrivateNetworkTask => task !== undefined),
    records: records.map(zoneRecord).filter((record): record is ZoneRecord => record !== undefined),
  };
}

/**
 * Changes replace records by DELETE of their exact old values, so a batch fails as a whole
 * (InvalidChangeBatch) when another run changed one of its records since we read it; then
 * we read again and plan again, rather than overwrite a newer state.
 */
export async function syncPrivateNetwork(io: PrivateNetworkIo, options: SyncOptions): Promise<SyncResult> {
  const attempts = options.attempts ?? 3;
  let applied = 0;
  for (let attempt = 1; ; attempt += 1) {
    const state = await readPrivateNetworkState(io);
    const plan = planPrivateNetworkRecords({ zoneName: options.zoneName, ...state, appIds: options.appIds });
    try {
      for (const batch of plan.batches) {
        await io.change(batch.map(route53Change));
        applied += batch.length;
      }
      return { plan, applied, attempts: attempt };
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
    }
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof Error && error.name === "InvalidChangeBatch";
}
