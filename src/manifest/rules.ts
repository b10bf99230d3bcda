import type { Problem } from "../errors/index.js";
import { DNS_LABEL_MAX, dnsNameProblems, externalHost, longestDerivedNames, nameProblem } from "../names/index.js";
import { LOAD_BALANCERS, VISIBILITY_KINDS } from "../rack/load-balancers.js";
import { ALB_IDLE_TIMEOUT, type RackParams } from "../rack/params.js";
import { FARGATE_CPUS, describeMemoryChoices, memoryChoices } from "./fargate.js";
import { hostConditionProblems, limitProblems } from "./limits.js";
import { domainProblems, wildcardProblems } from "./domains.js";
import { locator, problem, type Place } from "./place.js";
import { endpointKinds, visibility, type Manifest, type ManifestContext, type Service } from "./model.js";

export type { ManifestContext } from "./model.js";
import { closestName } from "../rack/closest-name.js";

/**
 * The rules of SPEC section 3. Each returns every problem it finds, with the line, the key
 * path, a message and a fix; none stops at the first. Pure.
 */

/** A service name is one DNS label of every name derived from it. */
export const SERVICE_NAME_MAX = DNS_LABEL_MAX;

/** Every rule: those of the file alone, then those that need the app, the rack and its parameters. */
export function checkManifest(manifest: Manifest, context: ManifestContext): Problem[] {
  return [...manifestRules(manifest), ...deploymentRules(manifest, context)];
}

/** The rules that need nothing but the file. */
export function manifestRules(manifest: Manifest): Problem[] {
  const byName = new Map(manifest.services.map((service) => [service.name, service]));
  const place = locator(manifest);
  if (manifest.services.length === 0) {
    return [
      {
        where: place("services"),
        path: "services",
        message: `${manifest.file} has no services`,
        fix: "add one under services:, for example\n      services:\n        web:\n          image: nginx:1.27\n          port: 80",
      },
    ];
  }
  return [
    ...manifest.services.flatMap((service) => [
      ...serviceNameProblems(service, place),
      ...exposureProblems(service, manifest, place),
      ...linkProblems(service, byName, manifest, place),
      ...sizeProblems(service, place),
      ...limitProblems(service, place),
      ...targetGroupProblems(service, place),
    ]),
    ...timerProblems(manifest, byName, place),
    ...domainProblems(manifest, place),
    ...nlbRuleCountProblems(manifest, place),
  ];
}

/** A security group holds at most 60 inbound rules (docs/aws-limits.md): a network load balancer's has one per listener port and source. */
export const SECURITY_GROUP_INBOUND_RULES_MAX = 60;

function nlbRuleCountProblems(manifest: Manifest, place: Place): Problem[] {
  return (["public", "internal"] as const).flatMap((scheme) => {
    const ports = manifest.services.flatMap((service) => service.nlb.filter((port) => port.scheme === scheme));
    const rules = ports.reduce((total, port) => total + Math.max(1, port.allowCidr.length), 0);
    if (rules <= SECURITY_GROUP_INBOUND_RULES_MAX) return [];
    return [problem(place, "services", `the app's ${scheme} network load balancer would need ${rules} security group rules (one per listener port and allow_cidr range); a security group holds ${SECURITY_GROUP_INBOUND_RULES_MAX} inbound rules`, "list fewer ports or ranges (a wider range can cover several), or serve some ports from another app")];
  });
}

/** ECS attaches at most 5 target groups to a service (docs/aws-limits.md): one per load balancer of its port, one per nlb port. */
export const SERVICE_TARGET_GROUPS_MAX = 5;

function targetGroupProblems(service: Service, place: Place): Problem[] {
  const total = endpointKinds(service).length + service.nlb.length;
  if (service.nlb.length === 0 || total <= SERVICE_TARGET_GROUPS_MAX) return [];
  const path = `services.${service.name}.nlb`;
  return [problem(place, path, `services.${service.name} needs ${total} target groups (${endpointKinds(service).length} for port:, ${service.nlb.length} for network load balancer ports); ECS attaches at most ${SERVICE_TARGET_GROUPS_MAX} to a service`, "serve fewer ports from this service, or split it into two services")];
}

