import type { StackActivity } from "../aws/stack-events.js";
import type { ResourceProgress as ResourceProgressForEta } from "../plan/eta.js";

/** A resource of the stack under way, as the progress views show it. */
export interface ResourceProgress {
  logicalId: string;
  resourceType: string;
  /** Its latest status, CloudFormation's word (CREATE_IN_PROGRESS, DELETE_COMPLETE, ...). */
  status: string;
  /**
   * When racknet first saw it in progress (local clock, ms: AWS's own timestamps may be
   * skewed); absent when its first event already settled it (its time is not known).
   */
  since?: number;
  /** When racknet saw it settle (complete, failed or skipped). */
  settledAt?: number;
  /** When it settled by its event's own timestamp (AWS's clock, ms). */
  settledStamp?: number;
}

/**
 * What one stack operation has done so far, from its events: which resources are in
 * progress and for how long, how many are done out of how many. The total is the plan's
 * count of resource changes, or the resources seen when CloudFormation reports more (a
 * parameter change the change set did not list). Pure: the caller gives the time.
 */
export class ActivityBoard {
  private readonly resources = new Map<string, ResourceProgress>();
  /**
   * The local clock minus AWS's, as the most promptly read event shows it (its lag is the
   * least): it puts an event's own timestamp on the local clock, so that when a resource
   * settled does not depend on how late racknet read it (polls are seconds apart, later on a
   * busy machine).
   */
  private clockOffset = Number.POSITIVE_INFINITY;

  constructor(
    private readonly planned: number,
    readonly startedAt: number,
  ) {}

  /** Record a stack event; returns the resource it is about (undefined for the stack's own events). */
  record(activity: StackActivity, now: number): ResourceProgress | undefined {
    if (activity.timestamp.getTime() > 0) this.clockOffset = Math.min(this.clockOffset, now - activity.timestamp.getTime());
    if (activity.isStack) return undefined;
    const known = this.resources.get(activity.logicalId);
    const settled = isSettled(activity.status);
    // Still running since it was first seen; or starting again (a rollback deletes what it created).
    const since = known && !isSettled(known.status) ? known.since : settled ? undefined : now;
    const state: ResourceProgress = {
      logicalId: activity.logicalId,
      resourceType: activity.resourceType,
      status: activity.status,
      ...(since !== undefined ? { since } : {}),
      ...(settled ? { settledAt: now, settledStamp: activity.timestamp.getTime() } : {}),
    };
    this.resources.set(activity.logicalId, state);
    return state;
  }

  get done(): number {
    return [...this.resources.values()].filter((resource) => isSettled(resource.status)).length;
  }

  get failed(): number {
    return [...this.resources.values()].filter((resource) => resource.status.endsWith("_FAILED")).length;
  }

  get total(): number {
    return Math.max(this.planned, this.resources.size);
  }

  /** Where each resource seen is, for the ETA (src/plan/eta.ts). */
  progress(now: number): Map<string, ResourceProgressForEta> {
    return new Map(
      [...this.resources.values()].map((resource) => {
        const settled = isSettled(resource.status);
        const took = resource.since !== undefined && resource.settledAt !== undefined ? { tookMs: resource.settledAt - resource.since } : {};
        const running = resource.since !== undefined && !settled ? { runningMs: now - resource.since } : {};
        const when = settled ? { settledMs: this.settledMs(resource, now) } : {};
        return [resource.logicalId, { logicalId: resource.logicalId, settled, ...took, ...running, ...when }];
      }),
    );
  }

  /** When a resource settled, ms after this board started: by its event's timestamp, else when it was read. */
  private settledMs(resource: ResourceProgress, now: number): number {
    const read = (resource.settledAt ?? now) - this.startedAt;
    if (resource.settledStamp === undefined || !Number.isFinite(this.clockOffset)) return read;
    return Math.min(read, Math.max(0, resource.settledStamp + this.clockOffset - this.startedAt));
  }

  /** Resources still in progress, the longest-running first (a NAT gateway stays at the top). */
  inProgress(): Array<ResourceProgress & { since: number }> {
    return [...this.resources.values()]
      .filter((resource): resource is ResourceProgress & { since: number } => !isSettled(resource.status) && resource.since !== undefined)
      .sort((a, b) => a.since - b.since);
  }
}

export function isSettled(status: string): boolean {
  return status.endsWith("_COMPLETE") || status.endsWith("_FAILED") || status.endsWith("_SKIPPED");
}

/** `42s`, `4m10s`, `1h02m`: a wait as a person reads it. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** `12/44 done` when the total is known, `12 done` otherwise. */
export function doneOf(board: ActivityBoard): string {
  return board.total > 0 ? `${board.done}/${board.total} done` : `${board.done} done`;
}
