/**
 * The app's budget function (AWS Lambda, nodejs24.x, the runtime's SDK v3), made by the app
 * stack when convox.yml has `budget:` (src/templates/app-budget.ts). Three events reach it:
 * - the budget's notification, through its SNS topic: it reads the budget (spend against the
 *   limit), POSTs the alert to `atCapWebhookUrl`, and with `auto-shutdown` at the cap arms the
 *   shutdown: a one-time EventBridge Scheduler schedule `notifyBeforeMinutes` later, the time on
 *   each eligible service (tag), and an `armed` notice, as Convox's `:armed` event;
 * - that schedule (`{"action": "fire"}`): unless the spend is back under the limit (the cap was
 *   raised), each eligible service, in `shutdownOrder`, gets its desired count recorded in a tag
 *   and set to 0; a `fired` notice (or `failed` with the services it could not stop);
 * - the monthly reset (`{"action": "restore"}`, `recoveryMode: auto-on-reset` only): each
 *   service it stopped gets its recorded count back; a `restored` notice.
 * Bundled by scripts/build-sync-function.mjs.
 */
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import { DescribeServicesCommand, ECSClient, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { BUDGET_ARMED_TAG, BUDGET_STOPPED_TAG } from "../../names/index.js";

export interface BudgetSettings {
  app: string;
  rack: string;
  account: string;
  budgetName: string;
  /** The budget's limit is monthlyCapUsd / pricingAdjustment; notices report the adjusted spend, as Convox does. */
  pricingAdjustment: number;
  monthlyCapUsd: number;
  webhookUrl?: string;
  autoShutdown: boolean;
  cluster: string;
  /** The services auto-shutdown may stop (never those in neverAutoShutdown), with their task size for largest-cost. */
  services: { name: string; arn: string; cpu: number; memory: number }[];
  shutdownOrder: "largest-cost" | "newest";
  notifyBeforeMinutes: number;
  recoveryMode: "auto-on-reset" | "manual";
  scheduleName: string;
  /** The role EventBridge Scheduler takes to invoke this function. */
  schedulerRoleArn: string;
  functionArn: string;
}

export interface BudgetClients {
  budgets: Pick<BudgetsClient, "send">;
  ecs: Pick<ECSClient, "send">;
  scheduler: Pick<SchedulerClient, "send">;
  /** POSTs a notice (JSON); throws when the receiver does not answer 2xx. */
  post: (url: string, body: string) => Promise<void>;
}

export type BudgetEvent = { Records: { Sns: { Message: string } }[] } | { action: "fire" | "restore" };

export interface BudgetOutcome {
  notice?: string;
  stopped: { service: string; count: number }[];
  restored: { service: string; count: number }[];
  failed: { service: string; reason: string }[];
}

/** Fargate's price ratio (us-east-1, data/prices.json: $0.04048 a vCPU-hour, $0.004445 a GB-hour): only the order matters. */
const VCPU_HOUR = 0.04048;
const GB_HOUR = 0.004445;

export async function handleBudgetEvent(clients: BudgetClients, settings: BudgetSettings, event: BudgetEvent, now: Date): Promise<BudgetOutcome> {
  const outcome: BudgetOutcome = { stopped: [], restored: [], failed: [] };
  if ("action" in event && event.action === "fire") return fire(clients, settings, outcome, now);
  if ("action" in event && event.action === "restore") return restore(clients, settings, outcome, now);
  return notification(clients, settings, outcome, now);
}

async function spend(clients: BudgetClients, settings: BudgetSettings): Promise<{ actual: number; limit: number }> {
  const { Budget } = await clients.budgets.send(new DescribeBudgetCommand({ AccountId: settings.account, BudgetName: settings.budgetName }));
  const actual = Number(Budget?.CalculatedSpend?.ActualSpend?.Amount ?? "0");
  const limit = Number(Budget?.BudgetLimit?.Amount ?? "NaN");
  if (!Number.isFinite(limit)) throw new Error(`budget ${settings.budgetName} has no limit`);
  return { actual, limit };
}

async function notify(clients: BudgetClients, settings: BudgetSettings, outcome: BudgetOutcome, event: string, data: Record<string, unknown>, now: Date): Promise<void> {
  outcome.notice = event;
  if (!settings.webhookUrl) return;
  await clients.post(settings.webhookUrl, JSON.stringify({ action: event, app: settings.app, rack: settings.rack, timestamp: now.toISOString(), data }));
}

async function notification(clients: BudgetClients, settings: BudgetSettings, outcome: BudgetOutcome, now: Date): Promise<BudgetOutcome> {
  const { actual, limit } = await spend(clients, settings);
  const spendUsd = round(actual * settings.pricingAdjustment);
  const atCap = actual >= limit;
  await notify(clients, settings, outcome, atCap ? "app:budget:cap" : "app:budget:threshold", { spend_usd: spendUsd, monthly_cap_usd: settings.monthlyCapUsd }, now);
  if (!atCap || !settings.autoShutdown) return outcome;
  const states = await serviceStates(clients, settings);
  // Armed or already stopped this month: a second notification changes nothing.
  if (states.some((state) => state.armedAt !== undefined || state.stoppedCount !== undefined)) return outcome;
  const fireAt = new Date(now.getTime() + settings.notifyBeforeMinutes * 60_000);
  const at = fireAt.toISOString().slice(0, 19);
  await clients.scheduler.send(
    new CreateScheduleCommand({
      Name: settings.scheduleName,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: { Arn: settings.functionArn, RoleArn: settings.schedulerRoleArn, Input: JSON.stringify({ action: "fire" }) },
    }),
  );
  for (const service of settings.services) {
    await clients.ecs.send(new TagResourceCommand({ resourceArn: service.arn, tags: [{ key: BUDGET_ARMED_TAG, value: fireAt.toISOString() }] }));
  }
  await notify(clients, settings, outcome, "app:budget:auto-shutdown:armed", { shutdown_at: fireAt.toISOString(), eligible_services: settings.services.map((service) => service.name).join(","), spend_usd: spendUsd, monthly_cap_usd: settings.monthlyCapUsd }, now);
  return outcome;
}

interface ServiceState {
  name: string;
  arn: string;
  desired: number;
  deployedAt: number;
  hourlyCost: number;
  armedAt?: string;
  stoppedCount?: number;
  staleRecord?: true;
}

async function serviceStates(clients: BudgetClients, settings: BudgetSettings): Promise<ServiceState[]> {
  if (settings.services.length === 0) return [];
  const { services = [] } = await clients.ecs.send(new DescribeServicesCommand({ cluster: settings.cluster, services: settings.services.map((service) => service.arn) }));
  const states: ServiceState[] = [];
  for (const wanted of settings.services) {
    const found = services.find((service) => service.serviceArn === wanted.arn || service.serviceName === wanted.arn.split("/").pop());
    if (!found || found.status === "INACTIVE") continue;
    const { tags = [] } = await clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: wanted.arn }));
    const tag = (key: string) => tags.find((entry) => entry.key === key)?.value;
    const stopped = tag(BUDGET_STOPPED_TAG);
    const desired = found.desiredCount ?? 0;
    const primary = found.deployments?.find((deployment) => deployment.status === "PRIMARY");
    states.push({
      name: wanted.name,
      arn: wanted.arn,
      desired,
      deployedAt: (primary?.createdAt ?? found.createdAt ?? new Date(0)).getTime(),
      hourlyCost: desired * ((wanted.cpu / 1024) * VCPU_HOUR + (wanted.memory / 1024) * GB_HOUR),
      ...(tag(BUDGET_ARMED_TAG) !== undefined ? { armedAt: tag(BUDGET_ARMED_TAG) } : {}),
      // A service scaled back by hand (racknet scale) is no longer stopped: its record is stale.
      ...(stopped !== undefined && /^\d+$/.test(stopped) && desired === 0 ? { stoppedCount: Number(stopped) } : {}),
      ...(stopped !== undefined && desired > 0 ? { staleRecord: true } : {}),
    });
  }
  return states;
}

