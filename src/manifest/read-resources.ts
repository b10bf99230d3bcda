/**
 * `resources:` of convox.yml (issue 29) and the services' `resources: [name]` that link
 * them: the typed model with racknet's defaults, and every problem with its line and a fix
 * (a type or option racknet cannot make, a version AWS does not offer, a link to nothing,
 * a `<NAME>_URL` that would be set twice). Tolerant, like the rest of the reader: it keeps
 * what it can read so the other rules still run. Pure.
 */
import type { Problem } from "../errors/index.js";
import { linkVariable } from "../names/index.js";
import { closestName } from "../rack/closest-name.js";
import type { AppResource } from "./model.js";
import {
  BACKUP_RETENTION_MAX,
  DEFAULT_BACKUP_RETENTION,
  DEFAULT_STORAGE,
  ENGINES,
  MEMCACHED_NODES_MAX,
  defaultVersion,
  resolveVersion,
  RDS_STORAGE_MAX,
  RDS_STORAGE_MIN,
  REDIS_NODES_MAX,
  REFUSED_RESOURCE_TYPES,
  RESOURCE_NAME_MAX,
  RESOURCE_TYPES,
  type ResourceEngine,
} from "./resource-types.js";
import type { PathSegment } from "./source.js";
import { Flag } from "../names/flags.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);

/** The options racknet acts on, by the service that makes the resource (Convox's names): their one declaration, which docs/manifest.md's options table is checked against (test/unit/manifest-keys.test.ts). */
export const RDS_OPTIONS = [
  "version",
  "class",
  "size",
  "storage",
  "durable",
  "encrypted",
  "deletionProtection",
  "backupRetentionPeriod",
  "autoMinorVersionUpgrade",
  "allowMajorVersionUpgrade",
  "preferredBackupWindow",
  "preferredMaintenanceWindow",
] as const;
export const ELASTICACHE_OPTIONS = ["version", "class", "size", "durable", "encrypted", "nodes", "autoMinorVersionUpgrade", "preferredMaintenanceWindow"] as const;

/** Convox options racknet refuses, with the reason: each would change who can reach the data or where it comes from. */
export const REFUSED_OPTIONS: Readonly<Record<string, { reason: string; fix: string }>> = {
  import: { reason: "racknet makes and owns its databases; it cannot adopt one it did not make", fix: "store the existing database's URL with racknet env set and list it under the service's environment: instead" },
  masterUserPassword: { reason: "racknet has AWS generate the password into Secrets Manager, so it is never in a file, a parameter or a log", fix: "remove masterUserPassword:" },
  readSourceDB: { reason: "racknet does not make read replicas", fix: "remove readSourceDB:" },
  snapshot: { reason: "racknet does not restore resources from snapshots", fix: "restore the snapshot yourself and pass its URL with racknet env set" },
  parameterGroupName: { reason: "racknet uses the engine's default parameter group, which keeps TLS on", fix: "remove parameterGroupName:" },
  iops: { reason: "racknet makes gp3 storage with its baseline IOPS", fix: "remove iops:, or raise storage: (gp3's baseline grows with it)" },
  port: { reason: "racknet uses the engine's own port, which the security group admits", fix: "remove port:" },
  deletionProtection: { reason: `ElastiCache has no deletion protection; racknet already deletes a cache only with ${Flag.allowDestroy}`, fix: "remove deletionProtection:" },
};

export interface ReadResourcesInput {
  top: Fields;
  note: Note;
  problems: Problem[];
  warnings: Problem[];
}

