import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Task } from "@aws-sdk/client-ecs";
import { UserError } from "../../src/errors/index.js";
import { resolveRack } from "../../src/shared-steps/resolve.js";
import { stopOwnedTasks } from "../../src/rack-steps/task-stopping.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";

/**
 * A workflow's waits read the Context's clock (issue 19 item 5): with a test's clock, the five
 * minutes racknet gives a task to stop pass without real time, and the deadline is the clock's.
 * A wait that slept on the real clock would hold this test for minutes (its timeout fails it).
 */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function stuck(id: string): Task {
  return { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`, lastStatus: "RUNNING", desiredStatus: "RUNNING", group: "family:other" };
}

describe("the Context's clock drives a workflow's wait", () => {
  it("a task that never stops: refused after five minutes of the clock's time, in no real time", { timeout: 20_000 }, async () => {
    await installedRack(h, "prod");
    h.options.rack = "prod";
    const rack = await resolveRack(h.context);
    h.privateNetwork.tasks = [stuck("stuck1")];
    // ECS accepts StopTask but the task stays DEACTIVATING (a container ignoring SIGTERM).
    h.privateNetwork.stopTask = (input) => {
      const found = h.privateNetwork.tasks.find((candidate) => candidate.taskArn === input.task);
      Object.assign(found ?? {}, { desiredStatus: "STOPPED", lastStatus: "DEACTIVATING" });
      return { task: { ...found } };
    };
    const started = { clock: h.clock.now(), real: Date.now(), waits: h.clock.sleeps.length };
    const error = (await stopOwnedTasks(h.context, rack, { kind: "rack" }, "test").catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("after 5 min, 1 task(s) in cluster");
    const waits = h.clock.sleeps.slice(started.waits);
    // 1 s, 2 s, then every 3 s (DEFAULT_STOP_PACING) until the next wait would pass five minutes.
    expect(waits.slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(5 * 60_000);
    expect(h.clock.now() - started.clock).toBeGreaterThan(5 * 60_000 - 3_000);
    expect(Date.now() - started.real).toBeLessThan(15_000);
  });
});
