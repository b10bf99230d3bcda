import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { deployedTemplate, listApps, type AppInfo, type StackInfo } from "../aws/stacks.js";
import { azCountOf, rackInfo, resolveRack, storedDerivedParams, type RackInfo } from "../shared-steps/resolve.js";
import { costOfChange, exposure, type PlannedApp } from "../shared-steps/plan-context.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { operationPort } from "../shared-steps/review.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { PARAMS, RackParam, applyAssignments, findParam, parseAssignments, toCfnParameters, type ParamChange, type RackParams } from "../rack/params.js";
import { type DeployedApp, appRuleProblems, externalHostProblems, resourceSubnetProblems, zoneRuleProblems } from "../rack/app-rules.js";
import { offersCodeBuild } from "../rack/regions.js";
import { checkedHostedZone } from "../app-steps/public-certificates.js";
import { refuseOverQuota } from "../rack-steps/quotas.js";
import { renewRackCertificates } from "../rack-steps/renewal.js";
import { removeLeftoverPrivateSubnets, waitForSubnetsToEmpty } from "../rack-steps/subnet-release.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { natRemovals } from "../plan/egress-notes.js";
import { natZones } from "../rack/egress.js";
import { endpointConflicts } from "../rack/existing-vpc.js";
import { vpcEndpointFacts } from "../aws/vpc.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { appMetadataOf } from "../shared-steps/app-metadata.js";
import { deployedTimeouts } from "../templates/app-timeouts.js";
import { factsBehind, type AppSyncReport } from "../rack-steps/apps-sync.js";
import { APP_READS_AT_ONCE, appsAtOnce, eachAtMost, moveAppsTogether } from "../rack-steps/apps-together.js";
import { readJournal, type Journal } from "../safety/journal.js";
import { runOperation } from "../safety/operation.js";
import { checkedTransitGateway } from "../rack-steps/transit-gateway.js";
import { rackWaitCommand } from "../shared-steps/wait.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

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
 * the NAT gateways are released last and no service loses its way out. Locked and journaled
 * (src/safety/lock.ts): a run that stops half way says where things stand, and running the
 * same command again does only what is not done.
 */
export async function run(context: Context, args: { params: string[] }): Promise<Outcome<RackUpdateResult>> {
  const result = await setRackParams(context, args.params);
  if (result.outcome === "applied") context.printer.success(`rack ${result.rack} updated: ${result.changes.map((change) => `${change.name}=${change.to}`).join(" ")}`);
  return { json: result, changesPending: result.outcome === "dry-run" };
}

const OPERATION = "rack params set";

