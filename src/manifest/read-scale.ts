/**
 * `scale:` and `health:` of a service, with Convox's defaults. Tolerant: values the
 * schema rejected are already reported; what cannot be read keeps its default. Pure.
 */
import { DEFAULT_CPU, defaultMemory } from "./fargate.js";
import type { MetricStatistic, ScaleMetric, ServiceHealth, ServiceScale } from "./model.js";
import { readPort } from "./read-port.js";

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const integer = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) ? value : undefined);

/** Convox's cooldown between scaling activities when none is given (its ECS template's 60 s). */
export const DEFAULT_COOLDOWN = 60;
/** The CPU target a range without targets tracks (Kubernetes' default, which Convox 3 relies on). */
export const DEFAULT_CPU_TARGET = 80;

/** `2`, `"2"`, `"1-3"`, `{min, max}`: as Convox reads a count (a missing end of a map is 0). */
export function readCount(count: unknown): { min: number; max: number } | undefined {
  const whole = integer(count);
  if (whole !== undefined) return { min: whole, max: whole };
  if (typeof count === "string") {
    const match = /^(\d+)(?:-(\d+))?$/.exec(count.trim());
    if (!match) return undefined;
    const min = Number(match[1]);
    return { min, max: match[2] === undefined ? min : Number(match[2]) };
  }
  if (isRecord(count)) return { min: integer(count.min) ?? 0, max: integer(count.max) ?? 0 };
  return undefined;
}

/** Convox 3: `autoscale` with a `min` and no `max` scales up to 10 tasks. */
export const DEFAULT_AUTOSCALE_MAX = 10;
/** KEDA's `aws-sqs-queue` default queueLength: messages one task handles. */
export const DEFAULT_QUEUE_LENGTH = 5;

const number = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined);

/** True when `scale.autoscale` asks for scaling on anything (Convox's IsEnabled). */
export function autoscaleEnabled(autoscale: unknown): boolean {
  return isRecord(autoscale) && ["cpu", "memory", "gpuUtilization", "queueDepth"].some((key) => isRecord(autoscale[key])) || (isRecord(autoscale) && Array.isArray(autoscale.custom) && autoscale.custom.length > 0);
}

/**
 * Convox 3's count from `min`/`max` (its ApplyDefaults, pkg/manifest/manifest.go): both given
 * are the range; `min` alone is fixed, or up to 10 with autoscale; `max` alone is fixed, or
 * from 0 with autoscale; autoscale without a maximum goes up to 10. No count at all is one task.
 */
function countOf(fields: Fields, scale: unknown): { min: number; max: number } {
  const min = integer(fields.min);
  const max = integer(fields.max);
  const autoscale = autoscaleEnabled(fields.autoscale);
  const count = readCount(isRecord(scale) ? fields.count : scale);
  if (min !== undefined && max !== undefined) return { min, max };
  if (min !== undefined) return { min, max: autoscale ? count?.max || DEFAULT_AUTOSCALE_MAX : min };
  if (max !== undefined) {
    const low = count?.min ?? 0;
    return { min: low === 0 && !autoscale ? max : low, max };
  }
  if (autoscale) return { min: count?.min ?? 0, max: count?.max || DEFAULT_AUTOSCALE_MAX };
  return count ?? { min: 1, max: 1 };
}

export function readScale(scale: unknown): ServiceScale {
  const fields = isRecord(scale) ? scale : {};
  const count = countOf(fields, scale);
  const cpu = integer(fields.cpu) ?? DEFAULT_CPU;
  const memory = integer(fields.memory) ?? defaultMemory(cpu);
  const targetFields = isRecord(fields.targets) ? fields.targets : {};
  const autoscale = isRecord(fields.autoscale) ? fields.autoscale : {};
  const threshold = (key: string) => (isRecord(autoscale[key]) ? number(autoscale[key].threshold) : undefined);
  const cpuTarget = threshold("cpu") ?? integer(targetFields.cpu);
  const memoryTarget = threshold("memory") ?? integer(targetFields.memory);
  const metrics = [...customMetrics(targetFields.custom), ...queueDepthMetrics(autoscale.queueDepth), ...sqsMetrics(autoscale.custom, "autoscale.custom"), ...sqsMetrics(isRecord(fields.keda) ? fields.keda.triggers : undefined, "keda.triggers")];
  const targets = {
    ...(cpuTarget !== undefined ? { cpu: cpuTarget } : {}),
    ...(memoryTarget !== undefined ? { memory: memoryTarget } : {}),
    ...(integer(targetFields.requests) !== undefined ? { requests: integer(targetFields.requests) } : {}),
    ...(metrics.length > 0 ? { metrics } : {}),
  };
  const ranged = count.max > count.min;
  const anyTarget = Object.keys(targets).length > 0;
  return {
    ...count,
    cpu,
    memory,
    targets: ranged && !anyTarget ? { cpu: DEFAULT_CPU_TARGET } : targets,
    cooldown: readCooldown(fields.cooldown, autoscale.cooldownPeriod ?? (isRecord(fields.keda) ? fields.keda.cooldownPeriod : undefined)),
  };
}

