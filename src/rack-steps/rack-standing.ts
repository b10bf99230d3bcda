/**
 * Where a deployed rack stands against this racknet's rack template (docs/decisions.md,
 * "Rack updates"), for `racknet rack`, `racks` and `rack update`. The template depends on the
 * Region (one without CodeBuild gets no build resources, one without ECR pull-through cache no
 * cache: src/rack/regions.ts), so each variant has its own version. This racknet's versions
 * are written at build time (dist/rack-template-versions.json, by
 * scripts/build-template-version.mjs), so the read commands neither load nor render the
 * template; run from src/ (tests), the variant is rendered.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { REGIONS_WITHOUT_CODEBUILD, REGIONS_WITHOUT_PULL_THROUGH_CACHE, offersCodeBuild, offersPullThroughCache } from "../rack/regions.js";
import { TEMPLATE_VERSION_OUTPUT, templateStanding } from "../templates/rack-version.js";
import type { TemplateView } from "../ui/rack-summary.js";

/** The rack templates a Region can get. */
export type TemplateVariant = "full" | "no-base-image-cache" | "no-builds";

export function templateVariant(region: string): TemplateVariant {
  if (!offersCodeBuild(region)) return "no-builds";
  return offersPullThroughCache(region) ? "full" : "no-base-image-cache";
}

/** One Region of each variant: what the build renders each variant's version for. */
export const VARIANT_REGIONS: Readonly<Record<TemplateVariant, string>> = {
  full: "us-east-1",
  "no-base-image-cache": REGIONS_WITHOUT_PULL_THROUGH_CACHE[0] ?? "cn-north-1",
  "no-builds": REGIONS_WITHOUT_CODEBUILD[0] ?? "mx-central-1",
};

/** From dist/rack-steps/rack-standing.js. */
const BUILT_VERSIONS = "../rack-template-versions.json";

const latest = new Map<TemplateVariant, Promise<string>>();

/** This racknet's rack template version in this Region, once per process. */
export function latestTemplateVersion(region: string): Promise<string> {
  const variant = templateVariant(region);
  let version = latest.get(variant);
  if (!version) {
    version = builtVersion(variant) ?? import("./rack-template.js").then((module) => module.renderedTemplateVersion(VARIANT_REGIONS[variant]));
    latest.set(variant, version);
  }
  return version;
}

function builtVersion(variant: TemplateVariant): Promise<string> | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const path = fileURLToPath(new URL(BUILT_VERSIONS, import.meta.url));
  if (!existsSync(path)) return undefined;
  const version = (JSON.parse(readFileSync(path, "utf8")) as Partial<Record<TemplateVariant, string>>)[variant];
  return version ? Promise.resolve(version) : undefined;
}

export async function rackStanding(rack: { outputs: Readonly<Record<string, string>> }, region: string): Promise<TemplateView> {
  const version = rack.outputs[TEMPLATE_VERSION_OUTPUT] ?? null;
  const current = await latestTemplateVersion(region);
  return { version, latest: current, standing: templateStanding(version ?? undefined, current) };
}
