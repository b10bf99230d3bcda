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
  /** Waits between attempts (tests pass a recorder); defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter of each wait; defaults to Math.random. */
  random?: () => number;
}

/** Waits before plan N+1: 200 ms, 400 ms, 800 ms … up to 3.2 s, each jittered to half to all of it. */
export const CONFLICT_BACKOFF_MS = { base: 200, cap: 3_200 } as const;

export function conflictDelay(attempt: number, random: () => number): number {
  const full = Math.min(CONFLICT_BACKOFF_MS.cap, CONFLICT_BACKOFF_MS.base * 2 ** (attempt - 1));
  return Math.round(full * (0.5 + random() / 2));
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
 * we wait (exponential backoff with jitter, so racing runs do not collide again and Route 53's
 * five requests a second per account are not spent on retries) and read and plan again,
 * rather than overwrite a newer state.
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
      await (options.sleep ?? timer)(conflictDelay(attempt, options.random ?? Math.random));
    }
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof Error && error.name === "InvalidChangeBatch";
}
