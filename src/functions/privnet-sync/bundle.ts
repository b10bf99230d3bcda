/** The sync function's bundled code, for the rack template's `Code.ZipFile` (src/functions/bundled.ts). */
import { bundledFunction } from "../bundled.js";

export function syncFunctionCode(): string {
  return bundledFunction("privnet-sync", "private network sync function");
}
