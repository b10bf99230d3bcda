#!/usr/bin/env node
// Bundles the rack's private-network sync function (src/functions/privnet-sync/handler.ts)
// into dist/privnet-sync.js: one CommonJS file, minified, the AWS SDK left to the Lambda
// runtime. The rack template inlines it (Code.ZipFile), so `racknet rack template` stays
// offline and only reads a file. `--stdout` prints the bundle instead of writing it.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "privnet-sync.js");
/** Keeps the rack template small: a template sent inline to CloudFormation is at most 51,200 bytes. */
const BUDGET_BYTES = 12 * 1024;

const result = await build({
  entryPoints: [join(root, "src/functions/privnet-sync/handler.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: true,
  external: ["@aws-sdk/*"],
  legalComments: "none",
  write: false,
  logLevel: "warning",
});
const code = result.outputFiles[0].text;
if (code.length > BUDGET_BYTES) {
  console.error(`privnet-sync.js is ${code.length} bytes, over its budget of ${BUDGET_BYTES}`);
  process.exit(1);
}
if (process.argv.includes("--stdout")) {
  process.stdout.write(code);
} else {
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, code);
  console.error(`dist/privnet-sync.js: ${code.length} bytes`);
}
