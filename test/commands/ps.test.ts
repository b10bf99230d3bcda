import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from "@aws-sdk/client-route-53";
import { beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/index.js";
import { run as workflow, type PsRow } from "../../src/operations/ps.js";
import { APP_UUID, ZONE_NAME, dayContext, ecsTask, stacks } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const run = printing(workflow);

const ecs = mockClient(ECSClient);
const route53 = mockClient(Route53Client);
const ap = `ap-${APP_UUID}`;
let tasks: Task[];
let zone: ResourceRecordSet[];

function marker(index: number, service: string, taskId: string, ip: string): ResourceRecordSet[] {
  const name = `${index}.${service}.${ap}.${ZONE_NAME}.`;
  return [
    { Name: name, Type: "A", TTL: 5, ResourceRecords: [{ Value: ip }] },
    { Name: name, Type: "TXT", TTL: 5, ResourceRecords: [{ Value: `"task=${taskId}"` }] },
  ];
}

beforeEach(() => {
  stacks();
  ecs.reset();
  route53.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  route53.onAnyCommand().rejects(new Error("unmocked Route 53 call"));
  tasks = [];
  zone = [];
  ecs.on(ListTasksCommand).callsFake(() => ({ taskArns: tasks.map((task) => task.taskArn) }));
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({ tasks: tasks.filter((task) => input.tasks.includes(task.taskArn ?? "")) }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const [family = "", revision] = (input.taskDefinition.split("/").at(-1) ?? "").split(":");
    const service = family.replace("prod-shop-", "");
    return { taskDefinition: { family, revision: Number(revision), containerDefinitions: [{ name: service, image: `example/${service}:${revision}` }] } };
  });
  route53.on(ListResourceRecordSetsCommand).callsFake(() => ({ ResourceRecordSets: zone, IsTruncated: false }));
});

describe("racknet ps", () => {
  it("lists the app's tasks with status, release, image, start, private IP and the private network name that task holds", async () => {
    tasks = [
      ecsTask("web", "aaaa1111", "10.0.1.1", { startedAt: new Date("2025-03-01T10:01:00Z") }),
      ecsTask("web", "bbbb2222", "10.0.1.2", { startedAt: new Date("2025-03-01T10:02:00Z"), revision: 4 }),
      ecsTask("worker", "cccc3333", "10.0.2.1"),
      ecsTask("web", "other999", "10.0.9.9", { appUuid: "0a0b0c0d-2222-4222-8222-000000000123" }),
    ];
    // The zone says web's index 1 is bbbb2222 (it kept its number when aaaa1111 started later).
    zone = marker(1, "web", "bbbb2222", "10.0.1.2");
    const day = dayContext({ json: true });
    await run(day.context);
    const rows = JSON.parse(day.stdout()) as PsRow[];
    expect(rows).toEqual([
      {
        service: "web",
        task: "aaaa1111",
        status: "RUNNING",
        release: "prod-shop-web:3",
        image: "example/web:3",
        started: "2025-03-01T10:01:00.000Z",
        privateIp: "10.0.1.1",
        privateName: `2.web.${ap}.${ZONE_NAME}.`,
      },
      {
        service: "web",
        task: "bbbb2222",
        status: "RUNNING",
        release: "prod-shop-web:4",
        image: "example/web:4",
        started: "2025-03-01T10:02:00.000Z",
        privateIp: "10.0.1.2",
        privateName: `1.web.${ap}.${ZONE_NAME}.`,
      },
      expect.objectContaining({ service: "worker", task: "cccc3333", privateName: `1.worker.${ap}.${ZONE_NAME}.` }),
    ]);
    // Read-only: ps never writes the zone.
    expect(route53).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
    // One DescribeTaskDefinition per release, not per task.
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(3);
  });

  it("a task still starting has no private IP yet, so no name; the table says so with empty cells", async () => {
    tasks = [ecsTask("web", "aaaa1111", "10.0.1.1"), { ...ecsTask("web", "pend0001", ""), lastStatus: "PROVISIONING", attachments: [] }];
    const day = dayContext();
    await run(day.context);
    const lines = day.stdout().trim().split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+ID\s+STATUS\s+RELEASE\s+IMAGE\s+STARTED\s+PRIVATE IP\s+PRIVATE NAME$/);
    expect(lines.find((line) => line.includes("aaaa1111"))).toContain(`1.web.${ap}.${ZONE_NAME}.`);
    expect(lines.find((line) => line.includes("pend0001"))).toMatch(/pend0001\s+PROVISIONING\s+prod-shop-web:3\s+example\/web:3\s+2025-03-01T10:05:00.000Z$/);
  });

  it("no running tasks: says so, and --json prints []", async () => {
    const day = dayContext();
    await run(day.context);
    expect(day.stdout()).toBe("");
    expect(day.stderr()).toContain("app shop has no running tasks on rack prod");
    const json = dayContext({ json: true });
    await run(json.context);
    expect(JSON.parse(json.stdout())).toEqual([]);
  });

  it("an app that does not exist is a clear error, before ECS is asked", async () => {
    stacks({ app: false });
    const error = (await run(dayContext().context).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('app "shop" not found on rack prod');
    expect(ecs).not.toHaveReceivedCommand(ListTasksCommand);
  });
});
