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

describe("nothing listening at the endpoint", () => {
  it("is tried three times, not ten, so the user hears about it at once", async () => {
    const strategy = new RacknetRetryStrategy({ ...policy, maxAttempts: 10 });
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    let token = await strategy.acquireInitialRetryToken();
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error: refused } as never);
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error: refused } as never);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error: refused } as never)).rejects.toThrow("ECONNREFUSED");
  });

  it("a dropped connection still gets the full budget", async () => {
    const strategy = new RacknetRetryStrategy({ ...policy, maxAttempts: 10 });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    let token = await strategy.acquireInitialRetryToken();
    for (let attempt = 1; attempt < 10; attempt += 1) token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error: reset } as never);
    expect(token.getRetryCount()).toBe(9);
  });
});
