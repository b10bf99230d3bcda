/**
 * What the liveness and startup probes need beyond their schema: a port to request, over plain
 * HTTP (the probe sidecar speaks no TLS), and a startup probe that says what to check. Pure.
 */
import type { Problem } from "../errors/index.js";
import type { Service } from "./model.js";
import { readPort } from "./read-port.js";
import type { PathSegment } from "./source.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const hasText = (value: unknown): boolean => typeof value === "string" && value.trim() !== "";

export function probeRules(service: Service, fields: Fields, note: Note, problems: Problem[]): void {
  const path = ["services", service.name];
  const base = `services.${service.name}`;
  const liveness = isRecord(fields.liveness) ? fields.liveness : undefined;
  if (liveness && hasText(liveness.path)) {
    const own = readPort(liveness.port);
    const probed = own ?? service.port;
    if (!probed) note(problems, [...path, "liveness"], `${base}.liveness has no port to request: ${base} has no port`, "add liveness.port: (the port the container answers the check on), or give the service a port");
    else if (probed.scheme === "https") {
      note(problems, [...path, "liveness", ...(own ? ["port"] : [])], `${base}.liveness would request port ${probed.port} over HTTPS; racknet's probe speaks plain HTTP`, "serve the check on a plain HTTP port and name it with liveness.port: 8081");
    }
  }
  const startup = isRecord(fields.startupProbe) ? fields.startupProbe : undefined;
  if (!startup) return;
  if (!hasText(startup.path) && startup.tcpSocketPort === undefined) {
    note(problems, [...path, "startupProbe"], `${base}.startupProbe says neither path nor tcpSocketPort, so it would check nothing`, 'add path: /startup (HTTP on the service\'s port) or tcpSocketPort: "8080"');
  } else if (hasText(startup.path) && startup.tcpSocketPort !== undefined) {
    note(problems, [...path, "startupProbe", "tcpSocketPort"], `${base}.startupProbe has both path and tcpSocketPort; a probe checks one thing`, "keep path: (HTTP) or tcpSocketPort: (TCP)");
  } else if (hasText(startup.path) && !service.port) {
    note(problems, [...path, "startupProbe", "path"], `${base}.startupProbe.path is requested on the service's port, and ${base} has no port`, 'use tcpSocketPort: "8080", or give the service a port');
  } else if (hasText(startup.path) && service.port?.scheme === "https") {
    note(problems, [...path, "startupProbe", "path"], `${base}.startupProbe.path would be requested over HTTPS on port ${service.port.port}; racknet's probe speaks plain HTTP`, `check the port with tcpSocketPort: "${service.port.port}" instead`);
  }
}
