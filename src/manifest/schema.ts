import { IGNORED_BUILD_KEYS, IGNORED_SCALE_KEYS, IGNORED_SERVICE_KEYS, IGNORED_TOP_LEVEL_KEYS, type IgnoredKey } from "./keys.js";

/**
 * The JSON Schema of convox.yml (draft-07). It is the source of schemas/convox.schema.json,
 * which editors use through yaml-language-server; a unit test keeps the two identical.
 *
 * `errorMessage` (the keyword VS Code's JSON service reads) holds the sentence racknet
 * prints after the key path, so editors and `racknet manifest check` say the same thing.
 * Every union is inline (no `$ref`) so Ajv's errors can be traced to the branch that failed.
 */

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const PORT_MESSAGE = 'must be a number 1–65535, "https:3000" or {port: 3000, scheme: https}';
const PORT_NUMBER_MESSAGE = "must be a whole number from 1 to 65535";
const BOOLEAN_MESSAGE = "must be true or false";
const ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";

/** 1–65535 written as digits, optionally after `http:` or `https:`. */
const PORT_TEXT = "^(https?:)?([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$";

function ignored(list: readonly IgnoredKey[]): Record<string, JsonSchema> {
  return Object.fromEntries(list.map(({ key, convox }) => [key, { description: `Convox: ${convox}. Accepted for compatibility; racknet does not act on it (a warning names it).` }]));
}

function flag(description: string): JsonSchema {
  return { type: "boolean", description, errorMessage: BOOLEAN_MESSAGE };
}

function portNumber(description: string): JsonSchema {
  return { type: "integer", minimum: 1, maximum: 65535, description, errorMessage: PORT_NUMBER_MESSAGE };
}

const port: JsonSchema = {
  description: "The port the container listens on. A service with a port gets a load balancer endpoint (HTTPS on 443).",
  errorMessage: PORT_MESSAGE,
  anyOf: [
    portNumber("The container's port; the container speaks HTTP."),
    { type: "string", pattern: PORT_TEXT, description: '"https:3000" when the container speaks HTTPS, "http:3000" for HTTP.', errorMessage: PORT_MESSAGE },
    {
      type: "object",
      description: "The port and the protocol the container speaks on it.",
      required: ["port"],
      additionalProperties: false,
      properties: {
        port: portNumber("The container's port."),
        scheme: { type: "string", enum: ["http", "https"], description: "The protocol the container speaks (default http).", errorMessage: "must be http or https" },
      },
    },
  ],
};

const environment: JsonSchema = {
  description: "Environment variables: a list of NAME=value (or NAME alone, set later) or a map NAME: value.",
  errorMessage: "must be a list such as [PORT=3000, LOG_LEVEL] or a map such as {PORT: 3000}",
  anyOf: [
    {
      type: "array",
      items: { type: "string", pattern: `${ENV_NAME.slice(0, -1)}(=[\\s\\S]*)?$`, errorMessage: 'must be NAME=value or NAME, where NAME is letters, digits and underscores, for example "LOG_LEVEL=info"' },
    },
    {
      type: "object",
      propertyNames: { pattern: ENV_NAME },
      additionalProperties: { type: ["string", "number", "boolean", "null"], errorMessage: "must be a single value (text, a number or true/false), not a list or a map" },
    },
  ],
};

const build: JsonSchema = {
  description: "Build an image from a Dockerfile. racknet does not run docker: use image: (a warning when both are given, an error when build: is alone).",
  errorMessage: 'must be a path such as "." or {path, manifest}',
  anyOf: [
    { type: "string" },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        path: { type: "string", description: "The build context." },
        manifest: { type: "string", description: "The Dockerfile, relative to path." },
        ...ignored(IGNORED_BUILD_KEYS),
      },
    },
  ],
};

