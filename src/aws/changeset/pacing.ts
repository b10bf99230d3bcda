/**
 * How often the engine asks CloudFormation, and how it waits. Never the SDK waiters:
 * their 30 s minimum delay makes a 10 s change set feel like a minute.
 */

/** Wait `ms`, or reject with the signal's reason as soon as it aborts (Ctrl-C). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The time an engine run reads: the workflow's clock, handed over through its port. */
export interface EngineClock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep: Sleep;
}

export interface Interval {
  firstMs: number;
  maxMs: number;
  /** Each wait is the previous one times this, up to maxMs. */
  growth: number;
}

export interface Pacing {
  sleep: Sleep;
  /** DescribeChangeSet: a change set is ready within seconds, and the user is waiting for its plan. */
  changeSet: Interval;
  /** DescribeStacks while the stack changes (a cheap call: it notices the end within a second). */
  events: Interval;
  /** DescribeStackEvents once every this many stack polls (and once more at the end): events are for the eye, not the finish line. */
  eventsEvery: number;
  /** After a throttled call: wait at least this long, doubling while it lasts. */
  throttledMs: number;
}

export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * The cadence (docs/change-sets.md, "Cadence and its cost"): a change set is polled every
 * half second, easing to one second, so its plan shows within about half a second of being
 * ready; a running stack is polled every 0.8 s for its status (one call), its events read
 * every third poll, so the end is noticed within a second, half a second on average, for
 * about 1.5 calls a second; a long operation eases to a status poll every 3 s over its first
 * minutes.
 */
export const defaultPacing: Pacing = {
  sleep: abortableSleep,
  changeSet: { firstMs: 500, maxMs: 1000, growth: 1.15 },
  events: { firstMs: 800, maxMs: 3000, growth: 1.01 },
  eventsEvery: 3,
  throttledMs: 2000,
};

/** The waits of one polling loop: growing to the cap, longer while AWS throttles us. */
export class Backoff {
  private nextMs: number;
  private throttledStreak = 0;

  constructor(
    private readonly interval: Interval,
    private readonly throttledMs: number,
  ) {
    this.nextMs = interval.firstMs;
  }

  /** The wait after a normal poll. */
  next(): number {
    const wait = this.nextMs;
    this.throttledStreak = 0;
    this.nextMs = Math.min(this.interval.maxMs, Math.round(this.nextMs * this.interval.growth));
    return wait;
  }

  /** The wait after a throttled poll: doubles while throttling lasts, capped at a minute. */
  throttled(): number {
    const wait = Math.min(60_000, Math.max(this.nextMs, this.throttledMs) * 2 ** this.throttledStreak);
    this.throttledStreak += 1;
    return wait;
  }
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
]);

/** Throttling and transient 5xx that survived the SDK's own retries: a poll may try again. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || status === 429 || status === 503;
}
