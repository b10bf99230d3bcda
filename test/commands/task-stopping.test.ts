import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { UserError } from "../../src/errors/index.js";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { resolveApp, resolveRack } from "../../src/shared-steps/resolve.js";
import { appTaskOwner, stopOwnedTasks } from "../../src/rack-steps/task-stopping.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, withOptions } from "../support/workflows.js";

/**
 * The tasks that would keep a cluster or an app from going (src/rack-steps/task-stopping.ts),
 * stopped by rack uninstall and apps delete. The in-memory CloudFormation refuses, as ECS
 * does, to delete a cluster while a task is active (ClusterContainsTasksException).
 */
let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const TIMED = `${PUBLIC_WEB}timers:
  cleanup:
    schedule: "0 3 * * ?"
    command: bin/cleanup
    service: worker
`;

function task(id: string, fields: Partial<Task> = {}): Task {
  return { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`, lastStatus: "RUNNING", desiredStatus: "RUNNING", group: "family:other", ...fields };
}

function appIdTag(appId: string): Task["tags"] {
  return [{ key: "racknet:app-id", value: appId }];
}

const stopped = () => h.stubs.ECS?.commandCalls(StopTaskCommand).map((call) => call.args[0].input.task?.split("/").at(-1)) ?? [];

describe("rack uninstall stops what still runs in the rack's cluster", () => {
  it("every active task, waited for until STOPPED, then the stack goes", async () => {
    await installedRack(h, "prod");
    h.privateNetwork.tasks = [task("oneoff1"), task("timer1", { group: "family:prod-gone-timer-cleanup" }), task("done1", { lastStatus: "STOPPED", desiredStatus: "STOPPED" })];
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(stopped()).toEqual(["oneoff1", "timer1"]);
    expect(h.stubs.ECS?.commandCalls(StopTaskCommand)[0]?.args[0].input.reason).toBe("racknet rack uninstall prod");
    expect(result.stderr).toContain("stopping 2 task(s) in cluster");
    expect(result.stderr).toContain("stopped 2 task(s) in cluster");
    expect(h.privateNetwork.tasks.map((one) => one.lastStatus)).toEqual(["STOPPED", "STOPPED", "STOPPED"]);
    const writes = resourceWrites(result);
    expect(writes.indexOf("ECS.StopTask")).toBeLessThan(writes.indexOf("CloudFormation.DeleteStack"));
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });

  it("a cluster with nothing running: no StopTask", async () => {
    await installedRack(h, "prod");
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(stopped()).toEqual([]);
    expect(result.stderr).not.toContain("stopping");
  });

  it("a dry run stops nothing", async () => {
    await installedRack(h, "prod");
    h.privateNetwork.tasks = [task("oneoff1")];
    const result = await withOptions(h, { dryRun: true }, () => h.run(uninstall, { name: "prod" }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(stopped()).toEqual([]);
    expect(h.privateNetwork.tasks[0]?.lastStatus).toBe("RUNNING");
  });

  it("a task that does not stop in time: refused naming it, the stack kept", async () => {
    await installedRack(h, "prod");
    h.options.rack = "prod";
    const rack = await resolveRack(h.context);
    h.privateNetwork.tasks = [task("stuck1")];
    // ECS accepts StopTask but the task stays STOPPING (a container ignoring SIGTERM, an agent gone).
    h.privateNetwork.stopTask = (input) => {
      const found = h.privateNetwork.tasks.find((candidate) => candidate.taskArn === input.task);
      Object.assign(found ?? {}, { desiredStatus: "STOPPED", lastStatus: "DEACTIVATING" });
      return { task: { ...found } };
    };
    const waited = h.clock.sleeps.length;
    const error = (await stopOwnedTasks(h.context, rack, { kind: "rack" }, "test", { pollMs: 3_000, timeoutMs: 10_000 }).catch((caught: unknown) => caught)) as UserError;
    const sleeps = h.clock.sleeps.slice(waited);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("after 0 min, 1 task(s) in cluster");
    expect(error.message).toContain("stuck1 (DEACTIVATING,");
    expect(error.message).toContain("nothing was deleted");
    expect(sleeps).toEqual([1_000, 2_000, 3_000, 3_000]);
    expect(h.cloudFormation.stack("prod")).toBeDefined();
  });
});

describe("rack uninstall and the rack's hosted zones", () => {
  it("racknet's own names in the private-network zone are emptied after the tasks stop, and the stack goes", async () => {
    await installedRack(h, "prod");
    const zone = h.cloudFormation.stack("prod")?.outputs.PrivateNetworkZoneName ?? "";
    h.privateNetwork.records.push({ Name: `1.web.ap-gone.${zone}.`, Type: "A", TTL: 5, ResourceRecords: [{ Value: "10.0.1.5" }] });
    h.privateNetwork.tasks = [task("oneoff1")];
    const result = await withOptions(h, { yes: true }, () => h.run(uninstall, { name: "prod" }));
    expect(result.exitCode, result.stderr).toBe(0);
    const writes = resourceWrites(result);
    expect(writes.indexOf("ECS.StopTask")).toBeLessThan(writes.indexOf("Route53.ChangeResourceRecordSets"));
    expect(writes.indexOf("Route53.ChangeResourceRecordSets")).toBeLessThan(writes.indexOf("CloudFormation.DeleteStack"));
    expect(h.privateNetwork.records).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });

  it("a record written by hand in <rack>.convox refuses before any task is stopped or anything deleted, naming it", async () => {
    await installedRack(h, "prod");
    const rackZone = h.cloudFormation.stack("prod")?.outputs.RackZoneId ?? "";
    h.privateNetwork.otherZones.set(rackZone, [
      { Name: "prod.convox.", Type: "SOA", TTL: 900, ResourceRecords: [{ Value: "ns-1. hostmaster. 1 7200 900 1209600 86400" }] },
      { Name: "prod.convox.", Type: "NS", TTL: 172800, ResourceRecords: [{ Value: "ns-1." }] },
      { Name: "db.prod.convox.", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "db.example.com" }] },
    ]);
    h.privateNetwork.tasks = [task("oneoff1")];
    const result = await withOptions(h, { yes: true }, () => h.run(uninstall, { name: "prod" }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the hosted zones of rack prod hold records racknet did not write, so CloudFormation could not delete them; nothing was stopped or deleted: db.prod.convox. CNAME (zone ${rackZone})`);
    expect(result.stderr).toContain("then run `racknet rack uninstall prod` again");
    expect(resourceWrites(result).filter((write) => !write.startsWith("SSM."))).toEqual([]);
    expect(stopped()).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeDefined();
  });
});

