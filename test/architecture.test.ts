/**
 * The house plan holds: every import in src/ follows .dependency-cruiser.cjs (which room may
 * import which, no file cycles, pure rooms stay pure), and no two folders import each other,
 * even through others. docs/architecture.md explains the rooms.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { ICruiseResult } from "dependency-cruiser";
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
  it("an SDK client built outside src/aws, a command importing its workflow eagerly, a pure room reading a file", async () => {
    const found = await cruiseTree({
      // lawful: the client factory and a function's own entry build clients; others take the SDK's types
      "src/aws/clients.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const sts = () => new STSClient({});\n',
      "src/functions/sync/handler.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const handler = () => new STSClient({});\n',
      "src/steps/typed.ts": 'import type { STSClient } from "@aws-sdk/client-sts";\nexport type Sts = STSClient;\n',
      // lawful: a declaration loads its workflow lazily; the edge of files reads files
      "src/commands/lazy.ts": 'export const load = () => import("../operations/planted.js");\n',
      "src/files/read.ts": 'import { readFileSync } from "node:fs";\nexport const read = (path: string) => readFileSync(path, "utf8");\n',
      // planted
      "src/operations/planted.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const run = () => new STSClient({});\n',
      "src/functions/sync/helper.ts": 'import { STSClient } from "@aws-sdk/client-sts";\nexport const sts = () => new STSClient({});\n',
      "src/commands/eager.ts": 'import { run } from "../operations/planted.js";\nexport const load = async () => ({ run });\n',
      "src/rack/planted.ts": 'import { readFileSync } from "node:fs";\nexport const read = (path: string) => readFileSync(path, "utf8");\n',
      "src/templates/planted.ts": 'import { readFile } from "node:fs/promises";\nexport const read = (path: string) => readFile(path, "utf8");\n',
    });
    expect(found).toEqual([
      "commands-load-workflows-lazily: src/commands/eager.ts → src/operations/planted.ts",
      "pure-rooms-touch-no-files: src/rack/planted.ts → fs",
      "pure-rooms-touch-no-files: src/templates/planted.ts → fs/promises",
      "sdk-clients-only-in-aws: src/functions/sync/helper.ts → node_modules/@aws-sdk/client-sts/dist-cjs/index.js",
      "sdk-clients-only-in-aws: src/operations/planted.ts → node_modules/@aws-sdk/client-sts/dist-cjs/index.js",
    ]);
  }, 60_000);
});
