import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { convoxSchema } from "../../src/manifest/index.js";

const schemaFile = join(import.meta.dirname, "../../schemas/convox.schema.json");

describe("schemas/convox.schema.json", () => {
  it("is the schema racknet validates with (RACKNET_WRITE_SCHEMA=1 rewrites it)", () => {
    const rendered = `${JSON.stringify(convoxSchema, null, 2)}\n`;
    if (process.env.RACKNET_WRITE_SCHEMA === "1") writeFileSync(schemaFile, rendered);
    expect(readFileSync(schemaFile, "utf8")).toBe(rendered);
  });

  it("is a valid draft-07 schema that a strict Ajv compiles (as editors load it)", () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(JSON.parse(readFileSync(schemaFile, "utf8")) as object)).toBe(true);
    expect(() => ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object)).not.toThrow();
  });

  it("describes every service key, for editors' hover text", () => {
    const services = (convoxSchema.properties as Record<string, { additionalProperties: { properties: Record<string, { description?: string }> } }>).services;
    for (const [key, schema] of Object.entries(services?.additionalProperties.properties ?? {})) {
      expect(schema.description, key).toBeTruthy();
    }
  });
});

describe("docs/manifest.md", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../docs/manifest.md"), "utf8");
  type Node = { properties?: Record<string, Node>; additionalProperties?: Node | boolean; anyOf?: Node[] };
  /** Every key the schema knows, with its parent: `services.*.scale.targets.cpu` as `cpu`. */
  function keys(node: Node | boolean | undefined, into = new Set<string>()): Set<string> {
    if (!node || typeof node === "boolean") return into;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      into.add(key);
      keys(child, into);
    }
    keys(node.additionalProperties, into);
    for (const branch of node.anyOf ?? []) keys(branch, into);
    return into;
  }

  it("names every key of the schema", () => {
    const missing = [...keys(convoxSchema as unknown as Node)].filter((key) => !doc.includes(`\`${key}`) && !doc.includes(`.${key}\``));
    expect(missing).toEqual([]);
  });
});
