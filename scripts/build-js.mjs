#!/usr/bin/env node
// Writes dist/ from src/: each TypeScript module to its JavaScript file, as `tsc -p
// tsconfig.build.json` laid them out (dist/cli.js, dist/rack-steps/rack-template.js, ...), with
// esbuild: about a second where tsc took about 24 s of CPU. Types are erased, not checked:
// `npm run typecheck` checks them, and `npm test` runs tsc's check beside the tests
// (package.json; docs/decisions.md, "The test bench"). tsconfig.json sets isolatedModules, so
// tsc refuses what a file-by-file compiler could not translate alone.
import { build } from "esbuild";
import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = process.argv[2] ?? join(root, "dist");

const entryPoints = (await readdir(src, { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
  .map((entry) => join(entry.parentPath, entry.name));

// What a previous build wrote, so a module deleted from src/ does not linger in dist/.
await rm(dist, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: dist,
  outbase: src,
  bundle: false,
  format: "esm",
  platform: "node",
  // tsconfig.json's target: the same syntax tsc wrote, import attributes included (`with {
  // type: "json" }`: Node refuses a JSON module without it; es2022 alone would drop it).
  target: "es2022",
  supported: { "import-attributes": true },
  tsconfig: join(root, "tsconfig.build.json"),
  sourcemap: false,
  logLevel: "warning",
});
