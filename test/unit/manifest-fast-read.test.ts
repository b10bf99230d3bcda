import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";
import { fastValue } from "../../src/manifest/fast-read.js";
import { readSource } from "../../src/manifest/source.js";
import { fuzzOptions } from "../fuzz/budget.js";
import { manifestValue, toYaml } from "../fuzz/manifest-arbitraries.js";

/**
 * The fast way of reading convox.yml (js-yaml, src/manifest/fast-read.ts) is taken only for
 * files it reads exactly as the `yaml` library does; everything else goes the slow way.
 */

const root = join(import.meta.dirname, "..", "..");
const corpus = [
  ...["good", "bad"].flatMap((kind) => readdirSync(join(root, "test/fixtures/manifests", kind)).map((file) => join(root, "test/fixtures/manifests", kind, file))),
  ...readdirSync(join(root, "test/fixtures/apps")).map((file) => join(root, "test/fixtures/apps", file)),
  join(root, "examples/shop/convox.yml"),
].map((file) => readFileSync(file, "utf8"));

/** Plain scalars the two readers could take differently (YAML 1.1 and 1.2 disagree on many). */
const SCALARS = [
  "yes", "No", "on", "OFF", "y", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "0x1F", "0X1F", "0o17", "0O17", "017", "0017", "08", "1_000", "+12", "-12", "-0x1A", "+0o7",
  ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "1e3", "1E3", "1e+3", "3.", ".5", "+.5", "-.5e-3", "0.", "-0", "+0.0e-3", "12e", "1:20", "1:20:30.5", "0b101", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
  "18446744073709551616", "123456789012345678901234567890", "0000", "1,000", "'quoted'", '"dq\\n"', '"\\u00e9"', "'it''s'", "a b c", "#not", "x #comment", "[1, 2]", "{a: 1}", "[]", "{}", "''", '""', "@", "%", "`x`",
];

function expectSameReading(text: string): void {
  const fast = fastValue(text);
  if (!fast) return;
  const slow = readSource(text, "convox.yml", { fast: false });
  expect(slow.syntaxProblems.length + slow.duplicateKeyProblems.length, text).toBe(0);
  expect(fast.value, text).toStrictEqual(slow.read());
}

describe("the fast read of convox.yml", () => {
  it("reads every file of the test corpus as the yaml library does, and the good ones the fast way", () => {
    for (const text of corpus) expectSameReading(text);
    const fastOnes = corpus.filter((text) => fastValue(text) !== undefined);
    expect(fastOnes.length).toBeGreaterThan(corpus.length / 3);
  });

  it("reads each tricky plain scalar, as a value, a list item and a key, as the yaml library does (or leaves the file to it)", () => {
    for (const scalar of SCALARS) {
      expectSameReading(`services:\n  web:\n    image: ${scalar}\n    environment:\n      A: ${scalar}\n    links: [${scalar}]\nvalue: ${scalar}\n`);
      expectSameReading(`services:\n  ${scalar}:\n    image: nginx\n`);
      expectSameReading(`list:\n  - ${scalar}\n`);
    }
  });

  it("gives each scalar's written text (`PORT: 1.50` is \"1.50\") as the yaml library does, keys the text spells otherwise too", () => {
    for (const scalar of SCALARS) {
      for (const key of ["A", "True", "1.0", "0x1F"]) {
        const text = `services:\n  web:\n    environment:\n      ${key}: ${scalar}\n    image: nginx\n`;
        const fast = readSource(text, "convox.yml");
        const slow = readSource(text, "convox.yml", { fast: false });
        const read = slow.read() as { services: { web: { environment: Record<string, unknown> } } };
        for (const name of Object.keys(read.services.web.environment)) {
          const path = ["services", "web", "environment", name];
          expect(fast.scalarText(path), text).toBe(slow.scalarText(path));
        }
        expect(fast.scalarText(["services", "web", "image"])).toBe("nginx");
        expect(fast.scalarText(["services", "web"])).toBeUndefined();
        expect(fast.scalarText(["services", "api", "image"])).toBe(slow.scalarText(["services", "api", "image"]));
      }
    }
  });

  it("leaves to the yaml library what only it places: duplicates, anchors, merges, tags, tabs, more than one document, syntax errors", () => {
    for (const text of ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "web:\n  <<: {image: x}\n", "a: !!str 1\n", "a:\n\tb: 1\n", "a: 1\n---\nb: 2\n", "a: [1\n", "", "? [a]\n: 1\n", "{a: 1}: x\n"]) {
      expect(fastValue(text), text).toBeUndefined();
    }
  });

  it("a random manifest: the same value both ways (fuzzed)", () => {
    fc.assert(
      fc.property(manifestValue, (value) => {
        expectSameReading(toYaml(value, false));
        expectSameReading(toYaml(value, true));
      }),
      fuzzOptions(150),
    );
  });

  it("the file has a key: the fast read answers from the value as the positions would (keys with . and [ in them too)", () => {
    const files = [...corpus, 'services:\n  "a.b":\n    image: x\n  "c[0]":\n    links: [a, b]\n'];
    for (const text of files) {
      if (!fastValue(text)) continue;
      const fast = readSource(text, "convox.yml");
      const slow = readSource(text, "convox.yml", { fast: false });
      for (const path of slow.positions.keys()) expect(fast.positions.has(path), path).toBe(true);
      for (const path of ["services.nope", "services[0]", "nope", "services.web.links[99]"]) expect(fast.positions.has(path), path).toBe(slow.positions.has(path));
    }
  });

  it("a problem in a file read the fast way still names file:line:col (the positions come when asked)", () => {
    const text = "services:\n  web:\n    image: nginx\n    port: 80\n    internal: true\n  api:\n    image: nginx\n    port: http\n";
    expect(fastValue(text)).toBeDefined();
    const { problems } = parseManifest(text, "convox.yml");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.where).toBe("convox.yml:8:11");
  });

  it("a file read the fast way gives the same problems and warnings as the slow way", () => {
    for (const text of corpus) {
      if (!fastValue(text)) continue;
      const fast = parseManifest(text, "convox.yml");
      const source = readSource(text, "convox.yml", { fast: false });
      expect(source.syntaxProblems).toEqual([]);
      // Every warning and problem is placed: line and column inside the file.
      for (const problem of [...fast.problems, ...fast.warnings]) expect(problem.where, problem.message).toMatch(/^convox\.yml:\d+:\d+$/);
    }
  });
});
