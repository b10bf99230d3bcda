/**
 * Files that are not a manifest at all (a `.env` file passed with -f, a binary, a UTF-16
 * export, `services:` written as one line of text) get one short problem that says what
 * the file looks like and never repeats its content: such files often hold secrets. Pure.
 */
import type { Problem } from "../errors/index.js";
import { formatPath, keyOffset, where, type ManifestSource } from "./source.js";
import { Flag } from "../names/flags.js";

const EXAMPLE = "services:\n        web:\n          image: nginx:1.27\n          port: 80";

/** UTF-16 read as UTF-8: a byte-order mark that is not UTF-8 (two U+FFFD) or a NUL after most characters. */
function looksUtf16(text: string): boolean {
  if (text.startsWith("\uFFFD\uFFFD") || text.startsWith("\uFEFF\u0000")) return true;
  const sample = text.slice(0, 200);
  const nuls = [...sample].filter((character) => character === "\u0000").length;
  return sample.length > 0 && nuls >= sample.length / 3;
}

export function notTextProblem(text: string, file: string): Problem | undefined {
  if (looksUtf16(text)) {
    return { where: `${file}:1:1`, message: `${file} is UTF-16 text; convox.yml must be UTF-8`, fix: `save it as UTF-8 (for example: iconv -f UTF-16 -t UTF-8 ${file} > convox.utf8.yml)` };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text) || text.includes("\uFFFD")) {
    return { where: `${file}:1:1`, message: `${file} is not UTF-8 text (it holds binary data or bytes of another encoding)`, fix: `name the manifest with ${Flag.file}, for example ${Flag.file} convox.yml` };
  }
  return undefined;
}

/** A `.env` file reads as YAML text: lines of NAME=value, no `key:` anywhere. */
function looksLikeDotEnv(text: string): boolean {
  return text.split("\n").some((line) => /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(line));
}

export function notAManifestProblem(value: unknown, source: ManifestSource): Problem | undefined {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    const text = source.document.toString();
    const what = looksLikeDotEnv(text) ? "lines of NAME=value, like a .env file" : "a single value";
    return {
      where: `${source.file}:1:1`,
      message: `${source.file} is ${what}, not a manifest (a map with a services: key)`,
      fix: `name the manifest with ${Flag.file}, for example ${Flag.file} convox.yml; a manifest starts with\n      ${EXAMPLE}`,
    };
  }
  const services = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>).services : undefined;
  if (typeof services === "string" || typeof services === "number" || typeof services === "boolean") {
    return {
      where: where(source.file, source.positionOf(keyOffset(source.document, ["services"]))),
      path: formatPath(["services"]),
      message: "services must be a map of service names to services, and here it is a single value",
      fix: `indent each service under services:, for example\n      ${EXAMPLE}`,
    };
  }
  return undefined;
}
