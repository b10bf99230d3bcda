/**
 * The app environment, as `convox env` keeps it: which variable each container gets, and
 * from where. Convox's rules (its manifest package, ServiceEnvironment): a service gets the
 * top-level `environment:` entries, then its own; `NAME` is required (the app environment
 * must set it), `NAME=default` applies when the app environment does not, `*` gives every
 * variable of the app environment; a value set with `env set` always wins over a default.
 *
 * Values never reach a template: the deploy stores them in SSM Parameter Store and the task
 * definition names the parameter (`Secrets`, `valueFrom`). Pure: the deploy workflow reads
 * the stored values, calls `resolveEnvironment`, writes `defaults`, and hands `services` to
 * the app template.
 */
import type { Problem } from "../errors/index.js";
import { RACKNET_VARIABLE_PREFIX, appEnvironmentParameter, linkVariable, serviceDefaultParameter } from "../names/index.js";
import { ENVIRONMENT_VALUE_MAX_BYTES } from "./limits.js";
import { resourcesLinkedBy, type Manifest } from "./model.js";

export interface EnvironmentInput {
  rack: string;
  app: string;
  /** The app environment as stored (`racknet env set`): NAME → value. */
  stored: Readonly<Record<string, string>>;
}

/** What one service's containers get. */
export interface ServiceEnvironment {
  /** NAME → the SSM parameter holding its value (task definition `Secrets`). */
  secrets: Record<string, string>;
  /** Variables whose value is empty: an SSM parameter cannot hold "", and an empty value is no secret. */
  empty: string[];
}

export interface ResolvedEnvironment {
  /** A required variable the app environment does not set (one problem per variable, naming its services), or a value too large. */
  problems: Problem[];
  /** Per service. Timers run with their service's. */
  services: Record<string, ServiceEnvironment>;
  /** The defaults to store before the deploy: SSM parameter name → value (convox.yml's `NAME=value`, interpolated). */
  defaults: Record<string, string>;
}

/** Convox's interpolation: `${NAME}` becomes the app environment's value, or nothing when it has none. */
export function interpolate(text: string, stored: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([^}]*?)\}/g, (_match, name: string) => storedValue(stored, name) ?? "");
}

/**
 * The app environment's value of `name`: its own keys only. A variable may be named like a
 * property every object has (`constructor`, `toString`): `stored[name]` would find Object's.
 */
function storedValue(stored: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(stored, name) ? stored[name] : undefined;
}

/** A value an SSM parameter cannot hold; the problem names the variable, never the value. */
export function environmentValueProblem(name: string, value: string): Problem | undefined {
  const bytes = Buffer.byteLength(value);
  if (bytes <= ENVIRONMENT_VALUE_MAX_BYTES) return undefined;
  return { path: name, message: `${name}=**** is ${bytes} bytes; an SSM parameter holds ${ENVIRONMENT_VALUE_MAX_BYTES}`, fix: "keep large values in S3 and pass their location, or split them" };
}

export function resolveEnvironment(manifest: Manifest, { rack, app, stored }: EnvironmentInput): ResolvedEnvironment {
  // Keyed by names from the file (a service `constructor`) and given to code that looks them up: no prototype to find instead.
  const services: Record<string, ServiceEnvironment> = Object.create(null) as Record<string, ServiceEnvironment>;
  const defaults: Record<string, string> = {};
  const missing = new Map<string, string[]>();
  const problems: Problem[] = [];
  const tooLarge = new Set<string>();
  const take = (name: string, value: string, parameter: string, into: ServiceEnvironment) => {
    const problem = environmentValueProblem(name, value);
    if (problem && !tooLarge.has(name)) {
      tooLarge.add(name);
      problems.push(problem);
    }
    if (value === "") {
      into.empty.push(name);
      return;
    }
    into.secrets[name] = parameter;
  };
  for (const service of manifest.services) {
    const environment: ServiceEnvironment = { secrets: Object.create(null) as Record<string, string>, empty: [] };
    const names = new Set<string>();
    for (const entry of service.environment) {
      names.add(entry.key);
      const value = storedValue(stored, entry.key);
      if (value !== undefined) {
        take(entry.key, value, appEnvironmentParameter(rack, app, entry.key), environment);
      } else if (entry.value !== undefined) {
        const parameter = serviceDefaultParameter(rack, app, service.name, entry.key);
        const resolved = interpolate(entry.value, stored);
        if (resolved !== "") defaults[parameter] = resolved;
        take(entry.key, resolved, parameter, environment);
      } else {
        missing.set(entry.key, [...(missing.get(entry.key) ?? []), service.name]);
      }
    }
    if (service.environmentAll) {
      const linked = new Map([...service.links, ...resourcesLinkedBy(manifest, service.name).map((resource) => resource.name)].map((link) => [linkVariable(link), link]));
      for (const [name, value] of Object.entries(stored)) {
        if (names.has(name)) continue;
        const link = linked.get(name);
        if (link !== undefined || name.startsWith(RACKNET_VARIABLE_PREFIX)) {
          // The task definition would hold the name twice: racknet's value and the app environment's.
          problems.push({
            path: name,
            message: `the app environment sets ${name}, which racknet sets itself for service ${service.name} (${link !== undefined ? `its link to ${link}` : "a RACKNET_* name"}), and environment: * would give ${service.name} both`,
            fix: `racknet env unset ${name} -a ${app}, or list ${service.name}'s variables instead of *`,
          });
          continue;
        }
        take(name, value, appEnvironmentParameter(rack, app, name), environment);
      }
    }
    services[service.name] = environment;
  }
  for (const [name, needers] of [...missing].sort(([a], [b]) => a.localeCompare(b))) {
    problems.push({
      path: name,
      message: `${name} is required by ${needers.length === 1 ? "service" : "services"} ${needers.join(", ")} and the app environment does not set it`,
      fix: `racknet env set ${name}=... -a ${app}`,
    });
  }
  return { problems, services, defaults };
}
