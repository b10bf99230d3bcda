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
import { ELASTICACHE_OPTIONS, RDS_OPTIONS, REFUSED_OPTIONS } from "../../src/manifest/read-resources.js";
import * as keyLists from "../../src/manifest/keys.js";
import { IGNORED_SERVICE_KEYS, IGNORED_TOP_LEVEL_KEYS, REFUSED_SERVICE_KEYS, REFUSED_TOP_LEVEL_KEYS } from "../../src/manifest/keys.js";

const root = join(import.meta.dirname, "..", "..");
const manifestDir = join(root, "src", "manifest");
const doc = readFileSync(join(root, "docs", "manifest.md"), "utf8");

type Node = { properties?: Record<string, Node>; additionalProperties?: Node; anyOf?: Node[]; oneOf?: Node[]; items?: Node };
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

/** The keys a schema node accepts as a map: its own properties and those of its object forms (anyOf, oneOf, list items, map values). */
function objectKeys(node: Node | undefined): string[] {
  if (!node) return [];
  const forms = [node, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.items ? [node.items] : [])];
  return [...new Set(forms.flatMap((form) => Object.keys(form.properties ?? {})))].sort();
}

/** The schema node of `key` in one of `node`'s object forms. */
function child(node: Node | undefined, key: string): Node | undefined {
  const forms = node ? [node, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.items ? [node.items] : [])] : [];
  return forms.map((form) => form.properties?.[key]).find((found) => found !== undefined);
}

/** A section of docs/manifest.md, its heading's text up to the next `## `. */
const section = (heading: string): string => doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? "";
/** The row of `key` in the service keys table. */
const serviceRow = (key: string): string => section("Service keys").split("\n").find((line) => line.startsWith(`| \`${key}\` |`)) ?? "";

/** True when `text` names `key` in code, alone or after a path (`health.path`, `nlb[].port`, `atCapAction: auto-shutdown`). */
function documents(text: string, key: string): boolean {
  return new RegExp(`\`[{[]?(?:[A-Za-z_\\[\\]*<>]+\\.)*${key}(?![A-Za-z0-9_])[^\`]*\``).test(text);
}

/** The src/manifest files that read a manifest (not the schema and the lists of keys). */
const readerText = readdirSync(manifestDir)
  .filter((name) => !["schema.ts", "keys.ts", "model.ts", "resource-types.ts"].includes(name))
  .map((name) => readFileSync(join(manifestDir, name), "utf8"))
  .join("\n");
/** The keys keys.ts lists as ignored or refused (each list is how the reader acts on them). */
const listed = new Set(Object.values(keyLists).flatMap((list) => (Array.isArray(list) ? list.map((entry: { key: string }) => entry.key) : [])));
/** True when the reader reads `key`: `raw.key`, `fields["key"]`, a check that names it (`"key" in budget`, `at("key")`), or keys.ts's lists. */
const reads = (key: string): boolean => listed.has(key) || new RegExp(`\\.${key}\\b|["'\`]${key}["'\`]`).test(readerText);
/** Ignored and refused keys are documented in their own sections. */
const notActedOnDocs = section("Keys ignored with a warning, and why that is safe") + section("Keys refused, and why");

const services = serviceSchema;
const top = schema;
const scaleNode = child(services, "scale");
/** Each nested map of the manifest: where the schema declares it, and the docs that must name each of its keys. */
const NESTED: { path: string; node: Node | undefined; docs: string }[] = [
  { path: "services.*.health", node: child(services, "health"), docs: serviceRow("health") },
  { path: "services.*.liveness", node: child(services, "liveness"), docs: serviceRow("liveness") + section("Probes") },
  { path: "services.*.startupProbe", node: child(services, "startupProbe"), docs: serviceRow("startupProbe") + section("Probes") },
  { path: "services.*.deployment", node: child(services, "deployment"), docs: serviceRow("deployment") },
  { path: "services.*.termination", node: child(services, "termination"), docs: serviceRow("termination") },
  { path: "services.*.build", node: child(services, "build"), docs: serviceRow("build") },
  { path: "services.*.tls", node: child(services, "tls"), docs: serviceRow("tls") },
  { path: "services.*.scale", node: scaleNode, docs: serviceRow("scale") + section("Scale: Convox 3, KEDA and custom metrics") },
  { path: "services.*.scale.targets", node: child(scaleNode, "targets"), docs: serviceRow("scale") + section("Scale: Convox 3, KEDA and custom metrics") },
  { path: "services.*.scale.cooldown", node: child(scaleNode, "cooldown"), docs: serviceRow("scale") },
  { path: "services.*.scale.autoscale", node: child(scaleNode, "autoscale"), docs: section("Scale: Convox 3, KEDA and custom metrics") },
  { path: "services.*.scale.keda", node: child(scaleNode, "keda"), docs: section("Scale: Convox 3, KEDA and custom metrics") },
  { path: "services.*.nlb[]", node: child(services, "nlb"), docs: section("Network load balancers") },
  { path: "balancers.*", node: child(top, "balancers")?.additionalProperties, docs: section("Network load balancers") },
  { path: "resources.*", node: child(top, "resources")?.additionalProperties, docs: section("Resources") },
  { path: "budget", node: child(top, "budget"), docs: section("Budget") },
];

describe("a nested manifest key is in the schema, the reader and the docs, or in none", () => {
  it("every nested map is found in the schema (a moved key fails here, not silently)", () => {
    expect(NESTED.filter(({ node }) => objectKeys(node).length === 0).map(({ path }) => path)).toEqual([]);
  });

  it.each(NESTED)("$path: each key the schema accepts is read and documented", ({ node, docs }) => {
    const keys = objectKeys(node);
    expect(keys.filter((key) => !reads(key)), "read by no file of src/manifest").toEqual([]);
    expect(keys.filter((key) => !documents(docs, key) && !(listed.has(key) && documents(notActedOnDocs, key))), "named nowhere in its docs").toEqual([]);
  });
});

describe("a resource option is declared by the reader and in docs/manifest.md's options table, or refused there", () => {
  const resources = section("Resources");
  const lines = resources.split("\n");
  const header = lines.findIndex((line) => line.startsWith("| option |"));
  const end = lines.findIndex((line, index) => index > header && !line.startsWith("|"));
  const table = lines.slice(header + 2, end);
  const documented = table.flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1] as string));
  const actedOn: string[] = [...new Set([...RDS_OPTIONS, ...ELASTICACHE_OPTIONS])].sort();
  const refusedProse = resources.split("\n").filter((line) => !line.startsWith("|")).join("\n");

  it("the options racknet acts on are the rows of the table", () => {
    expect(header).toBeGreaterThan(0);
    expect([...new Set(documented)].sort()).toEqual(actedOn);
  });

  it("every refused option is named in the docs", () => {
    expect(Object.keys(REFUSED_OPTIONS).filter((option) => !actedOn.includes(option) && !refusedProse.includes(`\`${option}\``))).toEqual([]);
  });
});
