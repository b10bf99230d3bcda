import { racknetVersion } from "../version.js";
import { privateNetworkSyncFragment } from "../templates/rack-privnet-sync.js";
import { rackTemplate } from "../templates/rack.js";
import { TEMPLATE_VERSION_OUTPUT, templateStanding } from "../templates/rack-version.js";
import type { TemplateView } from "../ui/rack-summary.js";
import type { Template } from "../templates/cfn.js";
import { syncFunctionCode } from "../functions/privnet-sync/bundle.js";

/**
 * The rack's full template as racknet deploys it: the rack's resources and the in-rack
 * private-network sync function (its code read from the build). With `defaults`, those
 * parameter values become the template's defaults (what `racknet rack template` prints).
 */
export function fullRackTemplate(defaults: Readonly<Record<string, string>> = {}): Template {
  const template = rackTemplate({ version: racknetVersion(), extra: [privateNetworkSyncFragment(syncFunctionCode())] });
  for (const [name, value] of Object.entries(defaults)) {
    const parameter = template.Parameters[name];
    if (parameter && value !== "") parameter.Default = value;
  }
  return template;
}

/** Where a deployed rack stands against this racknet's template (docs/decisions.md, "Rack updates"). */
export function rackStanding(rack: { outputs: Readonly<Record<string, string>> }): TemplateView {
  const version = rack.outputs[TEMPLATE_VERSION_OUTPUT] ?? null;
  const latest = latestTemplateVersion();
  return { version, latest, standing: templateStanding(version ?? undefined, latest) };
}

let latest: string | undefined;

/** This racknet's rack template version, rendered once per process. */
export function latestTemplateVersion(): string {
  latest ??= String(fullRackTemplate().Outputs[TEMPLATE_VERSION_OUTPUT]?.Value);
  return latest;
}
