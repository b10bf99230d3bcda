import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { deleteParameters, readAppParameters } from "../aws/app-environment.js";
import { appEnvironmentParameter } from "../names/index.js";
import { describeApp, rollOut } from "../app-steps/environment-change.js";
import { planJson } from "../plan/plan.js";

/**
 * `racknet env unset NAME ...`: removed from the app environment. Refused while the deployed
 * app reads the variable (its tasks could not start without it): change convox.yml and
 * deploy first. Otherwise the parameters go, and nothing running changes.
 */
export async function run(context: Context, args: { names: string[] }): Promise<Outcome> {
  const app = appName(context.options);
  const target = await describeApp(context, app);
  const ssm = await context.aws.ssm();
  const existing = await readAppParameters(ssm, target.rack.rack, app);
  const parameters = args.names.map((name) => appEnvironmentParameter(target.rack.rack, app, name));
  const missing = args.names.filter((_name, index) => !existing.has(parameters[index] ?? ""));
  if (missing.length === args.names.length) {
    context.printer.success(`no changes: app ${app} has no ${missing.join(", ")} in its environment`);
    return { json: { app, rack: target.rack.rack, outcome: "no-changes", changed: [] } };
  }
  const read = args.names.filter((_name, index) => target.read.includes(parameters[index] ?? ""));
  if (read.length > 0) {
    throw new UserError(`app ${app} reads ${read.join(", ")} from its environment: its tasks could not start without ${read.length === 1 ? "it" : "them"}; nothing was changed`, {
      fix: `remove ${read.join(", ")} from convox.yml (or give ${read.length === 1 ? "it a default" : "them defaults"}), deploy, then unset`,
    });
  }
  const rolled = await rollOut(context, target, {
    changed: [],
    versions: new Map([...existing].map(([name, parameter]) => [name, parameter.version])),
    verb: "unset",
    apply: async () => deleteParameters(ssm, parameters.filter((parameter) => existing.has(parameter))),
  });
  const removed = args.names.filter((name) => !missing.includes(name));
  if (!context.options.dryRun) context.printer.success(`removed ${removed.join(", ")} from app ${app}'s environment`);
  return { changesPending: rolled.outcome === "dry-run" && rolled.plan !== undefined, json: { app, rack: target.rack.rack, outcome: rolled.outcome, changed: removed, ...(rolled.plan ? { plan: planJson(rolled.plan) } : {}) } };
}
