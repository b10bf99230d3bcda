import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack } from "../../src/templates/app.js";
import type { Json, Template } from "../../src/templates/cfn.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";

/** Convox 3's scale (min/max, autoscale, KEDA's aws-sqs-queue) and Convox 2's targets.custom, from the file to Application Auto Scaling. */

const FILE = join(import.meta.dirname, "../fixtures/manifests/good/scale-v3.yml");

function rendered(text: string): Template {
  const { manifest, problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  const parsed = manifest as Manifest;
  const environment = resolveEnvironment(parsed, { rack: "prod", app: "shop", stored: {} });
  const priorities = Object.fromEntries(parsed.services.map((service, index) => [`${service.name}:external`, 10 + index]));
  return renderAppStack({ rack: "prod", app: "shop", manifest: parsed, version: "0.1.0", priorities, environment: environment.services }).template;
}

const template = rendered(readFileSync(FILE, "utf8"));
const properties = (id: string): Record<string, Json> => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no ${id} in ${Object.keys(template.Resources).join(", ")}`);
  return found.Properties ?? {};
};
const tracking = (id: string) => properties(id).TargetTrackingScalingPolicyConfiguration as Record<string, Json>;

describe("Convox 3's scale on Application Auto Scaling", () => {
  it("min and max are the scalable target's bounds, autoscale's thresholds its policies, cooldownPeriod the scale-in cooldown", () => {
    // An autoscaled service leaves its count to the scalable target (no DesiredCount in the template).
    expect(properties("WebService").DesiredCount).toBeUndefined();
    expect(properties("WebScalableTarget")).toMatchObject({ MinCapacity: 2, MaxCapacity: 6 });
    expect(tracking("WebScalingCpu")).toMatchObject({ TargetValue: 70, ScaleInCooldown: 120, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" } });
    expect(tracking("WebScalingMemory")).toMatchObject({ TargetValue: 80, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageMemoryUtilization" } });
  });

  it("min alone is a fixed count; with autoscale it goes up to 10 (Convox 3's default max)", () => {
    expect(properties("MinOnlyService").DesiredCount).toBe(3);
    expect(template.Resources.MinOnlyScalableTarget).toBeUndefined();
    expect(properties("AutoscaleDefaultMaxScalableTarget")).toMatchObject({ MinCapacity: 1, MaxCapacity: 10 });
  });

  it("min: 0 alone runs no task and makes no scalable target", () => {
    expect(properties("IdleService").DesiredCount).toBe(0);
    expect(template.Resources.IdleScalableTarget).toBeUndefined();
  });

  it("a KEDA aws-sqs-queue trigger tracks the queue's backlog per running task at queueLength, in-flight messages included", () => {
    const policy = tracking("QueueWorkerScalingMetric1");
    expect(policy.TargetValue).toBe(2);
    expect(policy.ScaleInCooldown).toBe(300);
    const metrics = (policy.CustomizedMetricSpecification as { Metrics: Record<string, Json>[] }).Metrics;
    expect(metrics.map((metric) => metric.Id)).toEqual(["visible", "inflight", "tasks", "backlog"]);
    expect(JSON.stringify(metrics[0])).toContain('"QueueName","Value":"jobs"');
    expect(metrics[2]?.MetricStat).toMatchObject({ Metric: { Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount" } });
    expect(metrics[3]).toMatchObject({ Expression: "(visible + inflight) / tasks", ReturnData: true });
    expect(template.Resources.QueueWorkerScalingCpu).toBeUndefined();
  });

  it("autoscale.custom takes the same triggers; scaleOnInFlight: \"false\" counts visible messages only; queueLength defaults to 5", () => {
    const policy = tracking("BacklogScalingMetric1");
    expect(policy.TargetValue).toBe(5);
    const metrics = (policy.CustomizedMetricSpecification as { Metrics: Record<string, Json>[] }).Metrics;
    expect(metrics.map((metric) => metric.Id)).toEqual(["visible", "tasks", "backlog"]);
    expect(metrics[2]).toMatchObject({ Expression: "visible / tasks" });
  });

  it("targets.custom is a customized metric as Convox 2 writes it: namespace before the last /, aggregate as the statistic", () => {
    expect(tracking("MetricScalingMetric1")).toMatchObject({
      TargetValue: 100,
      CustomizedMetricSpecification: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Statistic: "Maximum", Dimensions: [{ Name: "QueueName", Value: "jobs" }] },
    });
    expect(tracking("MetricScalingMetric2")).toMatchObject({ TargetValue: 50, CustomizedMetricSpecification: { Namespace: "Custom/App", MetricName: "ActiveSessions", Statistic: "Average" } });
    expect(template.Resources.MetricScalingCpu).toBeUndefined();
  });

  it("an aws-sqs-queue trigger's awsRegion must be the rack's: refused at its line with the fix, accepted when it is", () => {
    const text = readFileSync(FILE, "utf8");
    expect(parseManifest(text, "convox.yml", { app: "shop", rack: "prod", region: "us-east-1" }).problems).toEqual([]);
    const { problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod", region: "eu-west-1" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ where: "convox.yml:36:109", path: "services.queue-worker.scale.keda.triggers[0].metadata.awsRegion" });
    expect(problems[0]?.message).toContain("is us-east-1, and the rack is in eu-west-1");
    expect(problems[0]?.fix).toContain("move the queue to eu-west-1");
  });

  it("passes cfn-lint", async () => {
    expect(await cfnLint({ scaleV3: template, queueDepth: queueTemplate })).toEqual({ scaleV3: [], queueDepth: [] });
  }, lintDeadline(2));
});

/** Convox 3's `autoscale-queue` fixture as written (min: 0, queueDepth on vLLM's waiting requests), plus a timer on the same service. */
const QUEUE = `services:
  worker:
    build: .
    scale:
      min: 0
      max: 5
      autoscale:
        queueDepth:
          threshold: 5
          metricName: vllm:num_requests_waiting
  web:
    image: example/web:1
    scale:
      min: 1
      max: 3
      autoscale:
        queueDepth: {threshold: 1}
timers:
  sweep:
    schedule: "0 * * * ?"
    command: bin/sweep
    service: worker
`;
const queueTemplate = (() => {
  const { manifest, problems } = parseManifest(QUEUE, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  const parsed = manifest as Manifest;
  const environment = resolveEnvironment(parsed, { rack: "prod", app: "shop", stored: {} });
  return renderAppStack({ rack: "prod", app: "shop", manifest: parsed, version: "0.1.0", priorities: {}, images: { worker: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop:worker" }, environment: environment.services }).template;
})();

describe("autoscale.queueDepth: a depth the app's tasks publish to CloudWatch, per running task", () => {
  const resource = (id: string) => {
    const found = queueTemplate.Resources[id];
    if (!found) throw new Error(`no ${id} in ${Object.keys(queueTemplate.Resources).join(", ")}`);
    return found;
  };

  it("tracks the metric's Maximum in racknet/<rack>/<app> (dimension Service) over running tasks at the threshold", () => {
    expect(resource("WorkerScalableTarget").Properties).toMatchObject({ MinCapacity: 0, MaxCapacity: 5 });
    const policy = resource("WorkerScalingMetric1").Properties?.TargetTrackingScalingPolicyConfiguration as Record<string, Json>;
    expect(policy.TargetValue).toBe(5);
    const metrics = (policy.CustomizedMetricSpecification as { Metrics: Record<string, Json>[] }).Metrics;
    expect(metrics.map((metric) => metric.Id)).toEqual(["depth", "tasks", "backlog"]);
    expect(metrics[0]?.MetricStat).toEqual({ Metric: { Namespace: "racknet/prod/shop", MetricName: "vllm:num_requests_waiting", Dimensions: [{ Name: "Service", Value: "worker" }] }, Stat: "Maximum" });
    expect(metrics[2]).toMatchObject({ Expression: "depth / tasks", ReturnData: true });
    // No CPU target is added: the depth is the service's only target, as Convox's trigger is.
    expect(queueTemplate.Resources.WorkerScalingCpu).toBeUndefined();
  });

  it("from 0 tasks, an alarm that breaches only while no task runs and the depth reaches Convox's activation (threshold / 2) sets one task", () => {
    const alarm = resource("WorkerScalingWakeAlarm").Properties ?? {};
    expect(alarm).toMatchObject({ Threshold: 2.5, ComparisonOperator: "GreaterThanOrEqualToThreshold", AlarmActions: [{ Ref: "WorkerScalingWake" }] });
    expect((alarm.Metrics as Record<string, Json>[]).at(-1)).toMatchObject({ Expression: "IF(FILL(tasks, 0) == 0, depth, 0)", ReturnData: true });
    expect(resource("WorkerScalingWake").Properties).toMatchObject({
      PolicyType: "StepScaling",
      StepScalingPolicyConfiguration: { AdjustmentType: "ExactCapacity", StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
    });
    // A service that starts at 1 task needs no wake.
    expect(queueTemplate.Resources.WebScalingWakeAlarm).toBeUndefined();
  });

  it("the app's tasks always have a role that may publish metrics in the app's namespace only; timers may pass it", () => {
    const role = resource("TaskRole");
    expect(role.Condition).toBeUndefined();
    expect(JSON.stringify(role.Properties)).toContain('"Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"racknet/prod/shop"}}');
    expect(resource("WorkerTaskDefinition").Properties?.TaskRoleArn).toEqual({ "Fn::GetAtt": ["TaskRole", "Arn"] });
    expect(JSON.stringify(resource("TimerSchedulerRole").Properties)).toContain('{"Fn::GetAtt":["TaskRole","Arn"]}');
    // Without queueDepth the role is still made only with Exec=Yes.
    expect(template.Resources.TaskRole?.Condition).toBe("ExecEnabled");
  });

  it("min: 0 with cpu alone is still refused; prometheusUrl and query are refused at their line", () => {
    const cpuOnly = QUEUE.replace("        queueDepth:\n          threshold: 5\n          metricName: vllm:num_requests_waiting", "        cpu: {threshold: 70}");
    expect(parseManifest(cpuOnly, "convox.yml", { app: "shop", rack: "prod" }).problems.map((problem) => problem.path)).toEqual(["services.worker.scale.min"]);
    const prometheus = QUEUE.replace("          threshold: 5\n", "          threshold: 5\n          query: max(x)\n");
    const { problems } = parseManifest(prometheus, "convox.yml", { app: "shop", rack: "prod" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "services.worker.scale.autoscale.queueDepth.query", where: "convox.yml:10:11" });
  });
});
