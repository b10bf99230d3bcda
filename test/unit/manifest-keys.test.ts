/**
 * A convox.yml key lives in four places: the schema (src/manifest/schema.ts, with the ignored
 * and refused lists of keys.ts), the reader (read-service.ts and the rules beside it), the
 * model (src/manifest/model.ts) and docs/manifest.md's key tables. A key in one and missing
 * from another fails here, named.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convoxSchema } from "../../src/manifest/index.js";
import { IGNORED_SERVICE_KEYS, IGNORED_TOP_LEVEL_KEYS, REFUSED_SERVICE_KEYS, REFUSED_TOP_LEVEL_KEYS } from "../../src/manifest/keys.js";

const root = join(import.meta.dirname, "..", "..");
const manifestDir = join(root, "src", "manifest");
const doc = readFileSync(join(root, "docs", "manifest.md"), "utf8");

type Node = { properties?: Record<string, Node>; additionalProperties?: Node & { anyOf?: Node[] } };
const schema = convoxSchema as unknown as Node;
const serviceSchema = schema.properties?.services?.additionalProperties?.anyOf?.[0];

const notActedOn = (lists: readonly (readonly { key: string }[])[]) => new Set(lists.flat().map((entry) => entry.key));
const topLevelPolicies = notActedOn([IGNORED_TOP_LEVEL_KEYS, REFUSED_TOP_LEVEL_KEYS]);
const servicePolicies = notActedOn([IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS]);

/** The schema's keys at one level that racknet acts on (the ignored and refused ones aside). */
function actedOn(node: Node | undefined, policies: Set<string>): string[] {
  return Object.keys(node?.properties ?? {})
    .filter((key) => !policies.has(key))
    .sort();
}

/** The keys in the first column of the table under `## <heading>` (`a`, `b` cells count each). */
function docsTable(heading: string): string[] {
  const section = doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1] as string)).sort();
}

/** Every `fields.<key>` read in the src/manifest files `files` picks. */
function readerKeys(files: (name: string) => boolean): Set<string> {
  const text = readdirSync(manifestDir)
    .filter(files)
    .map((name) => readFileSync(join(manifestDir, name), "utf8"))
    .join("\n");
  return new Set([...text.matchAll(/\bfields\.([a-zA-Z]+)\b/g)].map((match) => match[1] as string));
}

/** The fields of `export interface <name>` in model.ts. */
function modelFields(name: string): string[] {
  const text = readFileSync(join(manifestDir, "model.ts"), "utf8");
  const body = new RegExp(`^export interface ${name} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(text)?.[1] ?? "";
  return [...body.matchAll(/^ {2}([a-zA-Z]+)\??:/gm)].map((match) => match[1] as string).sort();
}

/** Model fields named otherwise than their key, or made from several: field → the keys it holds. */
const MODEL_FIELDS_FROM: Record<string, string[]> = {
  name: [], // the service's name: its key under services:
  environmentAll: ["environment"], // `"*"` in environment:
  terminationGrace: ["termination"],
  domains: ["domain"],
  probe: ["liveness", "startupProbe"],
};

describe("a manifest key is in the schema, the reader, the model and the docs, or in none", () => {
  it("top level: the schema's keys are docs/manifest.md's table of top-level keys", () => {
    const documented = docsTable("Top-level keys");
    expect(documented.filter((key) => !topLevelPolicies.has(key))).toEqual(actedOn(schema, topLevelPolicies));
    expect(documented.filter((key) => topLevelPolicies.has(key))).toEqual([...topLevelPolicies].sort());
  });

  it("services: the schema's keys are docs/manifest.md's table of service keys", () => {
    expect(serviceSchema?.properties).toBeDefined();
    expect(docsTable("Service keys")).toEqual(actedOn(serviceSchema, servicePolicies));
  });

  it("services: every key the schema accepts is read, and the reader reads no key the schema lacks", () => {
    const read = readerKeys((name) => !["schema.ts", "keys.ts", "model.ts"].includes(name));
    const schemaKeys = actedOn(serviceSchema, servicePolicies);
    expect(schemaKeys.filter((key) => !read.has(key))).toEqual([]);
    const serviceLevel = readerKeys((name) => name === "read-service.ts");
    expect([...serviceLevel].filter((key) => !schemaKeys.includes(key) && !servicePolicies.has(key)).sort()).toEqual([]);
  });

  it("services: every field of the model comes from a key of the schema", () => {
    const schemaKeys = new Set(Object.keys(serviceSchema?.properties ?? {}));
    const unknown = modelFields("Service").filter((field) => !(field in MODEL_FIELDS_FROM) && !schemaKeys.has(field));
    const renamedFromMissing = Object.values(MODEL_FIELDS_FROM)
      .flat()
      .filter((key) => !schemaKeys.has(key));
    expect(unknown).toEqual([]);
    expect(renamedFromMissing).toEqual([]);
  });
});
