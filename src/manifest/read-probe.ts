/**
 * `liveness` and `startupProbe` (Convox 3) with Convox's defaults (convox/convox
 * pkg/manifest/manifest.go, ApplyDefaults): liveness grace 10, interval 5, timeout 5,
 * thresholds 1 and 3; a startup probe takes what it does not say from the liveness check.
 * Tolerant: what the schema or the rules refuse keeps its default. Pure.
 */
import type { ProbeCheck, ServicePort, ServiceProbe } from "./model.js";
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

const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");

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
 * The probe, or undefined when neither check is set (a liveness check needs a path, a startup
 * probe a path or a TCP port). An HTTP check without a port to request is left out here and
 * refused by the rules (probeRules).
 */
export function readProbe(liveness: unknown, startup: unknown, servicePort: ServicePort | undefined): ServiceProbe | undefined {
  const livenessFields = isRecord(liveness) ? liveness : {};
  const startupFields = isRecord(startup) ? startup : {};
  const livePath = text(livenessFields.path);
  const startPath = text(startupFields.path);
  const tcpPort = startupTcpPort(startupFields.tcpSocketPort);
  const live = livePath !== "" ? settings(livenessFields, LIVENESS_DEFAULTS) : undefined;
  const start = startPath !== "" || tcpPort !== undefined ? settings(startupFields, live ?? LIVENESS_DEFAULTS) : undefined;
  const livePort = readPort(livenessFields.port)?.port ?? servicePort?.port;
  const startCheck: ProbeCheck | undefined = startPath !== "" ? (servicePort ? { path: startPath, port: servicePort.port } : undefined) : tcpPort !== undefined ? { tcpPort } : undefined;
  const livenessCheck = live && livePort !== undefined ? { check: { path: livePath, port: livePort }, grace: live.grace, timeout: live.timeout, failureThreshold: live.failureThreshold } : undefined;
  const startupCheck = start && startCheck ? { check: startCheck, timeout: start.timeout, budget: start.grace + start.interval * start.failureThreshold } : undefined;
  if (!livenessCheck && !startupCheck) return undefined;
  return { interval: (live ?? start ?? LIVENESS_DEFAULTS).interval, ...(livenessCheck ? { liveness: livenessCheck } : {}), ...(startupCheck ? { startup: startupCheck } : {}) };
}
