import type { Problem } from "../core/errors.js";
import { DNS_LABEL_MAX, dnsNameProblems, externalHost, longestDerivedNames, nameProblem } from "../names/index.js";
import type { RackParams } from "../rack/params.js";
import { FARGATE_CPUS, describeMemoryChoices, memoryChoices } from "./fargate.js";
import { isInternal, visibility, type Manifest, type Service } from "./model.js";
import { didYouMean } from "./suggest.js";

/**
 * The rules of SPEC section 3. Each returns every problem it finds, with the line, the key
 * path, a message and a fix; none stops at the first. Pure.
 */

export interface ManifestContext {
  app: string;
  /** The rack's name; "rack" stands in when it is not known (offline checks). */
  rack?: string;
  /** The rack's parameters: given, the rack-aware rules run too. */
  params?: RackParams;
}

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
  return manifest.services.flatMap((service) => [
    ...serviceNameProblems(service, place),
    ...exposureProblems(service, manifest, place),
    ...linkProblems(service, byName, manifest, place),
    ...sizeProblems(service, place),
    ...environmentProblems(service, place),
  ]);
}

/** `- A=1` then `- A=2`: the map form's duplicate keys are YAML errors; the list form's are ours. */
function environmentProblems(service: Service, place: Place): Problem[] {
  const first = new Map<string, number>();
  return service.environment.flatMap((entry, index) => {
    const earlier = first.get(entry.key);
    if (earlier === undefined) {
      first.set(entry.key, index);
      return [];
    }
    const path = `services.${service.name}.environment[${index}]`;
    return [problem(place, path, `services.${service.name}.environment sets ${entry.key} twice (entries ${earlier + 1} and ${index + 1}); only one value can reach the container`, `keep one ${entry.key}`)];
  });
}

type Place = (path: string) => string | undefined;

/** `file:line:col` of a key path, else of the closest enclosing key the file has. */
function locator(manifest: Manifest): Place {
  return (path) => {
    for (let current = path; current !== ""; ) {
      const position = manifest.positions?.get(current);
      if (position) return `${manifest.file}:${position.line}:${position.column}`;
      // A key may itself hold `[` or `.` (`services.a[b`): stop when nothing more can be cut.
      const parent = current.replace(/(\[\d+\]|\.[^.[]*)$/, "");
      if (parent === current || !/[.[]/.test(current)) break;
      current = parent;
    }
    return manifest.positions ? `${manifest.file}:1:1` : manifest.file;
  };
}

function problem(place: Place, path: string, message: string, fix: string): Problem {
  return { where: place(path), path, message, fix };
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
    const flags = (["internal", "internalAndExternal", "internalRouter"] as const).filter((flag) => service[flag]);
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
      const suggestion = didYouMean(link, [...byName.keys()].filter((name) => name !== service.name));
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
  if (!FARGATE_CPUS.includes(service.cpu)) {
    problems.push(problem(place, `${base}.cpu`, `${base}.cpu is ${service.cpu}; Fargate runs ${FARGATE_CPUS.join(", ")} CPU units (1024 = one vCPU)`, `write cpu: ${nearest(service.cpu, FARGATE_CPUS)}`));
  } else if (!memoryChoices(service.cpu).includes(service.memory)) {
    problems.push(
      problem(
        place,
        `${base}.memory`,
        `${base}.memory is ${service.memory} MiB; with cpu ${service.cpu} Fargate allows ${describeMemoryChoices(service.cpu)} MiB`,
        `write memory: ${nearest(service.memory, memoryChoices(service.cpu))}, or change cpu`,
      ),
    );
  }
  if ((service.healthTimeoutSeconds ?? 0) >= (service.healthIntervalSeconds ?? Number.POSITIVE_INFINITY)) {
    const health = `services.${service.name}.health`;
    problems.push(problem(place, `${health}.timeout`, `${health}.timeout (${service.healthTimeoutSeconds ?? 0}) must be shorter than health.interval (${service.healthIntervalSeconds ?? 0})`, `write timeout: ${Math.max(2, (service.healthIntervalSeconds ?? 5) - 1)}`));
  }
  return problems;
}

function nearest(value: number, choices: readonly number[]): number {
  return choices.reduce((best, choice) => (Math.abs(choice - value) < Math.abs(best - value) ? choice : best), choices[0] ?? value);
}

/** The rules that need the app's name, the rack's name and (optionally) its parameters. */
export function deploymentRules(manifest: Manifest, context: ManifestContext): Problem[] {
  const place = locator(manifest);
  const problems = manifest.services.flatMap((service) => dnsProblems(service, context, place));
  if (context.params) problems.push(...rackProblems(manifest, context.params, place));
  return problems;
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

function rackProblems(manifest: Manifest, params: RackParams, place: Place): Problem[] {
  const problems: Problem[] = [];
  for (const service of manifest.services) {
    const base = `services.${service.name}`;
    const kind = visibility(service);
    if (isInternal(service) && params.Internal !== "Yes") {
      const flag = service.internal ? "internal" : "internalAndExternal";
      problems.push(
        problem(place, `${base}.${flag}`, `${base} is ${flag}, and the rack has no internal load balancer (Internal=No)`, "racknet rack params set Internal=Yes"),
      );
    }
    if (params.InternalOnly === "Yes" && (kind === "external" || kind === "internal-and-external")) {
      const path = kind === "external" ? `${base}.port` : `${base}.internalAndExternal`;
      const fix = kind === "external" ? `mark it internal: true under services.${service.name}` : `replace internalAndExternal: true with internal: true under services.${service.name}`;
      problems.push(problem(place, path, `${base} is ${kind === "external" ? "external" : "internal and external"}, and the rack is InternalOnly=Yes: it has no external load balancer`, fix));
    }
    if (service.internalRouter && params.internal_router !== "true") {
      problems.push(
        problem(place, `${base}.internalRouter`, `${base} is internalRouter, and the rack has no internal router (internal_router=false)`, "racknet rack params set internal_router=true"),
      );
    }
  }
  return problems;
}
