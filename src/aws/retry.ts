import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/**
 * Retries throttling, 5xx and dropped connections with capped exponential backoff and
 * full jitter, without the SDK's shared retry quota: a long command through a bad
 * minute of throttling must not run out of retries because earlier calls used them.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Nothing listening (a wrong AWS_ENDPOINT_URL, an emulator not started) is not a passing
 * fault: try a few times, not ten, so the user hears about it in about a second.
 */
const REFUSED_MAX_ATTEMPTS = 3;

/** An endpoint that took the connection and never answered: once more, then tell the user. */
const TIMEOUT_MAX_ATTEMPTS = 2;

const RETRYABLE = new Set<RetryErrorInfo["errorType"]>(["THROTTLING", "TRANSIENT", "SERVER_ERROR"]);

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

export class RacknetRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const attempt = token.getRetryCount() + 1;
    const budget = Math.min(this.policy.maxAttempts, isConnectionRefused(errorInfo.error) ? REFUSED_MAX_ATTEMPTS : isTimeout(errorInfo.error) ? TIMEOUT_MAX_ATTEMPTS : Infinity);
    if (!RETRYABLE.has(errorInfo.errorType) || attempt >= budget) {
      throw errorInfo.error ?? new Error(`AWS request failed (${errorInfo.errorType})`);
    }
    return new Token(attempt, this.delayFor(attempt, errorInfo));
  }

  recordSuccess(): void {}

  /** Full jitter over base × 2^attempt, capped; a server's Retry-After hint wins when later. */
  delayFor(attempt: number, errorInfo: RetryErrorInfo): number {
    const random = this.policy.random ?? Math.random;
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
    const jittered = Math.floor(random() * ceiling);
    const hint = errorInfo.retryAfterHint ? errorInfo.retryAfterHint.getTime() - Date.now() : 0;
    return Math.max(jittered, Math.min(hint, this.policy.maxDelayMs));
  }
}

function isConnectionRefused(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ECONNREFUSED";
}

/** The request handler's connection or response deadline passed. */
export function isTimeout(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === "TimeoutError" || code === "ETIMEDOUT" || code === "ECONNRESET_TIMEOUT";
}
