#!/usr/bin/env node
// Bundles the rack's functions into dist/: the private-network sync function
// (src/functions/privnet-sync/handler.ts → dist/privnet-sync.js) and the certificate renewal
// function (src/functions/ca-renewal/handler.ts → dist/ca-renewal.js), and an app's budget
// function (src/functions/budget-shutdown/handler.ts → dist/budget-shutdown.js). Each is one CommonJS
// file, minified, the AWS SDK left to the Lambda runtime. The rack template inlines them
// (Code.ZipFile), so `racknet rack template` stays offline and only reads a file.
// `--stdout NAME` prints that function's bundle instead of writing the files.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * Each keeps the rack template small: Code.ZipFile takes at most 4 MB, but the whole rack
 * template is sent to CloudFormation, inline up to 51,200 bytes and through S3 up to 1 MB
 * (docs/aws-limits.md, "The rack's functions").
 */
const FUNCTIONS = {
  "privnet-sync": { entry: "src/functions/privnet-sync/handler.ts", budgetBytes: 12 * 1024 },
  "ca-renewal": { entry: "src/functions/ca-renewal/handler.ts", budgetBytes: 8 * 1024 },
  // Inlined in an app's template (only with budget:), which goes through S3 when it is large.
  "budget-shutdown": { entry: "src/functions/budget-shutdown/handler.ts", budgetBytes: 8 * 1024 },
};

async function bundle(name) {
  const { entry, budgetBytes } = FUNCTIONS[name];
  const result = await build({
    entryPoints: [join(root, entry)],
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
  if (code.length > budgetBytes) {
    console.error(`${name}.js is ${code.length} bytes, over its budget of ${budgetBytes}`);
    process.exit(1);
  }
  return code;
}

const stdoutIndex = process.argv.indexOf("--stdout");
if (stdoutIndex >= 0) {
  // `--stdout` alone is the sync function, as before.
  process.stdout.write(await bundle(process.argv[stdoutIndex + 1] ?? "privnet-sync"));
} else {
  for (const name of Object.keys(FUNCTIONS)) {
    const code = await bundle(name);
    const outfile = join(root, "dist", `${name}.js`);
    mkdirSync(dirname(outfile), { recursive: true });
    writeFileSync(outfile, code);
    console.error(`dist/${name}.js: ${code.length} bytes`);
  }
}
