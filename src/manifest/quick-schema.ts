import { createRequire } from "node:module";
import { convoxSchema, type JsonSchema } from "./schema.js";

/**
 * The happy path's schema check in parts, so that V8 compiles only what a file uses.
 *
 * Compiled whole, the schema is one Ajv function of about 200 kB that V8 compiles entirely on
 * the first call, tens of milliseconds on a cold process (BENCHMARKS.md, "Session 5: manifest
 * check's happy path"). Here the top level sees `services` as an opaque map, one service's
 * schema is its own function called once per service, and each key's schema (of a service
 * and of the top level) is a function of its own behind a `$ref`: a key no service writes is
 * never compiled. A `$ref` means the same as the schema it stands for, so the verdict is the
 * whole schema's (test/unit/manifest-quick-schema.test.ts compares them). Only the verdict is
 * used: when it says no, the full validator runs and its errors make the messages.
 */

export interface Validate {
  (data: unknown): boolean;
}

/** The two entry points of the quick validator: the top level, and one service. */
export interface QuickValidator {
  top: Validate;
  service: Validate;
}

/** Ajv's options for the quick validator: stop at the first error, no details, no messages, one function per `$ref`. */
export const QUICK_AJV_OPTIONS = { allErrors: false, verbose: false, messages: false, allowUnionTypes: true, inlineRefs: false } as const;

type SchemaMap = Record<string, JsonSchema>;

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Keywords that hold one schema, a list of them, or a map of them (draft-07). */
const ONE = new Set(["additionalProperties", "additionalItems", "items", "propertyNames", "contains", "not", "if", "then", "else"]);
const LIST = new Set(["anyOf", "oneOf", "allOf", "items"]);
const MAP = new Set(["properties", "patternProperties", "definitions", "dependencies"]);
/** Words for people (editors' hover text, racknet's sentences): they change no verdict, and the code keeps a copy of each. */
const PROSE = new Set(["description", "errorMessage", "title"]);

/** The schema without its prose, at every depth. */
function withoutProse(schema: JsonSchema): JsonSchema {
  const sub = (value: unknown): unknown => (isSchema(value) ? withoutProse(value) : value);
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([keyword]) => !PROSE.has(keyword))
      .map(([keyword, value]) => {
        if (LIST.has(keyword) && Array.isArray(value)) return [keyword, value.map(sub)];
        if (ONE.has(keyword)) return [keyword, sub(value)];
        if (MAP.has(keyword) && isSchema(value)) return [keyword, Object.fromEntries(Object.entries(value).map(([name, child]) => [name, sub(child)]))];
        return [keyword, value];
      }),
  ) as JsonSchema;
}

/** A key's schema that checks something (an ignored or refused key's, without its description, is `{}`). */
function checks(schema: JsonSchema): boolean {
  return Object.keys(schema).length > 0;
}

/** The schema with each of its keys' schemas (directly, or in a branch of its `anyOf`) moved out to `parts` behind a `$ref`. */
function splitKeys(schema: JsonSchema, prefix: string, parts: SchemaMap): JsonSchema {
  const split = (node: JsonSchema): JsonSchema => {
    if (!isSchema(node.properties)) return node;
    const properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, child]) => {
        if (!isSchema(child) || !checks(child)) return [key, child];
        const id = `${prefix}.${key}`;
        parts[id] = { ...child, $id: id };
        return [key, { $ref: id }];
      }),
    );
    return { ...node, properties };
  };
  const own = split(schema);
  return Array.isArray(own.anyOf) ? { ...own, anyOf: own.anyOf.map((branch) => (isSchema(branch) ? split(branch) : branch)) } : own;
}

/** The quick validator's schemas by `$id`: `top` and `service`, and the keys' schemas they refer to. */
export function quickSchemas(whole: JsonSchema = convoxSchema): SchemaMap {
  const schema = withoutProse(whole);
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const services = isSchema(properties.services) ? properties.services : {};
  const { additionalProperties: service, ...servicesMap } = services;
  if (!isSchema(service)) throw new Error("the manifest schema's services have no schema for one service");
  const parts: SchemaMap = {};
  parts.service = { ...splitKeys(service, "service", parts), $id: "service" };
  // `services` stays a map here; each of its values is checked by `service`.
  parts.top = { ...splitKeys({ ...schema, properties: { ...properties, services: servicesMap } }, "top", parts), $id: "top" };
  return parts;
}

/** Whether the whole schema holds for the value: the top level, then every service as Ajv's `additionalProperties` visits them. */
export function quickValid(validator: QuickValidator, value: unknown): boolean {
  if (!validator.top(value)) return false;
  // The top level held: the value is a map, and its `services`, when present, a map too.
  const services = (value as Record<string, unknown>).services as Record<string, unknown> | undefined;
  if (services === undefined) return true;
  for (const name in services) if (!validator.service(services[name])) return false;
  return true;
}

/** The quick validator as Ajv standalone code (a CommonJS module exporting `top` and `service`): what scripts/build-schema.mjs writes. */
export function quickValidatorCode(): string {
  const require = createRequire(import.meta.url);
  const { Ajv } = require("ajv") as typeof import("ajv");
  const standaloneCode = (require("ajv/dist/standalone") as typeof import("ajv/dist/standalone/index.js")).default;
  const ajv = new Ajv({ ...QUICK_AJV_OPTIONS, code: { source: true } });
  for (const part of Object.values(quickSchemas())) ajv.addSchema(part);
  return standaloneCode(ajv, { top: "top", service: "service" });
}