const STATISTICS: Record<string, MetricStatistic> = { avg: "Average", max: "Maximum", min: "Minimum", sum: "Sum" };

/** `statistic` of Convox 2's `aggregate` (its template's own table); anything else is refused by the rules. */
export function metricStatistic(aggregate: unknown): MetricStatistic | undefined {
  return typeof aggregate === "string" ? STATISTICS[aggregate.toLowerCase()] : undefined;
}

/** Convox 2's `targets.custom`: `Namespace/MetricName: {aggregate, value, dimensions}`, the namespace everything before the last `/`. */
function customMetrics(custom: unknown): ScaleMetric[] {
  if (!isRecord(custom)) return [];
  return Object.entries(custom).flatMap(([key, raw]): ScaleMetric[] => {
    const fields = isRecord(raw) ? raw : {};
    const at = key.lastIndexOf("/");
    const statistic = metricStatistic(fields.aggregate ?? "avg");
    const target = number(fields.value);
    if (at <= 0 || !statistic || target === undefined) return [];
    const dimensions = isRecord(fields.dimensions) ? Object.fromEntries(Object.entries(fields.dimensions).map(([name, value]) => [name, String(value)])) : {};
    return [{ source: "cloudwatch", namespace: key.slice(0, at), metric: key.slice(at + 1), dimensions, statistic, target }];
  });
}

/** Convox 3's default queue depth metric (pkg/manifest/service.go, BuildTriggers): vLLM's waiting requests. */
export const DEFAULT_QUEUE_METRIC = "vllm:num_requests_waiting";

/** `autoscale.queueDepth`; Convox wakes a service at 0 tasks at half the threshold, at least 1 (its activationThreshold). */
function queueDepthMetrics(queueDepth: unknown): ScaleMetric[] {
  if (!isRecord(queueDepth)) return [];
  const target = number(queueDepth.threshold);
  if (target === undefined || target <= 0) return [];
  const metric = typeof queueDepth.metricName === "string" && queueDepth.metricName !== "" ? queueDepth.metricName : DEFAULT_QUEUE_METRIC;
  return [{ source: "queue", metric, target, activation: Math.max(1, target / 2) }];
}

/** `scale.keda.triggers` and `scale.autoscale.custom` of type `aws-sqs-queue`; other types are refused by the rules. */
function sqsMetrics(triggers: unknown, list: string): ScaleMetric[] {
  if (!Array.isArray(triggers)) return [];
  return triggers.flatMap((trigger, index): ScaleMetric[] => {
    if (!isRecord(trigger) || trigger.type !== "aws-sqs-queue" || !isRecord(trigger.metadata)) return [];
    const queue = sqsQueueName(trigger.metadata.queueURL);
    if (!queue) return [];
    const region = typeof trigger.metadata.awsRegion === "string" && trigger.metadata.awsRegion !== "" ? trigger.metadata.awsRegion : undefined;
    const inFlight = String(trigger.metadata.scaleOnInFlight ?? "true") !== "false";
    return [{ source: "sqs", queue, ...(region ? { region } : {}), key: `${list}[${index}]`, inFlight, target: number(trigger.metadata.queueLength) ?? DEFAULT_QUEUE_LENGTH }];
  });
}

/** The queue's name as KEDA reads it: the last part of its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function sqsQueueName(url: unknown): string | undefined {
  if (typeof url !== "string" || url.trim() === "") return undefined;
  const name = url.trim().replace(/\/+$/, "").split("/").pop() ?? "";
  return name === "" ? undefined : name;
}

function readCooldown(cooldown: unknown, scaleIn: unknown): ServiceScale["cooldown"] {
  const both = integer(cooldown);
  if (both !== undefined) return { up: both, down: both };
  const fields = isRecord(cooldown) ? cooldown : {};
  // Convox 3's `cooldownPeriod` (KEDA's): how long the load stays low before scaling in.
  return { up: integer(fields.up) ?? DEFAULT_COOLDOWN, down: integer(fields.down) ?? integer(scaleIn) ?? DEFAULT_COOLDOWN };
}

/** Convox's defaults: path `/`, interval 5, grace = interval, timeout = interval - 1. */
export const DEFAULT_HEALTH_INTERVAL = 5;

export function readHealth(health: unknown): ServiceHealth {
  const fields = isRecord(health) ? health : {};
  const path = typeof health === "string" ? health : typeof fields.path === "string" ? fields.path : "/";
  const interval = integer(fields.interval) ?? DEFAULT_HEALTH_INTERVAL;
  const read = readPort(fields.port);
  // Convox 3: the check's scheme is health.port's when written, else the service's port's.
  const written = (typeof fields.port === "string" && /^https?:/.test(fields.port)) || (isRecord(fields.port) && typeof fields.port.scheme === "string");
  const port = read ? { port: read.port, ...(written ? { scheme: read.scheme } : {}) } : undefined;
  return {
    path,
    interval,
    grace: integer(fields.grace) ?? interval,
    timeout: integer(fields.timeout) ?? Math.max(2, interval - 1),
    ...(port ? { port } : {}),
  };
}
