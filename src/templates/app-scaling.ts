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

export function scalingIds(id: string): { target: string; cpu: string; memory: string; requests: string } {
  return { target: `${id}ScalableTarget`, cpu: `${id}ScalingCpu`, memory: `${id}ScalingMemory`, requests: `${id}ScalingRequests` };
}

export function scalingResources(service: Service, id: string): Record<string, Resource> {
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
    resources[`${id}ScalingMetric${index + 1}`] = policy(`metric-${index + 1}`, customizedMetric(metric, serviceIds(service.name).service), metric.target, "CustomizedMetricSpecification");
  });
  return resources;
}

/**
 * A CloudWatch metric as Convox 2's template writes it, or an SQS queue's backlog per running
 * task as metric math (Application Auto Scaling User Guide, "Create a target tracking scaling
 * policy using metric math", its SQS example): the queue's messages over the service's
 * RunningTaskCount, which the cluster's Container Insights publishes.
 */
function customizedMetric(metric: ScaleMetric, ecsService: string): Record<string, Json> {
  if (metric.source === "cloudwatch") {
    return {
      Namespace: metric.namespace,
      MetricName: metric.metric,
      Statistic: metric.statistic,
      ...(Object.keys(metric.dimensions).length > 0 ? { Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) } : {}),
    };
  }
  const queue = (name: string, metricId: string): Json => ({
    Id: metricId,
    MetricStat: { Metric: { Namespace: "AWS/SQS", MetricName: name, Dimensions: [{ Name: "QueueName", Value: metric.queue }] }, Stat: "Sum" },
    ReturnData: false,
  });
  const tasks: Json = {
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
  return {
    Metrics: [
      queue("ApproximateNumberOfMessagesVisible", "visible"),
      ...(metric.inFlight ? [queue("ApproximateNumberOfMessagesNotVisible", "inflight")] : []),
      tasks,
      { Id: "backlog", Expression: metric.inFlight ? "(visible + inflight) / tasks" : "visible / tasks", Label: `${metric.queue} backlog per task`, ReturnData: true },
    ],
  };
}