const health: JsonSchema = {
  description: "The load balancer's health check: a path, or {path, grace, interval, timeout} (seconds).",
  errorMessage: 'must be a path such as "/health" or {path, grace, interval, timeout}',
  anyOf: [
    { type: "string", pattern: "^/", errorMessage: 'must be a path starting with "/", such as "/health"' },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        path: { type: "string", pattern: "^/", description: "The path the load balancer requests (default /).", errorMessage: 'must be a path starting with "/", such as "/health"' },
        grace: { type: "integer", minimum: 0, maximum: 7200, description: "Seconds after start before failed checks count.", errorMessage: "must be a whole number of seconds, 0–7200" },
        interval: { type: "integer", minimum: 5, maximum: 300, description: "Seconds between checks (default 5).", errorMessage: "must be a whole number of seconds, 5–300" },
        timeout: { type: "integer", minimum: 2, maximum: 120, description: "Seconds before a check fails (default interval - 1).", errorMessage: "must be a whole number of seconds, 2–120" },
      },
    },
  ],
};

const count: JsonSchema = {
  description: "How many tasks run. A range (1-3) is Convox autoscaling: racknet runs the minimum and warns.",
  errorMessage: 'must be a whole number such as 2, or a range such as "1-3"',
  anyOf: [
    { type: "integer", minimum: 0, maximum: 1000 },
    { type: "string", pattern: "^[0-9]+-[0-9]+$" },
  ],
};

const scale: JsonSchema = {
  description: "A task count, or {count, cpu, memory}.",
  errorMessage: "must be a count such as 2 or {count, cpu, memory}",
  anyOf: [
    { type: "integer", minimum: 0, maximum: 1000, errorMessage: "must be a whole number from 0 to 1000" },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        count,
        cpu: { type: "integer", description: "CPU units (1024 = one vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384 (default 256).", errorMessage: "must be a whole number of CPU units such as 256 or 1024" },
        memory: { type: "integer", description: "Memory in MiB, within what Fargate allows for the cpu (default 512).", errorMessage: "must be a whole number of MiB such as 512 or 2048" },
        ...ignored(IGNORED_SCALE_KEYS),
      },
    },
  ],
};

const command: JsonSchema = {
  description: "The command the container runs instead of the image's default.",
  errorMessage: 'must be a command line such as "bin/web" or a list such as ["bin/web", "--port", "3000"]',
  anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
};

const service: JsonSchema = {
  type: "object",
  description: "A service: a long-running process, scaled horizontally, optionally behind a load balancer.",
  errorMessage: "must be a map of keys such as image: and port:",
  additionalProperties: false,
  properties: {
    image: { type: "string", minLength: 1, description: "The container image, for example nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.", errorMessage: "must be an image name such as nginx:1.27" },
    build,
    command,
    port,
    internal: flag("Only inside the VPC: served by the rack's internal load balancer at https://<service>.<app>.<rack>.convox (needs Internal=Yes)."),
    internalAndExternal: flag("Served by both load balancers (implies internal; needs Internal=Yes)."),
    internalRouter: flag("Served by the rack-to-rack internal router at https://<service>.<app>.<rack>.router.convox (needs internal_router=true)."),
    links: {
      type: "array",
      description: "Services this one calls; each gives <NAME>_URL with the target's most private endpoint.",
      errorMessage: "must be a list of service names such as [api, billing]",
      items: { type: "string", errorMessage: "must be a service name" },
    },
    environment,
    scale,
    health,
    ...ignored(IGNORED_SERVICE_KEYS),
  },
};

export const convoxSchema: JsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "convox.yml (racknet)",
  description: "A Convox app manifest as racknet deploys it. See docs/manifest.md.",
  type: "object",
  errorMessage: "must be a map with a services: key",
  additionalProperties: false,
  properties: {
    services: {
      type: "object",
      description: "The app's services, by name (lowercase letters, digits and dashes, starting with a letter).",
      errorMessage: "must be a map of service names to services, for example services: {web: {image: nginx:1.27, port: 80}}",
      additionalProperties: service,
    },
    ...ignored(IGNORED_TOP_LEVEL_KEYS),
  },
};
