import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { VERSION_TAG } from "../names/index.js";
import { listApps, type AppInfo, type StackInfo } from "../aws/stacks.js";
import { isInProgress } from "../aws/changeset/monitor.js";
import { isStuck } from "../aws/changeset/preflight.js";
import { recoveryFor } from "../aws/diagnose.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { MAX_TEMPLATE_BODY_BYTES } from "../aws/changeset/create.js";
import type { TemplateBucket } from "../aws/changeset/types.js";
import { renderTemplate } from "../templates/cfn.js";
import { TEMPLATE_VERSION_OUTPUT } from "../templates/rack-version.js";
import { toCfnParameters } from "../rack/params.js";
import { carriedNotes, carryParameters, type CarriedParameter } from "../rack/upgrade.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { racknetVersion } from "../version.js";
import { azCountOf, rackInfo, resolveRack, storedDerivedParams, type RackInfo } from "../shared-steps/resolve.js";
import { costOfChange, exposure, plannedApp } from "../shared-steps/plan-context.js";
import { operationPort } from "../shared-steps/review.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { renewRackCertificates } from "../rack-steps/renewal.js";
import { fullRackTemplate } from "../rack-steps/rack-template.js";
import { rackStanding } from "../rack-steps/rack-standing.js";
import { prepareStagingBucket } from "../rack-steps/staging-bucket.js";
import { factsBehind, type AppSyncReport } from "../rack-steps/apps-sync.js";
import { appsAtOnce, moveAppsTogether } from "../rack-steps/apps-together.js";
import { readJournal, type Journal } from "../safety/journal.js";
import { runOperation } from "../safety/operation.js";
import type { TemplateView } from "../ui/rack-summary.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface RackUpgradeResult {
  rack: string;
  /** The rack's template version before (null: none recorded) and this racknet's, which it moves to. */
  from: string | null;
  to: string;
  outcome: DeployOutcome["kind"];
  /** Parameters the new template adds (given their defaults) and drops; every other stored one is kept as it was. */
  parameters: { added: CarriedParameter[]; dropped: CarriedParameter[] };
  /** Each app moved onto the rack's new facts (or re-rendered, with --apps). */
  apps: AppSyncReport[];
  /** The rack's plan that was shown (a dry run's too), under its section names. */
  plan?: PlanJson;
}

const OPERATION = "rack update";

/**
 * `racknet rack update [--apps]`: the rack moved to this racknet's rack template through one
 * change set (shown, priced, approved like `rack params set`), every stored parameter kept,
 * new ones given their defaults; then each app whose rack facts changed moved onto them.
 * Refused while the rack or one of its apps has an operation running, and when a newer
 * racknet updated the rack (it is never moved back). Locked and journaled: a run that stops
 * half way says where things stand, and running it again does only what is not done.
 */
export async function run(context: Context, args: { apps?: boolean }): Promise<Outcome> {
  const result = await updateRack(context, args.apps ?? false);
  if (result.outcome === "applied") context.printer.success(`rack ${result.rack} updated to racknet's template ${result.to}`);
  return { json: result, changesPending: result.outcome === "dry-run" };
}

