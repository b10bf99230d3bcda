/**
 * The sync function's bundled code, for the rack template's `Code.ZipFile`. `npm run build`
 * writes it to dist/privnet-sync.js (scripts/build-sync-function.mjs); the CLI reads that
 * file, offline, in well under a millisecond. Run from src/ (tests), it is built on demand.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** From dist/functions/privnet-sync/bundle.js. */
const BUNDLE = "../../privnet-sync.js";
/** From either src/ or dist/: the checkout's scripts/. */
const BUILD_SCRIPT = "../../../scripts/build-sync-function.mjs";

let cached: string | undefined;

export function syncFunctionCode(): string {
  cached ??= readBundle() ?? buildBundle();
  return cached;
}

/** Only the built CLI reads the bundle; from src/ it is rebuilt, so it is never stale. */
function readBundle(): string | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const path = fileURLToPath(new URL(BUNDLE, import.meta.url));
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function buildBundle(): string {
  const script = fileURLToPath(new URL(BUILD_SCRIPT, import.meta.url));
  if (!existsSync(script)) {
    throw new Error("the private network sync function is not built (dist/privnet-sync.js is missing): run `npm run build`");
  }
  return execFileSync(process.execPath, [script, "--stdout"], { encoding: "utf8", maxBuffer: 1024 * 1024 });
}