describe("apps delete stops the app's one-off and timer tasks", () => {
  it("the app's tagged and timer tasks; not its services' tasks, not another app's; then the stack, and the rack can go", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", TIMED);
    await deployedApp(h, "prod", "blog", PUBLIC_WEB);
    h.options.rack = "prod";
    const rack = await resolveRack(h.context);
    const shop = await resolveApp(h.context, rack, "shop");
    const blog = await resolveApp(h.context, rack, "blog");
    const owner = await appTaskOwner(h.context, shop);
    if (owner.kind !== "app") throw new Error("an app owner");
    const timerFamily = [...owner.families].find((family) => family.includes("Timer")) ?? "";
    expect(timerFamily, `the app's task definitions: ${[...owner.families].join(", ")}`).not.toBe("");
    h.privateNetwork.tasks = [
      task("run1", { tags: appIdTag(owner.appId) }),
      task("timer1", { taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${timerFamily}:1`, group: `family:${timerFamily}` }),
      task("svc1", { group: "service:prod-shop-web", tags: appIdTag(owner.appId) }),
      task("blog1", { tags: appIdTag(`ap-${blog.id.split("/").at(-1)}`) }),
    ];
    const result = await withOptions(h, { yes: true }, () => h.run(appsDelete, { app: "shop" }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(stopped()).toEqual(["run1", "timer1"]);
    expect(h.stubs.ECS?.commandCalls(StopTaskCommand)[0]?.args[0].input.reason).toBe("racknet apps delete shop");
    const writes = resourceWrites(result);
    expect(writes.indexOf("ECS.StopTask")).toBeLessThan(writes.indexOf("CloudFormation.DeleteStack"));
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
    expect(h.privateNetwork.tasks.filter((one) => one.lastStatus !== "STOPPED").map((one) => one.taskArn?.split("/").at(-1))).toEqual(["svc1", "blog1"]);

    // What is left (a service task ECS would have stopped with its service) does not keep the rack from going.
    expect((await withOptions(h, { yes: true }, () => h.run(appsDelete, { app: "blog" }))).exitCode).toBe(0);
    expect(stopped()).toEqual(["run1", "timer1", "blog1"]);
    const uninstalled = await withOptions(h, { yes: true, rack: undefined }, () => h.run(uninstall, { name: "prod" }));
    expect(uninstalled.exitCode, uninstalled.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });
});
