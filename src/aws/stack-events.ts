import type { CloudFormationClient, StackEvent } from "@aws-sdk/client-cloudformation";
import { sdk } from "./sdk.js";

/** One stack event, as racknet prints and diagnoses it. */
export interface StackActivity {
  id: string;
  timestamp: Date;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  /** True for the stack's own events (its status), false for its resources'. */
  isStack: boolean;
}

export interface PollerOptions {
  /** The stack's id (events of a deleted stack are only found by id). */
  stackId: string;
  /** Ignore events older than this (the change set's creation time). */
  since?: Date;
}

/**
 * Reads a stack's new events. DescribeStackEvents pages newest first; each poll pages
 * back until it meets an event it has already returned (or one older than `since`),
 * and returns what is new oldest first. It does not print and does not wait: the
 * engine decides when to poll and the deploy printer renders what comes back.
 */
export class StackEventPoller {
  private readonly seen = new Set<string>();
  /** The events `prime` marked: the stack's earlier operations, never part of this one's history. */
  private readonly primed = new Set<string>();
  private since?: Date;
  /** The events before `since` on the first page read: the stack's last operation, for the ETA. */
  private older?: StackActivity[];

  constructor(
    private readonly cfn: CloudFormationClient,
    private readonly options: PollerOptions,
  ) {
    this.since = options.since;
  }

  /** Mark every event already there as seen: for operations with no change set to date them (delete). */
  async prime(signal?: AbortSignal): Promise<void> {
    const events = await this.poll(signal);
    for (const event of events) this.primed.add(event.id);
    const newest = events.at(-1);
    if (newest) this.since = newest.timestamp;
  }

  /** The earlier operation's events the first read came across (once; then empty). */
  takeHistory(): StackActivity[] {
    const older = this.older ?? [];
    this.older = [];
    return older;
  }

  async poll(signal?: AbortSignal): Promise<StackActivity[]> {
    const fresh: StackActivity[] = [];
    pages: for await (const events of stackEventPages(this.cfn, this.options.stackId, signal)) {
      for (const [index, activity] of events.entries()) {
        if (this.seen.has(activity.id)) break pages;
        if (this.since && activity.timestamp.getTime() < this.since.getTime()) {
          // Read anyway: what came before this operation, kept once for whoever asks.
          this.older ??= events.slice(index);
          break pages;
        }
        fresh.push(activity);
      }
    }
    for (const activity of fresh) this.seen.add(activity.id);
    return operationEvents(fresh);
  }

  /**
   * The operation's whole history read afresh, oldest first: every event from `since` but those
   * `prime` marked. `poll` stops at the first event it has returned, so an event CloudFormation
   * lists behind one already read (recorded late, with an earlier time) is one it never returns.
   */
  async history(signal?: AbortSignal): Promise<StackActivity[]> {
    const read: StackActivity[] = [];
    pages: for await (const events of stackEventPages(this.cfn, this.options.stackId, signal)) {
      for (const activity of events) {
        if (this.since && activity.timestamp.getTime() < this.since.getTime()) break pages;
        if (!this.primed.has(activity.id)) read.push(activity);
      }
    }
    return operationEvents(read);
  }
}

/**
 * The stack's events page by page, newest first, each page asked for only when the one before
 * has been used: a reader that breaks out of the loop stops the paging.
 */
async function* stackEventPages(cfn: CloudFormationClient, stackId: string, signal?: AbortSignal): AsyncGenerator<StackActivity[]> {
  const { DescribeStackEventsCommand } = sdk.cloudFormation();
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }), { abortSignal: signal });
    yield (page.StackEvents ?? []).map(toActivity);
    nextToken = page.NextToken;
  } while (nextToken);
}

/** Newest first in, oldest first out; REVIEW_IN_PROGRESS is the CREATE change set's mark on a new stack, not part of the operation. */
function operationEvents(newestFirst: StackActivity[]): StackActivity[] {
  return newestFirst.reverse().filter((activity) => activity.status !== "REVIEW_IN_PROGRESS");
}

export function toActivity(event: StackEvent): StackActivity {
  const isStack = event.ResourceType === "AWS::CloudFormation::Stack" && (event.PhysicalResourceId === event.StackId || event.LogicalResourceId === event.StackName);
  return {
    id: event.EventId ?? `${event.LogicalResourceId}-${event.Timestamp?.toISOString()}-${event.ResourceStatus}`,
    timestamp: event.Timestamp ?? new Date(0),
    logicalId: event.LogicalResourceId ?? "",
    physicalId: event.PhysicalResourceId,
    resourceType: event.ResourceType ?? "",
    status: event.ResourceStatus ?? "",
    reason: event.ResourceStatusReason,
    isStack,
  };
}

/** The stack's own statuses that begin an operation (a rollback continues one). */
const OPERATION_STARTS = new Set(["CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS"]);

/**
 * When the stack's current operation began: its newest stack event that starts one, found
 * paging back from the newest (at most `maxPages` pages of 100); undefined if none is found.
 */
export async function operationStart(cfn: CloudFormationClient, stackId: string, signal?: AbortSignal, maxPages = 10): Promise<Date | undefined> {
  let read = 0;
  for await (const events of stackEventPages(cfn, stackId, signal)) {
    const start = events.find((activity) => activity.isStack && OPERATION_STARTS.has(activity.status));
    if (start) return start.timestamp;
    read += 1;
    if (read >= maxPages) return undefined;
  }
  return undefined;
}
