/**
 * `budget:` as AWS resources of the app's stack (issue 28, item 5):
 * - an AWS Budgets budget on the app's cost: the cost of resources tagged racknet:rack = the
 *   rack and racknet:app = the app (CloudFormation gives every taggable resource of the stack
 *   the stack's tags), at `monthlyCapUsd / pricingAdjustment` US dollars a month, with a
 *   notification at `alertThresholdPercent` and one at the cap, both to the app's budget topic
 *   (AWS Budgets notifies e-mail addresses and SNS topics only: no URL);
 * - the app's budget function, subscribed to that topic: it POSTs each alert to
 *   `atCapWebhookUrl` and, with `auto-shutdown`, stops the eligible services
 *   (src/functions/budget-shutdown/handler.ts); with `recoveryMode: auto-on-reset`, a monthly
 *   rule brings them back when the budget resets.
 * Pure: the function's code comes in as a string.
 *
 * Least privilege: the function may read this budget, describe, tag and update this app's
 * eligible services (never those in neverAutoShutdown), and create or delete its one schedule,
 * passing only the scheduler role, which may invoke only this function.
 */
import type { AppBudget, Service } from "../manifest/model.js";
import { appBudgetName, appBudgetShutdownSchedule } from "../names/index.js";
import { AppParameter, serviceIds, type BudgetRecord } from "./app-contract.js";
import { getAtt, ref, sub, type Json, type Resource, type TemplateFragment } from "./cfn.js";

export const BudgetResource = {
  budget: "AppBudget",
  topic: "AppBudgetTopic",
  topicPolicy: "AppBudgetTopicPolicy",
  logGroup: "AppBudgetLogGroup",
  role: "AppBudgetFunctionRole",
  function: "AppBudgetFunction",
  subscription: "AppBudgetSubscription",
  topicPermission: "AppBudgetTopicPermission",
  schedulerRole: "AppBudgetSchedulerRole",
  schedulerPolicy: "AppBudgetSchedulerPolicy",
  reset: "AppBudgetMonthlyReset",
  resetPermission: "AppBudgetMonthlyResetPermission",
} as const;

export const BUDGET_OUTPUT = "BudgetName";
export const BUDGET_TOPIC_OUTPUT = "BudgetTopic";
/** AWS Budgets resets a monthly budget's spend on the first of the month (UTC); the services come back 5 minutes after. */
export const MONTHLY_RESET_SCHEDULE = "cron(5 0 1 * ? *)";
/** The same runtime as the rack's functions (src/templates/rack-privnet-sync.ts). */
const RUNTIME = "nodejs24.x";

const assume = (service: string): Json => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const allow = (Action: string[], Resource: Json): Json => ({ Effect: "Allow", Action, Resource });

