import { appStackName } from "../names/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { appWaitCommand, waitFor } from "../shared-steps/wait.js";
import { chosenApp } from "./apps-info.js";

/** `racknet apps wait [APP]`: follow the app's stack operation in progress to its end (exit 3 if it fails). */
export async function run(context: Context, args: { app?: string }): Promise<Outcome> {
  const app = chosenApp(context, args.app);
  const rack = await resolveRack(context);
  const result = await waitFor(context, {
    stackName: appStackName(rack.rack, app),
    what: `app ${app} on rack ${rack.rack}`,
    waitCommand: appWaitCommand(app, rack.rack),
    removeCommand: `racknet apps delete ${app} -r ${rack.rack}`,
  });
  return outcome({ app, rack: rack.rack, ...result });
}
