import { AwsOperationFailed, UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import { appEnvironmentPath, deleteAppCertificates, deleteAppEnvironment } from "../aws/app-leftovers.js";
import { deleteReleases } from "../aws/releases.js";
import { readAppReleases } from "../app-steps/releases.js";
import { deleteRepository } from "../aws/ecr.js";
import { deleteBuildRole } from "../aws/iam.js";
import { pendingOn, refuseConcurrentChangeSet } from "../aws/changeset/preflight.js";
import { deleteStack } from "../aws/delete-stack.js";
import type { AppInfo } from "../aws/stacks.js";
import { APP_NAME_MAX, appStackName, buildRoleName, nameProblem, releasesPath, repositoryName } from "../names/index.js";
import { readJournal, type Journal } from "../safety/journal.js";
import { runOperation } from "../safety/operation.js";
import { readAppMetadata, type AppMetadata } from "../shared-steps/app-metadata.js";
import { removePublicCertificates } from "../app-steps/public-certificates.js";
import type { ResourceRecord } from "../templates/app-contract.js";
import { appCostOfChange, plannedApp } from "../shared-steps/plan-context.js";
import { reconcilePrivateNetwork } from "../rack-steps/private-network.js";
import { findApp, resolveApp, resolveRack, type RackInfo } from "../shared-steps/resolve.js";
import { operationPort, type ReviewPort } from "../shared-steps/review.js";
import { appTaskOwner, stopOwnedTasks } from "../rack-steps/task-stopping.js";
import { releaseFromAppsCertificates } from "../rack-steps/certificates.js";
import type { Context } from "../runtime/context.js";
import { planJson } from "../plan/plan.js";
import { reportFinalSnapshots, type FinalSnapshot } from "../app-steps/final-snapshots.js";
import { appWaitCommand } from "../shared-steps/wait.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet apps delete APP`: refused while another racknet holds the app (its lock) or a
 * racknet change set is pending on the app's stack or the stack is busy; otherwise, journaled,
 * the plan (every resource of the stack goes),
 * the go-ahead (prompt, --yes, --dry-run), its one-off and timer tasks stopped, the stack
 * deleted, then what lives outside it:
 * the app's certificate (only once no listener uses it), its private network names (its
 * tasks are gone with its services), its ECR repository and its stored environment. A run
 * that stops after the stack is gone is finished by running it again (the journal says the
 * stack went; without it the app would be "not found").
 */

/** `racknet apps delete --json`. */
export interface AppDeletion {
  app: string;
  rack: string;
  outcome: "deleted";
  certificates: string[];
  repository: "deleted" | "absent";
  environment: string[];
  /** Each database the deletion removed, and the name of its final snapshot. */
  snapshots?: FinalSnapshot[];
}

const OPERATION = "apps delete";

