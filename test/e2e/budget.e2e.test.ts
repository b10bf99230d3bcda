import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BudgetsClient, DescribeBudgetCommand, DescribeNotificationsForBudgetCommand } from "@aws-sdk/client-budgets";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * `budget:` with auto-shutdown end to end on the patched moto (issue 28, item 5): the deploy makes
 * the AWS Budgets budget (its limit, its filter on the app's tags, its two notifications), the
 * app's budget function with the eligible services in its settings, and the monthly rule that
 * brings them back; `apps info` shows the budget. moto computes no spend, so no notification
 * is ever sent: the function's work is tested on mocked clients (test/aws/budget-function.test.ts).
 */
const MANIFEST = `services:
  web:
    image: nginx:1.27
    port: 3000
  worker:
    image: example/worker:1
    scale: {count: 2}
budget:
  monthlyCapUsd: 250
  alertThresholdPercent: 70
  atCapAction: auto-shutdown
  atCapWebhookUrl: https://hooks.example.com/budget
  neverAutoShutdown: [web]
  notifyBeforeMinutes: 10
`;

const dir = mkdtempSync(join(tmpdir(), "racknet-budget-"));
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
const clientConfig = () => ({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });

beforeAll(async () => {
  writeFileSync(join(dir, "convox.yml"), MANIFEST);
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  awsClients(moto.endpoint);
  const install = await cli("rack", "install", "cash", "--yes");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  const deploy = await cli("deploy", "-a", "shop", "-r", "cash", "--yes");
  if (deploy.code !== 0) throw new Error(`setup deploy failed: ${deploy.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a budget with auto-shutdown reaches AWS", () => {
  it("an AWS Budgets budget: monthly, cost, the cap, the app's two tags, notifications at 70% and at the cap", async () => {
    const budgets = new BudgetsClient(clientConfig());
    const { Budget } = await budgets.send(new DescribeBudgetCommand({ AccountId: "123456789012", BudgetName: "racknet-cash-shop" }));
    expect(Budget).toMatchObject({ BudgetName: "racknet-cash-shop", BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: "250", Unit: "USD" } });
    expect(JSON.stringify(Budget?.FilterExpression)).toBe(JSON.stringify({ And: [{ Tags: { Key: "racknet:rack", Values: ["cash"], MatchOptions: ["EQUALS"] } }, { Tags: { Key: "racknet:app", Values: ["shop"], MatchOptions: ["EQUALS"] } }] }));
    const { Notifications = [] } = await budgets.send(new DescribeNotificationsForBudgetCommand({ AccountId: "123456789012", BudgetName: "racknet-cash-shop" }));
    expect(Notifications.map((notification) => notification.Threshold)).toEqual([70, 100]);
  });

  it("the app's budget function, with worker to stop and web never, and the monthly rule that brings worker back", async () => {
    const lambda = new LambdaClient(clientConfig());
    const stack = await awsClients(moto.endpoint).cloudFormation.send(new ListStackResourcesCommand({ StackName: "cash-shop" }));
    const physical = (id: string) => stack.StackResourceSummaries?.find((resource) => resource.LogicalResourceId === id)?.PhysicalResourceId ?? "";
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical("AppBudgetFunction") }));
    const settings = JSON.parse(configuration.Environment?.Variables?.BUDGET_SETTINGS ?? "{}") as { services: { name: string; arn: string }[]; notifyBeforeMinutes: number; autoShutdown: boolean; cluster: string };
    expect(settings.autoShutdown).toBe(true);
    expect(settings.notifyBeforeMinutes).toBe(10);
    expect(settings.services.map((service) => service.name)).toEqual(["worker"]);
    expect(settings.services[0]?.arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service\//);
    // The rule's schedule and target are the template's (test/templates/app-budget.test.ts); here: it exists.
    expect(physical("AppBudgetMonthlyReset")).not.toBe("");
    expect(physical("AppBudgetSchedulerRole")).not.toBe("");
  });

  it("apps info shows the budget, running", async () => {
    const info = await cli("apps", "info", "shop", "-r", "cash", "--json");
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).budget).toMatchObject({ name: "racknet-cash-shop", monthlyCapUsd: 250, atCapAction: "auto-shutdown", neverAutoShutdown: ["web"], state: "running", stopped: [] });
  });
});
