import { UsageError, ValidationErrors, type Problem } from "../errors/index.js";
import { assignmentsWithValues, readAllStdin } from "../app-steps/env-input.js";
import type { Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppParameters, writeSecret } from "../aws/app-environment.js";
import { appSecretsKey } from "../app-steps/app-secrets-key.js";
import { environmentValueProblem } from "../manifest/environment.js";
import { RACKNET_VARIABLE_PREFIX, appEnvironmentParameter } from "../names/index.js";
import { describeApp, rollOut } from "../app-steps/environment-change.js";
import { planJson } from "../plan/plan.js";
import { Flag } from "../names/flags.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `racknet env set NAME=value ...`: the values stored encrypted (SSM SecureString), then the
 * app rolled onto them through a change set (its task definitions read them as `Secrets`).
 * A dry run stores nothing.
 */
export async function run(context: Context, args: { assignments: string[]; fromFile?: string[] }): Promise<Outcome> {
  const assignments = await assignmentsWithValues({ assignments: args.assignments, fromFiles: args.fromFile ?? [], readStdin: () => readAllStdin(), stdinIsTerminal: Boolean(process.stdin.isTTY) });
  if (assignments.length === 0) throw new UsageError("no variable to set", { fix: `pass NAME=value, NAME=- (value from stdin) or ${Flag.fromFile} NAME=PATH` });
  const values = parseAssignments(assignments);
  const app = appName(context.options);
  const target = await describeApp(context, app);
  const ssm = await context.aws.ssm();
  const existing = await readAppParameters(ssm, target.rack.rack, app);
  const changed = Object.entries(values).filter(([name, value]) => existing.get(appEnvironmentParameter(target.rack.rack, app, name))?.value !== value);
  const versions = new Map([...existing].map(([name, parameter]) => [name, parameter.version]));
  for (const [name] of changed) {
    const parameter = appEnvironmentParameter(target.rack.rack, app, name);
    versions.set(parameter, (versions.get(parameter) ?? 0) + 1);
  }
  const rolled = await rollOut(context, target, {
    changed: changed.map(([name]) => name),
    names: Object.keys(values),
    versions,
    verb: "set",
    apply: async () => {
      const keyId = changed.length > 0 ? await appSecretsKey(context, target.rack.rack) : undefined;
      for (const [name, value] of changed) {
        const parameter = appEnvironmentParameter(target.rack.rack, app, name);
        await writeSecret(ssm, parameter, value, { rack: target.rack.rack, app }, existing.has(parameter), keyId);
      }
    },
  });
  // A value already stored is no change: none stored is `no-changes`, as deploy says it.
  const outcome = changed.length === 0 && rolled.outcome === "applied" && !rolled.plan ? "no-changes" : rolled.outcome;
  return { changesPending: rolled.outcome === "dry-run" && rolled.plan !== undefined, json: { app, rack: target.rack.rack, outcome, changed: changed.map(([name]) => name), ...(rolled.plan ? { plan: planJson(rolled.plan) } : {}) } };
}

/** `NAME=value` pairs (a value may hold `=`); every problem at once, values never quoted. */
export function parseAssignments(assignments: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const assignment of assignments) {
    const at = assignment.indexOf("=");
    const name = at < 0 ? assignment : assignment.slice(0, at);
    if (at < 0 || !NAME.test(name)) {
      problems.push({ where: name.slice(0, 64) || "(empty)", message: at < 0 ? `"${name.slice(0, 64)}" is not NAME=value` : `"${name.slice(0, 64)}" is not a variable name (letters, digits and _, not starting with a digit)`, fix: "write each as NAME=value, e.g. `racknet env set LOG_LEVEL=debug`" });
      continue;
    }
    if (name.startsWith(RACKNET_VARIABLE_PREFIX)) {
      problems.push({ where: name, message: `${name} is a name racknet sets itself (every ${RACKNET_VARIABLE_PREFIX}* name is racknet's); the container would get it twice`, fix: `pick another name for it` });
      continue;
    }
    const value = assignment.slice(at + 1);
    const tooLarge = environmentValueProblem(name, value);
    if (tooLarge) problems.push({ where: name, message: tooLarge.message, ...(tooLarge.fix ? { fix: tooLarge.fix } : {}) });
    else if (value === "") problems.push({ where: name, message: `${name} has an empty value; SSM Parameter Store holds no empty values`, fix: `remove it with \`racknet env unset ${name}\`` });
    else values[name] = value;
  }
  if (problems.length > 0) throw new ValidationErrors(`${problems.length === 1 ? "an assignment is" : `${problems.length} assignments are`} invalid; nothing was changed`, problems);
  return values;
}
