/** The app's budget function's code, for an app template with `budget:` (the workflows reach functions/ through steps/). */
export { budgetFunctionCode } from "../functions/budget-shutdown/bundle.js";
