import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { quickSchemas, quickValid } from "../../src/manifest/quick-schema.js";
import { asConvoxReadsIt } from "../../src/manifest/yaml-compat.js";
import { builtQuickValidator, fullValidator } from "../support/schema-validators.js";

/**
 * The quick validator (the happy path's, in parts: quick-schema.ts) must say yes exactly
 * when the full validator does: its "no" sends the file to the full one for the messages,
 * but a wrong "yes" would let a bad file through. Checked on the very code the build writes
 * (the standalone module quickValidatorCode gives), over every manifest fixture and, for each
 * of them, every value replaced by values of other types and ranges; test/fuzz/manifest.test.ts
 * compares them on generated manifests too.
 */

const root = join(import.meta.dirname, "..", "..");

const quick = builtQuickValidator();
const full = fullValidator();

const manifests: { name: string; value: unknown }[] = [
  ...["good", "bad"].flatMap((kind) => readdirSync(join(root, "test/fixtures/manifests", kind)).map((file) => join("test/fixtures/manifests", kind, file))),
  ...readdirSync(join(root, "test/fixtures/apps")).map((file) => join("test/fixtures/apps", file)),
  "examples/shop/convox.yml",
  "examples/greeter/convox.yml",
].flatMap((file) => {
  try {
    return [{ name: file, value: asConvoxReadsIt(parse(readFileSync(join(root, file), "utf8"), { merge: true, uniqueKeys: false })) }];
  } catch {
    return []; // a fixture YAML itself refuses (syntax) has no value to validate
  }
});

/** What a user writes where something else was meant: every type, and the edges of the ranges the schema has. */
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1, 1.5, 80, 65535, 65536, 1e20, "", "x", "yes", "80", "https:3000", "tcp:80", "1-3", "A=1", "0 3 * * ?", [], ["a"], [1], [null], {}, { a: 1 }, { port: 80 }, { path: "/" }, { A: "1" }];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every value in the tree with each of its places replaced by each odd value (and each map given an unknown key). */
function* variants(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      for (const variant of variants(value[index])) yield value.map((item, at) => (at === index ? variant : item));
    }
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    for (const [key, child] of entries) {
      for (const variant of variants(child)) yield Object.fromEntries(entries.map(([name, item]) => [name, name === key ? variant : item]));
    }
    yield { ...value, unknownKey: 1 };
  }
  yield* ODD_VALUES;
}

describe("the quick validator", () => {
  it("has a function of its own for the service and for each key of a service and of the top level", () => {
    const ids = Object.keys(quickSchemas());
    expect(ids).toEqual(expect.arrayContaining(["top", "service", "service.port", "service.scale", "service.environment", "top.services", "top.resources"]));
    expect(typeof quick.top).toBe("function");
    expect(typeof quick.service).toBe("function");
  });

  it("keeps none of the schema's prose: descriptions and messages change no verdict", () => {
    expect(JSON.stringify(quickSchemas())).not.toMatch(/"(description|errorMessage|title)":/);
  });

  it("gives the full validator's verdict on every manifest fixture", () => {
    expect(manifests.length).toBeGreaterThan(50);
    const verdicts = manifests.map(({ name, value }) => ({ name, quick: quickValid(quick, value), full: full(value) }));
    expect(verdicts.filter((verdict) => verdict.quick !== verdict.full)).toEqual([]);
    // Both verdicts occur: the good fixtures are valid and some bad ones fail the schema itself.
    expect(verdicts.some((verdict) => verdict.full)).toBe(true);
    expect(verdicts.some((verdict) => !verdict.full)).toBe(true);
  });

  it("gives the full validator's verdict on every fixture with any one value replaced", () => {
    let checked = 0;
    let valid = 0;
    const differences: string[] = [];
    for (const { name, value } of manifests) {
      for (const variant of variants(value)) {
        const expected = full(variant);
        checked += 1;
        if (expected) valid += 1;
        if (quickValid(quick, variant) !== expected && differences.length < 5) differences.push(`${name}: ${JSON.stringify(variant as Json).slice(0, 400)}`);
      }
    }
    expect(differences).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
    expect(valid).toBeGreaterThan(1_000);
  });
});
