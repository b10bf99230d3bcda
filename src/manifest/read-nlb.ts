/**
 * Network load balancer listeners: a service's `nlb:` (convox/rack on ECS), with Convox's
 * defaults (protocol tcp, scheme public, containerPort = port; protocol and scheme read
 * case-insensitively). Tolerant: what the rules
 * refuse is read as far as it can be. Pure.
 */
import type { NlbPort, NlbProtocol, NlbScheme } from "./model.js";

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const integer = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined);
const flag = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined);

/** The written protocol and scheme, lowercased and trimmed, with Convox's defaults. */
export function nlbProtocolText(value: unknown): string {
  return typeof value === "string" && value.trim() !== "" ? value.trim().toLowerCase() : "tcp";
}

export function nlbSchemeText(value: unknown): string {
  return typeof value === "string" && value.trim() !== "" ? value.trim().toLowerCase() : "public";
}

export function readNlb(nlb: unknown): NlbPort[] {
  if (!Array.isArray(nlb)) return [];
  return nlb.flatMap((raw): NlbPort[] => {
    if (!isRecord(raw)) return [];
    const port = integer(raw.port) ?? 0;
    const protocol = nlbProtocolText(raw.protocol);
    const scheme = nlbSchemeText(raw.scheme);
    const crossZone = flag(raw.cross_zone);
    const preserveClientIp = flag(raw.preserve_client_ip);
    return [
      {
        port,
        protocol: (protocol === "tls" ? "tls" : "tcp") satisfies NlbProtocol,
        containerPort: integer(raw.containerPort) || port,
        scheme: (scheme === "internal" ? "internal" : "public") satisfies NlbScheme,
        ...(typeof raw.certificate === "string" && raw.certificate.trim() !== "" ? { certificate: raw.certificate.trim() } : {}),
        ...(crossZone !== undefined ? { crossZone } : {}),
        allowCidr: Array.isArray(raw.allow_cidr) ? raw.allow_cidr.filter((cidr): cidr is string => typeof cidr === "string") : [],
        ...(preserveClientIp !== undefined ? { preserveClientIp } : {}),
      },
    ];
  });
}
