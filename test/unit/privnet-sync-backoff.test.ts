/**
 * Issue 9, item 14. Route 53 allows five API requests per second per account and rejects a
 * change batch whose DELETE no longer matches (InvalidChangeBatch). A run that lost a race
 * waits, longer each time and jittered, before it reads and plans again.
 */
import { describe, expect, it } from "vitest";
import { conflictDelay, syncPrivateNetwork, type PrivateNetworkIo } from "../../src/privnet/sync.js";

const zoneName = "pn-1b2c3d4e-0000-4000-8000-00000000abcd.private-network.internal";
const task = {
  taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/1111",
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  startedAt: new Date(1_700_000_000_000),
  tags: [{ key: "racknet:app-id", value: "ap-9f8e7d6c-1111-4111-8111-0000000000ef" }, { key: "racknet:service", value: "web" }],
  attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "privateIPv4Address", value: "10.0.1.5" }] }],
};

function conflict(): Error {
  const error = new Error("Tried to delete resource record set but it was not found");
  error.name = "InvalidChangeBatch";
  return error;
}

function io(conflicts: number): PrivateNetworkIo & { requests: number } {
  let left = conflicts;
  const fake = {
    requests: 0,
    readTasks: async () => [task],
    readRecords: async () => {
      fake.requests += 1;
      return [];
    },
    change: async () => {
      fake.requests += 1;
      if (left > 0) {
        left -= 1;
        throw conflict();
      }
    },
  };
  return fake;
}

describe("the sync's Route 53 writes back off (5 requests a second per account; InvalidChangeBatch on a lost race)", () => {
  it("waits 200 ms, 400 ms, … (jittered to half to all of it, capped at 3.2 s) before each new plan", async () => {
    const waits: number[] = [];
    const result = await syncPrivateNetwork(io(3), { zoneName, attempts: 5, sleep: async (ms) => void waits.push(ms), random: () => 0.999 });
    expect(result.attempts).toBe(4);
    expect(waits).toEqual([200, 400, 800]);
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => conflictDelay(attempt, () => 0))).toEqual([100, 200, 400, 800, 1600, 1600, 1600]);
  });

  it("gives up after its attempts, with the conflict, without waiting after the last one", async () => {
    const waits: number[] = [];
    await expect(syncPrivateNetwork(io(9), { zoneName, attempts: 3, sleep: async (ms) => void waits.push(ms), random: () => 0 })).rejects.toMatchObject({ name: "InvalidChangeBatch" });
    expect(waits).toEqual([100, 200]);
  });
});
