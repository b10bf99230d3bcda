import { isIP } from "node:net";
import { memoryChoices, FARGATE_CPUS } from "../../src/manifest/fargate.js";

/**
 * An oracle written from docs/manifest.md, independently of the parser: given a manifest
 * value the fuzzer built, the first reason it must be refused, or undefined when every key
 * has one of its documented forms and every rule holds (then it must be accepted).
 */

type Fields = Record<string, unknown>;

const isMap = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const isInt = (value: unknown, min: number, max: number): value is number => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
const own = (fields: Fields, key: string) => Object.prototype.hasOwnProperty.call(fields, key);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_KEYS = new Set(["services", "environment", "timers", "params", "appSettings", "labels", "resources"]);
const SERVICE_KEYS = new Set(["whitelist", "image", "build", "command", "port", "internal", "internalAndExternal", "internalRouter", "links", "environment", "scale", "health", "domain", "agent", "resources"]);
/** Keys racknet refuses whatever their value (docs/manifest.md, "Refused"). */
const REFUSED_SERVICE_KEYS = new Set(["volumes"]);
/** docs/manifest.md, "Resources": the types racknet makes. */
const RESOURCE_TYPES = new Set(["postgres", "rds-postgres", "mysql", "rds-mysql", "mariadb", "rds-mariadb", "redis", "elasticache-redis", "memcached", "elasticache-memcached"]);

/** A declaration with a type racknet makes and no options (the fuzzer writes no options). */
function resourcesProblem(resources: unknown): string | undefined {
  if (!isMap(resources)) return "resources is not a map";
  for (const [name, body] of Object.entries(resources)) {
    if (!/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes("--") || name.length > 20) return `bad resource name ${JSON.stringify(name)}`;
    if (!isMap(body) || Object.keys(body).some((key) => key !== "type") || typeof body.type !== "string" || !RESOURCE_TYPES.has(body.type)) return `resource ${name} is not {type: <a type racknet makes>}`;
  }
  return undefined;
}
const YES_NO = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const isFlag = (value: unknown) => typeof value === "boolean" || (typeof value === "string" && YES_NO.has(value));
const isTrue = (value: unknown) => value === true || (typeof value === "string" && YES_NO.has(value) && /^[yo]/i.test(value) && !/^off$/i.test(value));

export function validServiceName(name: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(name) && !name.endsWith("-") && !name.includes("--") && name.length <= 63;
}

export function validPort(port: unknown): boolean {
  if (typeof port === "number") return isInt(port, 1, 65535);
  if (typeof port === "string") {
    const match = /^(?:https?:)?([1-9][0-9]*)$/.exec(port);
    return match !== null && isInt(Number(match[1]), 1, 65535);
  }
  if (!isMap(port)) return false;
  const extra = Object.keys(port).filter((key) => key !== "port" && key !== "scheme");
  return extra.length === 0 && isInt(port.port, 1, 65535) && (!own(port, "scheme") || port.scheme === "http" || port.scheme === "https");
}

/** Comma-separated text or a list; at least one range (an empty one would admit everybody); at most 3 (ALB). */
function validWhitelist(whitelist: unknown): boolean {
  const items = typeof whitelist === "string" ? whitelist.split(",") : Array.isArray(whitelist) && whitelist.every((item) => typeof item === "string") ? (whitelist as string[]) : undefined;
  if (items === undefined) return false;
  const ranges = items.map((item) => item.trim()).filter((item) => item !== "");
  const isRange = (text: string) => { const [address = "", prefix] = text.split("/"); const version = isIP(address); return version !== 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))); };
  return ranges.length >= 1 && ranges.length <= 3 && ranges.every(isRange);
}

