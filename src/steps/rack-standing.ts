/**
 * Where a deployed rack stands against this racknet's rack template (docs/decisions.md,
 * "Rack updates"), for `racknet rack` and `racks`. This racknet's template version is written
 * at build time (dist/rack-template-version.txt, by scripts/build-template-version.mjs), so
 * these read commands neither load nor render the template; run from src/ (tests), it is
 * rendered.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TEMPLATE_VERSION_OUTPUT, templateStanding } from "../templates/rack-version.js";
import type { TemplateView } from "../ui/rack-summary.js";

/** From dist/steps/rack-standing.js. */
const BUILT_VERSION = "../rack-template-version.txt";

let latest: Promise<string> | undefined;

/** This racknet's rack template version, once per process. */
export function latestTemplateVersion(): Promise<string> {
  latest ??= builtVersion() ?? import("./rack-template.js").then((module) => module.renderedTemplateVersion());
  return latest;
}

function builtVersion(): Promise<string> | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const path = fileURLToPath(new URL(BUILT_VERSION, import.meta.url));
  return existsSync(path) ? Promise.resolve(readFileSync(path, "utf8").trim()) : undefined;
}

export async function rackStanding(rack: { outputs: Readonly<Record<string, string>> }): Promise<TemplateView> {
  const version = rack.outputs[TEMPLATE_VERSION_OUTPUT] ?? null;
  const current = await latestTemplateVersion();
  return { version, latest: current, standing: templateStanding(version ?? undefined, current) };
}