async function updateRack(context: Context, withApps: boolean): Promise<RackUpgradeResult> {
  const atOnce = appsAtOnce();
  const [rack, region] = await Promise.all([resolveRack(context), context.aws.region()]);
  const standing = await rackStanding(rack, region);
  refuseAhead(rack.rack, standing);
  const scope = { rack: rack.rack };
  const [apps, previous] = await Promise.all([listApps(await context.aws.cloudFormation(), rack.rack), readJournal(context, scope)]);
  refuseBusy(rack, apps);
  const key = standing.latest + (withApps ? ` ${Flag.apps}` : "");
  const resuming = previous?.operation === OPERATION && previous.key === key;
  const rackCurrent = standing.standing === "current";
  const unchanged = { rack: rack.rack, from: standing.version, to: standing.latest, parameters: { added: [], dropped: [] } };
  // Up to date: only apps a stopped run left behind (or, with --apps, every app) are left to move.
  const behind = rackCurrent ? apps.filter((app) => withApps || factsBehind(rack, app).length > 0) : apps;
  if (rackCurrent && !resuming && behind.length === 0) {
    context.printer.info(`no changes: rack ${rack.rack} already runs this racknet's template ${standing.latest}`);
    return { ...unchanged, outcome: "no-changes", apps: [] };
  }
  const command = `racknet rack update -r ${rack.rack}${withApps ? ` ${Flag.apps}` : ""}`;
  const plan = {
    operation: OPERATION,
    key,
    command,
    stacks: [rack.name, ...apps.map((app) => app.name)],
    // A stopped update to another racknet's template (or without --apps) is finished by this one, its way.
    supersedes: [OPERATION],
    steps: [{ id: "rack", what: `rack ${rack.rack} to template ${standing.latest}` }, ...behind.map((app) => ({ id: `app:${app.app}`, what: appStepWords(app, withApps) }))],
  };
  return runOperation(context, scope, plan, async ({ journal }) => {
    let outcome: DeployOutcome["kind"] | undefined;
    let shown: { plan?: PlanJson } = {};
    let parameters: RackUpgradeResult["parameters"] = { added: [], dropped: [] };
    let updatedStack: StackInfo | undefined;
    if (rackCurrent && !journal.isDone("rack")) await journal.done("rack", "the rack already ran this template");
    if (!journal.isDone("rack")) {
      const updated = await upgradeRackStack(context, rack, apps, withApps, journal);
      outcome = updated.outcome.kind;
      parameters = { added: updated.added, dropped: updated.dropped };
      shown = updated.plan ? { plan: updated.plan } : {};
      if (updated.outcome.kind === "applied") updatedStack = updated.outcome.stack;
      if (outcome === "dry-run") return { ...unchanged, outcome: "dry-run", parameters, apps: [], ...shown };
      await journal.done("rack", outcome === "no-changes" ? "CloudFormation found nothing to change" : undefined);
    }
    // The rack as its update left it (the engine's last read), else read again; its apps beside it.
    const [refreshed, current] = await Promise.all([updatedStack ? rackInfo(updatedStack, rack.rack) : resolveRack(context), context.aws.cloudFormation().then((cfn) => listApps(cfn, rack.rack))]);
    // A dry run of a rack already on this template: only apps would move, and none is moved.
    if (context.options.dryRun) return { ...unchanged, outcome: sayWhatWouldMove(context, refreshed, current, journal), parameters, apps: [], ...shown };
    const reports = await moveApps(context, refreshed, current, journal, atOnce);
    // The rack done before this run (or already current): the outcome is the apps'.
    outcome ??= reports.some((report) => report.outcome === "updated") ? "applied" : "no-changes";
    return { ...unchanged, outcome, parameters, apps: reports, ...shown };
  });
}

/** A newer racknet updated the rack: this one would move it back to an older template. */
function refuseAhead(rack: string, standing: TemplateView): void {
  if (standing.standing !== "ahead") return;
  throw new UserError(`rack ${rack} runs the rack template ${standing.version}, newer than this racknet's ${standing.latest}; nothing was changed`, {
    fix: `use the racknet that updated it (or a newer one): \`racknet --version\` says which this is`,
  });
}

/**
 * The rack and every app must be at rest, and each app updatable: an update now would fail
 * half way (an app CloudFormation refuses to change, after the rack changed), or be refused.
 */
function refuseBusy(rack: RackInfo, apps: readonly AppInfo[]): void {
  const busy = [rack, ...apps].filter((stack) => isInProgress(stack.status));
  if (busy.length > 0) {
    throw new UserError(`rack ${rack.rack} cannot be updated now: ${busy.map((stack) => `stack ${stack.name} is ${stack.status}`).join(", ")}; nothing was changed`, {
      fix: `wait for it to finish (\`aws cloudformation describe-stack-events --stack-name ${busy[0]?.name ?? rack.name}\` follows it), then run this again`,
    });
  }
  const stuck = apps.filter((app) => isStuck(app.status));
  if (stuck.length > 0) {
    const first = stuck[0] as AppInfo;
    throw new UserError(`rack ${rack.rack} cannot be updated now: ${stuck.map((app) => `app ${app.app}: ${recoveryFor(app.status, app.name, `racknet apps delete ${app.app} -r ${rack.rack}`).state}`).join("; ")}; nothing was changed`, {
      fix: recoveryFor(first.status, first.name, `racknet apps delete ${first.app} -r ${rack.rack}`).recovery,
    });
  }
}

function appStepWords(app: AppInfo, withApps: boolean): string {
  return withApps ? `app ${app.app}: through its own change set onto the rack's facts` : `app ${app.app}: onto the rack's new facts`;
}

interface StackUpgrade {
  outcome: DeployOutcome;
  added: CarriedParameter[];
  dropped: CarriedParameter[];
  plan?: PlanJson;
}

/**
 * The rack's own change set: this racknet's whole template (through S3 when it is over
 * CloudFormation's inline limit: the rack's own bucket, else the account's staging bucket),
 * the stored parameters carried over, the stack's version tag brought to this racknet's.
 */
