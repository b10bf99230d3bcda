import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Template } from "../../src/templates/cfn.js";

const run = promisify(execFile);

export interface LintFinding {
  file: string;
  rule: string;
  level: string;
  message: string;
  path: string;
}

type Finding = Omit<LintFinding, "file">;

/**
 * What cfn-lint said about each distinct template this process has linted, by content and
 * options: a template two tests (or two variants of one test) render alike is linted once.
 * With RACKNET_LINT_CACHE (a directory; .ci/run sets one for its run), the answers are kept
 * there too, so the run's other test processes (the Node 22 and 24 passes) reuse them: the
 * same bytes through the same cfn-lint give the same findings. Test processes running at once
 * (vitest's workers: rack.test.ts and rack-egress.test.ts render two rack templates alike) do
 * not both lint a template: the first claims it in that directory (`claim`), the others wait
 * for its answer.
 */
const linted = new Map<string, Promise<Finding[]>>();
/** Read at each use, so a test may point it at a directory of its own. */
const cacheDir = (): string | undefined => process.env.RACKNET_LINT_CACHE;

function cached(key: string): Finding[] | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as Finding[];
  } catch {
    return undefined;
  }
}

/**
 * Claims a template for this process to lint (a file created only if absent), or says which
 * live process has: true when this one should lint it. A claim whose process is gone (it died
 * before answering) is taken over; without RACKNET_LINT_CACHE every template is this process's.
 */
