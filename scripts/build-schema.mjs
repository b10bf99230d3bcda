#!/usr/bin/env node
// Writes dist/manifest/convox-schema.validate.cjs (and convox-schema.quick.cjs, the happy path's
// validator that stops at the first error, in parts: src/manifest/quick-schema.ts): the convox.yml JSON Schema compiled by
// Ajv into standalone code at build time, so `racknet manifest check` and `deploy` do not
// compile the schema (nor load Ajv's compiler) on every run. src/manifest/schema-check.ts
// loads it, and compiles the schema itself when it is absent (running from the sources).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const require = createRequire(import.meta.url);
const { Ajv } = require("ajv");
const standaloneCode = require("ajv/dist/standalone").default;
const { convoxSchema } = await import(join(dist, "manifest", "schema.js"));
const { AJV_OPTIONS, PRECOMPILED_VALIDATOR, QUICK_VALIDATOR } = await import(join(dist, "manifest", "schema-check.js"));
const { quickValidatorCode } = await import(join(dist, "manifest", "quick-schema.js"));

// The full validator (every error, with its details)...
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
writeFileSync(join(dist, "manifest", PRECOMPILED_VALIDATOR), standaloneCode(ajv, ajv.compile(convoxSchema)));
// ...and the happy path's quick one (is it valid?).
writeFileSync(join(dist, "manifest", QUICK_VALIDATOR), quickValidatorCode());
