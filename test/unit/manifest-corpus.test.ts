import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/errors/index.js";
import { parseManifest, type ManifestContext } from "../../src/manifest/index.js";
import { applyAssignments, defaultParams } from "../../src/rack/params.js";

/**
 * Every fixture under test/fixtures/manifests declares what it expects in comments at its top:
 *   # expect: LINE PATH "message fragment"   (a problem; PATH is - when it has none)
 *   # warn:   LINE PATH "message fragment"   (a warning)
 *   # context: app=shop rack=prod params=Internal=Yes,InternalOnly=Yes
 * A bad fixture must produce exactly its expected problems, each on its line with its path.
 */

const root = join(import.meta.dirname, "../fixtures/manifests");

interface Expectation {
  line: number;
  path?: string;
  fragment: string;
}

interface Fixture {
  name: string;
  file: string;
  text: string;
  problems: Expectation[];
  warnings: Expectation[];
  context?: ManifestContext;
}

function loadFixtures(folder: "bad" | "good"): Fixture[] {
  return readdirSync(join(root, folder))
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .map((name) => {
      const file = join(root, folder, name);
      const text = readFileSync(file, "utf8");
      return { name, file, text, problems: declared(text, "expect"), warnings: declared(text, "warn"), ...contextOf(text) };
    });
}

function declared(text: string, kind: "expect" | "warn"): Expectation[] {
  const pattern = new RegExp(`^# ${kind}: (\\d+) (\\S+) "(.*)"$`);
  return text.split("\n").flatMap((line) => {
    const match = pattern.exec(line);
    if (!match) return [];
    const fragment = (match[3] ?? "").replace(/\\"/g, '"');
    return [{ line: Number(match[1]), ...(match[2] === "-" ? {} : { path: match[2] }), fragment }];
  });
}

function contextOf(text: string): { context?: ManifestContext } {
  const match = /^# context: app=(\S+) rack=(\S+)(?: params=(\S+))?$/m.exec(text);
  if (!match) return {};
  const { params, problems } = applyAssignments(defaultParams(), (match[3] ?? "").split(",").filter(Boolean), "install");
  expect(problems).toEqual([]);
  return { context: { app: match[1] ?? "", rack: match[2] ?? "", params } };
}

function lineOf(problem: Problem): number {
  return Number(/:(\d+):\d+$/.exec(problem.where ?? "")?.[1] ?? 0);
}

function matches(problem: Problem, expectation: Expectation): boolean {
  return lineOf(problem) === expectation.line && problem.path === expectation.path && problem.message.includes(expectation.fragment);
}

function describeAll(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.where} ${problem.path ?? "-"} ${problem.message}`).join("\n");
}

describe("bad manifests: every problem is reported, each with its line, key path, message and fix", () => {
  for (const fixture of loadFixtures("bad")) {
    it(fixture.name, () => {
      expect(fixture.problems.length, "the fixture declares what it expects").toBeGreaterThan(0);
      const { manifest, problems } = parseManifest(fixture.text, fixture.file, fixture.context);
      expect(manifest).toBeUndefined();
      for (const expectation of fixture.problems) {
        expect(problems.some((problem) => matches(problem, expectation)), `line ${expectation.line} ${expectation.path ?? "-"} "${expectation.fragment}" in:\n${describeAll(problems)}`).toBe(true);
      }
      expect(problems.length, `exactly the declared problems:\n${describeAll(problems)}`).toBe(fixture.problems.length);
      for (const problem of problems) {
        expect(problem.where).toMatch(new RegExp(`^${fixture.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+$`));
        expect(problem.fix, `a fix for: ${problem.message}`).toBeTruthy();
      }
    });
  }
});

describe("good manifests parse without problems; warnings name the key and its line", () => {
  for (const fixture of loadFixtures("good")) {
    it(fixture.name, () => {
      const { manifest, problems, warnings } = parseManifest(fixture.text, fixture.file, fixture.context ?? { app: "shop", rack: "prod" });
      expect(describeAll(problems)).toBe("");
      expect(manifest).toBeDefined();
      for (const expectation of fixture.warnings) {
        expect(warnings.some((warning) => matches(warning, expectation)), `warning line ${expectation.line} ${expectation.path ?? "-"} "${expectation.fragment}" in:\n${describeAll(warnings)}`).toBe(true);
      }
      expect(warnings.length, describeAll(warnings)).toBe(fixture.warnings.length);
    });
  }
});
