/**
 * What `racknet env set` and `env unset` share: the app as deployed (which parameters its
 * containers read), and the rollout of a change to what they read.
 */
import { appEnvironmentParameter } from "../names/index.js";
import type { AppInfo } from "../aws/stacks.js";
import { METADATA_KEY, logicalName, serviceLogicalIds, type AppStackMetadata } from "../templates/app-contract.js";
import { environmentDigest, withEnvironmentVersions } from "../templates/app-environment.js";
import type { Template } from "../templates/cfn.js";
import type { Context } from "../runtime/context.js";
import { appTemplateOf, parametersRead, releaseEnvironment } from "./environment-release.js";
import { findApp, resolveRack, type RackInfo } from "./resolve.js";
import { operationPort } from "./review.js";
import type { Plan } from "../plan/model.js";

export interface EnvironmentTarget {
  rack: RackInfo;
  app: string;
  /** The app's stack; absent before its first deploy (values set then are read by that deploy). */
  stack?: AppInfo;
  /** The deployed template (absent with the stack). */
  template?: Template;
  /** The SSM parameters its task definitions read. */
  read: string[];
}

export async function describeApp(context: Context, app: string): Promise<EnvironmentTarget> {
  const rack = await resolveRack(context);
  const stack = await findApp(context, rack, app);
  if (!stack) return { rack, app, read: [] };
  const template = await appTemplateOf(context, stack);
  return { rack, app, stack, template, read: parametersRead(template) };
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
  const { app, rack, stack, template } = target;
  const changedParameters = change.changed.map((name) => appEnvironmentParameter(rack.rack, app, name));
  const readNow = change.changed.filter((_name, index) => target.read.includes(changedParameters[index] ?? ""));
  // Only the task definitions that read a changed value get a new revision: their services roll, no other.
  const relabelled = template && readNow.length > 0 ? withEnvironmentVersions(template, environmentDigest(change.versions), changedParameters) : undefined;
  if (!stack || !relabelled || relabelled.changed.length === 0) {
    if (context.options.dryRun) {
      context.printer.info(`dry run: nothing was changed; ${describeLater(target, change)}`);
      return { outcome: "dry-run" };
    }
    await change.apply();
    context.printer.success(`app ${app}'s environment ${change.verb === "set" ? "updated" : "changed"}; ${describeLater(target, change)}`);
    return { outcome: "applied" };
  }
  const metadata = relabelled.template.Metadata?.[METADATA_KEY] as unknown as AppStackMetadata | undefined;
  const port = operationPort(context, { services: serviceLogicalIds((metadata?.services ?? []).map((service) => service.name)) });
  const rolling = servicesOf(relabelled.template, relabelled.changed);
  const notes = [
    rolling.length > 0
      ? `${rolling.length === 1 ? "service" : "services"} ${rolling.join(", ")} ${rolling.length === 1 ? "rolls" : "roll"} to new tasks reading the new ${readNow.join(", ")} (a rolling deployment); no other service changes`
      : `no service reads ${readNow.join(", ")}: only the timers that read ${readNow.length === 1 ? "it" : "them"} take the new value, from their next run`,
  ];
  const outcome = await releaseEnvironment(context, rack, stack, relabelled.template, port, notes, change.apply);
  if (outcome.kind === "no-changes") await change.apply();
  else if (outcome.kind === "applied") context.printer.success(`app ${app} now runs with the new ${readNow.join(", ")}`);
  return { outcome: outcome.kind, ...(port.plans[0] ? { plan: port.plans[0] } : {}) };
}

/** The services whose task definitions are among `taskDefinitions` (logical ids), by the names the template's Metadata records. */
function servicesOf(template: Template, taskDefinitions: readonly string[]): string[] {
  const metadata = template.Metadata?.[METADATA_KEY] as unknown as AppStackMetadata | undefined;
  return (metadata?.services ?? []).map((service) => service.name).filter((name) => taskDefinitions.includes(`${logicalName(name)}TaskDefinition`));
}

function describeLater(target: EnvironmentTarget, change: EnvironmentChange): string {
  if (!target.stack) return `app ${target.app} is not deployed yet: its first \`racknet deploy\` reads the environment`;
  if (change.changed.length === 0) return "no running service read it";
  return `no running service reads ${change.changed.join(", ")}: the next \`racknet deploy\` that uses ${change.changed.length === 1 ? "it" : "them"} does`;
}
