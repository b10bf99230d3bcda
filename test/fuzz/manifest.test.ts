import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandContext, GlobalOptions } from "../../src/runtime/context.js";
import { UserError, ValidationErrors, type Problem } from "../../src/errors/index.js";
import { run as checkWorkflow } from "../../src/operations/manifest-check.js";
import { printing } from "../support/printing.js";
import { checkManifest, exposureSummary, parseManifest, type Manifest } from "../../src/manifest/index.js";
import { FARGATE_CPUS, memoryChoices } from "../../src/manifest/fargate.js";
import { Printer } from "../../src/ui/printer.js";
import { fuzzOptions } from "./budget.js";
import { SECRET, manifestValue, mutated, toYaml } from "./manifest-arbitraries.js";
import { refusalReason, validServiceName } from "./manifest-oracle.js";
import { Capture, noAws as offlineAws } from "../support/offline.js";
import { builtQuickValidator, fullValidator } from "../support/schema-validators.js";
import { quickValid } from "../../src/manifest/quick-schema.js";
import { testPorts } from "../support/ports.js";
const run = printing(checkWorkflow);


/**
 * Fuzzing convox.yml through the real entry points (docs/decisions.md, "Input hardening"):
 * whatever the file holds, racknet answers with problems that name a real line, or with a
 * manifest every rule holds for; it never throws anything but its own user errors.
 */

const root = join(import.meta.dirname, "..", "..");
const corpus = [
  ...["good", "bad"].flatMap((kind) => readdirSync(join(root, "test/fixtures/manifests", kind)).map((file) => join(root, "test/fixtures/manifests", kind, file))),
  ...readdirSync(join(root, "test/fixtures/apps")).map((file) => join(root, "test/fixtures/apps", file)),
  join(root, "examples/shop/convox.yml"),
].map((file) => readFileSync(file, "utf8"));
const goodCorpus = corpus.filter((text) => parseManifest(text, "convox.yml").problems.length === 0);

const FILE = "convox.yml";

/** YAML that is legal but no convox.yml looks like: complex keys, aliases as keys, tags, merges. */
const ODD_YAML = ["", "\n", "---", "~", "[]", "services:", "services: ~", "services: []", "\uFEFF", "? [a]\n: 1", "services:\n  {a: 1}: {image: x}", 'n: &n "b[c"\nservices:\n  *n : {image: nginx}', "services: !!binary aGk=", "services:\n  web: !!set {a}", "services:\n  web:\n    <<: {image: x}", "services:\n  web: &w {image: x, port: 80}\n  api: *w", "services:\n  &k web:\n    port: 80\n  *k :\n    image: x", "*a", "services: &s\n  web:\n    image: x\n    links: *s", "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]"];
const context = { app: "shop", rack: "prod" };

function expectPlaced(problems: readonly Problem[], text: string): void {
  const lines = Math.max(1, text.split("\n").length);
  for (const problem of problems) {
    expect(problem.message.trim(), JSON.stringify(problem)).not.toBe("");
    const match = /^convox\.yml:(\d+):(\d+)$/.exec(problem.where ?? "");
    expect(match, `where of ${JSON.stringify(problem)}`).not.toBeNull();
    const [line, column] = [Number(match?.[1]), Number(match?.[2])];
    expect(line, `line of ${JSON.stringify(problem)} in a file of ${lines} lines`).toBeGreaterThanOrEqual(1);
    expect(line, `line of ${JSON.stringify(problem)} in a file of ${lines} lines`).toBeLessThanOrEqual(lines);
    expect(column).toBeGreaterThanOrEqual(1);
  }
}

