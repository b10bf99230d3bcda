import { describe, expect, it } from "vitest";
import { RacknetRetryStrategy } from "../../src/aws/retry.js";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 };

describe("retry strategy", () => {
  it("retries throttling, 5xx and dropped connections with growing, capped delays", async () => {
    const strategy = new RacknetRetryStrategy(policy);
    let token = await strategy.acquireInitialRetryToken();
    const delays: number[] = [];
    for (const errorType of ["THROTTLING", "SERVER_ERROR", "TRANSIENT"] as const) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType, error: Object.assign(new Error("x"), { $metadata: {} }) } as never);
      delays.push(token.getRetryDelay());
    }
    expect(delays).toEqual([199, 399, 799]);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING", error: new Error("throttled") } as never)).rejects.toThrow("throttled");
  });

  it("does not retry client errors", async () => {
    const strategy = new RacknetRetryStrategy(policy);
    const token = await strategy.acquireInitialRetryToken();
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR", error: new Error("ValidationError") } as never)).rejects.toThrow("ValidationError");
  });

  it("never runs out because other calls retried (no shared quota)", async () => {
    const strategy = new RacknetRetryStrategy(policy);
    for (let call = 0; call < 500; call += 1) {
      const token = await strategy.acquireInitialRetryToken();
      const retried = await strategy.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR" } as never);
      expect(retried.getRetryCount()).toBe(1);
    }
  });
});
