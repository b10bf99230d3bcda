/** The app's budget function's code, for an app template with `budget:` (the workflows reach functions/ through the step rooms). */
export { budgetFunctionCode } from "../functions/budget-shutdown/bundle.js";
