import type { TemplateFragment } from "../templates/cfn.js";

/** The in-rack private-network sync function's resources, merged into the rack template. */
export function syncFunctionFragments(): TemplateFragment[] {
  return [];
}