/** What every accepted manifest must satisfy, checked on the model, not by calling the rules. */
function expectSound(manifest: Manifest): void {
  const byName = new Map(manifest.services.map((service) => [service.name, service]));
  expect(manifest.services.length).toBeGreaterThan(0);
  for (const service of manifest.services) {
    expect(validServiceName(service.name), service.name).toBe(true);
    expect(service.image !== undefined || service.build !== undefined, `${service.name} has an image or a build`).toBe(true);
    if (service.port) {
      expect(Number.isInteger(service.port.port) && service.port.port >= 1 && service.port.port <= 65535).toBe(true);
      expect(["http", "https"]).toContain(service.port.scheme);
    }
    if (service.internal || service.internalAndExternal || service.internalRouter) expect(service.port, service.name).toBeDefined();
    expect(service.internalRouter && (service.internal || service.internalAndExternal)).toBe(false);
    for (const link of service.links) {
      expect(link).not.toBe(service.name);
      expect(byName.get(link)?.port, `${service.name} links to ${link}`).toBeDefined();
    }
    for (const entry of service.environment) expect(entry.key).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    const { min, max, cpu, memory } = service.scale;
    expect(Number.isInteger(min) && min >= 0 && min <= max && max <= 1000, `count ${min}-${max}`).toBe(true);
    expect(FARGATE_CPUS).toContain(cpu);
    expect(memoryChoices(cpu)).toContain(memory);
    expect(service.health.timeout).toBeLessThan(service.health.interval);
  }
  expect(checkManifest(manifest, context)).toEqual([]);
  for (const exposure of exposureSummary(manifest, context)) {
    for (const link of exposure.links) expect(link.value).toMatch(/^https:\/\//);
  }
}

function expectAnswered(text: string): ReturnType<typeof parseManifest> {
  const parsed = parseManifest(text, FILE, context);
  expectPlaced(parsed.problems, text);
  expectPlaced(parsed.warnings, text);
  if (parsed.problems.length === 0) {
    expect(parsed.manifest).toBeDefined();
    if (parsed.manifest) expectSound(parsed.manifest);
  } else {
    expect(parsed.manifest).toBeUndefined();
  }
  return parsed;
}

describe("fuzzing convox.yml (structured manifests)", () => {
  it("refuses what the manifest reference refuses, accepts what it accepts, and places every problem on a real line", () => {
    fc.assert(
      fc.property(manifestValue, fc.boolean(), (value, flow) => {
        const text = toYaml(value, flow);
        const parsed = expectAnswered(text);
        const reason = refusalReason(value);
        if (reason) expect(parsed.problems.length, `refused because ${reason}:\n${text}`).toBeGreaterThan(0);
        else expect(parsed.problems, `accepted by the reference:\n${text}`).toEqual([]);
        expect(JSON.stringify([parsed.problems, parsed.warnings]), "an environment value in a problem").not.toContain(SECRET.slice(0, 6));
      }),
      fuzzOptions(500),
    );
  });

  it("the happy path's quick schema check says yes exactly when the full one does", () => {
    const quick = builtQuickValidator();
    const full = fullValidator();
    fc.assert(
      fc.property(manifestValue, (value) => {
        expect(quickValid(quick, value), JSON.stringify(value)).toBe(full(value));
      }),
      fuzzOptions(2000),
    );
  });
});

describe("fuzzing convox.yml (mutations of good manifests)", () => {
  it("answers every mutated file with placed problems or a sound manifest", () => {
    expect(goodCorpus.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(mutated(goodCorpus), (text) => {
        expectAnswered(text);
      }),
      fuzzOptions(500),
    );
  });

  it("answers arbitrary text too", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }), fc.constantFrom(...ODD_YAML)), (text) => {
        expectAnswered(text);
      }),
      fuzzOptions(250),
    );
  });
});


const noAws = offlineAws("manifest check");

