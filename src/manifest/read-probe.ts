/**
 * `liveness` and `startupProbe` (Convox 3) as one container health check, with Convox's
 * defaults (its ApplyDefaults): liveness grace 10, interval 5, timeout 5, thresholds 1 and 3;
 * a startup probe takes what it does not say from the liveness check. Tolerant: what the
 * schema or the rules refuse keeps its default. Pure.
 */
import type { ServicePort, ServiceProbe } from "./model.js";
import { readPort } from "./read-port.js";

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const integer = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) ? value : undefined);

export const LIVENESS_DEFAULTS = { grace: 10, interval: 5, timeout: 5, successThreshold: 1, failureThreshold: 3 } as const;

export interface ProbeSettings {
  grace: number;
  interval: number;
  timeout: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The liveness check's settings with Convox's defaults (absent when there is no path). */
export function livenessSettings(liveness: unknown): ProbeSettings | undefined {
  if (!isRecord(liveness) || typeof liveness.path !== "string" || liveness.path.trim() === "") return undefined;
  return settings(liveness, LIVENESS_DEFAULTS);
}

/** The startup probe's settings: what it does not say comes from the liveness check (or Convox's liveness defaults). */
export function startupSettings(startup: unknown, liveness: ProbeSettings | undefined): ProbeSettings | undefined {
  if (!isRecord(startup)) return undefined;
  const hasPath = typeof startup.path === "string" && startup.path.trim() !== "";
  const hasPort = startupTcpPort(startup.tcpSocketPort) !== undefined;
  if (!hasPath && !hasPort) return undefined;
  return settings(startup, liveness ?? LIVENESS_DEFAULTS);
}

/** `tcpSocketPort: "8080"` (Convox writes it as text) or 8080. */
export function startupTcpPort(value: unknown): number | undefined {
  const port = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : integer(value);
  return port !== undefined && port >= 1 && port <= 65535 ? port : undefined;
}

function settings(fields: Fields, defaults: ProbeSettings): ProbeSettings {
  const positive = (value: unknown) => {
    const whole = integer(value);
    return whole !== undefined && whole > 0 ? whole : undefined;
  };
  return {
    grace: positive(fields.grace) ?? defaults.grace,
    interval: positive(fields.interval) ?? defaults.interval,
    timeout: positive(fields.timeout) ?? defaults.timeout,
    successThreshold: positive(fields.successThreshold) ?? defaults.successThreshold,
    failureThreshold: positive(fields.failureThreshold) ?? defaults.failureThreshold,
  };
}

/**
 * ECS runs one check: the startup probe's until it first succeeds, then the liveness check's.
 * Its interval, timeout and retries are the liveness check's (the startup probe's alone); the
 * start period gives the startup probe its whole budget (grace + interval × failures), as a
 * Kubernetes startup probe has before the container is restarted.
 */
export function readProbe(liveness: unknown, startup: unknown, servicePort: ServicePort | undefined): ServiceProbe | undefined {
  const live = livenessSettings(liveness);
  const start = startupSettings(startup, live);
  if (!live && !start) return undefined;
  const livenessFields = isRecord(liveness) ? liveness : {};
  const startupFields = isRecord(startup) ? startup : {};
  const port = readPort(livenessFields.port) ?? servicePort;
  const main = live ?? start;
  if (!main) return undefined;
  const startPeriod = start ? start.grace + start.interval * start.failureThreshold : main.grace;
  const tcpPort = startupTcpPort(startupFields.tcpSocketPort);
  const startupPath = typeof startupFields.path === "string" ? startupFields.path.trim() : "";
  return {
    ...(live && port ? { liveness: { path: String(livenessFields.path).trim(), port } } : {}),
    ...(start ? { startup: startupPath !== "" && servicePort ? { path: startupPath, port: servicePort } : { tcpPort: tcpPort ?? servicePort?.port ?? 0 } } : {}),
    interval: main.interval,
    timeout: main.timeout,
    retries: main.failureThreshold,
    startPeriod,
  };
}