/** Convox's orderShutdownPlans: largest-cost first (or the newest deploy first), ties by name. */
export function shutdownOrder<T extends { name: string; hourlyCost: number; deployedAt: number }>(states: readonly T[], order: BudgetSettings["shutdownOrder"]): T[] {
  return [...states].sort((a, b) => {
    const by = order === "newest" ? b.deployedAt - a.deployedAt : b.hourlyCost - a.hourlyCost;
    return by !== 0 ? by : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

async function fire(clients: BudgetClients, settings: BudgetSettings, outcome: BudgetOutcome, now: Date): Promise<BudgetOutcome> {
  const states = await serviceStates(clients, settings);
  const { actual, limit } = await spend(clients, settings);
  if (actual < limit) {
    // The cap was raised (or the month turned) while armed: Convox cancels ("cap-raised").
    for (const state of states) await clients.ecs.send(new UntagResourceCommand({ resourceArn: state.arn, tagKeys: [BUDGET_ARMED_TAG] }));
    await notify(clients, settings, outcome, "app:budget:auto-shutdown:cancelled", { cancel_reason: "cap-raised", spend_usd: round(actual * settings.pricingAdjustment), monthly_cap_usd: settings.monthlyCapUsd }, now);
    return outcome;
  }
  for (const state of shutdownOrder(states, settings.shutdownOrder)) {
    if (state.stoppedCount !== undefined) continue;
    try {
      // The count is recorded before the service is stopped: a recovery never loses it.
      await clients.ecs.send(new TagResourceCommand({ resourceArn: state.arn, tags: [{ key: BUDGET_STOPPED_TAG, value: String(state.desired) }] }));
      await clients.ecs.send(new UpdateServiceCommand({ cluster: settings.cluster, service: state.arn, desiredCount: 0 }));
      await clients.ecs.send(new UntagResourceCommand({ resourceArn: state.arn, tagKeys: [BUDGET_ARMED_TAG] }));
      outcome.stopped.push({ service: state.name, count: state.desired });
    } catch (error) {
      outcome.failed.push({ service: state.name, reason: describe(error) });
    }
  }
  const stopped = outcome.stopped.map((entry) => entry.service).join(",");
  if (outcome.failed.length > 0) {
    await notify(clients, settings, outcome, "app:budget:auto-shutdown:failed", { failed_services: outcome.failed.map((entry) => entry.service).join(","), succeeded_count: outcome.stopped.length }, now);
  } else {
    await notify(clients, settings, outcome, "app:budget:auto-shutdown:fired", { shutdown_services: stopped, recovery_mode: settings.recoveryMode }, now);
  }
  return outcome;
}

async function restore(clients: BudgetClients, settings: BudgetSettings, outcome: BudgetOutcome, now: Date): Promise<BudgetOutcome> {
  // A schedule left from a shutdown armed at the end of the month: the new month starts clean.
  await clients.scheduler.send(new DeleteScheduleCommand({ Name: settings.scheduleName })).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === "ResourceNotFoundException")) throw error;
  });
  for (const state of await serviceStates(clients, settings)) {
    if (state.armedAt !== undefined) await clients.ecs.send(new UntagResourceCommand({ resourceArn: state.arn, tagKeys: [BUDGET_ARMED_TAG] }));
    if (state.staleRecord) await clients.ecs.send(new UntagResourceCommand({ resourceArn: state.arn, tagKeys: [BUDGET_STOPPED_TAG] }));
    if (state.stoppedCount === undefined) continue;
    if (settings.recoveryMode !== "auto-on-reset") continue;
    try {
      await clients.ecs.send(new UpdateServiceCommand({ cluster: settings.cluster, service: state.arn, desiredCount: state.stoppedCount }));
      await clients.ecs.send(new UntagResourceCommand({ resourceArn: state.arn, tagKeys: [BUDGET_STOPPED_TAG] }));
      outcome.restored.push({ service: state.name, count: state.stoppedCount });
    } catch (error) {
      outcome.failed.push({ service: state.name, reason: describe(error) });
    }
  }
  if (outcome.restored.length > 0 || outcome.failed.length > 0) {
    await notify(clients, settings, outcome, "app:budget:auto-shutdown:restored", { restored_services: outcome.restored.map((entry) => entry.service).join(","), recovery_trigger: "monthly-reset", failed_services: outcome.failed.map((entry) => entry.service).join(",") }, now);
  }
  return outcome;
}

const round = (value: number) => Math.round(value * 100) / 100;
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

let clients: BudgetClients | undefined;

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}

export async function handler(event: BudgetEvent, context: { invokedFunctionArn: string }): Promise<BudgetOutcome> {
  const raw = process.env.BUDGET_SETTINGS;
  if (!raw) throw new Error("environment variable BUDGET_SETTINGS is not set");
  const settings = { ...(JSON.parse(raw) as Omit<BudgetSettings, "functionArn">), functionArn: context.invokedFunctionArn };
  clients ??= { budgets: new BudgetsClient({}), ecs: new ECSClient({}), scheduler: new SchedulerClient({}), post };
  const outcome = await handleBudgetEvent(clients, settings, event, new Date());
  // The function's log is its record; the webhook URL is never written.
  console.log(JSON.stringify(outcome));
  // A failed run is retried by the asynchronous invocation (SNS, the schedule) and shows in the Errors metric.
  if (outcome.failed.length > 0) throw new Error(`could not change ${outcome.failed.map((entry) => `${entry.service} (${entry.reason})`).join(", ")}`);
  return outcome;
}
