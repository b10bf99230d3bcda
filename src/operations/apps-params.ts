import { APP_PARAMS, appParamValues } from "../app-records/params.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { chosenApp } from "./apps-info.js";

/** `racknet apps params --json`. */
export interface AppParamsResult {
  app: string;
  rack: string;
  params: Record<string, string>;
}

/** `racknet apps params [APP]`: each app parameter and its value. */
export async function run(context: Context, args: { app?: string }): Promise<Outcome> {
  const name = chosenApp(context, args.app);
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, name);
  const result: AppParamsResult = { app: name, rack: rack.rack, params: appParamValues(app.parameters) };
  return outcome(result, (printer) => {
    printer.table(
      [
        { header: "NAME", key: "name" },
        { header: "VALUE", key: "value" },
        { header: "WHAT IT DOES", key: "description" },
      ],
      APP_PARAMS.map((spec) => ({ name: spec.name, value: result.params[spec.name] ?? spec.default, description: spec.description })),
    );
  });
}
