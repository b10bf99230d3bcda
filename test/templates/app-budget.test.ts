import { describe, expect, it } from "vitest";
import { budgetFunctionCode } from "../../src/functions/budget-shutdown/bundle.js";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack } from "../../src/templates/app.js";
import type { Json, Template } from "../../src/templates/cfn.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";

/** `budget:` as an AWS Budgets budget on the app's tagged cost, its topic, and the app's budget function (issue 28, item 5). */

const SERVICES = "services:\n  web:\n    image: example/web:1\n    port: 3000\n    scale: {count: 2, cpu: 512, memory: 1024}\n  api:\n    image: example/api:1\n  worker:\n    image: example/worker:1\n";

function rendered(budget: string): Template {
  const { manifest, problems } = parseManifest(`${SERVICES}budget:\n${budget}`, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  const parsed = manifest as Manifest;
  const environment = resolveEnvironment(parsed, { rack: "prod", app: "shop", stored: {} });
  return renderAppStack({ rack: "prod", app: "shop", manifest: parsed, version: "0.1.0", priorities: { "web:external": 10 }, environment: environment.services, budgetFunctionCode: budgetFunctionCode() }).template;
}

const autoShutdown = rendered("  monthlyCapUsd: 500\n  alertThresholdPercent: 75\n  pricingAdjustment: 0.8\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: https://hooks.example.com/budget\n  neverAutoShutdown: [api]\n  notifyBeforeMinutes: 15\n");
const alertOnly = rendered("  monthlyCapUsd: 100\n  atCapWebhookUrl: https://hooks.example.com/budget\n");
const manual = rendered("  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: https://hooks.example.com/budget\n  recoveryMode: manual\n");

const properties = (template: Template, id: string): Record<string, Json> => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no ${id} in ${Object.keys(template.Resources).join(", ")}`);
  return found.Properties ?? {};
};
const statements = (template: Template, id: string) => JSON.stringify(properties(template, id).Policies);

describe("the app's budget", () => {
  it("is a monthly COST budget at monthlyCapUsd / pricingAdjustment on the cost of the resources tagged with the rack and the app", () => {
    const budget = properties(autoShutdown, "AppBudget").Budget as Record<string, Json>;
    expect(budget).toMatchObject({ BudgetName: "racknet-prod-shop", BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: 625, Unit: "USD" } });
    expect(budget.FilterExpression).toEqual({
      And: [
        { Tags: { Key: "racknet:rack", Values: ["prod"], MatchOptions: ["EQUALS"] } },
        { Tags: { Key: "racknet:app", Values: ["shop"], MatchOptions: ["EQUALS"] } },
      ],
    });
  });

  it("notifies its SNS topic at alertThresholdPercent and at the cap (actual spend); the topic lets only AWS Budgets of this account publish", () => {
    const notifications = properties(autoShutdown, "AppBudget").NotificationsWithSubscribers as { Notification: Record<string, Json>; Subscribers: Json[] }[];
    expect(notifications.map((entry) => entry.Notification.Threshold)).toEqual([75, 100]);
    for (const entry of notifications) {
      expect(entry.Notification).toMatchObject({ NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", ThresholdType: "PERCENTAGE" });
      expect(entry.Subscribers).toEqual([{ SubscriptionType: "SNS", Address: { Ref: "AppBudgetTopic" } }]);
    }
    const policy = JSON.stringify(properties(autoShutdown, "AppBudgetTopicPolicy").PolicyDocument);
    expect(policy).toContain('"Service":"budgets.amazonaws.com"');
    expect(policy).toContain('"aws:SourceAccount"');
    expect(properties(autoShutdown, "AppBudgetSubscription")).toMatchObject({ Protocol: "lambda", TopicArn: { Ref: "AppBudgetTopic" } });
  });

  it("auto-shutdown: the function may stop only the eligible services (never neverAutoShutdown's), make its one schedule and pass only the scheduler role", () => {
    const policy = statements(autoShutdown, "AppBudgetFunctionRole");
    expect(policy).toContain('"ecs:UpdateService"');
    expect(policy).toContain('{"Ref":"WebService"}');
    expect(policy).toContain('{"Ref":"WorkerService"}');
    expect(policy).not.toContain("ApiService");
    expect(policy).toContain(":schedule/default/racknet-budget-");
    expect(policy).toContain('"iam:PassRole"],"Resource":{"Fn::GetAtt":["AppBudgetSchedulerRole","Arn"]}');
    expect(policy).toContain(":budget/racknet-prod-shop");
    expect(JSON.stringify(properties(autoShutdown, "AppBudgetSchedulerPolicy").PolicyDocument)).toBe(
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: { "Fn::GetAtt": ["AppBudgetFunction", "Arn"] } }] }),
    );
    const settings = JSON.stringify(properties(autoShutdown, "AppBudgetFunction").Environment);
    expect(settings).toContain('\\"notifyBeforeMinutes\\":15');
    expect(settings).toContain('\\"name\\":\\"web\\",\\"arn\\":\\"${WebService}\\",\\"cpu\\":512,\\"memory\\":1024');
    expect(settings).not.toContain("ApiService");
  });

  it("auto-on-reset brings the services back at the budget's monthly reset; manual has no such rule", () => {
    expect(properties(autoShutdown, "AppBudgetMonthlyReset")).toMatchObject({ ScheduleExpression: "cron(5 0 1 * ? *)", Targets: [{ Input: '{"action":"restore"}' }] });
    expect(manual.Resources.AppBudgetMonthlyReset).toBeUndefined();
    expect(manual.Resources.AppBudgetSchedulerRole).toBeDefined();
  });

  it("alert-only: the function only reads the budget and posts; it may not touch a service", () => {
    const policy = statements(alertOnly, "AppBudgetFunctionRole");
    expect(policy).not.toContain("ecs:");
    expect(policy).not.toContain("scheduler:");
    expect(alertOnly.Resources.AppBudgetSchedulerRole).toBeUndefined();
    expect((properties(alertOnly, "AppBudget").NotificationsWithSubscribers as Json[]).length).toBe(2);
    expect(alertOnly.Outputs?.BudgetName).toEqual({ Value: "racknet-prod-shop" });
  });

  it("passes cfn-lint", async () => {
    expect(await cfnLint({ autoShutdown, alertOnly, manual })).toEqual({ autoShutdown: [], alertOnly: [], manual: [] });
  }, lintDeadline(3));
});
