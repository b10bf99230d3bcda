import type { Context } from "../runtime/context.js";
import { operationPort } from "../shared-steps/review.js";
import type { AppInfo } from "../aws/stacks.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { deployStack } from "../aws/changeset/deploy.js";
import type { DeployListener } from "../aws/changeset/events.js";
import { appWaitCommand } from "../shared-steps/wait.js";

/**
 * The rack facts an app stack takes as parameters, by parameter name: the rack's Outputs
 * (the app template names its parameters after them) and the Domain parameter.
 */
export function rackFacts(rack: RackInfo): Record<string, string> {
  return { ...rack.outputs, Domain: rack.params.Domain, HostedZoneId: rack.params.HostedZoneId };
}

/** The app's parameters with every rack fact it takes replaced by the rack's current value. */
export function parametersAfterRackChange(app: AppInfo, facts: Readonly<Record<string, string>>): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [key, value] of Object.entries(app.parameters)) next[key] = facts[key] ?? value;
  return next;
}

/**
 * Moving an app onto the rack's new facts is the second half of a rack change the user
 * already approved (its plan named each app that moves and what that opens up): it is not
 * asked about again. A move never destroys: it is a rolling deployment of the same services.
 */
const MOVE_APPROVED = { dryRun: false, yes: true, canPrompt: false, allowDestroy: false, requireApproval: "never" } as const;

export interface AppSyncReport {
  app: string;
  outcome: "updated" | "unchanged";
  changed: string[];
}

/** The rack facts this app does not have yet (none: it is in step with the rack). */
export function factsBehind(rack: RackInfo, app: AppInfo, overrides: Readonly<Record<string, string>> = {}): string[] {
  const parameters = parametersAfterRackChange(app, { ...rackFacts(rack), ...overrides });
  return Object.keys(parameters).filter((key) => parameters[key] !== app.parameters[key]);
}

/** One app onto the rack's facts (with `overrides`); unchanged when it already has them. `emit`: where its events go when it moves beside others. */
export async function syncAppWithRack(
  context: Context,
  rack: RackInfo,
  app: AppInfo,
  overrides: Readonly<Record<string, string>> = {},
  emit?: (fallback: DeployListener) => DeployListener,
): Promise<AppSyncReport> {
  const parameters = parametersAfterRackChange(app, { ...rackFacts(rack), ...overrides });
  const changed = Object.keys(parameters).filter((key) => parameters[key] !== app.parameters[key]);
  if (changed.length === 0) return { app: app.app, outcome: "unchanged", changed };
  context.printer.step(`app ${app.app}: updating ${changed.join(", ")}`);
  const note = movedNote(changed, parameters);
  const outcome = await deployStack(
    context.aws,
    { stackName: app.name, template: { usePrevious: true }, parameters, tags: app.tags, capabilities: ["CAPABILITY_IAM"], notes: [note] },
    { port: operationPort(context, { approval: MOVE_APPROVED, ...(emit ? { emit } : {}) }), followCommand: appWaitCommand(app.app, rack.rack), removeCommand: `racknet apps delete ${app.app} -r ${rack.rack}`, what: `app ${app.app} on rack ${rack.rack}` },
  );
  // moto (and a stack someone changed by hand) may answer "no changes": the app has the facts all the same.
  if (outcome.kind === "no-changes") return { app: app.app, outcome: "unchanged", changed: [] };
  context.printer.success(`app ${app.app}: ${note}`);
  return { app: app.app, outcome: "updated", changed };
}

function movedNote(changed: readonly string[], parameters: Readonly<Record<string, string>>): string {
  if (!changed.includes("ServiceSubnets") && !changed.includes("AssignPublicIp")) return `services take the rack's new ${changed.join(", ")}`;
  return parameters.AssignPublicIp === "DISABLED"
    ? "services moved to the private subnets, without public IPs (rolling deployment)"
    : "services moved to the public subnets, with public IPs (rolling deployment)";
}
