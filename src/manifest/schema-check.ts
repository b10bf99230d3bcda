import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type { Problem } from "../errors/index.js";
import { convoxSchema } from "./schema.js";
import { formatPath, keyOffset, valueOffset, where, type ManifestSource, type PathSegment } from "./source.js";
import { closestName } from "../rack/closest-name.js";
import { quickValid, type QuickValidator } from "./quick-schema.js";

/**
 * Validate the parsed YAML against the JSON Schema with Ajv and turn Ajv's errors into
 * problems a person can act on: the line and column of the value, the key path, one plain
 * sentence, and a fix.
 *
 * The built CLI loads the validator compiled at build time (scripts/build-schema.mjs
 * writes it beside this file as Ajv standalone code): compiling the schema at run time
 * took most of `manifest check`'s start-up. From the sources (tests), it is compiled here.
 */

interface Validate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The file scripts/build-schema.mjs writes next to the compiled schema-check.js. */
export const PRECOMPILED_VALIDATOR = "./convox-schema.validate.cjs";

/** The options the validator is compiled with, here and in the build script. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true } as const;

/**
 * The happy path's validator, also written at build time (quick-schema.ts): it stops at the
 * first error and keeps none of the details, and is split so that V8 compiles only the parts
 * a file uses. Only when it says no does the full validator run, for every problem with its
 * place.
 */
export const QUICK_VALIDATOR = "./convox-schema.quick.cjs";

let compiled: Validate | undefined;
let quick: QuickValidator | null | undefined;

/** The quick validator, or null when it was not built (running from the sources): the full one decides alone. */
function quickValidator(): QuickValidator | null {
  if (quick !== undefined) return quick;
  try {
    quick = createRequire(import.meta.url)(QUICK_VALIDATOR) as QuickValidator;
  } catch {
    quick = null;
  }
  return quick;
}

function validator(): Validate {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  try {
    compiled = require(PRECOMPILED_VALIDATOR) as Validate;
  } catch {
    const { Ajv } = require("ajv") as typeof import("ajv");
    const ajv = new Ajv(AJV_OPTIONS);
    ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
    compiled = ajv.compile(convoxSchema);
  }
  return compiled;
}

export function schemaProblems(value: unknown, source: ManifestSource): Problem[] {
  const happy = quickValidator();
  if (happy && quickValid(happy, value)) return [];
  const validate = validator();
  if (validate(value)) return [];
  const problems = new Map<string, Problem>();
  for (const error of relevantErrors(validate.errors ?? [])) {
    const problem = toProblem(error, value, source);
    const id = `${problem.where} ${problem.path}`;
    if (!problems.has(id)) problems.set(id, problem);
  }
  return [...problems.values()];
}

const COMPOSITE = new Set(["anyOf", "oneOf"]);

/**
 * Ajv reports every branch of a union that failed. When exactly one branch has the right
 * type (the user wrote a map for `port`, so the map form was meant), its errors are the
 * ones that matter; otherwise the union's own message ("must be a number, ... or ...") is.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  let remaining = [...errors];
  const composites = errors.filter((error) => COMPOSITE.has(error.keyword)).sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const composite of composites) {
    if (!remaining.includes(composite)) continue;
    const prefix = `${composite.schemaPath}/`;
    const within = (error: ErrorObject) => error.instancePath === composite.instancePath || error.instancePath.startsWith(`${composite.instancePath}/`);
    const inside = remaining.filter((error) => error.schemaPath.startsWith(prefix) && within(error));
    const branchOf = (error: ErrorObject) => error.schemaPath.slice(prefix.length).split("/")[0];
    const branchCount = Array.isArray(composite.schema) ? composite.schema.length : 0;
    const wrongType = new Set(inside.filter((error) => error.keyword === "type" && error.instancePath === composite.instancePath && error.schemaPath === `${prefix}${branchOf(error)}/type`).map(branchOf));
    const rightType = Array.from({ length: branchCount }, (_, index) => String(index)).filter((branch) => !wrongType.has(branch));
    const [meant] = rightType;
    if (rightType.length === 1 && inside.some((error) => branchOf(error) === meant)) {
      remaining = remaining.filter((error) => error !== composite && !(inside.includes(error) && branchOf(error) !== meant));
    } else {
      remaining = remaining.filter((error) => !inside.includes(error));
    }
  }
  // `propertyNames` reports the name's own error as well; one problem per name is enough.
  return remaining.filter((error) => !(error.keyword === "pattern" && error.propertyName !== undefined));
}

function toProblem(error: ErrorObject, root: unknown, source: ManifestSource): Problem {
  const segments = pathSegments(error.instancePath, root);
  if (error.keyword === "additionalProperties") return unknownKeyProblem(error, segments, source);
  if (error.keyword === "propertyNames") return badNameProblem(error, segments, source);
  const path = formatPath(segments);
  const sentence = messageFor(error);
  return {
    where: where(source.file, source.positionOf(valueOffset(source.document, segments))),
    path: path || undefined,
    message: error.keyword === "required" ? `${path || source.file} ${sentence}` : `${path || source.file} ${sentence} (got ${holdsValues(segments) ? describeSecret(error.data) : describe(error.data)})`,
    fix: fixFor(segments),
  };
}

/**
 * What users of other tools write for a service's keys (docker compose, Kubernetes, ECS):
 * the Convox key that does it. Checked before the closest name, which catches typos.
 */
