/**
 * The house plan holds: every import in src/ follows .dependency-cruiser.cjs (which room may
 * import which, no file cycles, pure rooms stay pure), and no two folders import each other,
 * even through others. docs/architecture.md explains the rooms.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { ICruiseResult, IConfiguration } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** `npx depcruise src` in `cwd` with the project's rules, as JSON (it exits non-zero when it finds violations). */
async function cruise(cwd: string): Promise<ICruiseResult> {
  const bin = join(root, "node_modules", ".bin", "depcruise");
  const config = join(root, ".dependency-cruiser.cjs");
  const run = promisify(execFile)(bin, ["src", "--config", config, "--output-type", "json"], { cwd, maxBuffer: 64 * 1024 * 1024 });
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  return JSON.parse(stdout) as ICruiseResult;
}

let srcVerdict: Promise<ICruiseResult> | undefined;
/** One cruise of the real src/ for every test that reads it. */
function cruiseSrc(): Promise<ICruiseResult> {
  srcVerdict ??= cruise(root);
  return srcVerdict;
}

function violations(result: ICruiseResult): string[] {
  // a package is named from its node_modules (a tree's node_modules is a link to the project's)
  return result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to.replace(/^.*?node_modules\//, "node_modules/")}`).sort();
}

/** A small tree laid out like src/ (files: path → text), cruised with the project's rules. */
async function cruiseTree(files: Record<string, string>): Promise<string[]> {
  const tree = mkdtempSync(join(tmpdir(), "racknet-rules-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
    writeFileSync(join(tree, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src"] }));
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"));
    return violations(await cruise(tree));
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** `src/aws/changeset/run.ts` → `aws`; `src/cli.ts` → `cli.ts`. */
function room(path: string): string | undefined {
  return /^src\/([^/]+)/.exec(path)?.[1];
}

/** Folder pairs that reach each other through imports (a folder-level cycle). */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const queue = [...(edges.get(from) ?? [])];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(edges.get(next) ?? []));
    }
    return seen;
  };
  const cycles: string[][] = [];
  const rooms = [...edges.keys()].sort();
  for (const a of rooms) for (const b of rooms) if (a < b && reach(a).has(b) && reach(b).has(a)) cycles.push([a, b]);
  return cycles;
}

describe("the house plan", () => {
  it("every import follows the rules of .dependency-cruiser.cjs", async () => {
    expect(violations(await cruiseSrc())).toEqual([]);
  }, 60_000);

  it("no folder of src/ reaches back to a folder that imports it", async () => {
    const result = await cruiseSrc();
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      const from = room(module.source);
      if (!from) continue;
      for (const dependency of module.dependencies) {
        const to = room(dependency.resolved);
        if (!to || to === from) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(folderCycles(edges)).toEqual([]);
  }, 60_000);

  it("finds a folder cycle when there is one (the check itself can fail)", () => {
    const edges = new Map([
      ["aws", new Set(["core"])],
      ["core", new Set(["ui"])],
      ["ui", new Set(["aws"])],
    ]);
    expect(folderCycles(edges)).toEqual([
      ["aws", "core"],
      ["aws", "ui"],
      ["core", "ui"],
    ]);
  });
});

describe("the import rules catch what they forbid", () => {
  it("an SDK client built outside src/aws, a command importing its workflow eagerly, a pure room reading a file or reaching AWS, a step room importing one above it", async () => {
    const found = await cruiseTree({
      // lawful: the client factory and a function's own entry build clients; others take the SDK's types
      "src/aws/clients.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const sts = () => new STSClient({});\n',
      "src/functions/sync/handler.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const handler = () => new STSClient({});\n',
      "src/shared-steps/typed.ts": 'import type { STSClient } from "@aws-sdk/client-sts";\nexport type Sts = STSClient;\n',
      // lawful: a declaration loads its workflow lazily; the edge of files reads files
      "src/commands/lazy.ts": 'export const load = () => import("../operations/planted.js");\n',
      "src/files/read.ts": 'import { readFileSync } from "node:fs";\nexport const read = (path: string) => readFileSync(path, "utf8");\n',
      // planted
      "src/operations/planted.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const run = () => new STSClient({});\n',
      "src/functions/sync/helper.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const sts = () => new STSClient({});\n',
      "src/commands/eager.ts": 'import { run } from "../operations/planted.js";\nexport const load = async () => ({ run });\n',
      "src/rack/planted.ts": 'import { readFileSync } from "node:fs";\nexport const read = (path: string) => readFileSync(path, "utf8");\n',
      "src/templates/planted.ts": 'import { readFile } from "node:fs/promises";\nexport const read = (path: string) => readFile(path, "utf8");\n',
      "src/aws/sdk.ts": 'export const sdk = { sts: () => 1 };\n',
      "src/app-steps/sdk.ts": 'import { sdk } from "../aws/sdk.js";\nexport const sts = sdk.sts;\n',
      "src/names/planted.ts": 'import { sts } from "../aws/clients.js";\nexport const client = sts;\n',
      // the step rooms are layered: app → rack → shared, never back up
      "src/app-steps/app.ts": 'import { rack } from "../rack-steps/rack.js";\nexport const app = rack;\n',
      "src/rack-steps/rack.ts": 'import { shared } from "../shared-steps/shared.js";\nexport const rack = shared;\n',
      "src/shared-steps/shared.ts": "export const shared = 1;\n",
      "src/rack-steps/upward.ts": 'import { app } from "../app-steps/app.js";\nexport const up = app;\n',
      "src/shared-steps/upward.ts": 'import { rack } from "../rack-steps/rack.js";\nexport const up = rack;\n',
    });
    expect(found).toEqual([
      "commands-load-workflows-lazily: src/commands/eager.ts → src/operations/planted.ts",
      "not-in-allowed: src/names/planted.ts → src/aws/clients.ts",
      "not-in-allowed: src/rack-steps/upward.ts → src/app-steps/app.ts",
      "not-in-allowed: src/shared-steps/upward.ts → src/rack-steps/rack.ts",
      "pure-rooms-stay-pure: src/names/planted.ts → src/aws/clients.ts",
      "pure-rooms-touch-no-files: src/rack/planted.ts → fs",
      "pure-rooms-touch-no-files: src/templates/planted.ts → fs/promises",
      "sdk-clients-only-in-aws: src/functions/sync/helper.ts → node_modules/@aws-sdk/client-sts/dist-cjs/index.js",
      "sdk-clients-only-in-aws: src/operations/planted.ts → node_modules/@aws-sdk/client-sts/dist-cjs/index.js",
      "sdk-only-in-aws: src/app-steps/sdk.ts → src/aws/sdk.ts",
    ]);
  }, 60_000);
});

/** What a room may import, as a set of words: `aws`, `types of plan`, `version.ts`. */
type Rooms = Map<string, Set<string>>;

/** `^src/rack-steps/` → `rack-steps`, `^src/cli\\.ts$` → `cli.ts`; other patterns are not rooms. */
function roomOfPattern(pattern: string): string | undefined {
  return /^\^src\/([a-z-]+)\/$/.exec(pattern)?.[1] ?? /^\^src\/([a-z-]+)\\\.ts\$$/.exec(pattern)?.[1]?.concat(".ts");
}

/** The rooms as .dependency-cruiser.cjs's `allowed` rules say, and its pure rooms. */
function roomsOfRules(): { rooms: Rooms; pure: string[] } {
  const config = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs")) as IConfiguration;
  const rooms: Rooms = new Map();
  for (const rule of config.allowed ?? []) {
    const from = roomOfPattern(String(rule.from.path));
    // rules that name no room (version.ts → package.json, cost → data/prices.json) are not rooms' rules
    const targets = [rule.to.path ?? []].flat().flatMap((pattern) => roomOfPattern(String(pattern)) ?? []);
    if (!from || targets.length === 0) continue;
    const typesOnly = "dependencyTypes" in rule.to && rule.to.dependencyTypes?.join() === "type-only";
    const may = rooms.get(from) ?? new Set<string>();
    for (const to of targets) if (to !== from) may.add(typesOnly ? `types of ${to}` : to);
    rooms.set(from, may);
  }
  const purePattern = config.forbidden?.find((rule) => rule.name === "pure-rooms-stay-pure")?.from.path;
  const pure = /^\^src\/\(([^)]+)\)\/$/.exec(String(purePattern))?.[1]?.split("|") ?? [];
  return { rooms, pure };
}

/** The rooms as docs/architecture.md's table says ("pure rooms" spelled out), and its list of pure rooms. */
function roomsOfDocs(): { rooms: Rooms; pure: string[] } {
  const text = readFileSync(join(root, "docs", "architecture.md"), "utf8");
  const names = (words: string) => [...words.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
  const pure = names(/^The pure rooms: (.*)$/m.exec(text)?.[1] ?? "");
  const rooms: Rooms = new Map();
  for (const [, folder, cell] of text.matchAll(/^\| `src\/([^`]+?)\/?` \|.*\| ([^|]+) \|$/gm)) {
    const [values = "", types = ""] = (cell as string).replace(/\([^)]*\)/g, "").split(";");
    const may = new Set(names(values));
    if (values.includes("pure rooms")) for (const room of pure) if (room !== folder) may.add(room);
    for (const room of names(types.replace(/^\s*types of/, ""))) may.add(`types of ${room}`);
    rooms.set(folder as string, may);
  }
  return { rooms, pure };
}

const sorted = (rooms: Rooms) => Object.fromEntries([...rooms.entries()].sort().map(([room, may]) => [room, [...may].sort()]));

describe("docs/architecture.md and the rule file", () => {
  it("name the same rooms, each allowed the same imports, and the same pure rooms", () => {
    const rules = roomsOfRules();
    const docs = roomsOfDocs();
    expect(docs.rooms.size).toBeGreaterThan(10);
    expect(sorted(docs.rooms)).toEqual(sorted(rules.rooms));
    expect([...docs.pure].sort()).toEqual([...rules.pure].sort());
  });
});

