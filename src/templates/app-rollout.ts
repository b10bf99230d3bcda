/**
 * What an app's deploy adds to the account's Fargate vCPUs at its peak: ECS starts a changed
 * service's new tasks before it stops the old ones, up to `deployment.maximum` percent of its
 * desired count (rounded down), so a rollout at `maximum: 200` briefly runs twice the tasks.
 * Checked against the Fargate On-Demand vCPU quota before the change set
 * (src/rack-steps/quotas.ts). Pure.
 */
import type { Manifest } from "../manifest/model.js";
import type { Template } from "./cfn.js";
import { serviceIds, type AppStackMetadata } from "./app-contract.js";

/** Fargate: 1024 CPU units are one vCPU. */
const CPU_UNITS_PER_VCPU = 1024;

export interface ServiceRollout {
  service: string;
  /** Tasks at the rollout's peak: floor(desired × maximum / 100). */
  tasks: number;
  /** vCPUs of one task (the larger of the old and the new size while both run). */
  vcpu: number;
  maximum: number;
  /** What runs now of this service (its last deploy's desired count and size), 0 for a new one. */
  runningVcpu: number;
}

export interface RolloutPeak {
  /** The services whose task definition or ECS service changes: those ECS rolls. */
  services: ServiceRollout[];
  /** vCPUs the changed services run at once at the peak. */
  peakVcpu: number;
  /** vCPUs the changed services run now (the old tasks the peak includes). */
  runningVcpu: number;
}

/**
 * The rollout's peak. A service rolls when its task definition or ECS service resource differs
 * from the deployed template's (or is new); one that does not change starts no task. The
 * desired count is the manifest's minimum (an autoscaled service may run more at the time).
 */
export function rolloutPeak(manifest: Manifest, rendered: Template, previous: { template?: Record<string, unknown>; metadata?: AppStackMetadata } = {}): RolloutPeak {
  const before = (previous.template?.Resources ?? {}) as Record<string, unknown>;
  const services = manifest.services.flatMap((service): ServiceRollout[] => {
    const ids = serviceIds(service.name);
    const changed = [ids.taskDefinition, ids.service].some((logicalId) => JSON.stringify(before[logicalId]) !== JSON.stringify(rendered.Resources[logicalId]));
    const desired = service.scale.min;
    if (!changed || desired === 0) return [];
    const old = previous.metadata?.services.find((record) => record.name === service.name);
    const oldCpu = old?.cpu ?? 0;
    const tasks = Math.floor((desired * service.deployment.maximum) / 100);
    return [
      {
        service: service.name,
        tasks,
        vcpu: Math.max(service.scale.cpu, oldCpu) / CPU_UNITS_PER_VCPU,
        maximum: service.deployment.maximum,
        runningVcpu: ((old?.count?.min ?? 0) * oldCpu) / CPU_UNITS_PER_VCPU,
      },
    ];
  });
  return {
    services,
    peakVcpu: services.reduce((sum, service) => sum + service.tasks * service.vcpu, 0),
    runningVcpu: services.reduce((sum, service) => sum + service.runningVcpu, 0),
  };
}