describe("fuzzing racknet manifest check", () => {
  const dir = mkdtempSync(join(tmpdir(), "racknet-fuzz-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rackParams = fc.option(fc.oneof(fc.constantFrom("Internal=Yes", "Internal=Yes,internal_router=true", "InternalOnly=Yes", "Domain=example.com", "internal_router_cidrs=10.1.0.0/16,10.2.0.0/16", "Privat=Yes", "", ",", "=", "Domain="), fc.string({ maxLength: 12 })));
  const name = fc.oneof(fc.constantFrom("shop", "prod", "a", "x".repeat(31), "Bad", "", "-a"), fc.string({ maxLength: 6 }));

  it("resolves with a summary (JSON with --json) or refuses with a user error, nothing on stdout", async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(manifestValue.map((value) => toYaml(value, false)), mutated(goodCorpus)), rackParams, name, name, fc.boolean(), async (text, params, app, rack, json) => {
        const file = join(dir, `convox-${index++}.yml`);
        writeFileSync(file, text);
        const stdout = new Capture();
        const stderr = new Capture();
        const options: GlobalOptions = { json, color: false, debug: false, yes: false, dryRun: false, app, rack };
        const printer = new Printer({ json, color: false, debug: false, stdout, stderr });
        const ctx: CommandContext = { options, printer, aws: noAws, ...testPorts(options), awsCalls: () => 0 };
        const error = await run(ctx, { file, rackParams: params === null ? undefined : params }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        if (error === undefined) {
          if (json) expect(() => JSON.parse(stdout.text) as unknown).not.toThrow();
          else expect(stdout.text).toMatch(/^SERVICE/);
          return;
        }
        expect(error, String((error as Error).stack)).toBeInstanceOf(UserError);
        expect(stdout.text).toBe("");
        if (error instanceof ValidationErrors) {
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) expect(problem.message).not.toBe("");
        }
      }),
      fuzzOptions(100),
    );
  });
});

describe("found by fuzzing convox.yml", () => {
  const parse = (text: string) => parseManifest(text, FILE, context);

  it("a key that is a list or a map is a syntax problem, not an endless search for its line", () => {
    const { problems } = parse("services:\n  ? [a]\n  : x\n");
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:2:5", message: "YAML syntax: a key must be a name, not a list or a map" })]);
  });

  it("a service named through an alias, with a bracket in its name, is placed on line 1", () => {
    const { problems } = parse('n: &n "b[c"\nservices:\n  *n : {image: nginx}\n');
    expect(problems.map((problem) => problem.message)).toContain('service name "b[c" must be lowercase letters, digits and dashes, starting with a letter');
  });

  it("an alias with no anchor is a syntax problem, not a crash", () => {
    expect(parse("*a").problems).toEqual([expect.objectContaining({ where: "convox.yml:1:1", message: "YAML syntax: the alias *a has no anchor &a before it" })]);
  });

  it("aliases that expand without end are refused, not a crash", () => {
    const text = `a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [${Array(12).fill("*b").join(",")}]`;
    expect(parse(text).problems[0]?.message).toMatch(/^YAML: Excessive alias count/);
  });

  it("a multi-line environment value in the list form is a value like any other", () => {
    const { problems, manifest } = parse('services:\n  web:\n    image: nginx\n    environment:\n      - |-\n        KEY=line one\n        line two\n');
    expect(problems).toEqual([]);
    expect(manifest?.services[0]?.environment).toEqual([{ key: "KEY", value: "line one\nline two" }]);
  });

  it("a problem with an environment entry names the variable, never its value", () => {
    const { problems } = parse("services:\n  web:\n    image: nginx\n    environment: [9KEY=hunter2-password]\n");
    expect(problems[0]?.message).toContain('(got "9KEY=****")');
    expect(JSON.stringify(problems)).not.toContain("hunter2");
  });

  it("a count range must run from the smaller to the larger number, at most 1000", () => {
    for (const range of ["3-1", "5000-6000", "99999999999999999999-1"]) {
      const { problems } = parse(`services:\n  web:\n    image: nginx\n    scale:\n      count: ${range}\n`);
      expect(problems.map((problem) => problem.message), range).toEqual([`services.web.scale.count ${range} must be a range from 0 to 1000 tasks, the smaller number first`]);
    }
    expect(parse("services:\n  web:\n    image: nginx\n    scale:\n      count: 1-3\n").problems).toEqual([]);
  });
});