function serviceNameProblems(service: Service, place: Place): Problem[] {
  const message = nameProblem("service", service.name, SERVICE_NAME_MAX);
  if (!message) return [];
  const suggestion = service.name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, SERVICE_NAME_MAX);
  return [problem(place, `services.${service.name}`, message, `rename it${suggestion ? `, for example to ${suggestion}` : ""}; the name becomes part of DNS names such as ${service.name}.<app>.<rack>.convox`)];
}

/** True when the file has the key, whatever its value (a wrong value is the schema's problem). */
function declares(manifest: Manifest, service: Service, key: string): boolean {
  return manifest.positions ? manifest.positions.has(`services.${service.name}.${key}`) : key === "port" && service.port !== undefined;
}

function exposureProblems(service: Service, manifest: Manifest, place: Place): Problem[] {
  const problems: Problem[] = [];
  const base = `services.${service.name}`;
  if (service.internalRouter && (service.internal || service.internalAndExternal)) {
    const other = service.internal ? "internal" : "internalAndExternal";
    problems.push(
      problem(
        place,
        `${base}.internalRouter`,
        `${base} sets both ${other} and internalRouter; a service is served by the internal load balancer or by the internal router, not both`,
        `keep internalRouter: true for rack-to-rack traffic over VPC peering, or ${other}: true for callers inside this rack's VPC; remove the other`,
      ),
    );
  }
  if (!declares(manifest, service, "port")) {
    // Convox accepts `internal: true` on a service with nlb: ports only (convox/rack nlb-tls-internal): it reaches no application load balancer, and each port's scheme says where it is reached.
    const flags = (["internal", "internalAndExternal", "internalRouter"] as const).filter((flag) => service[flag] && !(flag === "internal" && service.nlb.length > 0));
    for (const flag of flags) {
      problems.push(
        problem(
          place,
          `${base}.${flag}`,
          `${base} sets ${flag}: true but has no port; a load balancer can only reach a service on its port`,
          `add the port the container listens on, for example port: 3000, or remove ${flag}: to keep ${service.name} on the private network only`,
        ),
      );
    }
  }
  return problems;
}

