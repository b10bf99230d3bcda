import { racknetVersion } from "../version.js";
import { privateNetworkSyncFragment } from "../templates/rack-privnet-sync.js";
import { caRenewalFragment } from "../templates/rack-ca-renewal.js";
import { renewalFunctionCode } from "../functions/ca-renewal/bundle.js";
import { rackTemplate } from "../templates/rack.js";
import { TEMPLATE_VERSION_OUTPUT } from "../templates/rack-version.js";
import { offersCodeBuild, offersPullThroughCache } from "../rack/regions.js";
import type { Template } from "../templates/cfn.js";
import { syncFunctionCode } from "../functions/privnet-sync/bundle.js";

/**
 * The rack's full template as racknet deploys it: the rack's resources and the in-rack
 * private-network sync function (its code read from the build). With `defaults`, those
 * parameter values become the template's defaults (what `racknet rack template` prints). In a
 * Region without CodeBuild, without the build resources.
 */
export function fullRackTemplate(defaults: Readonly<Record<string, string>> = {}, options: { region?: string } = {}): Template {
  const builds = options.region === undefined || offersCodeBuild(options.region);
  const baseImageCache = options.region === undefined || offersPullThroughCache(options.region);
  const template = rackTemplate({ version: racknetVersion(), builds, baseImageCache, extra: [privateNetworkSyncFragment(syncFunctionCode()), caRenewalFragment(renewalFunctionCode())] });
  for (const [name, value] of Object.entries(defaults)) {
    const parameter = template.Parameters[name];
    if (parameter && value !== "") parameter.Default = value;
  }
  return template;
}

/** This racknet's rack template version in the Region, rendered (src/rack-steps/rack-standing.ts reads the ones written at build time). */
export function renderedTemplateVersion(region?: string): string {
  return String(fullRackTemplate({}, region === undefined ? {} : { region }).Outputs[TEMPLATE_VERSION_OUTPUT]?.Value);
}
