import type { Context } from "../runtime/context.js";
import { UserError } from "../core/errors.js";
import { listApps, type AppInfo } from "../aws/stacks.js";
import { azCountOf, rackInfo, resolveRack, storedDerivedParams, type RackInfo } from "../steps/resolve.js";
import { costOfChange, exposure } from "../steps/plan-context.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { operationPort } from "../steps/review.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { applyAssignments, findParam, parseAssignments, toCfnParameters, type DerivedParams, type ParamChange, type RackParams } from "../rack/params.js";
import { appRuleProblems } from "../rack/app-rules.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { readAppMetadata } from "../steps/app-metadata.js";
import { syncAppsWithRack, type AppSyncReport } from "../steps/apps-sync.js";

export interface RackUpdateResult {
  rack: string;
  changes: ParamChange[];
  outcome: DeployOutcome["kind"];
  apps: AppSyncReport[];
  /** The plan that was shown (a dry run's too), under its section names. */
  plan?: PlanJson;
}

/**
 * `racknet rack params set`: validate (names, values, rules, running apps), then one
 * change set on the rack's deployed template with the new values, then move each app
 * onto the rack's new facts. Private=No moves the apps to the public subnets first, so
 * the NAT gateways are released last and no service loses its way out.
 */
export async function run(context: Context, args: { params: string[] }): Promise<void> {
  const result = await setRackParams(context, args.params);
  const { printer } = context;
  if (result.outcome === "applied") printer.success(`rack ${result.rack} updated: ${result.changes.map((change) => `${change.name}=${change.to}`).join(" ")}`);
  printer.result(result, () => undefined);
}

async function setRackParams(context: Context, assignments: readonly string[]): Promise<RackUpdateResult> {
  const rack = await resolveRack(context);
  const current = rack.params;
  const { params, changes, problems } = applyAssignments(current, assignments, "update");
  assertNoParamProblems(problems);
  if (changes.length === 0) {
    // Said back in the stored spelling (`private=yes` is Private=Yes).
    const named = [...new Set(parseAssignments(assignments).assignments.flatMap((assignment) => findParam(assignment.name)?.name ?? []))];
    context.printer.info(`no changes: rack ${rack.rack} already has ${named.map((name) => `${name}=${params[name]}`).join(" ")}`);
    return { rack: rack.rack, changes, outcome: "no-changes", apps: [] };
  }
  const apps = await listApps(await context.aws.cloudFormation(), rack.rack);
  const [deployed, region, derived] = await Promise.all([
    Promise.all(apps.map(async (app) => ({ app: app.app, services: (await readAppMetadata(context, app)).services }))),
    context.aws.region(),
    storedDerivedParams(context, rack),
  ]);
  const planned = deployed.map((app) => ({ name: app.app, services: app.services }));
  assertNoParamProblems(appRuleProblems(params, deployed));

  const leavingPrivate = current.Private === "Yes" && params.Private === "No";
  let movedApps: AppSyncReport[] = [];
  const moveFirst =
    leavingPrivate && apps.length > 0
      ? async () => {
          movedApps = await moveAppsToPublicSubnets(context, rack, apps);
        }
      : undefined;
  const port = operationPort(context, {
    exposure: { before: exposure(current, planned), after: exposure(params, planned) },
    cost: costOfChange(region, { params: current, azCount: azCountOf(rack), apps: planned }, { params, azCount: azCountOf(rack), apps: planned }),
  });
  const outcome = await deployStack(
    context.aws,
    {
      stackName: rack.name,
      template: { usePrevious: true },
      parameters: rackParameters(rack, params, derived),
      tags: rack.tags,
      capabilities: ["CAPABILITY_IAM"],
      notes: [...rackParameterNotes(changes, azCountOf(rack), region, rack.rack), ...appNotes(apps, changes)],
    },
    {
      port,
      followCommand: `racknet rack -r ${rack.rack}`,
      what: `rack ${rack.rack}`,
      beforeExecute: moveFirst,
    },
  ).catch((error: unknown) => {
    throw movedApps.some((report) => report.outcome === "updated") ? appsAlreadyMoved(error, rack.rack, movedApps) : error;
  });
  const plan = port.plans[0] ? { plan: planJson(port.plans[0]) } : {};
  if (outcome.kind !== "applied") return { rack: rack.rack, changes, outcome: outcome.kind, apps: [], ...plan };
  const updated = outcome.stack;
  const refreshedApps = await listApps(await context.aws.cloudFormation(), rack.rack);
  const reports = await syncAppsWithRack(context, rackInfo(updated, rack.rack), refreshedApps);
  return { rack: rack.rack, changes, outcome: outcome.kind, apps: reports, ...plan };
}

/** The rack change did not happen, but the apps' first step (to the public subnets) did: say so. */
export function appsAlreadyMoved(error: unknown, rack: string, moved: readonly AppSyncReport[]): unknown {
  if (!(error instanceof UserError)) return error;
  const apps = moved.filter((report) => report.outcome === "updated").map((report) => report.app).join(", ");
  const message = `${error.message.replace(/; nothing (was )?changed$/, "")}; the rack is unchanged, but ${apps} already moved to the public subnets (with public IPs; they keep running)`;
  const fix = `run \`racknet rack params set Private=No -r ${rack}\` again to release the NAT gateways`;
  const Kind = error.constructor as new (message: string, options: { fix?: string }) => UserError;
  return new Kind(message, { fix });
}

function rackParameters(rack: RackInfo, params: RackParams, derived: DerivedParams): Record<string, string> {
  return toCfnParameters(params, derived);
}

function appNotes(apps: readonly AppInfo[], changes: readonly ParamChange[]): string[] {
  if (apps.length === 0 || !changes.some((change) => change.name === "Private")) return [];
  const names = apps.map((app) => app.app).join(", ");
  const toPrivate = changes.some((change) => change.name === "Private" && change.to === "Yes");
  return [
    toPrivate
      ? `then the services of ${apps.length} app(s) (${names}) move to the private subnets by a rolling deployment`
      : `first the services of ${apps.length} app(s) (${names}) move to the public subnets by a rolling deployment; the NAT gateways are released after`,
  ];
}

async function moveAppsToPublicSubnets(context: Context, rack: RackInfo, apps: readonly AppInfo[]): Promise<AppSyncReport[]> {
  return syncAppsWithRack(context, rack, apps, { ServiceSubnets: rack.outputs.PublicSubnets ?? "", AssignPublicIp: "ENABLED" });
}
