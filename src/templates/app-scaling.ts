/**
 * Autoscaling of a service whose count is a range: an Application Auto Scaling scalable
 * target (min, max) on the ECS service's desired count, and one target-tracking policy per
 * target (cpu, memory, requests, each CloudWatch metric), each with the service's cooldowns.
 * Application Auto Scaling acts through its ECS service-linked role, which it creates when
 * first used. Pure.
 */
import { autoscales, endpointKinds, type ScaleMetric, type Service } from "../manifest/model.js";
import { AppParameter, KindParameters, serviceIds } from "./app-contract.js";
import { routingIds } from "./app-routing.js";
import { type Json, type Resource, getAtt, join, ref, select, split } from "./cfn.js";
import { QUEUE_METRIC_DIMENSION } from "../names/index.js";

export function scalingIds(id: string): { target: string; cpu: string; memory: string; requests: string; wake: string; wakeAlarm: string } {
  return { target: `${id}ScalableTarget`, cpu: `${id}ScalingCpu`, memory: `${id}ScalingMemory`, requests: `${id}ScalingRequests`, wake: `${id}ScalingWake`, wakeAlarm: `${id}ScalingWakeAlarm` };
}

/** `metricNamespace`: where the app's tasks publish queue depths (src/names: appMetricNamespace). */
export function scalingResources(service: Service, id: string, metricNamespace: string): Record<string, Resource> {
  if (!autoscales(service)) return {};
  const ids = scalingIds(id);
  const { min, max, targets, cooldown } = service.scale;
  const policy = (name: string, metric: Record<string, Json>, value: number, kind: "PredefinedMetricSpecification" | "CustomizedMetricSpecification" = "PredefinedMetricSpecification"): Resource => ({
    Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
    Properties: {
      PolicyName: `${service.name}-${name}`,
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: ref(ids.target),
      TargetTrackingScalingPolicyConfiguration: { [kind]: metric, TargetValue: value, ScaleOutCooldown: cooldown.up, ScaleInCooldown: cooldown.down },
    },
  });
  const resources: Record<string, Resource> = {
    [ids.target]: {
      Type: "AWS::ApplicationAutoScaling::ScalableTarget",
      Properties: {
        MinCapacity: min,
        MaxCapacity: max,
        ResourceId: join("/", ["service", ref(AppParameter.Cluster), getAtt(serviceIds(service.name).service, "Name")]),
        ScalableDimension: "ecs:service:DesiredCount",
        ServiceNamespace: "ecs",
      },
    },
  };
  if (targets.cpu !== undefined) resources[ids.cpu] = policy("cpu", { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, targets.cpu);
  if (targets.memory !== undefined) resources[ids.memory] = policy("memory", { PredefinedMetricType: "ECSServiceAverageMemoryUtilization" }, targets.memory);
  const [kind] = endpointKinds(service);
  if (targets.requests !== undefined && kind) {
    // `app/<name>/<id>/targetgroup/<name>/<id>`: the load balancer's part is in its listener's ARN (…:listener/app/<name>/<id>/<listener-id>).
    const listenerParts = split("/", ref(KindParameters[kind].listener));
    const resourceLabel = join("/", [select(1, listenerParts), select(2, listenerParts), select(3, listenerParts), getAtt(routingIds(id, kind).targetGroup, "TargetGroupFullName")]);
    resources[ids.requests] = policy("requests", { PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: resourceLabel }, targets.requests);
  }
  (targets.metrics ?? []).forEach((metric, index) => {
    resources[`${id}ScalingMetric${index + 1}`] = policy(`metric-${index + 1}`, customizedMetric(metric, serviceIds(service.name).service, service.name, metricNamespace), metric.target, "CustomizedMetricSpecification");
  });
  const queue = (targets.metrics ?? []).find((metric) => metric.source === "queue");
  if (min === 0 && queue?.source === "queue") Object.assign(resources, wakeResources(service, id, queue, metricNamespace, cooldown.up));
  return resources;
}

/** The service's running tasks, as the cluster's Container Insights counts them (every rack's cluster has it on). */
function runningTasks(ecsService: string): Json {
  return {
    Id: "tasks",
    MetricStat: {
      Metric: {
        Namespace: "ECS/ContainerInsights",
        MetricName: "RunningTaskCount",
        Dimensions: [
          { Name: "ClusterName", Value: ref(AppParameter.Cluster) },
          { Name: "ServiceName", Value: getAtt(ecsService, "Name") },
        ],
      },
      Stat: "Average",
    },
    ReturnData: false,
  };
}

function queueDepth(metric: string, service: string, metricNamespace: string, period?: number): Json {
  return {
    Id: "depth",
    MetricStat: { Metric: { Namespace: metricNamespace, MetricName: metric, Dimensions: [{ Name: QUEUE_METRIC_DIMENSION, Value: service }] }, Stat: "Maximum", ...(period ? { Period: period } : {}) },
    ReturnData: false,
  };
}

/**
 * A service that scales on a queue depth from 0 tasks (Convox 3's `min: 0` with `queueDepth`):
 * target tracking divides the depth by running tasks and so never leaves 0, which KEDA's
 * activation threshold does for Convox. Here an alarm that breaches only while the service runs
 * no task and the depth is at least Convox's activation (threshold / 2, at least 1) sets the
 * count to 1 through a step scaling policy; from 1 task target tracking takes over, and scales
 * in to 0 when the depth is 0.
 */
function wakeResources(service: Service, id: string, queue: Extract<ScaleMetric, { source: "queue" }>, metricNamespace: string, cooldown: number): Record<string, Resource> {
  const ids = scalingIds(id);
  const tasks = runningTasks(serviceIds(service.name).service) as Record<string, Json>;
  return {
    [ids.wake]: {
      Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
      Properties: {
        PolicyName: `${service.name}-wake`,
        PolicyType: "StepScaling",
        ScalingTargetId: ref(ids.target),
        StepScalingPolicyConfiguration: { AdjustmentType: "ExactCapacity", Cooldown: cooldown, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
      },
    },
    [ids.wakeAlarm]: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmDescription: `racknet: ${service.name} runs no task and its queue depth (${queue.metric}) is at least ${queue.activation}: start one`,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        Threshold: queue.activation,
        EvaluationPeriods: 1,
        TreatMissingData: "notBreaching",
        Metrics: [
          queueDepth(queue.metric, service.name, metricNamespace, 60),
          { ...tasks, MetricStat: { ...(tasks.MetricStat as Record<string, Json>), Period: 60 } },
          { Id: "idle", Expression: "IF(FILL(tasks, 0) == 0, depth, 0)", Label: `${queue.metric} while no task runs`, ReturnData: true },
        ],
        AlarmActions: [ref(ids.wake)],
      },
    },
  };
}

