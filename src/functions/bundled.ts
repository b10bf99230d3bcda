/**
 * A function's bundled code, for the rack template's `Code.ZipFile`. `npm run build` writes
 * each to dist/<name>.js (scripts/build-sync-function.mjs); the CLI reads that file, offline, in
 * well under a millisecond. Run from src/ (tests), it is built on demand, so it is never stale.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** From either src/ or dist/: the checkout's scripts/. */
const BUILD_SCRIPT = "../../scripts/build-sync-function.mjs";

const cache = new Map<string, string>();

/** `name`: the function's folder under src/functions/; `what`: how an error names it. */
export function bundledFunction(name: string, what: string): string {
  let code = cache.get(name);
  if (code === undefined) {
    code = readBundle(name) ?? buildBundle(name, what);
    cache.set(name, code);
  }
  return code;
}

/** Only the built CLI reads the bundle (dist/functions/bundled.js -> dist/<name>.js). */
function readBundle(name: string): string | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const path = fileURLToPath(new URL(`../${name}.js`, import.meta.url));
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function buildBundle(name: string, what: string): string {
  const script = fileURLToPath(new URL(BUILD_SCRIPT, import.meta.url));
  if (!existsSync(script)) throw new Error(`the ${what} is not built (dist/${name}.js is missing): run \`npm run build\``);
  return execFileSync(process.execPath, [script, "--stdout", name], { encoding: "utf8", maxBuffer: 1024 * 1024 });
}