async function upgradeRackStack(context: Context, rack: RackInfo, apps: readonly AppInfo[], withApps: boolean, journal: Journal): Promise<StackUpgrade> {
  const region = await context.aws.region();
  // The template the rack's Region gets (one without CodeBuild has no build resources).
  const template = fullRackTemplate({}, { region });
  const body = renderTemplate(template);
  const [derived, deployed] = await Promise.all([
    storedDerivedParams(context, rack),
    Promise.all(apps.map(async (app) => plannedApp(await readAppMetadata(context, app)))),
    renewRackCertificates(context, rack),
  ]);
  const carried = carryParameters(rack.parameters, template.Parameters, toCfnParameters(rack.params, derived));
  const bucket = Buffer.byteLength(body, "utf8") > MAX_TEMPLATE_BODY_BYTES ? await templateBucketOf(context, rack) : undefined;
  const same = { params: rack.params, azCount: azCountOf(rack), apps: deployed };
  const port = operationPort(context, {
    exposure: { before: exposure(rack.params, deployed), after: exposure(rack.params, deployed) },
    cost: costOfChange(region, same, same),
  });
  const from = rack.outputs[TEMPLATE_VERSION_OUTPUT] ?? "none recorded (installed before racknet recorded it)";
  const outcome = await deployStack(
    context.aws,
    {
      stackName: rack.name,
      template: { body },
      ...(bucket ? { templateBucket: bucket } : {}),
      parameters: carried.values,
      tags: { ...rack.tags, [VERSION_TAG]: racknetVersion() },
      capabilities: ["CAPABILITY_IAM"],
      notes: [
        `rack ${rack.rack} moves from the rack template ${from} to this racknet's ${String(template.Outputs[TEMPLATE_VERSION_OUTPUT]?.Value)}; every parameter it has keeps its value`,
        ...carriedNotes(carried),
        ...appNotes(apps, withApps),
      ],
    },
    {
      port,
      followCommand: `racknet rack -r ${rack.rack}`,
      removeCommand: `racknet rack uninstall ${rack.rack}`,
      what: `rack ${rack.rack}`,
      // Approved: from here on the journal records what changes.
      beforeExecute: () => journal.start("rack"),
    },
  );
  return { outcome, added: carried.added, dropped: carried.dropped, ...(port.plans[0] ? { plan: planJson(port.plans[0]) } : {}) };
}

/**
 * Where a template over 51,200 bytes goes: the rack's own bucket (every rack since the
 * template went through S3 has one, output TemplateBucket), else the account's staging
 * bucket, as an install does (docs/decisions.md, "The rack template through S3").
 */
async function templateBucketOf(context: Context, rack: RackInfo): Promise<TemplateBucket> {
  const own = rack.outputs[RackOutput.TemplateBucket];
  if (own) return own;
  return (await prepareStagingBucket(context)).target;
}

function appNotes(apps: readonly AppInfo[], withApps: boolean): string[] {
  if (apps.length === 0) return [];
  const names = apps.map((app) => app.app).join(", ");
  const next = "each app takes this racknet's app template on its next `racknet deploy`";
  return withApps
    ? [`then each of ${apps.length} app(s) (${names}) is updated through its own change set onto the rack's facts; ${next}`]
    : [`then the app(s) whose rack facts change (of ${names}) move onto them by a rolling deployment; ${next}`];
}

/** The apps a run would move onto the rack's facts, named with what they would take; nothing is changed. */
function sayWhatWouldMove(context: Context, rack: RackInfo, apps: readonly AppInfo[], journal: Journal): DeployOutcome["kind"] {
  const planned = new Set(journal.remaining().map((step) => step.id));
  const moving = apps.flatMap((app) => {
    const behind = factsBehind(rack, app);
    return planned.has(`app:${app.app}`) && behind.length > 0 ? [`${app.app} (${behind.join(", ")})`] : [];
  });
  if (moving.length === 0) {
    context.printer.info(`dry run: rack ${rack.rack} already runs this racknet's template, and every app has its facts: nothing would change`);
    return "no-changes";
  }
  context.printer.info(`dry run: rack ${rack.rack} already runs this racknet's template; these apps would move onto its facts, each through its own change set: ${moving.join(", ")}`);
  return "dry-run";
}

/** Each app the plan moves onto the rack's current facts, side by side (src/rack-steps/apps-together.ts), each one journaled. */
async function moveApps(context: Context, rack: RackInfo, apps: readonly AppInfo[], journal: Journal, atOnce: number): Promise<AppSyncReport[]> {
  const present = new Set(apps.map((app) => app.app));
  for (const step of journal.remaining()) {
    const name = step.id.startsWith("app:") ? step.id.slice("app:".length) : undefined;
    if (name !== undefined && !present.has(name)) await journal.done(step.id, "the app is gone");
  }
  const planned = new Set(journal.record.steps.map((step) => step.id));
  const moves = apps.filter((app) => planned.has(`app:${app.app}`)).map((app) => ({ id: `app:${app.app}`, app }));
  return moveAppsTogether(context, rack, journal, moves, `moving the apps onto rack ${rack.rack}'s new facts`, atOnce);
}
