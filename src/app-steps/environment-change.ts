/**
 * What `racknet env set` and `env unset` share: the app as deployed (which parameters its
 * containers read), and the rollout of a change to what they read.
 */
import { appEnvironmentParameter, serviceDefaultParameter } from "../names/index.js";
import type { AppInfo } from "../aws/stacks.js";
import { METADATA_KEY, serviceIds, serviceLogicalIds, type AppStackMetadata } from "../templates/app-contract.js";
import { environmentDigest, environmentVersionOf, withEnvironmentVersions } from "../templates/app-environment.js";
import type { Template } from "../templates/cfn.js";
import type { Context } from "../runtime/context.js";
import { appTemplateOf, parametersRead, releaseEnvironment, switchedTemplate } from "./environment-release.js";
import { findApp, resolveRack, type RackInfo } from "../shared-steps/resolve.js";
import { approvalOf, askEach, operationPort } from "../shared-steps/review.js";
import { decideApproval } from "../plan/approval.js";
import { UserError } from "../errors/index.js";
import type { Plan } from "../plan/model.js";
import { currentRelease } from "../app-records/releases.js";
import { readAppReleases, recordRelease, settleRelease, type RecordedRelease } from "./releases.js";
import { Flag } from "../names/flags.js";

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
  const { app, rack, stack, template } = target;
  // A variable read from its convox.yml default is read too: env set always wins (docs/manifest.md), so the task definitions switch to it.
  const switches = new Map<string, string>();
  if (change.verb === "set") {
    for (const name of change.changed) {
      for (const parameter of target.read) if (parameter === serviceDefaultParameter(rack.rack, app, parameter.split("/").at(-2) ?? "", name)) switches.set(parameter, appEnvironmentParameter(rack.rack, app, name));
    }
  }
  const read = target.read.map((parameter) => switches.get(parameter) ?? parameter);
  // Every name on the command line is looked at, changed or not: when a release failed after
  // its values were stored, the app runs other values than those stored, and a rerun rolls it
  // onto them even though nothing new is stored now.
  const named = change.names ?? change.changed;
  const namedParameters = named.map((name) => appEnvironmentParameter(rack.rack, app, name));
  const readNow = named.filter((_name, index) => read.includes(namedParameters[index] ?? ""));
  // Only the task definitions that read a changed value get a new revision: their services roll, no other.
  const relabelled = template && readNow.length > 0 ? withEnvironmentVersions(switchedTemplate(template, switches), environmentDigest(change.versions), namedParameters) : undefined;
  if (!stack || !relabelled || relabelled.changed.length === 0) {
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
  const metadata = relabelled.template.Metadata?.[METADATA_KEY] as unknown as AppStackMetadata | undefined;
  const port = operationPort(context, { services: serviceLogicalIds((metadata?.services ?? []).map((service) => service.name)) });
  const rolling = servicesOf(relabelled.template, relabelled.changed);
  const notes = [
    rolling.length > 0
      ? `${rolling.length === 1 ? "service" : "services"} ${rolling.join(", ")} ${rolling.length === 1 ? "rolls" : "roll"} to new tasks reading the new ${readNow.join(", ")} (a rolling deployment); no other service changes`
      : `no service reads ${readNow.join(", ")}: only the timers that read ${readNow.length === 1 ? "it" : "them"} take the new value, from their next run`,
  ];
  // The rollout is a release: the current one's manifest, images and scale with the new environment version.
  const ref = { rack: rack.rack, app };
  const known = await readAppReleases(context, ref);
  const base = currentRelease(known);
  let recorded: RecordedRelease | undefined;
  const draft = {
    kind: "env" as const,
    description: `env ${change.verb} ${change.changed.join(", ")}`,
    environmentVersion: environmentVersionOf(change.versions),
    images: base?.images ?? {},
    scale: base?.scale ?? {},
    ...(base?.manifest ? { manifest: base.manifest } : {}),
  };
  const outcome = await settleRelease(() => recorded, () =>
    releaseEnvironment(context, rack, stack, relabelled.template, port, notes, async () => {
      await change.apply();
      recorded = await recordRelease(context, ref, draft, known);
    }),
  );
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
  if (decision.kind === "refuse") throw new UserError(decision.message.replace(/^not applied: /, "not stored: "), { fix: `run the command again with ${Flag.yes} (or with ${Flag.dryRun} to see what it would do)` });
  await askEach(context.user, decision.questions);
}

/** The services whose task definitions are among `taskDefinitions` (logical ids), by the names the template's Metadata records. */
function servicesOf(template: Template, taskDefinitions: readonly string[]): string[] {
  const metadata = template.Metadata?.[METADATA_KEY] as unknown as AppStackMetadata | undefined;
  return (metadata?.services ?? []).map((service) => service.name).filter((name) => taskDefinitions.includes(serviceIds(name).taskDefinition));
}

function describeLater(target: EnvironmentTarget, change: EnvironmentChange): string {
  if (!target.stack) return `app ${target.app} is not deployed yet: its first \`racknet deploy\` reads the environment`;
  if (change.changed.length === 0) return "no running service read it";
  return `no running service reads ${change.changed.join(", ")}: the next \`racknet deploy\` that uses ${change.changed.length === 1 ? "it" : "them"} does`;
}