const SERVICE_KEY_ALIASES = ownTable({
  healthcheck: "health",
  readinessprobe: "health",
  livenessprobe: "liveness",
  replicas: "scale.count",
  instances: "scale.count",
  count: "scale.count",
  cpu: "scale.cpu",
  memory: "scale.memory",
  env: "environment",
  entrypoint: "command",
  cmd: "command",
  depends_on: "links",
  dependson: "links",
  expose: "port",
  dockerfile: "build.manifest",
  context: "build.path",
});

/** At most this many keys are listed in a fix; more would bury the point (docs/manifest.md lists them all). */
const LISTED_KEYS = 8;

function unknownKeyProblem(error: ErrorObject, parent: PathSegment[], source: ManifestSource): Problem {
  const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const segments = [...parent, key];
  const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
  const isService = parent.length === 2 && parent[0] === "services";
  const alias = isService ? SERVICE_KEY_ALIASES.get(key.toLowerCase()) : undefined;
  const suggestion = alias ?? closestName(key, known);
  const place = parent.length === 0 ? "at the top level" : `in ${formatPath(parent)}`;
  const rename = suggestion?.includes(".") ? `write it as ${suggestion.split(".").join(": ")}: (under ${formatPath(parent)})` : `rename ${key}: to ${suggestion}:`;
  const listed = known.length <= LISTED_KEYS ? `keys accepted here: ${known.join(", ")}` : `docs/manifest.md lists the keys of ${isService ? "a service" : "this map"}`;
  return {
    where: where(source.file, source.positionOf(keyOffset(source.document, segments))),
    path: formatPath(segments),
    message: `unknown key "${key}" ${place}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
    fix: suggestion ? rename : `remove it; ${listed}`,
  };
}

function badNameProblem(error: ErrorObject, parent: PathSegment[], source: ManifestSource): Problem {
  const name = String((error.params as { propertyName?: unknown }).propertyName);
  const segments = [...parent, name];
  // A map whose names are not variables (scale.targets.custom) says what its names must be.
  const own = (error.parentSchema?.propertyNames as { errorMessage?: unknown } | undefined)?.errorMessage;
  if (typeof own === "string") {
    return { where: where(source.file, source.positionOf(keyOffset(source.document, segments))), path: formatPath(segments), message: `${formatPath(segments)}: the name ${own}`, fix: `rename ${name}` };
  }
  return {
    where: where(source.file, source.positionOf(keyOffset(source.document, segments))),
    path: formatPath(segments),
    message: `"${name}" is not an environment variable name: use letters, digits and underscores, not starting with a digit`,
    fix: `rename it, for example ${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^(\d)/, "_$1")}`,
  };
}

function messageFor(error: ErrorObject): string {
  // A missing key is named, whatever the map's own message says.
  if (error.keyword === "required") return `needs ${String((error.params as { missingProperty?: unknown }).missingProperty)}:`;
  const own = error.parentSchema?.errorMessage;
  if (typeof own === "string") return own;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `must be ${typeName(String(params.type))}`;
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(", ")}`;
    case "required":
      return `needs ${String(params.missingProperty)}:`;
    default:
      return error.message ?? "is not valid";
  }
}

