/**
 * The convox.yml keys Convox accepts that racknet does not act on, in two kinds:
 * - ignored: parsed, a warning names the key and its line. Allowed only where ignoring the
 *   key cannot change who can reach the app, what runs, or whether it stays up; `safe` says why.
 * - refused: the file is refused (exit 1) with `reason` and `fix`: the key changes one of
 *   those three, and racknet cannot do what it asks on Fargate.
 * The schema (schema.ts) and docs/manifest.md are built from these lists.
 */

export interface IgnoredKey {
  key: string;
  /** What Convox does with it; shown in editors and in the warning. */
  convox: string;
  /** Why ignoring it changes neither who reaches the app, what runs, nor whether it stays up. */
  safe: string;
}

export interface RefusedKey {
  key: string;
  convox: string;
  /** Why racknet cannot do it. */
  reason: string;
  fix: string;
}

export const IGNORED_TOP_LEVEL_KEYS: readonly IgnoredKey[] = [
  { key: "appSettings", convox: "app-wide settings such as log retention", safe: "log retention and similar settings change no traffic, command or task count; the rack's log group keeps its own retention" },
  { key: "labels", convox: "Kubernetes labels on every resource", safe: "labels are metadata; racknet tags its resources itself" },
  { key: "params", convox: "provider parameters of the app (Kubernetes racks)", safe: "these tune Convox's own Kubernetes objects, which racknet does not create" },
];

export const REFUSED_TOP_LEVEL_KEYS: readonly RefusedKey[] = [
  { key: "configs", convox: "configuration files mounted into services", reason: "racknet mounts no files into containers", fix: "bake the file into the image, or pass its content through the environment" },
];

export const IGNORED_SERVICE_KEYS: readonly IgnoredKey[] = [
  { key: "annotations", convox: "Kubernetes annotations", safe: "annotations are metadata for Kubernetes objects racknet does not create" },
  { key: "ingressAnnotations", convox: "Kubernetes ingress annotations", safe: "racknet uses no Kubernetes ingress; routing comes from port: and the visibility keys" },
  { key: "labels", convox: "Kubernetes labels", safe: "labels are metadata; racknet tags its resources itself" },
  { key: "certificate", convox: "the duration of the service's certificate", safe: "racknet's certificates come from the rack (the rack CA, or your own for Domain); the duration changes no access" },
  { key: "dnsConfig", convox: "the resolver's ndots setting", safe: "Fargate tasks use the VPC resolver, which answers every racknet name fully qualified" },
  { key: "ports", convox: "extra ports reachable inside the rack", safe: "every port of every container is already reachable from the rack's private network, and from nowhere else" },
  { key: "test", convox: "the command `convox test` runs", safe: "it is never run by a deploy" },
];

export const REFUSED_SERVICE_KEYS: readonly RefusedKey[] = [
  { key: "accessControl", convox: "access control for the service", reason: "racknet cannot tell who it would let in or keep out", fix: "restrict sources with whitelist:, or remove accessControl:" },
  { key: "configMounts", convox: "configuration files mounted into the service", reason: "racknet mounts no files into containers", fix: "bake the file into the image, or pass its content through the environment" },
  { key: "lifecycle", convox: "preStop and postStart hooks", reason: "ECS runs no hooks around a container's start and stop", fix: "run the work in the container's own start-up and signal handling, or remove lifecycle:" },
  { key: "volumes", convox: "volumes mounted into the service", reason: "Fargate cannot mount host paths, and racknet creates no shared file systems", fix: "keep state in a database or S3, or remove volumes:" },
  { key: "volumeOptions", convox: "volume settings", reason: "Fargate cannot mount host paths, and racknet creates no shared file systems", fix: "remove volumeOptions:" },
];

/** Keys under `scale:` that racknet refuses. */
export const REFUSED_SCALE_KEYS: readonly RefusedKey[] = [
  { key: "gpu", convox: "GPUs for the service", reason: "Fargate has no GPUs", fix: "remove gpu:" },
  {
    key: "limit",
    convox: "CPU and memory limits above the reservation",
    reason: "a Fargate task gets exactly its size; there is nothing to burst into",
    fix: "set scale.cpu and scale.memory to the size the service needs, and remove limit:",
  },
];

/** Keys under `scale.targets:` that racknet refuses. */
export const REFUSED_TARGET_KEYS: readonly RefusedKey[] = [
  { key: "external", convox: "scaling on an external metric (KEDA)", reason: "racknet scales on CloudWatch metrics only (cpu, memory, requests, custom)", fix: "name the metric under targets.custom (Namespace/MetricName: {aggregate, value}), or use targets.cpu, targets.memory or targets.requests" },
];

/** Keys under `scale.autoscale:` (Convox 3) that racknet refuses. */
export const REFUSED_AUTOSCALE_KEYS: readonly RefusedKey[] = [
  { key: "gpuUtilization", convox: "scaling on GPU utilisation", reason: "Fargate has no GPUs", fix: "remove gpuUtilization:" },
];

/** Keys of `scale.autoscale.queueDepth` that only a Prometheus server can act on. */
export const REFUSED_QUEUE_DEPTH_KEYS: readonly RefusedKey[] = [
  { key: "prometheusUrl", convox: "the Prometheus server the queue depth is read from", reason: "racknet's racks have no Prometheus: the queue depth is read from CloudWatch, in the app's own namespace", fix: "publish the metric to CloudWatch (namespace racknet/<rack>/<app>, dimension Service), and remove prometheusUrl:" },
  { key: "query", convox: "the PromQL query that reads the queue depth", reason: "racknet's racks have no Prometheus: the queue depth is the Maximum of one CloudWatch metric", fix: "publish the value the query computes as the metric named by metricName, and remove query:" },
];

/** KEDA keys under `scale.keda:` (Convox 3) that have no Application Auto Scaling equivalent. */
export const REFUSED_KEDA_KEYS: readonly RefusedKey[] = [
  { key: "idleReplicaCount", convox: "KEDA's task count while no trigger is active", reason: "Application Auto Scaling keeps a service between its min and max only", fix: "set scale.min instead, and remove idleReplicaCount:" },
  { key: "initialCooldownPeriod", convox: "KEDA's delay before the first scale-in", reason: "Application Auto Scaling has one scale-in cooldown, which is keda.cooldownPeriod", fix: "use keda.cooldownPeriod, and remove initialCooldownPeriod:" },
  { key: "advanced", convox: "KEDA's HPA behaviour and scaling modifiers", reason: "Application Auto Scaling's target tracking has no such settings", fix: "remove advanced:" },
  { key: "fallback", convox: "KEDA's replica count when a trigger fails", reason: "target tracking neither scales in nor out without data; it has no fallback count", fix: "remove fallback:" },
];

/**
 * Keys under `scale.autoscale:` and `scale.keda:` ignored with a warning: how often KEDA polls its triggers.
 * Application Auto Scaling's alarms evaluate one-minute data points and cannot be told otherwise.
 */
export const IGNORED_SCALING_KEYS: readonly IgnoredKey[] = [
  { key: "pollingInterval", convox: "how often KEDA reads the trigger's metric (default 30 s)", safe: "Application Auto Scaling's alarms read one-minute data points; the service still scales on the same metric, between the same bounds" },
];

export function findKey<Key extends { key: string }>(list: readonly Key[], key: string): Key | undefined {
  return list.find((candidate) => candidate.key === key);
}