/** `reserved`: the <LINK>_URL names racknet sets where this environment applies; every RACKNET_* name is racknet's too. */
function validEnvironment(environment: unknown, reserved: ReadonlySet<string> = new Set()): boolean {
  const ours = (name: string) => name.startsWith("RACKNET_") || reserved.has(name);
  if (Array.isArray(environment)) {
    const names = environment.map((entry) => (typeof entry === "string" ? (entry.split("=")[0] ?? "") : ""));
    // A name set twice in the list form is refused (the map form's twice is a YAML error); `*` is the whole app environment.
    return names.every((name) => (ENV_NAME.test(name) && !ours(name)) || name === "*") && new Set(names).size === names.length;
  }
  if (!isMap(environment)) return false;
  return Object.entries(environment).every(([key, value]) => ENV_NAME.test(key) && !ours(key) && (value === null || ["string", "number", "boolean"].includes(typeof value)));
}

const linkNames = (links: unknown): string[] => (Array.isArray(links) ? links.filter((link): link is string => typeof link === "string").map((link) => `${link.toUpperCase().replace(/-/g, "_")}_URL`) : []);

function environmentNames(environment: unknown): string[] {
  if (Array.isArray(environment)) return environment.filter((entry): entry is string => typeof entry === "string").map((entry) => entry.split("=")[0] ?? "");
  return isMap(environment) ? Object.keys(environment) : [];
}

/** `${...}` anywhere in the value (aliases can make it circular). */
function holdsVariable(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value === "string") return /\$\{[^}]*\}/.test(value);
  if (value === null || typeof value !== "object" || seen.has(value)) return false;
  seen.add(value);
  return (Array.isArray(value) ? value : Object.values(value)).some((item) => holdsVariable(item, seen));
}

function countRange(count: unknown): [number, number] | undefined {
  if (isInt(count, 0, Number.MAX_SAFE_INTEGER)) return [count, count];
  if (typeof count === "string") {
    const match = /^(\d+)(?:-(\d+))?$/.exec(count);
    return match ? [Number(match[1]), Number(match[2] ?? match[1])] : undefined;
  }
  return undefined;
}

function scaleProblem(scale: unknown): string | undefined {
  if (typeof scale === "number") return isInt(scale, 0, 1000) ? undefined : "scale out of range";
  if (typeof scale === "string") {
    const range = countRange(scale);
    return range && range[0] <= range[1] && range[1] <= 1000 ? undefined : "bad scale";
  }
  if (!isMap(scale)) return "scale is not a count or a map";
  if (Object.keys(scale).some((key) => !["count", "cpu", "memory", "targets", "cooldown"].includes(key))) return "unknown or refused scale key";
  if (own(scale, "count")) {
    const range = countRange(scale.count);
    if (!(range && range[0] <= range[1] && range[1] <= 1000 && (typeof scale.count !== "number" || scale.count <= 1000))) return "bad count";
  }
  if (own(scale, "cpu") && !(typeof scale.cpu === "number" && FARGATE_CPUS.includes(scale.cpu))) return "bad cpu";
  const cpu = typeof scale.cpu === "number" ? scale.cpu : 256;
  if (own(scale, "memory") && !(typeof scale.memory === "number" && memoryChoices(cpu).includes(scale.memory))) return "bad memory";
  if (own(scale, "targets")) {
    if (!isMap(scale.targets) || Object.entries(scale.targets).some(([key, value]) => !["cpu", "memory", "requests"].includes(key) || !isInt(value, 1, key === "requests" ? Number.MAX_SAFE_INTEGER : 100))) return "bad targets";
  }
  return undefined;
}

function healthProblem(health: unknown): string | undefined {
  if (typeof health === "string") return health.startsWith("/") ? undefined : "health path without /";
  if (!isMap(health)) return "health is not a path or a map";
  if (Object.keys(health).some((key) => !["path", "grace", "interval", "timeout"].includes(key))) return "unknown health key";
  if (own(health, "path") && !(typeof health.path === "string" && health.path.startsWith("/"))) return "bad health.path";
  if (own(health, "grace") && !isInt(health.grace, 0, 7200)) return "bad grace";
  if (own(health, "interval") && !isInt(health.interval, 5, 300)) return "bad interval";
  if (own(health, "timeout") && !isInt(health.timeout, 2, 120)) return "bad timeout";
  const interval = typeof health.interval === "number" ? health.interval : 5;
  const timeout = typeof health.timeout === "number" ? health.timeout : Math.max(2, interval - 1);
  return timeout < interval ? undefined : "timeout not shorter than interval";
}

