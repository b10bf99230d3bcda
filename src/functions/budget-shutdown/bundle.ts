/** The app's budget function's bundled code, for the app template's `Code.ZipFile` (src/functions/bundled.ts). */
import { bundledFunction } from "../bundled.js";

export function budgetFunctionCode(): string {
  return bundledFunction("budget-shutdown", "budget function");
}
