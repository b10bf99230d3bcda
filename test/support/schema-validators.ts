import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { convoxSchema } from "../../src/manifest/index.js";
import { AJV_OPTIONS } from "../../src/manifest/schema-check.js";
import { quickValidatorCode, type QuickValidator } from "../../src/manifest/quick-schema.js";

/** The quick validator module scripts/build-schema.mjs writes (quickValidatorCode), loaded as Node loads it from dist/manifest. */
export function builtQuickValidator(): QuickValidator {
  const module = { exports: {} as QuickValidator };
  const load = new Function("require", "module", "exports", quickValidatorCode()) as (require: NodeRequire, module: { exports: QuickValidator }, exports: QuickValidator) => void;
  load(createRequire(import.meta.url), module, module.exports);
  return module.exports;
}

/** The full validator, as schema-check.ts compiles it from the sources. */
export function fullValidator(): (value: unknown) => boolean {
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
  return ajv.compile(convoxSchema);
}