/**
 * A CloudWatch metric as Convox 2's template writes it, or an SQS queue's backlog per running
 * task as metric math (Application Auto Scaling User Guide, "Create a target tracking scaling
 * policy using metric math", its SQS example): the queue's messages over the service's
 * RunningTaskCount, which the cluster's Container Insights publishes; a queue depth
 * (`autoscale.queueDepth`) the same way, its Maximum (Convox's query is `max(...)`) per task.
 */
function customizedMetric(metric: ScaleMetric, ecsService: string, serviceName: string, metricNamespace: string): Record<string, Json> {
  if (metric.source === "cloudwatch") {
    return {
      Namespace: metric.namespace,
      MetricName: metric.metric,
      Statistic: metric.statistic,
      ...(Object.keys(metric.dimensions).length > 0 ? { Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) } : {}),
    };
  }
  if (metric.source === "queue") {
    return {
      Metrics: [
        queueDepth(metric.metric, serviceName, metricNamespace),
        runningTasks(ecsService),
        { Id: "backlog", Expression: "depth / tasks", Label: `${metric.metric} per task`, ReturnData: true },
      ],
    };
  }
  const queue = (name: string, metricId: string): Json => ({
    Id: metricId,
    MetricStat: { Metric: { Namespace: "AWS/SQS", MetricName: name, Dimensions: [{ Name: "QueueName", Value: metric.queue }] }, Stat: "Sum" },
    ReturnData: false,
  });
  return {
    Metrics: [
      queue("ApproximateNumberOfMessagesVisible", "visible"),
      ...(metric.inFlight ? [queue("ApproximateNumberOfMessagesNotVisible", "inflight")] : []),
      runningTasks(ecsService),
      { Id: "backlog", Expression: metric.inFlight ? "(visible + inflight) / tasks" : "visible / tasks", Label: `${metric.queue} backlog per task`, ReturnData: true },
    ],
  };
}
