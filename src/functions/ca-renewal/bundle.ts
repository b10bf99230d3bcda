/** The renewal function's bundled code, for the rack template's `Code.ZipFile` (src/functions/bundled.ts). */
import { bundledFunction } from "../bundled.js";

export function renewalFunctionCode(): string {
  return bundledFunction("ca-renewal", "certificate renewal function");
}
