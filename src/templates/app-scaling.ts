/**
 * Autoscaling of a service whose count is a range: an Application Auto Scaling scalable
 * target (min, max) on the ECS service's desired count, and one target-tracking policy per
 * target (cpu, memory, requests), each with the service's cooldowns. Application Auto
 * Scaling acts through its ECS service-linked role, which it creates when first used. Pure.
 */
import { autoscales, endpointKinds, type Service } from "../manifest/model.js";
import { AppParameter, KindParameters } from "./app-contract.js";
import { routingIds } from "./app-routing.js";
import { type Json, type Resource, getAtt, join, ref, select, split } from "./cfn.js";

export function scalingIds(id: string): { target: string; cpu: string; memory: string; requests: string } {
  return { target: `${id}ScalableTarget`, cpu: `${id}ScalingCpu`, memory: `${id}ScalingMemory`, requests: `${id}ScalingRequests` };
}

export function scalingResources(service: Service, id: string): Record<string, Resource> {
  if (!autoscales(service)) return {};
  const ids = scalingIds(id);
  const { min, max, targets, cooldown } = service.scale;
  const policy = (name: string, metric: Record<string, Json>, value: number): Resource => ({
    Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
    Properties: {
      PolicyName: `${service.name}-${name}`,
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: ref(ids.target),
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: metric, TargetValue: value, ScaleOutCooldown: cooldown.up, ScaleInCooldown: cooldown.down },
    },
  });
  const resources: Record<string, Resource> = {
    [ids.target]: {
      Type: "AWS::ApplicationAutoScaling::ScalableTarget",
      Properties: {
        MinCapacity: min,
        MaxCapacity: max,
        ResourceId: join("/", ["service", ref(AppParameter.Cluster), getAtt(`${id}Service`, "Name")]),
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
  return resources;
}
