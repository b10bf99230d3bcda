/**
 * What `racknet env set` and `env unset` share: the app as deployed (which parameters its
 * containers read), and the rollout of a change to what they read.
 */
import type { AppInfo } from "../aws/stacks.js";
import { AppParameter } from "../templates/app-contract.js";
import type { Context } from "../runtime/context.js";
import { versionOf } from "./app-environment.js";
import { parametersRead, releaseEnvironment } from "./environment-release.js";
import { findApp, resolveRack, type RackInfo } from "./resolve.js";
import { operationPort } from "./review.js";
import type { Plan } from "../plan/model.js";

export interface EnvironmentTarget {
  rack: RackInfo;
  app: string;
  /** The app's stack; absent before its first deploy (values set then are read by that deploy). */
  stack?: AppInfo;
  /** The SSM parameters its task definitions read. */
  read: string[];
}

export async function describeApp(context: Context, app: string): Promise<EnvironmentTarget> {
  const rack = await resolveRack(context);
  const stack = await findApp(context, rack, app);
  return { rack, app, ...(stack ? { stack } : {}), read: stack ? await parametersRead(context, stack) : [] };
}

export interface EnvironmentChange {
  /** Variables whose value changes. */
  changed: string[];
  /** Every parameter's version as it will be after the change. */
  versions: ReadonlyMap<string, number>;
  verb: "set" | "unset";
  /** Write the change (after the go-ahead; never on a dry run). */
  apply: () => Promise<void>;
}

/** How a change ended, for the command's --json result: the plan when a change set was made. */
export interface RollOutcome {
  outcome: "applied" | "dry-run" | "no-changes";
  plan?: Plan;
}

/**
 * Store the change; when the running app reads a changed value, roll it out through a change
 * set whose go-ahead comes first (a dry run shows it and writes nothing).
 */
export async function rollOut(context: Context, target: EnvironmentTarget, change: EnvironmentChange): Promise<RollOutcome> {
  const { app, rack, stack } = target;
  const readNow = stack ? change.changed.filter((name) => target.read.some((parameter) => parameter.endsWith(`/env/${name}`))) : [];
  if (!stack || readNow.length === 0 || !(AppParameter.EnvironmentVersion in stack.parameters)) {
    if (context.options.dryRun) {
      context.printer.info(`dry run: nothing was changed; ${describeLater(target, change)}`);
      return { outcome: "dry-run" };
    }
    await change.apply();
    context.printer.success(`app ${app}'s environment ${change.verb === "set" ? "updated" : "changed"}; ${describeLater(target, change)}`);
    return { outcome: "applied" };
  }
  const port = operationPort(context);
  const outcome = await releaseEnvironment(context, rack, stack, versionOf(target.read, change.versions), port, [
    `the services reading ${readNow.join(", ")} roll to new tasks with the new value (a rolling deployment)`,
  ], change.apply);
  if (outcome.kind === "no-changes") await change.apply();
  else if (outcome.kind === "applied") context.printer.success(`app ${app} now runs with the new ${readNow.join(", ")}`);
  return { outcome: outcome.kind, ...(port.plans[0] ? { plan: port.plans[0] } : {}) };
}

function describeLater(target: EnvironmentTarget, change: EnvironmentChange): string {
  if (!target.stack) return `app ${target.app} is not deployed yet: its first \`racknet deploy\` reads the environment`;
  if (change.changed.length === 0) return "no running service read it";
  return `no running service reads ${change.changed.join(", ")}: the next \`racknet deploy\` that uses ${change.changed.length === 1 ? "it" : "them"} does`;
}
