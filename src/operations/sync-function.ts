import type { TemplateFragment } from "../templates/cfn.js";
import { privateNetworkSyncFragment } from "../templates/rack-privnet-sync.js";
import { syncFunctionCode } from "../privnet/sync-function/code.js";

/** The in-rack private-network sync function's resources, merged into the rack template. */
export function syncFunctionFragments(): TemplateFragment[] {
  return [privateNetworkSyncFragment(syncFunctionCode())];
}
