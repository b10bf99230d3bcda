import { rackStackName } from "../names/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { rackWaitCommand, waitFor } from "../shared-steps/wait.js";

/** `racknet rack wait [-r RACK]`: follow the rack's stack operation in progress (install, params set, uninstall) to its end. */
export async function run(context: Context): Promise<Outcome> {
  const rack = context.options.rack ?? (await resolveRack(context)).rack;
  const result = await waitFor(context, {
    stackName: rackStackName(rack),
    what: `rack ${rack}`,
    waitCommand: rackWaitCommand(rack),
    removeCommand: `racknet rack uninstall ${rack}`,
  });
  return outcome({ rack, ...result });
}