export async function run(context: Context, args: { app: string }): Promise<Outcome> {
  const problem = nameProblem("app", args.app, APP_NAME_MAX);
  if (problem) throw new UserError(problem);
  const rack = await resolveRack(context);
  const scope = { rack: rack.rack, app: args.app };
  const previous = await readJournal(context, scope);
  // A stopped delete whose stack is already gone: only what lives outside it is left to remove.
  const found = previous?.operation === OPERATION ? await findApp(context, rack, args.app) : await resolveApp(context, rack, args.app);
  const stackGone = !found;
  const app = found ?? goneApp(rack, args.app);
  const what = `app ${app.app} on rack ${rack.rack}`;
  // A dry run takes no lock: another racknet's pending change set means one is at work. A real run holds
  // the app's lock, so a pending racknet change set can only be a dead run's: it is deleted (runOperation).
  if (!stackGone && context.options.dryRun) refuseConcurrentChangeSet(await pendingOn(await context.aws.cloudFormation(), app.name), app, what);
  const metadata = stackGone ? undefined : await readAppMetadata(context, app);
  refuseDeletingResources(metadata?.resources ?? [], app.app, rack.rack, context.options.allowDestroy === true);

  const plan = {
    operation: OPERATION,
    key: app.app,
    command: `racknet apps delete ${app.app} -r ${rack.rack}`,
    stacks: [app.name],
    steps: [
      { id: "stack", what: `stack ${app.name}` },
      { id: "names", what: "its names in the listeners' apps certificates" },
      { id: "certificate", what: "its own certificate (racknet before the apps certificates)" },
      { id: "public-certificates", what: "the public certificates racknet requested for it, and their validation records in the rack's zone" },
      { id: "private-network", what: "its private network names" },
      { id: "repository", what: `ECR repository ${repositoryName(rack.rack, app.app)}` },
      { id: "environment", what: `its environment under ${appEnvironmentPath(app)}/` },
      { id: "releases", what: `its releases under ${releasesPath(rack.rack, app.app)}` },
    ],
  };
  let shown: ReviewPort | undefined;
  let snapshots: FinalSnapshot[] = [];
  const deletion = await runOperation(context, scope, plan, async ({ journal }) => {
    if (stackGone && !journal.isDone("stack")) await journal.done("stack", "already gone");
    if (!journal.isDone("stack")) {
      // Destroying is what was asked for: the command's own go-ahead is enough, as for rack uninstall.
      shown = operationPort(context, { destructiveByName: true, cost: appCostOfChange(await context.aws.region(), rack.params, metadata ? plannedApp(metadata) : undefined, undefined) });
      const outcome = await deleteStack(context.aws, app.name, {
        port: shown,
        followCommand: appWaitCommand(app.app, rack.rack),
        what,
        retainNote: `after the stack, racknet removes the app's certificate, its private network names, its ECR repository ${repositoryName(rack.rack, app.app)} and its environment under ${appEnvironmentPath(app)}/`,
        beforeExecute: async () => {
          await journal.start("stack");
          // Its one-off and timer tasks outlive the stack (which takes their roles) and would hold the rack's cluster.
          await stopOwnedTasks(context, rack, await appTaskOwner(context, app), `racknet apps delete ${app.app}`);
        },
        // Ctrl-C or kill -9 while the stack was being deleted: this run follows that deletion, then removes the rest.
        resumesDeletion: previous?.operation === OPERATION && !context.options.dryRun,
      });
      if (outcome.kind === "dry-run") return undefined;
      if (outcome.kind === "absent") context.printer.info(`stack ${app.name} is already gone; removing what the app left outside it`);
      await journal.done("stack");
      if (outcome.kind === "deleted" && outcome.removed) snapshots = await reportFinalSnapshots(context, app.name, outcome.removed);
    } else if (context.options.dryRun) {
      context.printer.info(`dry run: stack ${app.name} is already gone; would remove the app's certificate, names, ECR repository and environment`);
      return undefined;
    }
    return removeLeftovers(context, rack, app, journal, metadata);
  });
  if (!deletion) {
    // A dry run: the plan it showed is its --json result.
    const shownPlan = shown?.plans[0];
    return { changesPending: shownPlan !== undefined, json: { app: app.app, rack: rack.rack, outcome: "dry-run", ...(shownPlan ? { plan: planJson(shownPlan) } : {}) } };
  }
  context.printer.success(`app ${app.app} deleted from rack ${rack.rack}`);
  const shownPlan = shown?.plans[0];
  return { json: { ...deletion, ...(snapshots.length > 0 ? { snapshots } : {}), ...(shownPlan ? { plan: planJson(shownPlan) } : {}) } };
}

/** The app as racknet knows it once its stack is gone: its names, no stack id. */
function goneApp(rack: RackInfo, app: string): AppInfo {
  return { name: appStackName(rack.rack, app), id: "", status: "DELETE_COMPLETE", parameters: {}, outputs: {}, tags: {}, rack: rack.rack, app };
}

