import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import {
  DescribeServicesCommand,
  ECSClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type DescribeServicesCommandInput,
  type ListTagsForResourceCommandInput,
  type TagResourceCommandInput,
  type UntagResourceCommandInput,
  type UpdateServiceCommandInput,
} from "@aws-sdk/client-ecs";
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { beforeEach, describe, expect, it } from "vitest";
import { handleBudgetEvent, shutdownOrder, type BudgetSettings } from "../../src/functions/budget-shutdown/handler.js";

/**
 * The app's budget function (issue 28, item 5): the budget's notification posts the alert and, at
 * the cap with auto-shutdown, arms the shutdown; the schedule stops the eligible services in
 * order, recording each one's count; the monthly reset gives the counts back (auto-on-reset).
 */

const ARN = (name: string) => `arn:aws:ecs:us-east-1:123456789012:service/prod/prod-shop-${name}`;
const SETTINGS: BudgetSettings = {
  app: "shop",
  rack: "prod",
  account: "123456789012",
  budgetName: "racknet-prod-shop",
  pricingAdjustment: 1,
  monthlyCapUsd: 100,
  webhookUrl: "https://hooks.example.com/budget",
  autoShutdown: true,
  cluster: "prod",
  services: [
    { name: "web", arn: ARN("web"), cpu: 256, memory: 512 },
    { name: "worker", arn: ARN("worker"), cpu: 1024, memory: 2048 },
  ],
  shutdownOrder: "largest-cost",
  notifyBeforeMinutes: 30,
  recoveryMode: "auto-on-reset",
  scheduleName: "racknet-budget-abc",
  schedulerRoleArn: "arn:aws:iam::123456789012:role/scheduler",
  functionArn: "arn:aws:lambda:us-east-1:123456789012:function:budget",
};
const NOTIFICATION = { Records: [{ Sns: { Message: "AWS Budget Notification" } }] };
const now = new Date("2027-03-20T12:00:00Z");

const budgets = mockClient(BudgetsClient);
const ecs = mockClient(ECSClient);
const scheduler = mockClient(SchedulerClient);
let posted: { url: string; body: Record<string, unknown> }[];
let tags: Record<string, { key: string; value: string }[]>;
let desired: Record<string, number>;

function spend(actual: number, limit = 100) {
  budgets.on(DescribeBudgetCommand, { AccountId: "123456789012", BudgetName: "racknet-prod-shop" }).resolves({ Budget: { BudgetName: "racknet-prod-shop", BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: String(limit), Unit: "USD" }, CalculatedSpend: { ActualSpend: { Amount: String(actual), Unit: "USD" } } } });
}

beforeEach(() => {
  posted = [];
  tags = { [ARN("web")]: [], [ARN("worker")]: [] };
  desired = { [ARN("web")]: 3, [ARN("worker")]: 2 };
  budgets.reset();
  budgets.onAnyCommand().rejects(new Error("unmocked Budgets call"));
  ecs.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  scheduler.reset();
  scheduler.onAnyCommand().rejects(new Error("unmocked Scheduler call"));
  ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
    services: (input.services ?? []).map((arn) => ({ serviceArn: arn, serviceName: arn.split("/").pop(), status: "ACTIVE", desiredCount: desired[arn], deployments: [{ status: "PRIMARY", createdAt: new Date(arn.endsWith("web") ? "2027-03-10T00:00:00Z" : "2027-03-01T00:00:00Z") }] })),
  }));
  ecs.on(ListTagsForResourceCommand).callsFake((input: ListTagsForResourceCommandInput) => ({ tags: [...(tags[input.resourceArn ?? ""] ?? [])] }));
  ecs.on(TagResourceCommand).callsFake((input: TagResourceCommandInput) => {
    const resourceArn = input.resourceArn ?? "";
    const added = (input.tags ?? []).map((tag) => ({ key: tag.key ?? "", value: tag.value ?? "" }));
    tags[resourceArn] = [...(tags[resourceArn] ?? []).filter((tag) => !added.some((entry) => entry.key === tag.key)), ...added];
    return {};
  });
  ecs.on(UntagResourceCommand).callsFake((input: UntagResourceCommandInput) => {
    const resourceArn = input.resourceArn ?? "";
    tags[resourceArn] = (tags[resourceArn] ?? []).filter((tag) => !(input.tagKeys ?? []).includes(tag.key));
    return {};
  });
  ecs.on(UpdateServiceCommand).callsFake((input: UpdateServiceCommandInput) => {
    desired[input.service ?? ""] = input.desiredCount ?? -1;
    return {};
  });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/racknet-budget-abc" });
});

