import { UserError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppParameters } from "../aws/app-environment.js";
import { storedDefaults, storedEnvironment } from "../app-steps/app-environment.js";
import { findApp, resolveRack } from "../shared-steps/resolve.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet env get NAME`: one value, in clear, on stdout (the user asked for it by name): the
 * app environment's, else convox.yml's default as the last deploy stored it (stderr says so),
 * when every service that has one has the same.
 */
export async function run(context: Context, args: { name: string }): Promise<Outcome> {
  const app = appName(context.options);
  const rack = await resolveRack(context);
  // Kept by rack and app name, readable before the first deploy; a stack under the app's name must be this app's.
  const [parameters] = await Promise.all([readAppParameters(await context.aws.ssm(), rack.rack, app), findApp(context, rack, app)]);
  const value = storedEnvironment(parameters, rack.rack, app)[args.name];
  if (value !== undefined) {
    return outcome({ app, rack: rack.rack, name: args.name, value, source: "environment" }, (printer) => printer.out(value));
  }
  const defaults = storedDefaults(parameters, rack.rack, app).filter((entry) => entry.name === args.name);
  const first = defaults[0];
  if (!first) {
    throw new UserError(`app ${app} on rack ${rack.rack} has no ${args.name} in its environment, nor a default for it in its last deploy`, { fix: `list them with \`racknet env -a ${app}\`, or set it with \`racknet env set ${args.name}=value -a ${app}\`` });
  }
  const services = defaults.map((entry) => entry.service);
  if (defaults.some((entry) => entry.value !== first.value)) {
    throw new UserError(`${args.name} is not set; convox.yml gives it different defaults in services ${services.join(", ")}`, {
      fix: `see each with \`racknet env ${Flag.reveal} -a ${app}\`, or give it one value with \`racknet env set ${args.name}=value -a ${app}\``,
    });
  }
  context.printer.info(`${args.name} is not set: the default convox.yml gives ${services.length === 1 ? "service" : "services"} ${services.join(", ")}`);
  return outcome({ app, rack: rack.rack, name: args.name, value: first.value, source: "default", services }, (printer) => printer.out(first.value));
}
