/**
 * What an app's deployed template tells of its `port:` services' `timeout`, which the rack's
 * LoadBalancerIdleTimeout must stay at least (src/rack/app-rules.ts). The metadata records it
 * (`timeoutsRecorded`); a template from a racknet before that holds it only where a service's
 * TCP `nlb:` listener idles for it (at least 60 s: app-nlb.ts, which has done so since listeners
 * were made). Whatever neither tells is unknown, never taken as "no timeout". Pure.
 */
import { NLB_TCP_IDLE_MIN_SECONDS } from "../manifest/value-rules.js";
import type { AppStackMetadata } from "./app-contract.js";
import { nlbPortIds } from "./app-nlb.js";

/** A service whose timeout the template does not tell; `atMost`: the most it can be, when something bounds it. */
export interface UnknownTimeout {
  /** Absent: the app's services are not recorded at all (a template without racknet's metadata). */
  service?: string;
  atMost?: number;
}

export interface DeployedTimeouts {
  /** Each service's timeout the template tells, by service (a service without one is absent). */
  known: Record<string, number>;
  unknown: UnknownTimeout[];
}

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

export function deployedTimeouts(template: Record<string, unknown>, metadata: AppStackMetadata): DeployedTimeouts {
  const known: Record<string, number> = {};
  for (const service of metadata.services) if (service.timeout !== undefined) known[service.name] = service.timeout;
  if (metadata.timeoutsRecorded) return { known, unknown: [] };
  const resources = (template.Resources ?? {}) as Resources;
  if (metadata.services.length === 0) {
    const runsServices = Object.values(resources).some((resource) => resource.Type === "AWS::ECS::Service");
    return { known, unknown: runsServices ? [{}] : [] };
  }
  const unknown: UnknownTimeout[] = [];
  for (const service of metadata.services) {
    // Only a `port:` service is behind the rack's HTTPS load balancers, and one recorded is known.
    if (!service.port || service.timeout !== undefined) continue;
    const listener = (service.nlb ?? [])
      .filter((port) => port.protocol === "tcp")
      .map((port) => resources[nlbPortIds(service.name, port.port).listener])
      .find((resource) => resource?.Type === "AWS::ElasticLoadBalancingV2::Listener");
    const idle = listener ? tcpIdle(listener.Properties?.ListenerAttributes) : "unknown";
    // No idle set: the service had no timeout. Above the least: exactly its timeout. At the least: at most that.
    if (idle === "unset") continue;
    if (idle === "unknown") unknown.push({ service: service.name });
    else if (idle > NLB_TCP_IDLE_MIN_SECONDS) known[service.name] = idle;
    else unknown.push({ service: service.name, atMost: idle });
  }
  return { known, unknown };
}

/** A TCP listener's `tcp.idle_timeout.seconds`: unset, a whole number, or a value that says nothing. */
function tcpIdle(attributes: unknown): number | "unset" | "unknown" {
  if (attributes !== undefined && !Array.isArray(attributes)) return "unknown";
  const found = (attributes ?? []).find((attribute: unknown) => (attribute as { Key?: unknown } | null)?.Key === "tcp.idle_timeout.seconds") as { Value?: unknown } | undefined;
  if (!found) return "unset";
  const seconds = Number(found.Value);
  return Number.isInteger(seconds) ? seconds : "unknown";
}
