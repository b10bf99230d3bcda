import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

/** The --json contract (docs/json.md): one JSON Schema per command in schemas/json/, checked with Ajv. */
export const schemaDir = fileURLToPath(new URL("../../schemas/json/", import.meta.url));

// Strict, but a `required` in an if/then may name a property defined beside it.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
for (const file of readdirSync(schemaDir).filter((name) => name.endsWith(".schema.json"))) {
  ajv.addSchema(JSON.parse(readFileSync(`${schemaDir}${file}`, "utf8")) as object);
}

/** `rack params set` → `rack-params-set`; racknet itself has none. */
export function schemaName(path: readonly string[]): string {
  return path.join("-");
}

export function validatorFor(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${name}.schema.json`);
  if (!validate) throw new Error(`no schema schemas/json/${name}.schema.json`);
  return validate;
}

/** Ajv's complaints, one per line, or "" when the value is valid. */
export function violations(name: string, value: unknown): string {
  const validate = validatorFor(name);
  if (validate(value)) return "";
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""} ${JSON.stringify(error.params)}`).join("\n");
}

/** Under these keys the keys are data (rack parameter names, environment variable names), spelled as stored. */
const DATA_KEYS = new Set(["parameters", "params", "environment", "images", "scale"]);

/** Every key that is not camelCase, with its path; keys under DATA_KEYS are data and left alone. */
export function nonCamelKeys(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => nonCamelKeys(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(/^[a-z][a-zA-Z0-9]*$/.test(key) ? [] : [`${path}.${key}`]),
    ...(DATA_KEYS.has(key) ? [] : nonCamelKeys(child, `${path}.${key}`)),
  ]);
}
