/**
 * The house plan holds: every import in src/ follows .dependency-cruiser.cjs (which room may
 * import which, no file cycles, pure rooms stay pure), and no two folders import each other,
 * even through others. docs/architecture.md explains the rooms.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ICruiseResult } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** The same run as `npx depcruise src`, as JSON (it exits non-zero when it finds violations). */
async function cruiseSrc(): Promise<ICruiseResult> {
  const bin = join(root, "node_modules", ".bin", "depcruise");
  const run = promisify(execFile)(bin, ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  return JSON.parse(stdout) as ICruiseResult;
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
    const result = await cruiseSrc();
    const violations = result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
    expect(violations).toEqual([]);
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
