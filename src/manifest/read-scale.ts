/**
 * `scale:` and `health:` of a service, with Convox's defaults. Tolerant: values the
 * schema rejected are already reported; what cannot be read keeps its default. Pure.
 */
import { DEFAULT_CPU, defaultMemory } from "./fargate.js";
import type { ServiceHealth, ServiceScale } from "./model.js";

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

export function readScale(scale: unknown): ServiceScale {
  const fields = isRecord(scale) ? scale : {};
  // Convox: no count (or no scale at all) is one task.
  const count = readCount(isRecord(scale) ? fields.count : scale) ?? { min: 1, max: 1 };
  const cpu = integer(fields.cpu) ?? DEFAULT_CPU;
  const memory = integer(fields.memory) ?? defaultMemory(cpu);
  const targetFields = isRecord(fields.targets) ? fields.targets : {};
  const targets = {
    ...(integer(targetFields.cpu) !== undefined ? { cpu: integer(targetFields.cpu) } : {}),
    ...(integer(targetFields.memory) !== undefined ? { memory: integer(targetFields.memory) } : {}),
    ...(integer(targetFields.requests) !== undefined ? { requests: integer(targetFields.requests) } : {}),
  };
  const ranged = count.max > count.min;
  const anyTarget = Object.keys(targets).length > 0;
  return {
    ...count,
    cpu,
    memory,
    targets: ranged && !anyTarget ? { cpu: DEFAULT_CPU_TARGET } : targets,
    cooldown: readCooldown(fields.cooldown),
  };
}

function readCooldown(cooldown: unknown): ServiceScale["cooldown"] {
  const both = integer(cooldown);
  if (both !== undefined) return { up: both, down: both };
  const fields = isRecord(cooldown) ? cooldown : {};
  return { up: integer(fields.up) ?? DEFAULT_COOLDOWN, down: integer(fields.down) ?? DEFAULT_COOLDOWN };
}

/** Convox's defaults: path `/`, interval 5, grace = interval, timeout = interval - 1. */
export const DEFAULT_HEALTH_INTERVAL = 5;

export function readHealth(health: unknown): ServiceHealth {
  const fields = isRecord(health) ? health : {};
  const path = typeof health === "string" ? health : typeof fields.path === "string" ? fields.path : "/";
  const interval = integer(fields.interval) ?? DEFAULT_HEALTH_INTERVAL;
  return {
    path,
    interval,
    grace: integer(fields.grace) ?? interval,
    timeout: integer(fields.timeout) ?? Math.max(2, interval - 1),
  };
}
