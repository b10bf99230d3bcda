/** Temporary app folders for the build tests: a map of path → content ("dir/" for an empty folder). */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export type Tree = Record<string, string | { link: string } | { content: string; mode: number }>;

export function appFolder(tree: Tree): string {
  const root = mkdtempSync(join(tmpdir(), "racknet-build-"));
  made.push(root);
  writeTree(root, tree);
  return root;
}

export function writeTree(root: string, tree: Tree): void {
  for (const [path, value] of Object.entries(tree)) {
    const full = join(root, path);
    if (path.endsWith("/")) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof value === "string") writeFileSync(full, value);
    else if ("link" in value) symlinkSync(value.link, full);
    else {
      writeFileSync(full, value.content);
      chmodSync(full, value.mode);
    }
  }
}

export const DOCKERFILE = "FROM alpine:3.20\nCOPY . /app\n";