function serviceProblem(name: string, body: unknown, services: Fields, app: Fields): string | undefined {
  if (!validServiceName(name)) return `bad service name ${JSON.stringify(name)}`;
  // `web:` with nothing is a service with Convox's defaults (build: .).
  if (body === null) return undefined;
  if (!isMap(body)) return "service is not a map";
  const unknown = Object.keys(body).find((key) => !SERVICE_KEYS.has(key));
  if (unknown !== undefined) return `unknown key ${JSON.stringify(unknown)}`;
  const refused = Object.keys(body).find((key) => REFUSED_SERVICE_KEYS.has(key));
  if (refused !== undefined) return `refused key ${refused}`;
  if (own(body, "image") && !(typeof body.image === "string" && body.image !== "" && body.image.length <= 255 && !/[\u0000-\u0020\u007f]/.test(body.image))) return "no usable image";
  // Docker's grammar, as far as the fuzzer's images go: lowercase, no scheme, no user@, a tag or a full digest.
  if (typeof body.image === "string" && (/[A-Z]|:\/\/|@(?!sha256:)|:$|@sha256:(?![0-9a-f]{64}$)/.test(body.image))) return "not an image reference";
  if (own(body, "whitelist") && !validWhitelist(body.whitelist)) return "bad whitelist";
  if (own(body, "agent") && !(isFlag(body.agent) && !isTrue(body.agent))) return "agent";
  const interpolated = Object.entries(body).find(([key, value]) => !["environment", "command", "domain"].includes(key) && holdsVariable(value));
  if (interpolated) return `\${...} in ${interpolated[0]}`;
  if (Array.isArray(body.command) && holdsVariable(body.command)) return "${...} in a list command";
  if (own(body, "build") && !(typeof body.build === "string" || (isMap(body.build) && Object.keys(body.build).every((key) => ["path", "manifest", "args"].includes(key)) && (!own(body.build, "path") || typeof body.build.path === "string")))) return "bad build";
  if (isMap(body.build) && own(body.build, "args") && !(Array.isArray(body.build.args) && body.build.args.every((arg) => typeof arg === "string" && /^[A-Za-z_][A-Za-z0-9_]*(=[\s\S]*)?$/.test(arg)))) return "bad build args";
  if (own(body, "command") && !((typeof body.command === "string" && body.command.trim() !== "") || (Array.isArray(body.command) && body.command.length > 0 && body.command.every((word) => typeof word === "string")))) return "bad command";
  if (own(body, "port") && !validPort(body.port)) return "bad port";
  for (const flag of ["internal", "internalAndExternal", "internalRouter"]) {
    if (own(body, flag) && !isFlag(body[flag])) return `${flag} is not a boolean`;
    if (isTrue(body[flag]) && !own(body, "port")) return `${flag} without a port`;
  }
  if (isTrue(body.internalRouter) && (isTrue(body.internal) || isTrue(body.internalAndExternal))) return "internal and internalRouter";
  if (own(body, "links")) {
    if (!Array.isArray(body.links)) return "links is not a list";
    for (const link of body.links) {
      if (typeof link !== "string") return "a link is not a name";
      if (link === name) return "links to itself";
      const target = services[link];
      if (!own(services, link) || !isMap(target) || !own(target, "port")) return `link to ${link} without an endpoint`;
    }
  }
  if (own(body, "resources")) {
    if (!Array.isArray(body.resources) || !body.resources.every((item) => typeof item === "string")) return "resources is not a list of names";
    const declared = isMap(app.resources) ? app.resources : {};
    const missing = body.resources.find((item) => !own(declared, item as string));
    if (missing !== undefined) return `lists resource ${String(missing)}, which is not declared`;
    const linked = new Set(linkNames(body.links));
    if (linkNames(body.resources).some((variable) => linked.has(variable))) return "a resource and a link set the same <NAME>_URL";
    if (linkNames(body.resources).some((variable) => environmentNames(app.environment).includes(variable))) return "the top-level environment sets a resource's <NAME>_URL";
  }
  if (own(body, "environment") && !validEnvironment(body.environment, new Set([...linkNames(body.links), ...linkNames(body.resources)]))) return "bad environment";
  if (own(body, "domain")) {
    const reason = domainProblem(body);
    if (reason) return reason;
  }
  if (typeof body.command === "string" && /[$`]|&&|\|\||[;|<>*?~#]/.test(body.command)) {
    const declared = new Set([...environmentNames(app.environment), ...environmentNames(body.environment), ...(Array.isArray(body.links) ? body.links.map((link) => `${String(link).toUpperCase().replace(/-/g, "_")}_URL`) : []), ...linkNames(body.resources)]);
    const used = [...body.command.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? "");
    if (used.some((name) => !declared.has(name) && !declared.has("*") && !name.startsWith("RACKNET_"))) return "a command variable not in the environment";
  }
  return (own(body, "scale") ? scaleProblem(body.scale) : undefined) ?? (own(body, "health") ? healthProblem(body.health) : undefined);
}

/**
 * docs/manifest.md, "domain": one name, names separated by commas, or a list of names; each an
 * exact public host name (no wildcard, no IP, not .convox, at most 128 characters), at most 10,
 * one of them at most 64 characters, on a service served by the external load balancer.
 */
function domainProblem(body: Fields): string | undefined {
  const domain = body.domain;
  if (!(typeof domain === "string" || (Array.isArray(domain) && domain.every((item) => typeof item === "string")))) return "domain is not a name or a list of names";
  const names = (typeof domain === "string" ? domain.split(",") : (domain as string[])).map((name) => name.trim().toLowerCase().replace(/\.$/, "")).filter((name) => name !== "");
  if (names.length === 0) return undefined;
  const external = own(body, "port") && !isTrue(body.internal) && !isTrue(body.internalRouter);
  if (!external) return "domain on a service the external load balancer does not serve";
  const host = (name: string) => {
    const labels = name.split(".");
    return labels.length >= 2 && labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) && !/^[0-9]+$/.test(labels.at(-1) ?? "") && name.length <= 128 && !name.endsWith(".convox");
  };
  if (!names.every(host)) return "a domain name is not a public host name";
  if (new Set(names).size !== names.length) return "a domain name twice";
  if (names.length > 10) return "more than 10 domain names";
  if (!names.some((name) => name.length <= 64)) return "no domain name short enough to lead the certificate";
  return undefined;
}

function domainNames(body: unknown): string[] {
  if (!isMap(body)) return [];
  const domain = body.domain;
  const names = typeof domain === "string" ? domain.split(",") : Array.isArray(domain) ? domain.filter((item): item is string => typeof item === "string") : [];
  return names.map((name) => name.trim().toLowerCase().replace(/\.$/, "")).filter((name) => name !== "");
}

export function refusalReason(value: unknown): string | undefined {
  if (!isMap(value)) return "not a map";
  const unknown = Object.keys(value).find((key) => !TOP_KEYS.has(key) && !key.startsWith("x-"));
  if (unknown !== undefined) return `unknown top-level key ${unknown}`;
  const services = value.services;
  const everyLink = new Set(isMap(services) ? Object.values(services).flatMap((body) => (isMap(body) ? linkNames(body.links) : [])) : []);
  if (own(value, "environment") && !validEnvironment(value.environment, everyLink)) return "bad top-level environment";
  if (own(value, "resources")) {
    const reason = resourcesProblem(value.resources);
    if (reason) return reason;
  }
  if (!isMap(services)) return "services is not a map";
  const entries = Object.entries(services);
  if (entries.length === 0) return "no services";
  for (const [name, body] of entries) {
    const reason = serviceProblem(name, body, services, value);
    if (reason) return `services.${name}: ${reason}`;
  }
  const domains = entries.flatMap(([, body]) => [...new Set(domainNames(body))]);
  if (new Set(domains).size !== domains.length) return "a domain name served by two services";
  return undefined;
}