function claim(key: string): boolean {
  const dir = cacheDir();
  if (!dir) return true;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${key}.claim`);
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    const owner = Number(readFileSync(file, "utf8"));
    if (owner === process.pid || alive(owner)) return false;
    rmSync(file, { force: true });
    return claim(key);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Another process's answer for a template it claimed; undefined if it stopped without one. */
async function awaitClaimed(key: string): Promise<Finding[] | undefined> {
  const file = join(cacheDir() ?? "", `${key}.claim`);
  for (;;) {
    const known = cached(key);
    if (known) return known;
    let owner: number;
    try {
      owner = Number(readFileSync(file, "utf8"));
    } catch {
      // The claim is gone: answered (read above, once more now) or given up after a failure.
      return cached(key);
    }
    if (!alive(owner)) return undefined;
    await sleep(200);
  }
}

/**
 * Lint many templates in one cfn-lint process (it starts slowly), each distinct content once
 * per test process. Returns findings by template name; only errors unless `includeWarnings`
 * (informational findings come only with `includeInformational`, and are kept with the
 * warnings).
 */
export async function cfnLint(
  templates: Record<string, Template>,
  options: { includeWarnings?: boolean; includeInformational?: boolean; region?: string; regions?: readonly string[] } = {},
): Promise<Record<string, LintFinding[]>> {
  const regions = options.regions ?? [options.region ?? "us-east-1"];
  const informational = options.includeInformational ?? false;
  const keyed = Object.entries(templates).map(([name, template]) => {
    const text = JSON.stringify(template, null, 2);
    const key = lintKey(template, regions, informational);
    return { name, text, key };
  });
  for (const { key } of keyed) {
    const known = linted.has(key) ? undefined : cached(key);
    if (known) linted.set(key, Promise.resolve(known));
  }
  const unknown = new Map(keyed.filter(({ key }) => !linted.has(key)).map((entry) => [entry.key, entry.text]));
  const fresh = new Map([...unknown].filter(([key]) => claim(key)));
  for (const [key, text] of unknown) {
    if (fresh.has(key) || linted.has(key)) continue;
    // Claimed by another test process: its answer, or this process lints it if that one stopped.
    const findings = awaitClaimed(key).then((known) => known ?? lintFiles(new Map([[key, text]]), regions, informational).then((byKey) => byKey.get(key) ?? []));
    linted.set(key, findings);
    findings.catch(() => linted.delete(key));
  }
  if (fresh.size > 0) {
    // Two cfn-lint processes when there is enough to share: both cores on an idle machine,
    // and twice the share of a busy one. Each pays cfn-lint's start (about 2 s of CPU).
    const entries = [...fresh];
    const halves = entries.length >= 4 ? [entries.filter((_, index) => index % 2 === 0), entries.filter((_, index) => index % 2 === 1)] : [entries];
    const run = Promise.all(halves.map((half) => lintFiles(new Map(half), regions, informational))).then((maps) => new Map(maps.flatMap((map) => [...map])));
    for (const key of fresh.keys()) {
      const findings = run.then((byKey) => {
        const found = byKey.get(key) ?? [];
        const dir = cacheDir();
        if (dir) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, `${key}.json`), JSON.stringify(found));
          rmSync(join(dir, `${key}.claim`), { force: true });
        }
        return found;
      });
      linted.set(key, findings);
      // A failed run is not remembered: the next caller (here or in a waiting process) runs
      // cfn-lint again and sees the error.
      findings.catch(() => {
        linted.delete(key);
        const dir = cacheDir();
        if (dir) rmSync(join(dir, `${key}.claim`), { force: true });
      });
    }
  }
  const byName: Record<string, LintFinding[]> = {};
  for (const { name, key } of keyed) {
    const findings = (await linted.get(key)) ?? [];
    byName[name] = findings.filter((finding) => options.includeWarnings || finding.level === "Error").map((finding) => ({ file: name, ...finding }));
  }
  return byName;
}

/** The name of a template's findings: its lint form and the options that change them. */
export function lintKey(template: Template, regions: readonly string[], informational: boolean): string {
  return createHash("sha256").update(`${regions.join(",")}\n${informational}\n${JSON.stringify(lintForm(template))}`).digest("hex");
}

/** One cfn-lint process over these templates (by key); every finding, warnings included. */
async function lintFiles(texts: Map<string, string>, regions: readonly string[], informational: boolean): Promise<Map<string, Finding[]>> {
  const dir = mkdtempSync(join(tmpdir(), "racknet-lint-"));
  try {
    const files = [...texts].map(([key, text]) => {
      const file = join(dir, `${key}.json`);
      writeFileSync(file, text);
      return { key, file };
    });
    // `-c I` adds the informational rules, which cfn-lint leaves out by default.
    const args = ["--format", "json", "--regions", ...regions, ...(informational ? ["--include-checks", "I"] : []), "--", ...files.map((f) => f.file)];
    let stdout = "";
    try {
      ({ stdout } = await run("cfn-lint", args, { maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      // cfn-lint exits non-zero when it finds anything; its JSON is still on stdout.
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (!failed.stdout) throw new Error(`cfn-lint failed: ${failed.stderr ?? String(error)}`);
      stdout = failed.stdout;
    }
    const raw = JSON.parse(stdout || "[]") as Array<{
      Filename: string;
      Level: string;
      Message: string;
      Rule: { Id: string };
      Location: { Path?: Array<string | number> };
    }>;
    const byKey = new Map<string, Finding[]>(files.map((f) => [f.key, []]));
    for (const finding of raw) {
      const owner = files.find((f) => finding.Filename.endsWith(`${f.key}.json`));
      if (!owner) continue;
      byKey.get(owner.key)?.push({
        rule: finding.Rule.Id,
        level: finding.Level,
        message: finding.Message,
        path: (finding.Location.Path ?? []).join("."),
      });
    }
    return byKey;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many distinct templates cfn-lint would see (lintForm): the work a lint test does. */
export function distinctTemplates(templates: Record<string, Template>): number {
  return new Set(Object.values(templates).map((template) => JSON.stringify(lintForm(template)))).size;
}

/** What a parameter may declare for lintForm to set its Default aside: a choice among values. */
const CHOICE_KEYS = new Set(["Type", "Description", "AllowedValues", "Default", "ConstraintDescription"]);

/**
 * The template as cfn-lint judges it. cfn-lint checks every branch of every condition
 * whatever the parameters' Defaults (docs/decisions.md, "The test bench"), so the Default of a
 * parameter read only in Conditions changes one thing it checks: that Default against the
 * parameter's AllowedValues. Templates that differ only in such Defaults, each one allowed,
 * are one template to cfn-lint (the rack's switches Private, Internal, InternalOnly,
 * InternalRouter; the egress choices): linted once, each keeping its own findings' key. A
 * Default not allowed keeps its template distinct, so cfn-lint sees and reports it.
 */
export function lintForm(template: Template): Template {
  const read = new Set<string>();
  const { Conditions: _conditions, Parameters: parameters, ...rest } = template;
  collectReads(rest, read);
  const form = structuredClone(template);
  for (const [name, declaration] of Object.entries(parameters ?? {})) {
    const allowed = declaration.AllowedValues;
    const choice = Object.keys(declaration).every((key) => CHOICE_KEYS.has(key)) && declaration.Type === "String" && Array.isArray(allowed);
    if (read.has(name) || !choice || !allowed.some((value) => value === declaration.Default)) continue;
    delete form.Parameters[name]?.Default;
  }
  return form;
}

/** Every parameter or resource name the value reads: Ref, and `${Name}` in Fn::Sub. */
function collectReads(value: unknown, read: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReads(item, read);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    if (key === "Ref" && typeof item === "string") read.add(item);
    if (key === "Fn::Sub") {
      const text = Array.isArray(item) ? item[0] : item;
      if (typeof text === "string") for (const match of text.matchAll(/\$\{([^}.!]+)/g)) read.add(match[1] ?? "");
    }
    collectReads(item, read);
  }
}

/**
 * A lint test's deadline, scaled to its work: cfn-lint's start plus each template (a rack
 * template costs cfn-lint about 3 s of CPU, its start about 2 s; the margin is for a machine
 * loaded ten times over). Only a hang should ever reach it.
 */
export function lintDeadline(templates: number): number {
  return 120_000 + 60_000 * templates;
}