async function setRackParams(context: Context, assignments: readonly string[]): Promise<RackUpdateResult> {
  const rack = await resolveRack(context);
  const current = rack.params;
  const { params, changes, problems } = applyAssignments(current, assignments, "update");
  assertNoParamProblems(problems);
  const atOnce = appsAtOnce();
  const key = canonicalAssignments(assignments, params);
  const scope = { rack: rack.rack };
  const [apps, previous] = await Promise.all([listApps(await context.aws.cloudFormation(), rack.rack), readJournal(context, scope)]);
  const resuming = previous?.operation === OPERATION && previous.key === key;
  // The rack has the values already: finish what a stopped run left (apps still on the old facts), or say so.
  const behind = changes.length === 0 ? apps.filter((app) => factsBehind(rack, app).length > 0) : [];
  if (changes.length === 0 && !resuming && behind.length === 0) {
    // Said back in the stored spelling (`private=yes` is Private=Yes).
    const named = [...new Set(parseAssignments(assignments).assignments.flatMap((assignment) => findParam(assignment.name)?.name ?? []))];
    context.printer.info(`no changes: rack ${rack.rack} already has ${named.map((name) => `${name}=${params[name]}`).join(" ")}`);
    return { rack: rack.rack, changes, outcome: "no-changes", apps: [] };
  }
  if (changes.length === 0 && behind.length > 0 && !resuming) {
    context.printer.step(`rack ${rack.rack} already has ${key}, but ${behind.map((app) => app.app).join(", ")} still run on its old facts: moving them`);
  }
  // Never a change that would break a running app: checked before anything is written.
  const deployed = changes.length === 0 ? [] : await eachAtMost(apps, APP_READS_AT_ONCE, (app) => deployedAppOf(context, app));
  const renamesExternal = changes.some((change) => change.name === RackParam.Domain);
  assertNoParamProblems([
    ...appRuleProblems(current, params, deployed),
    ...(renamesExternal ? externalHostProblems(params, deployed, rack.outputs[RackOutput.ExternalLoadBalancerDns] ?? "") : []),
    ...zoneRuleProblems(current, params, deployed),
    ...resourceSubnetProblems(current, params, deployed),
  ]);
  if (changes.some((change) => change.name === RackParam.HostedZoneId || change.name === RackParam.Domain)) await checkedHostedZone(context, params);
  if (changes.some((change) => change.name === RackParam.TransitGatewayId)) await checkedTransitGateway(context, params);
  const planned = deployed.map((app) => ({ name: app.app, services: app.services }));
  const leavingPrivate = current.Private === "Yes" && params.Private === "No";
  // In a VPC the rack was installed into, its own endpoints may already be there (docs/egress.md).
  if (current.ExistingVpc !== "" && params.VpcEndpoints === "Yes" && current.VpcEndpoints !== "Yes") {
    const [ec2, region] = await Promise.all([context.aws.ec2(), context.aws.region()]);
    assertNoParamProblems(endpointConflicts(params, { vpcId: current.ExistingVpc, endpoints: await vpcEndpointFacts(ec2, current.ExistingVpc) }, region));
  }
  const moving = changes.length === 0 && !resuming ? behind : apps;
  const plan = {
    operation: OPERATION,
    key,
    command: `racknet rack params set ${key} -r ${rack.rack}`,
    stacks: [rack.name, ...apps.map((app) => app.name)],
    steps: [
      ...(leavingPrivate ? apps.map((app) => ({ id: `first:${app.app}`, what: `app ${app.app}: to the public subnets, before the NAT gateways go` })) : []),
      { id: "rack", what: `rack ${rack.rack} set to ${key}` },
      ...moving.map((app) => ({ id: `app:${app.app}`, what: `app ${app.app}: onto the rack's new facts` })),
    ],
  };
  return runOperation(context, scope, plan, async ({ journal }) => {
    let outcome: DeployOutcome["kind"] = "applied";
    let shown: { plan?: PlanJson } = {};
    let updatedStack: StackInfo | undefined;
    if (changes.length === 0 && !journal.isDone("rack")) await journal.done("rack", "the rack already had it");
    if (!journal.isDone("rack")) {
      const updated = await updateRack(context, rack, apps, { params, changes, planned }, journal, atOnce);
      outcome = updated.outcome.kind;
      shown = updated.plan ? { plan: updated.plan } : {};
      if (updated.outcome.kind === "applied") updatedStack = updated.outcome.stack;
      if (outcome === "dry-run") return { rack: rack.rack, changes, outcome, apps: [], ...shown };
      await journal.done("rack");
    }
    // The rack as its update left it (the engine's last read), else read again; its apps beside it.
    const [refreshed, current] = await Promise.all([updatedStack ? rackInfo(updatedStack, rack.rack) : resolveRack(context), context.aws.cloudFormation().then((cfn) => listApps(cfn, rack.rack))]);
    const reports = await moveApps(context, refreshed, current, journal, atOnce);
    return { rack: rack.rack, changes, outcome, apps: reports, ...shown };
  });
}

/** The rack's own change set; Private=No first moves each app to the public subnets (after the go-ahead, before it runs). */
async function updateRack(
  context: Context,
  rack: RackInfo,
  apps: readonly AppInfo[],
  wanted: { params: RackParams; changes: ParamChange[]; planned: PlannedApp[] },
  journal: Journal,
  atOnce: number,
): Promise<{ outcome: DeployOutcome; plan?: PlanJson }> {
  const { params, changes, planned } = wanted;
  const current = rack.params;
  const [region, derived] = await Promise.all([context.aws.region(), storedDerivedParams(context, rack), renewRackCertificates(context, rack)]);
  const leavingPrivate = current.Private === "Yes" && params.Private === "No";
  // In a VPC the rack was installed into, its own endpoints may already be there (docs/egress.md).
  if (current.ExistingVpc !== "" && params.VpcEndpoints === "Yes" && current.VpcEndpoints !== "Yes") {
    const [ec2, region] = await Promise.all([context.aws.ec2(), context.aws.region()]);
    assertNoParamProblems(endpointConflicts(params, { vpcId: current.ExistingVpc, endpoints: await vpcEndpointFacts(ec2, current.ExistingVpc) }, region));
  }
  // NAT gateways this change adds (Private=Yes, NatGateways back to PerZone or One): checked against the quotas first.
  const had = new Set(natZones(current, derived.availabilityZones));
  const adding = natZones(params, derived.availabilityZones).filter((zone) => !had.has(zone));
  if (adding.length > 0 && !context.options.dryRun) {
    await refuseOverQuota(context, { zones: derived.availabilityZones, private: true, natZones: adding, newVpc: false }, `rack ${rack.rack}`);
  }
  const egress = { params, before: current, zones: derived.availabilityZones };
  const port = operationPort(context, {
    destroys: natRemovals(changes, azCountOf(rack), egress),
    exposure: { before: exposure(current, planned), after: exposure(params, planned) },
    cost: costOfChange(region, { params: current, azCount: azCountOf(rack), apps: planned }, { params, azCount: azCountOf(rack), apps: planned }),
  });
  const outcome = await deployStack(
    context.aws,
    {
      stackName: rack.name,
      template: { usePrevious: true },
      parameters: parametersTheStackTakes(rack, region, toCfnParameters(params, derived), changes),
      tags: rack.tags,
      capabilities: ["CAPABILITY_IAM"],
      notes: [...rackParameterNotes(changes, azCountOf(rack), region, rack.rack, egress), ...appNotes(apps, changes)],
    },
    {
      port,
      followCommand: rackWaitCommand(rack.rack),
      removeCommand: `racknet rack uninstall ${rack.rack}`,
      what: `rack ${rack.rack}`,
      // Approved: from here on the journal records what changes.
      beforeExecute: async () => {
        if (leavingPrivate) {
          const toPublic = { [RackOutput.ServiceSubnets]: rack.outputs[RackOutput.PublicSubnets] ?? "", [RackOutput.AssignPublicIp]: "ENABLED" };
          const moves = apps.map((app) => ({ id: `first:${app.app}`, app, overrides: toPublic }));
          await moveAppsTogether(context, rack, journal, moves, `moving ${apps.length} app(s) to the public subnets`, atOnce);
          // The private subnets go with the NAT gateways: their tasks' network interfaces must be gone first.
          await waitForSubnetsToEmpty(context, rack, "private-subnets");
        }
        await journal.start("rack");
      },
    },
  );
  if (leavingPrivate && outcome.kind === "applied") await removeLeftoverPrivateSubnets(context, rack);
  return { outcome, ...(port.plans[0] ? { plan: planJson(port.plans[0]) } : {}) };
}

