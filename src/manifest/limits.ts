/**
 * AWS limits a manifest can exceed, checked before any write (issue 9 item 5): what AWS
 * would otherwise refuse minutes into a deploy, leaving a rolled-back stack. Each limit
 * and its source is listed in docs/manifest.md ("AWS limits checked"). Pure.
 */
import { isIP } from "node:net";
import type { Problem } from "../errors/index.js";
import { endpointName } from "../names/index.js";
import { HOST_CONDITION_MAX } from "../rack/load-balancers.js";
import { endpointKinds, type ManifestContext, type Service } from "./model.js";
import { problem, type Place } from "./place.js";

export { HOST_CONDITION_MAX };

/** ALB: at most 3 values per condition (match evaluations) and 5 per rule; the host takes 1 of the 5. */
export const SOURCE_IP_VALUES_MAX = 3;
/** SSM Parameter Store, standard tier: a parameter value is at most 4 KB. */
export const ENVIRONMENT_VALUE_MAX_BYTES = 4096;

export function limitProblems(service: Service, place: Place): Problem[] {
  return [...scaleProblems(service, place), ...deploymentProblems(service, place), ...whitelistProblems(service, place), ...environmentDefaultProblems(service, place)];
}

function scaleProblems(service: Service, place: Place): Problem[] {
  const base = `services.${service.name}.scale`;
  const { targets } = service.scale;
  const problems: Problem[] = [];
  if (targets.requests !== undefined && !service.port) {
    problems.push(problem(place, `${base}.targets.requests`, `${base}.targets.requests counts a load balancer's requests, and services.${service.name} has no port, so no load balancer serves it`, "give the service a port, or scale on targets.cpu or targets.memory"));
  }
  return problems;
}

/** ECS rounds the healthy minimum up and the maximum down: with no room between them, no new task can start. */
function deploymentProblems(service: Service, place: Place): Problem[] {
  const desired = service.scale.min;
  if (desired === 0) return [];
  const { minimum, maximum } = service.deployment;
  // Out-of-range percentages are the schema's problem; the arithmetic would only repeat it.
  if (minimum < 0 || minimum > 100 || maximum < 100 || maximum > 200) return [];
  const keep = Math.ceil((desired * minimum) / 100);
  const allowed = Math.floor((desired * maximum) / 100);
  if (allowed > keep) return [];
  const base = `services.${service.name}.deployment`;
  return [
    problem(
      place,
      base,
      `${base}: with ${desired} ${desired === 1 ? "task" : "tasks"}, minimum ${minimum} keeps ${keep} running and maximum ${maximum} allows ${allowed}, so ECS can never start a new one`,
      "raise maximum (200 doubles the tasks during a deployment) or lower minimum (0 stops the old tasks first)",
    ),
  ];
}

function whitelistProblems(service: Service, place: Place): Problem[] {
  const path = `services.${service.name}.whitelist`;
  const problems: Problem[] = service.whitelist.filter((cidr) => !isCidr(cidr)).map((cidr) => problem(place, path, `${path}: "${cidr}" is not an address range in CIDR notation`, "write ranges such as 192.0.2.0/24 or 2001:db8::/32, separated by commas"));
  if (service.whitelist.length > SOURCE_IP_VALUES_MAX) {
    problems.push(
      problem(
        place,
        path,
        `${path} has ${service.whitelist.length} ranges; a load balancer rule matches at most ${SOURCE_IP_VALUES_MAX} source ranges (with its host, ${SOURCE_IP_VALUES_MAX + 1} of the 5 values a rule holds)`,
        `cover them with at most ${SOURCE_IP_VALUES_MAX} wider ranges, or put the service behind a proxy that checks the rest`,
      ),
    );
  }
  return problems;
}

function isCidr(text: string): boolean {
  const [address = "", prefix, ...rest] = text.split("/");
  const version = isIP(address);
  if (version === 0 || prefix === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/** A default travels to the container through an SSM parameter; the name is shown, never the value. */
function environmentDefaultProblems(service: Service, place: Place): Problem[] {
  return service.environment.flatMap((entry) => {
    const bytes = Buffer.byteLength(entry.value ?? "");
    if (bytes <= ENVIRONMENT_VALUE_MAX_BYTES) return [];
    const path = `services.${service.name}.environment`;
    return [problem(place, path, `${path}: the default of ${entry.key} is ${bytes} bytes (${entry.key}=****); an SSM parameter holds ${ENVIRONMENT_VALUE_MAX_BYTES}`, "keep large values in S3 and pass their location, or split them")];
  });
}

/** ALB's 128-character limit on a host condition, for each listener rule the service gets. */
export function hostConditionProblems(service: Service, context: ManifestContext, place: Place): Problem[] {
  const rack = context.rack ?? "rack";
  const domain = context.params?.Domain || context.externalLoadBalancerDns || "";
  return endpointKinds(service).flatMap((kind) => {
    // Without a Domain or a known load balancer name the external host is not known yet: deploy checks it.
    if (kind === "external" && !domain) return [];
    const { host } = endpointName(kind, service.name, context.app, rack, domain);
    if (host.length <= HOST_CONDITION_MAX) return [];
    const path = `services.${service.name}`;
    return [
      problem(place, path, `${path}: the ${kind} name ${host} is ${host.length} characters; a load balancer rule matches host names of at most ${HOST_CONDITION_MAX}`, "shorten the service name (or the app name, the rack name or the Domain)"),
    ];
  });
}
