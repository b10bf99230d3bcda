import { UserError } from "../core/errors.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppParameters } from "../aws/app-environment.js";
import { storedEnvironment } from "../steps/app-environment.js";
import { findApp, resolveRack } from "../steps/resolve.js";

/** `racknet env get NAME`: one value, in clear, on stdout (the user asked for it by name). */
export async function run(context: Context, args: { name: string }): Promise<void> {
  const app = appName(context.options);
  const rack = await resolveRack(context);
  // Kept by rack and app name, readable before the first deploy; a stack under the app's name must be this app's.
  const [parameters] = await Promise.all([readAppParameters(await context.aws.ssm(), rack.rack, app), findApp(context, rack, app)]);
  const stored = storedEnvironment(parameters, rack.rack, app);
  const value = stored[args.name];
  if (value === undefined) {
    throw new UserError(`app ${app} on rack ${rack.rack} has no ${args.name} in its environment`, { fix: `list it with \`racknet env -a ${app}\`, or set it with \`racknet env set ${args.name}=value -a ${app}\`` });
  }
  context.printer.result({ app, rack: rack.rack, name: args.name, value }, () => context.printer.out(value));
}
