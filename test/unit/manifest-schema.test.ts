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
