/**
 * What `racknet env set` and `env unset` share: the app as deployed (which parameters its
 * containers read), and the rollout of a change to what they read.
 */
import { appEnvironmentParameter, serviceDefaultParameter } from "../names/index.js";
import type { AppInfo } from "../aws/stacks.js";
import { AppParameter } from "../templates/app-contract.js";
import type { Context } from "../runtime/context.js";
import { versionOf } from "./app-environment.js";
import { parametersRead, releaseEnvironment } from "./environment-release.js";
import { findApp, resolveRack, type RackInfo } from "./resolve.js";
import { approvalOf, operationPort } from "./review.js";
import { decideApproval } from "../plan/approval.js";
import { UserError } from "../core/errors.js";
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
  /** Every variable named on the command line (changed or already stored). */
  names?: string[];
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
  // A variable read from its convox.yml default is read too: env set always wins (docs/manifest.md), so the task definitions switch to it.
  const switches = new Map<string, string>();
  if (change.verb === "set") {
    for (const name of change.changed) {
      for (const parameter of target.read) if (parameter === serviceDefaultParameter(rack.rack, app, parameter.split("/").at(-2) ?? "", name)) switches.set(parameter, appEnvironmentParameter(rack.rack, app, name));
    }
  }
  const readByName = (name: string) => target.read.some((parameter) => parameter.endsWith(`/env/${name}`) || switches.get(parameter) === appEnvironmentParameter(rack.rack, app, name));
  const readNow = stack ? change.changed.filter(readByName) : [];
  // The app runs other values than those stored (a release whose change set failed after the
  // values were stored): a rerun rolls it onto them, even when nothing new is stored now.
  const read = target.read.map((parameter) => switches.get(parameter) ?? parameter);
  const version = versionOf(read, change.versions);
  const behind = stack !== undefined && read.length > 0 && AppParameter.EnvironmentVersion in stack.parameters && stack.parameters[AppParameter.EnvironmentVersion] !== version;
  if (behind && readNow.length === 0 && change.verb === "set") readNow.push(...(change.changed.length > 0 ? change.changed : [...new Set(read.map((parameter) => parameter.split("/").at(-1) ?? ""))].filter((name) => change.names?.includes(name) ?? true)));
  if (!stack || readNow.length === 0 || !(AppParameter.EnvironmentVersion in stack.parameters)) {
    if (context.options.dryRun) {
      context.printer.info(`dry run: nothing was changed; ${describeLater(target, change)}`);
      return { outcome: "dry-run" };
    }
    // A value already stored is no change, and needs no go-ahead.
    if (change.verb === "unset" || change.changed.length > 0) await goAhead(context, change.verb === "set" ? `Store ${change.changed.join(", ")} in app ${app}'s environment?` : `Remove the variables from app ${app}'s environment?`);
    await change.apply();
    context.printer.success(`app ${app}'s environment ${change.verb === "set" ? "updated" : "changed"}; ${describeLater(target, change)}`);
    return { outcome: "applied" };
  }
  const port = operationPort(context);
  const outcome = await releaseEnvironment(context, rack, stack, version, port, [
    `the services reading ${readNow.join(", ")} roll to new tasks with the new value (a rolling deployment)`,
  ], change.apply, switches);
  if (outcome.kind === "no-changes") await change.apply();
  else if (outcome.kind === "applied") context.printer.success(`app ${app} now runs with the new ${readNow.join(", ")}`);
  return { outcome: outcome.kind, ...(port.plans[0] ? { plan: port.plans[0] } : {}) };
}

/**
 * A change stored without a change set (no running service reads it) needs the same go-ahead
 * as one with: --yes, or a yes on a terminal; without either it is refused (SPEC section 1).
 */
async function goAhead(context: Context, question: string): Promise<void> {
  const approval = approvalOf(context);
  const decision = decideApproval({ widens: [], destroys: [], hasChanges: true, yes: approval.yes, allowDestroy: false, requireApproval: approval.requireApproval ?? "broadening", tty: approval.canPrompt, question });
  if (decision.kind === "proceed") return;
  if (decision.kind === "refuse") throw new UserError(decision.message.replace(/^not applied: /, "not stored: "), { fix: "run the command again with --yes (or with --dry-run to see what it would do)" });
  const { confirm } = await import("../ui/confirm.js");
  for (const { question: asked, defaultNo } of decision.questions) {
    if (!(await confirm(asked, { defaultYes: !defaultNo, paint: context.printer.paint }))) throw new UserError("cancelled; nothing changed");
  }
}

function describeLater(target: EnvironmentTarget, change: EnvironmentChange): string {
  if (!target.stack) return `app ${target.app} is not deployed yet: its first \`racknet deploy\` reads the environment`;
  if (change.changed.length === 0) return "no running service read it";
  return `no running service reads ${change.changed.join(", ")}: the next \`racknet deploy\` that uses ${change.changed.length === 1 ? "it" : "them"} does`;
}