function linkProblems(service: Service, byName: ReadonlyMap<string, Service>, manifest: Manifest, place: Place): Problem[] {
  const base = `services.${service.name}`;
  return service.links.flatMap((link, index) => {
    const path = `${base}.links[${index}]`;
    if (link === service.name) {
      return [problem(place, path, `${base} links to itself`, `remove ${link} from links; a service reaches itself on localhost`)];
    }
    const target = byName.get(link);
    if (!target) {
      const suggestion = closestName(link, [...byName.keys()].filter((name) => name !== service.name));
      return [
        problem(
          place,
          path,
          `${base} links to "${link}", which is not a service in this file${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
          suggestion ? `write ${suggestion} instead of ${link}` : `services here: ${[...byName.keys()].join(", ")}`,
        ),
      ];
    }
    if (!declares(manifest, target, "port")) {
      return [
        problem(
          place,
          path,
          `${base} links to ${link}, which has no port, so there is no endpoint for ${link.toUpperCase().replace(/-/g, "_")}_URL`,
          `give ${link} a port (port: 3000), or remove the link: containers still reach each other on the private network (racknet private-networks-domain-names)`,
        ),
      ];
    }
    return [];
  });
}

function sizeProblems(service: Service, place: Place): Problem[] {
  const problems: Problem[] = [];
  const base = `services.${service.name}.scale`;
  const { cpu, memory } = service.scale;
  if (!FARGATE_CPUS.includes(cpu)) {
    problems.push(problem(place, `${base}.cpu`, `${base}.cpu is ${cpu}; Fargate runs ${FARGATE_CPUS.join(", ")} CPU units (1024 = one vCPU)`, `write cpu: ${nearest(cpu, FARGATE_CPUS)}`));
  } else if (!memoryChoices(cpu).includes(memory)) {
    problems.push(
      problem(place, `${base}.memory`, `${base}.memory is ${memory} MiB; with cpu ${cpu} Fargate allows ${describeMemoryChoices(cpu)} MiB`, `write memory: ${nearest(memory, memoryChoices(cpu))}, or change cpu`),
    );
  }
  const { interval, timeout } = service.health;
  if (timeout >= interval) {
    const health = `services.${service.name}.health`;
    problems.push(problem(place, `${health}.timeout`, `${health}.timeout (${timeout}) must be shorter than health.interval (${interval})`, `write timeout: ${Math.max(2, interval - 1)}`));
  }
  return problems;
}

function timerProblems(manifest: Manifest, byName: ReadonlyMap<string, Service>, place: Place): Problem[] {
  return manifest.timers.flatMap((timer) => {
    const base = `timers.${timer.name}`;
    const problems: Problem[] = [];
    const nameIssue = nameProblem("service", timer.name, SERVICE_NAME_MAX);
    if (nameIssue) problems.push(problem(place, base, nameIssue.replace("service name", "timer name"), "rename it: lowercase letters, digits and dashes"));
    if (!byName.has(timer.service)) {
      const suggestion = closestName(timer.service, [...byName.keys()]);
      problems.push(
        problem(place, `${base}.service`, `${base}.service is "${timer.service}", which is not a service in this file${suggestion ? `; did you mean "${suggestion}"?` : ""}`, suggestion ? `write service: ${suggestion}` : `services here: ${[...byName.keys()].join(", ")}`),
      );
    }
    return problems;
  });
}

function nearest(value: number, choices: readonly number[]): number {
  return choices.reduce((best, choice) => (Math.abs(choice - value) < Math.abs(best - value) ? choice : best), choices[0] ?? value);
}

/** The rules that need the app's name, the rack's name and (optionally) its parameters. */
export function deploymentRules(manifest: Manifest, context: ManifestContext): Problem[] {
  const place = locator(manifest);
  const problems = manifest.services.flatMap((service) => [...dnsProblems(service, context, place), ...hostConditionProblems(service, context, place)]);
  problems.push(...wildcardProblems(manifest, context, place));
  if (context.params) problems.push(...rackProblems(manifest, context.params, place));
  if (context.region) problems.push(...queueRegionProblems(manifest, context.region, place));
  return problems;
}

/**
 * KEDA reads an `aws-sqs-queue` trigger's queue in its `awsRegion` (Convox hands the trigger
 * to KEDA as written); racknet scales on the queue's CloudWatch metrics, and a scaling policy
 * reads metrics of its own region only, so the queue must be in the rack's region.
 */
function queueRegionProblems(manifest: Manifest, region: string, place: Place): Problem[] {
  return manifest.services.flatMap((service) =>
    (service.scale.targets.metrics ?? []).flatMap((metric) => {
      if (metric.source !== "sqs" || metric.region === undefined || metric.region === region) return [];
      const path = `services.${service.name}.scale.${metric.key}.metadata.awsRegion`;
      return [problem(place, path, `${path} is ${metric.region}, and the rack is in ${region}: a scaling policy reads the metrics of its own region only, so racknet cannot scale on a queue in another region`, `move the queue to ${region} (and write awsRegion: ${region}), or deploy the app to a rack in ${metric.region}`)];
    }),
  );
}

function dnsProblems(service: Service, context: ManifestContext, place: Place): Problem[] {
  if (nameProblem("service", service.name, SERVICE_NAME_MAX)) return [];
  const names = longestDerivedNames(service.name, context.app, context.rack ?? "rack");
  const domain = context.params?.Domain ?? "";
  if (domain && (visibility(service) === "external" || visibility(service) === "internal-and-external")) names.push(externalHost(service.name, context.app, domain));
  const path = `services.${service.name}`;
  const messages = [...new Set(names.flatMap((name) => dnsNameProblems(name)))];
  return messages.map((message) => problem(place, path, `${path}: ${message}`, `shorten the service name (or the app or rack name); DNS allows ${DNS_LABEL_MAX} characters per label and 253 per name`));
}

/** Each load balancer a service's visibility needs (load-balancers.ts) must exist on the rack; a public nlb port needs a rack that may face the internet. */
function rackProblems(manifest: Manifest, params: RackParams, place: Place): Problem[] {
  return [...albProblems(manifest, params, place), ...publicNlbProblems(manifest, params, place), ...idleTimeoutProblems(manifest, params, place)];
}

/**
 * A `port:` service's `timeout` against the rack's HTTPS load balancers, which every app shares:
 * they close a connection idle for LoadBalancerIdleTimeout seconds, so a longer timeout would be
 * cut short. Refused, naming the parameter that raises it (never raised by a deploy: it is the
 * rack's, and the plan of `rack params set` says so).
 */
function idleTimeoutProblems(manifest: Manifest, params: RackParams, place: Place): Problem[] {
  const idle = Number(params.LoadBalancerIdleTimeout || ALB_IDLE_TIMEOUT.default);
  return manifest.services.flatMap((service) => {
    if (!service.port || service.timeout === undefined || service.timeout <= idle || service.timeout > ALB_IDLE_TIMEOUT.max) return [];
    const path = `services.${service.name}.timeout`;
    return [problem(place, path, `${path} is ${service.timeout} seconds; the rack's HTTPS load balancers close a connection idle for ${idle} (LoadBalancerIdleTimeout=${idle})`, `raise it for the whole rack: racknet rack params set LoadBalancerIdleTimeout=${service.timeout}; or write timeout: ${idle} or less`)];
  });
}

/**
 * A public network load balancer faces the internet as the external load balancer does: an
 * InternalOnly=Yes rack has none of either (never more exposure than the rack allows).
 */
function publicNlbProblems(manifest: Manifest, params: RackParams, place: Place): Problem[] {
  const external = LOAD_BALANCERS.external;
  if (external.provides(params)) return [];
  return manifest.services.flatMap((service) => {
    let own = -1;
    return service.nlb.flatMap((port) => {
      if (!port.balancer) own += 1;
      if (port.scheme !== "public") return [];
      const path = port.balancer ? `balancers.${port.balancer}` : `services.${service.name}.nlb[${own}].scheme`;
      const fix = port.balancer ? `remove balancers.${port.balancer} and write the port under services.${service.name}.nlb with scheme: internal` : "write scheme: internal (reached from the VPC and its peers)";
      return [problem(place, path, `${path} puts port ${port.port} on a public network load balancer, and the rack is ${external.absentBecause}: nothing of it faces the internet`, fix)];
    });
  });
}

function albProblems(manifest: Manifest, params: RackParams, place: Place): Problem[] {
  return manifest.services.flatMap((service) => {
    const base = `services.${service.name}`;
    const kind = visibility(service);
    return VISIBILITY_KINDS[kind].map((endpointKind) => LOAD_BALANCERS[endpointKind]).filter((balancer) => !balancer.provides(params)).map((balancer) => {
      if (balancer.kind === "external") {
        const path = kind === "external" ? `${base}.port` : `${base}.internalAndExternal`;
        const fix = kind === "external" ? `mark it internal: true under services.${service.name}` : `replace internalAndExternal: true with internal: true under services.${service.name}`;
        return problem(place, path, `${base} is ${kind === "external" ? "external" : "internal and external"}, and the rack is ${balancer.absentBecause}: it has no external load balancer`, fix);
      }
      const flag = balancer.kind === "router" ? "internalRouter" : service.internal ? "internal" : "internalAndExternal";
      return problem(place, `${base}.${flag}`, `${base} is ${flag}, and the rack has no ${balancer.title.replace(/^the /, "")} (${balancer.absentBecause})`, balancer.enable);
    });
  });
}