const clients = () => ({
  budgets: new BudgetsClient({ region: "us-east-1" }),
  ecs: new ECSClient({ region: "us-east-1" }),
  scheduler: new SchedulerClient({ region: "us-east-1" }),
  post: async (url: string, body: string) => {
    posted.push({ url, body: JSON.parse(body) as Record<string, unknown> });
  },
});
const tagValue = (arn: string, key: string) => tags[arn]?.find((tag) => tag.key === key)?.value;

describe("the app's budget function", () => {
  it("below the cap: posts the threshold alert, and stops nothing", async () => {
    spend(80);
    const outcome = await handleBudgetEvent(clients(), SETTINGS, NOTIFICATION, now);
    expect(outcome.notice).toBe("app:budget:threshold");
    expect(posted).toEqual([{ url: SETTINGS.webhookUrl, body: expect.objectContaining({ action: "app:budget:threshold", app: "shop", rack: "prod", data: { spend_usd: 80, monthly_cap_usd: 100 } }) }]);
    expect(scheduler).not.toHaveReceivedCommand(CreateScheduleCommand);
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it("at the cap: posts the cap alert, arms a one-time schedule notifyBeforeMinutes later that runs the function with fire, and says so", async () => {
    spend(101);
    await handleBudgetEvent(clients(), SETTINGS, NOTIFICATION, now);
    expect(posted.map((entry) => entry.body.action)).toEqual(["app:budget:cap", "app:budget:auto-shutdown:armed"]);
    expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: "racknet-budget-abc",
      ScheduleExpression: "at(2027-03-20T12:30:00)",
      ScheduleExpressionTimezone: "UTC",
      ActionAfterCompletion: "DELETE",
      Target: { Arn: SETTINGS.functionArn, RoleArn: SETTINGS.schedulerRoleArn, Input: '{"action":"fire"}' },
    });
    expect(tagValue(ARN("web"), "racknet:budget-shutdown-at")).toBe("2027-03-20T12:30:00.000Z");
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    // A second notification while armed arms nothing more.
    await handleBudgetEvent(clients(), SETTINGS, NOTIFICATION, now);
    expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
  });

  it("fire: stops the eligible services largest cost first, each count recorded before it is set to 0", async () => {
    spend(101);
    const outcome = await handleBudgetEvent(clients(), SETTINGS, { action: "fire" }, now);
    // worker: 2 tasks of 1 vCPU / 2 GB costs more than web: 3 tasks of 0.25 vCPU / 0.5 GB.
    expect(outcome.stopped).toEqual([
      { service: "worker", count: 2 },
      { service: "web", count: 3 },
    ]);
    expect(desired).toEqual({ [ARN("web")]: 0, [ARN("worker")]: 0 });
    expect(tagValue(ARN("web"), "racknet:budget-stopped-count")).toBe("3");
    expect(tagValue(ARN("worker"), "racknet:budget-stopped-count")).toBe("2");
    const updates = ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service);
    expect(updates).toEqual([ARN("worker"), ARN("web")]);
    expect(posted.at(-1)?.body).toMatchObject({ action: "app:budget:auto-shutdown:fired", data: { shutdown_services: "worker,web", recovery_mode: "auto-on-reset" } });
  });

  it("newest: the most recently deployed service first", () => {
    const states = [
      { name: "a", hourlyCost: 9, deployedAt: 1 },
      { name: "b", hourlyCost: 1, deployedAt: 5 },
    ];
    expect(shutdownOrder(states, "newest").map((state) => state.name)).toEqual(["b", "a"]);
    expect(shutdownOrder(states, "largest-cost").map((state) => state.name)).toEqual(["a", "b"]);
  });

  it("fire after the cap was raised: cancels, stops nothing", async () => {
    spend(101, 200);
    tags[ARN("web")] = [{ key: "racknet:budget-shutdown-at", value: "2027-03-20T12:30:00.000Z" }];
    const outcome = await handleBudgetEvent(clients(), SETTINGS, { action: "fire" }, now);
    expect(outcome.notice).toBe("app:budget:auto-shutdown:cancelled");
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(tagValue(ARN("web"), "racknet:budget-shutdown-at")).toBeUndefined();
  });

  it("a service that cannot be stopped: the others are, the failure is posted and the run fails (retried)", async () => {
    spend(101);
    ecs.on(UpdateServiceCommand, { service: ARN("worker") }).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const outcome = await handleBudgetEvent(clients(), SETTINGS, { action: "fire" }, now);
    expect(outcome.stopped.map((entry) => entry.service)).toEqual(["web"]);
    expect(outcome.failed).toEqual([{ service: "worker", reason: "AccessDeniedException: denied" }]);
    expect(posted.at(-1)?.body).toMatchObject({ action: "app:budget:auto-shutdown:failed" });
  });

  it("the monthly reset (auto-on-reset): each stopped service gets its count back and loses the record", async () => {
    scheduler.on(DeleteScheduleCommand).rejects(Object.assign(new Error("gone"), { name: "ResourceNotFoundException" }));
    desired = { [ARN("web")]: 0, [ARN("worker")]: 0 };
    tags[ARN("web")] = [{ key: "racknet:budget-stopped-count", value: "3" }];
    tags[ARN("worker")] = [{ key: "racknet:budget-stopped-count", value: "2" }];
    const outcome = await handleBudgetEvent(clients(), SETTINGS, { action: "restore" }, now);
    expect(outcome.restored).toEqual([
      { service: "web", count: 3 },
      { service: "worker", count: 2 },
    ]);
    expect(desired).toEqual({ [ARN("web")]: 3, [ARN("worker")]: 2 });
    expect(tagValue(ARN("web"), "racknet:budget-stopped-count")).toBeUndefined();
    expect(posted.at(-1)?.body).toMatchObject({ action: "app:budget:auto-shutdown:restored", data: { recovery_trigger: "monthly-reset" } });
  });

  it("a service scaled back by hand is not stopped any more: the reset drops its record and leaves its count", async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    desired = { [ARN("web")]: 1, [ARN("worker")]: 2 };
    tags[ARN("web")] = [{ key: "racknet:budget-stopped-count", value: "3" }];
    const outcome = await handleBudgetEvent(clients(), SETTINGS, { action: "restore" }, now);
    expect(outcome.restored).toEqual([]);
    expect(desired[ARN("web")]).toBe(1);
    expect(tagValue(ARN("web"), "racknet:budget-stopped-count")).toBeUndefined();
  });

  it("manual recovery: the monthly reset leaves stopped services stopped", async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    desired = { [ARN("web")]: 0, [ARN("worker")]: 2 };
    tags[ARN("web")] = [{ key: "racknet:budget-stopped-count", value: "3" }];
    const outcome = await handleBudgetEvent(clients(), { ...SETTINGS, recoveryMode: "manual" }, { action: "restore" }, now);
    expect(outcome.restored).toEqual([]);
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it("alert-only: the cap is posted, and nothing is armed", async () => {
    spend(150);
    const outcome = await handleBudgetEvent(clients(), { ...SETTINGS, autoShutdown: false, services: [] }, NOTIFICATION, now);
    expect(outcome.notice).toBe("app:budget:cap");
    expect(scheduler).not.toHaveReceivedCommand(CreateScheduleCommand);
    expect(ecs).not.toHaveReceivedAnyCommand();
  });
});
