import { appName, type Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { readAppParameters } from "../aws/app-environment.js";
import { storedDefaults, storedEnvironment } from "../app-steps/app-environment.js";
import { findApp, resolveRack } from "../shared-steps/resolve.js";

/**
 * `racknet env [-a APP] [--reveal]`: the app environment as `racknet env set` stored it
 * (encrypted in SSM Parameter Store), then the defaults of convox.yml the last deploy stored
 * for names it does not set, marked as defaults with the services they apply to. Values are
 * masked unless --reveal asks for them.
 */
export async function run(context: Context, args: { reveal: boolean }): Promise<Outcome> {
  const app = appName(context.options);
  const rack = await resolveRack(context);
  // Kept by rack and app name, readable before the first deploy; a stack under the app's name must be this app's.
  const [parameters] = await Promise.all([readAppParameters(await context.aws.ssm(), rack.rack, app), findApp(context, rack, app)]);
  const stored = storedEnvironment(parameters, rack.rack, app);
  const shown = (value: string) => (args.reveal ? value : "****");
  const environment = Object.fromEntries(Object.entries(stored).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => [name, shown(value)]));
  const defaults = storedDefaults(parameters, rack.rack, app).map((entry) => ({ ...entry, value: shown(entry.value) }));
  return outcome({ app, rack: rack.rack, environment, defaults }, (printer) => {
    if (Object.keys(environment).length === 0 && defaults.length === 0) {
      printer.info(`app ${app} on rack ${rack.rack} has no environment set; set it with \`racknet env set NAME=value -a ${app}\``);
      return;
    }
    for (const [name, value] of Object.entries(environment)) printer.out(`${name}=${value}`);
    for (const entry of defaults) printer.out(`${entry.name}=${entry.value}  # default of service ${entry.service} (convox.yml)`);
  });
}