/** Each leftover is tried even when another fails; what could not be removed is one error at the end (exit 3). */
async function removeLeftovers(context: Context, rack: RackInfo, app: AppInfo, journal: Journal, metadata: AppMetadata | undefined): Promise<AppDeletion> {
  const ref = { rack: rack.rack, app: app.app };
  const remaining: string[] = [];
  const fixes: string[] = [];
  // Each leftover is a journal step: Ctrl-C stops between them, a rerun skips what is done.
  const attempt = async <T>(id: string, what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    if (journal.isDone(id)) return fallback;
    await journal.start(id);
    try {
      const result = await work();
      await journal.done(id);
      return result;
    } catch (error) {
      remaining.push(`${what} (${error instanceof Error ? error.message : String(error)})`);
      await journal.failed(id);
      return fallback;
    }
  };

  // Its names leave the listeners' apps certificate; a certificate of its own (racknet before that) goes.
  await attempt("names", "the app's names in the rack's apps certificates", () => releaseFromAppsCertificates(context, rack, app.app), undefined);
  const certificates = await attempt("certificate", "the app's certificate", async () => deleteAppCertificates(await context.aws.acm(), ref, { sleep: (ms) => context.clock.sleep(ms) }), { deleted: [], inUse: [] });
  for (const arn of certificates.deleted) context.printer.step(`deleted certificate ${arn}`);
  for (const arn of certificates.inUse) {
    remaining.push(`certificate ${arn} (ACM still reports it in use)`);
    fixes.push(`aws acm delete-certificate --certificate-arn ${arn}`);
  }

  const domains = (metadata?.services ?? []).flatMap((service) => service.domains ?? []);
  const publicRemoval = await attempt("public-certificates", "its public certificates and validation records", () => removePublicCertificates(context, rack, app.app, domains), { deleted: [], inUse: [], records: [] });
  for (const arn of publicRemoval.deleted) context.printer.step(`deleted certificate ${arn}`);
  if (publicRemoval.records.length > 0) context.printer.step(`deleted ${publicRemoval.records.length} validation record(s) from zone ${rack.params.HostedZoneId}: ${publicRemoval.records.join(", ")}`);
  for (const arn of publicRemoval.inUse) {
    remaining.push(`certificate ${arn} (ACM still reports it in use)`);
    fixes.push(`aws acm delete-certificate --certificate-arn ${arn}`);
  }

  // Best effort by design: the rack's sync function removes the names on the tasks' next change anyway
  // (and a resumed delete no longer knows the stack's id the names are made of).
  await attempt("private-network", "its private network names", async () => (app.id ? reconcilePrivateNetwork(context, rack, [app]) : undefined), undefined);

  // Someone else's repository of that name is refused by deleteRepository, and so listed below.
  let repository: AppDeletion["repository"] = "absent";
  await attempt("repository", `ECR repository ${repositoryName(ref.rack, ref.app)}`, async () =>
    deleteRepository(await context.aws.ecr(), ref, (event) => {
      if (event.type !== "repository-deleted") return;
      repository = "deleted";
      context.printer.step(`deleted ECR repository ${event.repository} and its images`);
    }), undefined);

  const region = await context.aws.region();
  const roleOwner = { region, ...ref };
  await attempt("build-role", `IAM role ${buildRoleName(region, ref.rack, ref.app)}`, async () => {
    if (await deleteBuildRole(await context.aws.iam(), roleOwner)) context.printer.step(`deleted IAM role ${buildRoleName(region, ref.rack, ref.app)}, the app's build role`);
  }, undefined);

  const environment = await attempt("environment", `the environment under ${appEnvironmentPath(ref)}/`, async () => deleteAppEnvironment(await context.aws.ssm(), ref), { deleted: [], kept: [] });
  if (environment.deleted.length > 0) context.printer.step(`deleted ${environment.deleted.length} stored environment value(s) under ${appEnvironmentPath(ref)}/`);
  if (environment.kept.length > 0) context.printer.warn(`kept ${environment.kept.join(", ")}: not tagged as this app's, so racknet did not store them`);

  const releases = await attempt("releases", `its releases under ${releasesPath(ref.rack, ref.app)}`, async () => {
    const numbers = (await readAppReleases(context, ref)).map((release) => release.number);
    await deleteReleases(await context.aws.ssm(), ref, numbers);
    return numbers.length;
  }, 0);
  if (releases > 0) context.printer.step(`deleted ${releases} release(s) under ${releasesPath(ref.rack, ref.app)}`);

  if (remaining.length > 0) {
    throw new AwsOperationFailed(`app ${app.app}'s stack is deleted, but these remain: ${remaining.join("; ")}`, {
      fix: fixes.length > 0 ? `delete them when AWS allows: ${fixes.map((fix) => `\`${fix}\``).join(", ")}` : "check each reason above (permissions for ACM, ECR and SSM; a resource racknet did not make, which it leaves alone)",
    });
  }
  return { app: app.app, rack: rack.rack, outcome: "deleted", certificates: [...certificates.deleted, ...publicRemoval.deleted], repository, environment: environment.deleted };
}

/**
 * Deleting the app deletes its databases and caches: the command's own go-ahead is not enough
 * for data (issue 29), as a deploy that removes one needs --allow-destroy. RDS instances and
 * Redis groups keep a final snapshot (DeletionPolicy: Snapshot); Memcached keeps nothing.
 */
function refuseDeletingResources(resources: readonly ResourceRecord[], app: string, rack: string, allowDestroy: boolean): void {
  if (resources.length === 0 || allowDestroy) return;
  const names = resources.map((resource) => `${resource.name} (${resource.engine})`).join(", ");
  throw new UserError(`deleting app ${app} deletes its resources ${names}; RDS databases and Redis caches keep a final snapshot, Memcached keeps nothing`, {
    fix: `racknet apps delete ${app} -r ${rack} ${Flag.allowDestroy}`,
  });
}