const TYPE_NAMES = ownTable({
  integer: "a whole number",
  number: "a number",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "a map",
  null: "empty",
});

function typeName(type: string): string {
  return type
    .split(",")
    .map((name) => TYPE_NAMES.get(name) ?? name)
    .join(" or ");
}

const FIXES = ownTable({
  port: 'write port: 3000, port: "https:3000" or port: {port: 3000, scheme: https}',
  scheme: "write scheme: http or scheme: https",
  internal: "write internal: true or internal: false",
  internalAndExternal: "write internalAndExternal: true or internalAndExternal: false",
  internalRouter: "write internalRouter: true or internalRouter: false",
  image: "write image: nginx:1.27 (any image your account can pull)",
  links: "write links: [api, billing]",
  environment: "write environment: [PORT=3000, LOG_LEVEL] or environment: {PORT: 3000}",
  scale: "write scale: 2 or scale: {count: 2, cpu: 256, memory: 512}",
  count: "write count: 2",
  cpu: "write cpu: 256 (or 512, 1024, 2048, 4096, 8192, 16384)",
  memory: "write memory: 512 (MiB)",
  health: "write health: /health or health: {path: /health, interval: 10}",
  command: 'write command: bin/web or command: ["bin/web", "--port", "3000"]',
  build: "write build: . or build: {path: ., manifest: Dockerfile, args: [VERSION=1.2]}",
  timers: 'write timers: {cleanup: {schedule: "0 3 * * ?", command: bin/cleanup, service: worker}}',
  schedule: 'write schedule: "0 3 * * ?" (minute hour day month weekday, UTC)',
  whitelist: "write whitelist: 10.0.0.0/8,192.0.2.0/24",
  deployment: "write deployment: {minimum: 50, maximum: 200}",
  termination: "write termination: {grace: 30}",
  drain: "write drain: 30 (seconds)",
  targets: "write targets: {cpu: 70, memory: 80, requests: 600}",
  cooldown: "write cooldown: 60 or cooldown: {up: 60, down: 300}",
  services: "write services:, then each service indented under it, for example\n      services:\n        web:\n          image: nginx:1.27\n          port: 80",
});

function fixFor(segments: readonly PathSegment[]): string {
  const keys = segments.filter((segment): segment is string => typeof segment === "string");
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    const fix = FIXES.get(keys[index] ?? "");
    if (fix) return fix;
  }
  if (segments.length === 2 && segments[0] === "services") return "give the service a map of keys, for example\n      image: nginx:1.27\n      port: 80";
  return "see docs/manifest.md for the keys and their forms";
}

/** JSON pointer → key path; numeric segments become list indexes where the value is a list. */
function pathSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === "") return [];
  const segments: PathSegment[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment: PathSegment = Array.isArray(current) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}

/** Environment values and build arguments (app-wide, per service, per build) are often secrets. */
function holdsValues(segments: readonly PathSegment[]): boolean {
  return segments.includes("environment") || segments.includes("args");
}

/** Environment values are often secrets: a problem names the variable, never its value. */
function describeSecret(data: unknown): string {
  if (typeof data === "string") return data.includes("=") ? JSON.stringify(`${data.slice(0, data.indexOf("="))}=****`) : JSON.stringify(data);
  if (typeof data === "number" || typeof data === "boolean") return "****";
  return describe(data);
}

/** Short single-line text is quoted (the user sees which value); longer text is only measured: it may be a secret or a whole file. */
const QUOTE_MAX = 40;

function describe(data: unknown): string {
  if (data === null || data === undefined) return "nothing";
  if (Array.isArray(data)) return "a list";
  if (typeof data === "object") return "a map";
  if (typeof data === "string") return data.length <= QUOTE_MAX && !/[\r\n]/.test(data) ? JSON.stringify(data) : `text of ${data.length} characters`;
  return String(data);
}

/**
 * A table looked up by names the user wrote: a Map, so a key such as `constructor` or
 * `__proto__` finds nothing instead of Object's own property.
 */
function ownTable(entries: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries));
}
