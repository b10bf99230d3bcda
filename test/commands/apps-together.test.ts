import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CreateChangeSetCommand, ExecuteChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { eachAtMost } from "../../src/rack-steps/apps-together.js";
import { Journal } from "../../src/safety/journal.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { INTERNAL_API, PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

/** A rack change moves its apps side by side, at most RACKNET_APPS_AT_ONCE at a time (issue 27, item 1). */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => {
  delete process.env.RACKNET_APPS_AT_ONCE;
  vi.restoreAllMocks();
  h.restore();
});

const APPS = ["alpha", "bravo", "charlie", "delta"] as const;

async function rackWithApps(apps: readonly string[] = APPS): Promise<void> {
  await installedRack(h, "prod", ["Internal=Yes"]);
  for (const [index, app] of apps.entries()) await deployedApp(h, "prod", app, index % 2 === 0 ? INTERNAL_API : PUBLIC_WEB);
}

function set(...params: string[]) {
  Object.assign(h.options, { rack: "prod", yes: true });
  return h.run(paramsSet, { params });
}

/** CreateChangeSet answered after a short while, counting how many app change sets are asked for at once. */
function countAppChangeSetsAtOnce(): { most: number } {
  const seen = { most: 0 };
  let now = 0;
  h.stubs.CloudFormation?.on(CreateChangeSetCommand).callsFake(async (input: { StackName?: string }) => {
    const app = input.StackName !== "prod";
    if (app) seen.most = Math.max(seen.most, ++now);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (app) now -= 1;
    return h.cloudFormation.createChangeSet(input as Parameters<AwsHarness["cloudFormation"]["createChangeSet"]>[0]);
  });
  return seen;
}

const publicIp = (app: string) => h.cloudFormation.stack(`prod-${app}`)?.parameters.AssignPublicIp;

describe("racknet rack params set: apps move side by side", () => {
  it("Private=Yes with four apps: all four change at once after the rack, each to the private subnets", async () => {
    await rackWithApps();
    const seen = countAppChangeSetsAtOnce();
    const result = await set("Private=Yes");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(seen.most).toBe(4);
    for (const app of APPS) expect(publicIp(app)).toBe("DISABLED");
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });

  it("RACKNET_APPS_AT_ONCE=2: never more than two apps at once, every app still moved", async () => {
    await rackWithApps();
    process.env.RACKNET_APPS_AT_ONCE = "2";
    const seen = countAppChangeSetsAtOnce();
    const result = await set("Private=Yes");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(seen.most).toBe(2);
    for (const app of APPS) expect(publicIp(app)).toBe("DISABLED");
  });

  it("RACKNET_APPS_AT_ONCE that is not 1 to 20: refused before anything is written", async () => {
    await rackWithApps(["alpha"]);
    process.env.RACKNET_APPS_AT_ONCE = "0";
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("RACKNET_APPS_AT_ONCE=0 is not a whole number from 1 to 20; nothing was changed");
    expect(resourceWrites(result)).toEqual([]);
  });

  it("one app fails: the apps beside it finish, no further app starts, the journal names each; running it again moves only the rest", async () => {
    await rackWithApps();
    process.env.RACKNET_APPS_AT_ONCE = "2";
    h.cloudFormation.failNext("prod-alpha", { logicalId: "WebService", reason: "ECS Deployment Circuit Breaker was triggered" });
    // bravo's update starts only once racknet has taken alpha's failure in (the journal marks
    // it failed), so bravo is still under way when alpha fails, whatever the machine's load:
    // the order this test is about, not a race between two polls.
    const settled = vi.spyOn(Journal.prototype, "settle");
    const bravo = h.cloudFormation.stack("prod-bravo")?.id;
    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
      if (input.StackName === bravo || input.StackName === "prod-bravo") {
        while (!settled.mock.calls.some(([, state]) => state === "failed")) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return h.cloudFormation.executeChangeSet(input);
    });
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(3);
    const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
    expect(error).toContain("done: rack prod set to Private=Yes");
    expect(error).toMatch(/failed: app alpha: onto the rack's new facts \(the update of app alpha on rack prod failed/);
    expect(error).toContain("done: app bravo: onto the rack's new facts");
    expect(error).toContain("not started: app charlie");
    expect(error).toContain("not started: app delta");
    expect(publicIp("bravo")).toBe("DISABLED");
    expect(publicIp("charlie")).toBe("ENABLED");
    expect(publicIp("delta")).toBe("ENABLED");

    const executedBefore = h.cloudFormation.operations.length;
    const again = await set("Private=Yes");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("2 of 5 step(s) were done");
    const moved = h.cloudFormation.operations.slice(executedBefore).filter((operation) => operation.operation === "execute").map((operation) => operation.stackName);
    expect(moved.sort()).toEqual(["prod-alpha", "prod-charlie", "prod-delta"]);
    for (const app of APPS) expect(publicIp(app)).toBe("DISABLED");
  });

  it("Ctrl-C mid-way: exit 130, the app whose update runs goes on in AWS, the apps not started stay so; running it again finishes", async () => {
    await rackWithApps();
    process.env.RACKNET_APPS_AT_ONCE = "2";
    const bravo = h.cloudFormation.stack("prod-bravo")?.id;
    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
      const answer = h.cloudFormation.executeChangeSet(input);
      if (input.StackName === bravo) process.emit("SIGINT");
      return answer;
    });
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(130);
    const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
    expect(error).toContain("continues in AWS");
    expect(error).toContain("still running in AWS: app bravo");
    expect(error).toContain("not started: app charlie");
    expect(error).toContain("not started: app delta");
    expect(error).toContain("racknet apps wait bravo -r prod");
    expect(publicIp("charlie")).toBe("ENABLED");
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);

    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => h.cloudFormation.executeChangeSet(input));
    const again = await set("Private=Yes");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("finishing racknet rack params set Private=Yes");
    for (const app of APPS) expect(publicIp(app)).toBe("DISABLED");
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });

  it("Private=No: every app is on the public subnets before the rack's update starts (the NAT gateways go last)", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    for (const app of ["alpha", "bravo", "charlie"]) await deployedApp(h, "prod", app, PUBLIC_WEB);
    Object.assign(h.options, { allowDestroy: true, requireApproval: "never" });
    const result = await set("Private=No");
    expect(result.exitCode, result.stderr).toBe(0);
    const executed = h.cloudFormation.operations.filter((operation) => operation.operation === "execute" && operation.type === "UPDATE").map((operation) => operation.stackName);
    expect(executed.at(-1)).toBe("prod");
    expect(executed.slice(0, 3).sort()).toEqual(["prod-alpha", "prod-bravo", "prod-charlie"]);
  });
});

describe("eachAtMost", () => {
  it("runs at most N at a time, keeps the items' order, and throws the first failure once the others ended", async () => {
    let running = 0;
    let most = 0;
    const ended: number[] = [];
    const work = async (item: number) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (item % 3)));
      running -= 1;
      ended.push(item);
      if (item === 4) throw new Error("four");
      return item * 10;
    };
    await expect(eachAtMost([1, 2, 3], 2, work)).resolves.toEqual([10, 20, 30]);
    expect(most).toBe(2);
    await expect(eachAtMost([1, 2, 3, 4, 5, 6], 3, work)).rejects.toThrow("four");
    expect(running).toBe(0);
  });
});