export function appBudgetFragment(rack: string, app: string, budget: AppBudget, services: readonly Service[], code: string): TemplateFragment {
  const budgetName = appBudgetName(rack, app);
  const eligible = services.filter((service) => !budget.neverAutoShutdown.includes(service.name));
  const autoShutdown = budget.atCapAction === "auto-shutdown";
  const serviceArns = eligible.map((service) => ref(serviceIds(service.name).service));
  const scheduleName = appBudgetShutdownSchedule(rack, app);
  const thresholds = budget.alertThresholdPercent < 100 ? [budget.alertThresholdPercent, 100] : [100];
  const settings = {
    app,
    rack,
    account: "${AWS::AccountId}",
    budgetName,
    pricingAdjustment: budget.pricingAdjustment,
    monthlyCapUsd: budget.monthlyCapUsd,
    ...(budget.webhookUrl ? { webhookUrl: budget.webhookUrl } : {}),
    autoShutdown,
    cluster: "${Cluster}",
    services: autoShutdown ? eligible.map((service) => ({ name: service.name, arn: `\${${serviceIds(service.name).service}}`, cpu: service.scale.cpu, memory: service.scale.memory })) : [],
    shutdownOrder: budget.shutdownOrder,
    notifyBeforeMinutes: budget.notifyBeforeMinutes,
    recoveryMode: budget.recoveryMode,
    scheduleName,
    schedulerRoleArn: autoShutdown ? `\${${BudgetResource.schedulerRole}.Arn}` : "",
  };
  const resources: Record<string, Resource> = {
    [BudgetResource.topic]: { Type: "AWS::SNS::Topic", Properties: { DisplayName: `racknet budget of ${app}` } },
    [BudgetResource.topicPolicy]: {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [ref(BudgetResource.topic)],
        // AWS Budgets publishes to a topic whose policy lets budgets.amazonaws.com do so (AWS Cost Management User Guide, "Creating an Amazon SNS topic for budget notifications").
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AWSBudgetsPublish",
              Effect: "Allow",
              Principal: { Service: "budgets.amazonaws.com" },
              Action: "SNS:Publish",
              Resource: ref(BudgetResource.topic),
              Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") }, ArnLike: { "aws:SourceArn": sub("arn:${AWS::Partition}:budgets::${AWS::AccountId}:*") } },
            },
          ],
        },
      },
    },
    [BudgetResource.budget]: {
      Type: "AWS::Budgets::Budget",
      DependsOn: BudgetResource.topicPolicy,
      Properties: {
        Budget: {
          BudgetName: budgetName,
          BudgetType: "COST",
          TimeUnit: "MONTHLY",
          BudgetLimit: { Amount: Math.round((budget.monthlyCapUsd / budget.pricingAdjustment) * 100) / 100, Unit: "USD" },
          // Both tags: an app's name is unique on its rack only. The tags must be activated as cost allocation tags (docs/manifest.md, "Budget").
          FilterExpression: {
            And: [
              { Tags: { Key: "racknet:rack", Values: [rack], MatchOptions: ["EQUALS"] } },
              { Tags: { Key: "racknet:app", Values: [app], MatchOptions: ["EQUALS"] } },
            ],
          },
        },
        NotificationsWithSubscribers: thresholds.map((threshold) => ({
          Notification: { NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: threshold, ThresholdType: "PERCENTAGE" },
          Subscribers: [{ SubscriptionType: "SNS", Address: ref(BudgetResource.topic) }],
        })),
      },
    },
    [BudgetResource.logGroup]: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete", Properties: { LogGroupName: `/racknet/${rack}/${app}/budget`, RetentionInDays: 30 } },
    [BudgetResource.role]: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: assume("lambda.amazonaws.com"),
        Policies: [
          {
            PolicyName: "budget",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                allow(["logs:CreateLogStream", "logs:PutLogEvents"], getAtt(BudgetResource.logGroup, "Arn")),
                allow(["budgets:ViewBudget"], sub(`arn:\${AWS::Partition}:budgets::\${AWS::AccountId}:budget/${budgetName}`)),
                ...(autoShutdown
                  ? [
                      allow(["ecs:DescribeServices", "ecs:UpdateService", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"], serviceArns),
                      allow(["scheduler:CreateSchedule", "scheduler:DeleteSchedule"], sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/default/${scheduleName}`)),
                      allow(["iam:PassRole"], getAtt(BudgetResource.schedulerRole, "Arn")),
                    ]
                  : []),
              ],
            },
          },
        ],
      },
    },
    [BudgetResource.function]: {
      Type: "AWS::Lambda::Function",
      Properties: {
        Description: `racknet: the budget of ${app} (alerts${autoShutdown ? ", auto-shutdown" : ""})`,
        Runtime: RUNTIME,
        Handler: "index.handler",
        Code: { ZipFile: code },
        Role: getAtt(BudgetResource.role, "Arn"),
        Timeout: 60,
        MemorySize: 128,
        LoggingConfig: { LogGroup: ref(BudgetResource.logGroup) },
        // The values are the manifest's and the stack's own (no ${NAME} of the app's environment: budget-rules.ts refuses it in the URL).
        Environment: { Variables: { BUDGET_SETTINGS: sub(JSON.stringify(settings), { Cluster: ref(AppParameter.Cluster) }) } },
      },
    },
    [BudgetResource.subscription]: { Type: "AWS::SNS::Subscription", Properties: { Protocol: "lambda", TopicArn: ref(BudgetResource.topic), Endpoint: getAtt(BudgetResource.function, "Arn") } },
    [BudgetResource.topicPermission]: {
      Type: "AWS::Lambda::Permission",
      Properties: { Action: "lambda:InvokeFunction", FunctionName: ref(BudgetResource.function), Principal: "sns.amazonaws.com", SourceArn: ref(BudgetResource.topic) },
    },
  };
  if (autoShutdown) {
    resources[BudgetResource.schedulerRole] = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } } }] },
      },
    };
    // A policy of its own: inline in the role it would need the function, which needs the role's ARN.
    resources[BudgetResource.schedulerPolicy] = {
      Type: "AWS::IAM::Policy",
      Properties: { PolicyName: "invoke-budget-function", Roles: [ref(BudgetResource.schedulerRole)], PolicyDocument: { Version: "2012-10-17", Statement: [allow(["lambda:InvokeFunction"], getAtt(BudgetResource.function, "Arn"))] } },
    };
  }
  if (autoShutdown && budget.recoveryMode === "auto-on-reset") {
    resources[BudgetResource.reset] = {
      Type: "AWS::Events::Rule",
      Properties: { Description: `racknet: ${app}'s services back after its budget's monthly reset`, State: "ENABLED", ScheduleExpression: MONTHLY_RESET_SCHEDULE, Targets: [{ Id: "budget-restore", Arn: getAtt(BudgetResource.function, "Arn"), Input: JSON.stringify({ action: "restore" }) }] },
    };
    resources[BudgetResource.resetPermission] = {
      Type: "AWS::Lambda::Permission",
      Properties: { Action: "lambda:InvokeFunction", FunctionName: ref(BudgetResource.function), Principal: "events.amazonaws.com", SourceArn: getAtt(BudgetResource.reset, "Arn") },
    };
  }
  return { Resources: resources, Outputs: { [BUDGET_OUTPUT]: { Value: budgetName }, [BUDGET_TOPIC_OUTPUT]: { Value: ref(BudgetResource.topic) } } };
}

/** What the stack's Metadata records of the budget (the webhook URL stays in the function's settings). */
export function budgetRecord(rack: string, app: string, budget: AppBudget): BudgetRecord {
  return {
    name: appBudgetName(rack, app),
    monthlyCapUsd: String(budget.monthlyCapUsd),
    alertThresholdPercent: String(budget.alertThresholdPercent),
    pricingAdjustment: String(budget.pricingAdjustment),
    atCapAction: budget.atCapAction,
    neverAutoShutdown: [...budget.neverAutoShutdown],
    shutdownOrder: budget.shutdownOrder,
    notifyBeforeMinutes: budget.notifyBeforeMinutes,
    recoveryMode: budget.recoveryMode,
  };
}
