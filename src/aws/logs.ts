/**
 * Container logs from CloudWatch Logs: FilterLogEvents over the log streams that share a
 * prefix, page by page, and a follow mode that polls until its signal aborts.
 *
 * FilterLogEvents pages hold up to 1 MB or 10,000 events, may be empty while a nextToken
 * says more follow, and list events by timestamp (AWS CLI reference, filter-log-events).
 */
import type { CloudWatchLogsClient, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { sdk } from "./sdk.js";

export interface LogEvent {
  id: string;
  /** Milliseconds since the epoch, as the container wrote it. */
  timestamp: number;
  stream: string;
  message: string;
}

export interface LogQuery {
  group: string;
  /** Only streams whose names start with this (`<app>/` or `<app>/<service>/`). */
  streamPrefix: string;
  /** Milliseconds since the epoch: nothing older is read. */
  since: number;
}

export interface TailOptions {
  follow: boolean;
  /** Each batch of new events, oldest first. */
  emit: (events: LogEvent[]) => void;
  /** Ends a follow between polls. */
  signal?: AbortSignal;
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The log group does not exist (ResourceNotFoundException): the rack's outputs name one that is gone. */
export class LogGroupNotFound extends Error {
  constructor(readonly group: string) {
    super(`log group ${group} does not exist`);
    this.name = "LogGroupNotFound";
  }
}

/** How often --follow asks again. */
export const FOLLOW_POLL_MS = 2_000;
/**
 * Each poll reads again from this long before the newest event seen: the awslogs driver
 * sends events in batches, so an event may arrive after a newer one was already read.
 * Events already shown are recognised by their id and not shown twice.
 */
export const LATE_ARRIVAL_MS = 10_000;

export async function tailLogs(logs: CloudWatchLogsClient, query: LogQuery, options: TailOptions): Promise<void> {
  const sleep = options.sleep ?? abortableSleep;
  const seen = new Map<string, number>();
  let from = query.since;
  for (;;) {
    let newest = from;
    for await (const page of eventPages(logs, { ...query, since: from })) {
      const fresh = page.filter((event) => !seen.has(event.id)).sort((a, b) => a.timestamp - b.timestamp);
      for (const event of fresh) {
        seen.set(event.id, event.timestamp);
        newest = Math.max(newest, event.timestamp);
      }
      if (fresh.length > 0) options.emit(fresh);
      if (options.signal?.aborted) return;
    }
    if (!options.follow || options.signal?.aborted) return;
    from = Math.max(query.since, newest - LATE_ARRIVAL_MS);
    for (const [id, timestamp] of seen) if (timestamp < from) seen.delete(id);
    await sleep(options.pollMs ?? FOLLOW_POLL_MS, options.signal);
    if (options.signal?.aborted) return;
  }
}

async function* eventPages(logs: CloudWatchLogsClient, query: LogQuery): AsyncGenerator<LogEvent[]> {
  const { FilterLogEventsCommand } = sdk.cloudWatchLogs();
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await logs.send(new FilterLogEventsCommand({ logGroupName: query.group, logStreamNamePrefix: query.streamPrefix, startTime: query.since, nextToken }));
    } catch (error) {
      if (error instanceof Error && error.name === "ResourceNotFoundException") throw new LogGroupNotFound(query.group);
      throw error;
    }
    // The prefix is checked here too (stock moto 5.2 ignores logStreamNamePrefix): another
    // app's lines must never be shown as this app's, whatever the server does.
    yield (page.events ?? []).flatMap(toLogEvent).filter((event) => event.stream.startsWith(query.streamPrefix));
    nextToken = page.nextToken;
  } while (nextToken);
}

function toLogEvent(event: FilteredLogEvent): LogEvent[] {
  if (event.timestamp === undefined || !event.logStreamName) return [];
  return [{ id: event.eventId ?? `${event.logStreamName}@${event.timestamp}@${event.message}`, timestamp: event.timestamp, stream: event.logStreamName, message: event.message ?? "" }];
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