export function readResources({ top, note, problems, warnings }: ReadResourcesInput): AppResource[] {
  const declared = isRecord(top.resources) ? top.resources : {};
  const services = isRecord(top.services) ? top.services : {};
  const resources = Object.entries(declared).flatMap(([name, raw]) => {
    const resource = readResource(name, isRecord(raw) ? raw : {}, note, problems);
    return resource ? [resource] : [];
  });
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  const declaredNames = Object.keys(declared);
  for (const [serviceName, raw] of Object.entries(services)) {
    const fields = isRecord(raw) ? raw : {};
    if (!Array.isArray(fields.resources)) continue;
    const path = ["services", serviceName, "resources"];
    fields.resources.forEach((link: unknown, index) => {
      if (typeof link !== "string") return;
      const resource = byName.get(link);
      if (!resource) {
        if (declaredNames.includes(link)) return; // declared with a type racknet does not make: already reported
        const suggestion = closestName(link, declaredNames);
        note(
          problems,
          [...path, index],
          `services.${serviceName}.resources lists "${link}", which is not a resource in this file${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
          suggestion ? `write ${suggestion} instead of ${link}` : declaredNames.length > 0 ? `resources here: ${declaredNames.join(", ")}` : `declare it under resources:, for example\n      resources:\n        ${link}:\n          type: postgres`,
        );
        return;
      }
      if (!resource.services.includes(serviceName)) resource.services.push(serviceName);
      clashProblems(serviceName, fields, top.environment, link, [...path, index], note, problems);
    });
  }
  for (const resource of resources) {
    if (resource.services.length === 0) {
      note(warnings, ["resources", resource.name], `resources.${resource.name} is listed by no service: racknet makes it, and no task can reach it`, `list it under a service's resources:, or remove it`);
    }
  }
  return resources;
}

/** `<NAME>_URL` of a resource is the service's: a link or an environment entry of the same name would set it twice. */
function clashProblems(service: string, fields: Fields, appEnvironment: unknown, resource: string, path: PathSegment[], note: Note, problems: Problem[]): void {
  const variable = linkVariable(resource);
  const links = Array.isArray(fields.links) ? fields.links.filter((link): link is string => typeof link === "string") : [];
  const clashingLink = links.find((link) => linkVariable(link) === variable);
  if (clashingLink) {
    note(problems, path, `services.${service} links both the service ${clashingLink} and the resource ${resource}; each would set ${variable}`, `rename the resource (resources.${resource}) and its entry here`);
  }
  for (const [where, environment] of [[`services.${service}.environment`, fields.environment], ["environment", appEnvironment]] as const) {
    if (!environmentNames(environment).includes(variable)) continue;
    note(problems, path, `${where} sets ${variable}, which racknet sets for services.${service}'s resource ${resource}`, `remove ${variable} from ${where}, or ${resource} from services.${service}.resources`);
  }
}

function environmentNames(environment: unknown): string[] {
  if (Array.isArray(environment)) return environment.filter((entry): entry is string => typeof entry === "string").map((entry) => entry.split("=")[0] ?? "");
  return isRecord(environment) ? Object.keys(environment) : [];
}

function readResource(name: string, fields: Fields, note: Note, problems: Problem[]): AppResource | undefined {
  const path = ["resources", name];
  // A resource with problems is still returned: its links and names are checked too, and the problems stop the deploy.
  const refuse = (segments: readonly PathSegment[], message: string, fix: string) => note(problems, segments, message, fix);
  if (!/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes("--") || name.length > RESOURCE_NAME_MAX) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, RESOURCE_NAME_MAX);
    refuse(path, `resources.${name}: a resource name is lowercase letters, digits and single dashes, starting with a letter, at most ${RESOURCE_NAME_MAX} characters`, `rename it${suggestion ? `, for example to ${suggestion}` : ""} (and its entries under services' resources:)`);
  }
  if ("image" in fields) refuse([...path, "image"], `resources.${name}.image: racknet makes managed databases and caches (RDS, ElastiCache), not containers`, "remove image:; set options.version for the engine version");
  const type = fields.type;
  if (typeof type !== "string") return undefined; // the schema reports it
  const engine = RESOURCE_TYPES[type];
  if (!engine) {
    const refused = REFUSED_RESOURCE_TYPES[type];
    if (refused) {
      note(problems, [...path, "type"], `resources.${name}.type ${type}: ${refused.reason}`, refused.fix);
    } else {
      const suggestion = closestName(type, Object.keys(RESOURCE_TYPES));
      note(
        problems,
        [...path, "type"],
        `resources.${name}.type "${type}" is not a type racknet makes${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
        `use one of ${Object.keys(RESOURCE_TYPES).join(", ")}`,
      );
    }
    return undefined;
  }
  const facts = ENGINES[engine];
  const options = isRecord(fields.options) ? fields.options : {};
  const known: readonly string[] = facts.service === "rds" ? RDS_OPTIONS : ELASTICACHE_OPTIONS;
  const optionPath = (key: string) => [...path, "options", key];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const refused = REFUSED_OPTIONS[key];
    if (refused) {
      refuse(optionPath(key), `resources.${name}.options.${key}: ${refused.reason}`, refused.fix);
      continue;
    }
    const suggestion = closestName(key, known);
    refuse(
      optionPath(key),
      `resources.${name}.options.${key} is not an option of ${type}${suggestion ? `; did you mean ${suggestion}?` : ""}`,
      `${type} takes ${known.join(", ")}`,
    );
  }

  const text = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" || typeof value === "number") return String(value);
    refuse(optionPath(key), `resources.${name}.options.${key} must be a single value`, `write ${key}: and one value`);
    return undefined;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = options[key];
    if (value === undefined || value === null) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    refuse(optionPath(key), `resources.${name}.options.${key} must be true or false`, `write ${key}: true or ${key}: false`);
    return fallback;
  };
  const whole = (key: string, fallback: number, minimum: number, maximum: number, unit: string): number => {
    const raw = options[key];
    if (raw === undefined || raw === null) return fallback;
    const value = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof value === "number" && Number.isInteger(value) && value >= minimum && value <= maximum) return value;
    refuse(optionPath(key), `resources.${name}.options.${key} must be a whole number of ${unit} from ${minimum} to ${maximum}`, `write ${key}: ${fallback}`);
    return fallback;
  };

  const version = readVersion(engine, options.version, name, type, refuse, optionPath("version"));
  if (options.class !== undefined && options.size !== undefined) {
    refuse(optionPath("size"), `resources.${name} sets both class and size, which Convox reads as the same option`, "keep class: and remove size:");
  }
  const classKey = options.class !== undefined ? "class" : "size";
  const instanceClass = text(classKey) ?? facts.defaultClass;
  if (!new RegExp(`^${facts.classPrefix.replace(".", "\\.")}[a-z0-9]+\\.[a-z0-9]+$`).test(instanceClass)) {
    refuse(
      optionPath(classKey),
      `resources.${name}.options.${classKey} "${instanceClass}" is not ${facts.service === "rds" ? "an RDS instance class" : "an ElastiCache node type"}`,
      `write a class such as ${facts.defaultClass}`,
    );
  }
  if (flag("encrypted", true) === false) {
    refuse(optionPath("encrypted"), `resources.${name}.options.encrypted: false: racknet always encrypts resources at rest and in transit`, "remove encrypted: false");
  }
  const durable = flag("durable", false);
  if (durable && engine === "memcached") {
    refuse(optionPath("durable"), `resources.${name}.options.durable: Memcached keeps no copy of its data to fail over to`, "remove durable:, or use type: redis for a cache that fails over");
  }
  const nodesMax = engine === "memcached" ? MEMCACHED_NODES_MAX : REDIS_NODES_MAX;
  const nodes = facts.service === "elasticache" ? whole("nodes", durable ? 2 : 1, 1, nodesMax, "nodes") : 1;
  if (engine === "redis" && durable && nodes < 2) {
    refuse(optionPath("nodes"), `resources.${name}: durable Redis needs a replica to fail over to (nodes: 2 or more)`, "set nodes: 2, or remove durable:");
  }
  const windowProblem = (key: string, pattern: RegExp, example: string): string | undefined => {
    const value = text(key);
    if (value !== undefined && !pattern.test(value)) refuse(optionPath(key), `resources.${name}.options.${key} "${value}" is not a UTC time range such as ${example}`, `write ${key}: ${example}`);
    return value;
  };
  const preferredBackupWindow = facts.service === "rds" ? windowProblem("preferredBackupWindow", /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "02:00-03:00") : undefined;
  const preferredMaintenanceWindow = windowProblem("preferredMaintenanceWindow", /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, "sun:05:00-sun:06:00");
  const resource: AppResource = {
    name,
    type,
    engine,
    version,
    class: instanceClass,
    storage: facts.service === "rds" ? whole("storage", DEFAULT_STORAGE, RDS_STORAGE_MIN, RDS_STORAGE_MAX, "GiB") : 0,
    durable,
    deletionProtection: facts.service === "rds" ? flag("deletionProtection", false) : false,
    backupRetention: facts.service === "rds" ? whole("backupRetentionPeriod", DEFAULT_BACKUP_RETENTION, 0, BACKUP_RETENTION_MAX, "days") : 0,
    nodes,
    autoMinorVersionUpgrade: flag("autoMinorVersionUpgrade", true),
    allowMajorVersionUpgrade: facts.service === "rds" ? flag("allowMajorVersionUpgrade", true) : false,
    ...(preferredBackupWindow ? { preferredBackupWindow } : {}),
    ...(preferredMaintenanceWindow ? { preferredMaintenanceWindow } : {}),
    services: [],
  };
  return resource;
}

/** `16`, `"16"`, `16.13`; YAML reads `version: 8.4` as a number, which is the line 8.4 (Convox has the same fix for `8.0`). */
function readVersion(engine: ResourceEngine, raw: unknown, name: string, type: string, refuse: (segments: readonly PathSegment[], message: string, fix: string) => void, path: PathSegment[]): string {
  if (raw === undefined || raw === null) return defaultVersion(engine);
  const written = typeof raw === "number" && Number.isInteger(raw) && ENGINES[engine].versions[`${raw}.0`] ? `${raw}.0` : typeof raw === "number" || typeof raw === "string" ? String(raw) : "";
  const version = written === "" ? undefined : resolveVersion(engine, written);
  if (version) return version;
  const lines = Object.keys(ENGINES[engine].versions);
  refuse(
    path,
    written === ""
      ? `resources.${name}.options.version must be a version such as ${ENGINES[engine].defaultLine}`
      : `resources.${name}.options.version "${written}" is not a ${type} version AWS offers for new ${ENGINES[engine].service === "rds" ? "databases" : "caches"} in standard support`,
    ENGINES[engine].service === "rds"
      ? `write one of ${lines.join(", ")} (the newest minor version of that line), or an exact version of one (quote it: version: "${ENGINES[engine].defaultLine}")`
      : `write one of ${lines.join(", ")} (quote it: version: "${ENGINES[engine].defaultLine}")`,
  );
  return defaultVersion(engine);
}
