/**
 * The renewal function's bundled code, for the rack template's `Code.ZipFile`. `npm run build`
 * writes it to dist/ca-renewal.js (scripts/build-sync-function.mjs); the CLI reads that file,
 * offline. Run from src/ (tests), it is built on demand, so it is never stale.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** From dist/functions/ca-renewal/bundle.js. */
const BUNDLE = "../../ca-renewal.js";
/** From either src/ or dist/: the checkout's scripts/. */
const BUILD_SCRIPT = "../../../scripts/build-sync-function.mjs";

let cached: string | undefined;

export function renewalFunctionCode(): string {
  cached ??= readBundle() ?? buildBundle();
  return cached;
}

function readBundle(): string | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const path = fileURLToPath(new URL(BUNDLE, import.meta.url));
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function buildBundle(): string {
  const script = fileURLToPath(new URL(BUILD_SCRIPT, import.meta.url));
  if (!existsSync(script)) throw new Error("the certificate renewal function is not built (dist/ca-renewal.js is missing): run `npm run build`");
  return execFileSync(process.execPath, [script, "--stdout", "ca-renewal"], { encoding: "utf8", maxBuffer: 1024 * 1024 });
}