/** Each app onto the rack's current facts, side by side (src/rack-steps/apps-together.ts), each one journaled. */
async function moveApps(context: Context, rack: RackInfo, apps: readonly AppInfo[], journal: Journal, atOnce: number): Promise<AppSyncReport[]> {
  const present = new Set(apps.map((app) => app.app));
  for (const step of journal.remaining()) {
    const name = step.id.startsWith("app:") ? step.id.slice("app:".length) : undefined;
    if (name !== undefined && !present.has(name)) await journal.done(step.id, "the app is gone");
  }
  const moves = apps.map((app) => ({ id: `app:${app.app}`, app }));
  return moveAppsTogether(context, rack, journal, moves, `moving the apps onto rack ${rack.rack}'s new facts`, atOnce);
}

/** What the rules read of a deployed app: its services and its resources. */
/** What the rules need of a deployed app, from its template (one GetTemplate): its metadata, and the timeouts a template from an older racknet tells otherwise. */
async function deployedAppOf(context: Context, app: AppInfo): Promise<DeployedApp> {
  const template = await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name);
  const metadata = appMetadataOf(template, app);
  const timeouts = deployedTimeouts(template, metadata);
  return {
    app: app.app,
    services: metadata.services.map((service) => ({ ...service, ...(timeouts.known[service.name] !== undefined ? { timeout: timeouts.known[service.name] } : {}) })),
    resources: (metadata.resources ?? []).map((resource) => ({ name: resource.name, engine: resource.engine })),
    ...(timeouts.unknown.length > 0 ? { unknownTimeouts: timeouts.unknown } : {}),
  };
}

/** The assignments in canonical spelling and order (`private=yes internal=TRUE` → `Private=Yes Internal=Yes`): what makes two runs the same. */
export function canonicalAssignments(assignments: readonly string[], params: RackParams): string {
  const named = new Set(parseAssignments(assignments).assignments.flatMap((assignment) => findParam(assignment.name)?.name ?? []));
  return PARAMS.filter((spec) => named.has(spec.name)).map((spec) => `${spec.name}=${params[spec.name]}`).join(" ");
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

/**
 * The update reuses the deployed template: a rack installed by an older racknet declares
 * fewer parameters, and CloudFormation refuses one it does not declare. Those are left out,
 * unless the user asked to change one: that is refused, never dropped.
 */
function parametersTheStackTakes(rack: RackInfo, region: string, wanted: Record<string, string>, changes: readonly ParamChange[]): Record<string, string> {
  const declared = new Set(Object.keys(rack.parameters));
  const missing = changes.map((change) => PARAMS.find((spec) => spec.name === change.name)?.cfnName ?? change.name).filter((name) => !declared.has(name));
  if (missing.includes(RackParam.BuildInstance) && !offersCodeBuild(region)) {
    throw new UserError(`BuildInstance cannot be set on rack ${rack.rack}: AWS CodeBuild is not offered in ${region}, so the rack has no build project; nothing was changed`, {
      fix: `leave BuildInstance out: the rack's apps run images (image: in convox.yml, or deploy ${Flag.image} SERVICE=URI)`,
    });
  }
  if (missing.length > 0) {
    // params set keeps the deployed template (UsePreviousTemplate); new parameters and their
    // resources come only with a new template, and no command moves a rack to one yet.
    throw new UserError(`rack ${rack.rack} was installed by an older racknet: its template has no ${missing.join(", ")}; nothing was changed`, {
      fix: `move the rack to this racknet's template with \`racknet rack update -r ${rack.rack}\` (it keeps every parameter and gives ${missing.join(", ")} its default), then run this again`,
    });
  }
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => declared.has(name)));
}
