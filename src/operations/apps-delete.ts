import { AwsOperationFailed, UserError } from "../core/errors.js";
import { appEnvironmentPath, deleteAppCertificates, deleteAppEnvironment } from "../aws/app-leftovers.js";
import { deleteRepository } from "../aws/ecr.js";
import { refuseConcurrentChangeSet } from "../aws/changeset/preflight.js";
import { deleteStack } from "../aws/delete-stack.js";
import type { AppInfo } from "../aws/stacks.js";
import { APP_NAME_MAX, nameProblem, repositoryName } from "../names/index.js";
import { readAppMetadata } from "../steps/app-metadata.js";
import { appCostOfChange, plannedApp } from "../steps/plan-context.js";
import { reconcilePrivateNetwork } from "../steps/private-network.js";
import { resolveApp, resolveRack, type RackInfo } from "../steps/resolve.js";
import { operationPort } from "../steps/review.js";
import { releaseFromAppsCertificates } from "../steps/certificates.js";
import type { Context } from "../runtime/context.js";
import { planJson } from "../plan/plan.js";

/**
 * `racknet apps delete APP`: refused while another racknet change set is pending on the
 * app's stack or the stack is busy; otherwise the plan (every resource of the stack goes),
 * the go-ahead (prompt, --yes, --dry-run), the stack deleted, then what lives outside it:
 * the app's certificate (only once no listener uses it), its private network names (its
 * tasks are gone with its services), its ECR repository and its stored environment.
 */

/** `racknet apps delete --json`. */
export interface AppDeletion {
  app: string;
  rack: string;
  outcome: "deleted";
  certificates: string[];
  repository: "deleted" | "absent";
  environment: string[];
}

export async function run(context: Context, args: { app: string }): Promise<void> {
  const problem = nameProblem("app", args.app, APP_NAME_MAX);
  if (problem) throw new UserError(problem);
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, args.app);
  const what = `app ${app.app} on rack ${rack.rack}`;
  await refuseConcurrentChangeSet(await context.aws.cloudFormation(), app, what);
  const metadata = await readAppMetadata(context, app);

  // Destroying is what was asked for: the command's own go-ahead is enough, as for rack uninstall.
  const port = operationPort(context, { destructiveByName: true, cost: appCostOfChange(await context.aws.region(), rack.params, plannedApp(metadata), undefined) });
  const outcome = await deleteStack(context.aws, app.name, {
    port,
    followCommand: `racknet apps -r ${rack.rack}`,
    what,
    retainNote: `after the stack, racknet removes the app's certificate, its private network names, its ECR repository ${repositoryName(rack.rack, app.app)} and its environment under ${appEnvironmentPath(app)}/`,
  });
  const plan = port.plans[0] ? { plan: planJson(port.plans[0]) } : {};
  if (outcome.kind === "dry-run") {
    context.printer.result({ app: app.app, rack: rack.rack, outcome: "dry-run", ...plan }, () => undefined);
    return;
  }
  if (outcome.kind === "absent") context.printer.info(`stack ${app.name} is already gone; removing what the app left outside it`);

  const deletion = await removeLeftovers(context, rack, app);
  context.printer.success(`app ${app.app} deleted from rack ${rack.rack}`);
  context.printer.result({ ...deletion, ...plan }, () => undefined);
}

/** Each leftover is tried even when another fails; what could not be removed is one error at the end (exit 3). */
async function removeLeftovers(context: Context, rack: RackInfo, app: AppInfo): Promise<AppDeletion> {
  const ref = { rack: rack.rack, app: app.app };
  const remaining: string[] = [];
  const fixes: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      remaining.push(`${what} (${error instanceof Error ? error.message : String(error)})`);
      return fallback;
    }
  };

  // Its names leave the listeners' apps certificate; a certificate of its own (racknet before that) goes.
  await attempt("the app's names in the rack's apps certificates", () => releaseFromAppsCertificates(context, rack, app.app), undefined);
  const certificates = await attempt("the app's certificate", async () => deleteAppCertificates(await context.aws.acm(), ref), { deleted: [], inUse: [] });
  for (const arn of certificates.deleted) context.printer.step(`deleted certificate ${arn}`);
  for (const arn of certificates.inUse) {
    remaining.push(`certificate ${arn} (ACM still reports it in use)`);
    fixes.push(`aws acm delete-certificate --certificate-arn ${arn}`);
  }

  // Best effort by design: the rack's sync function removes the names on the tasks' next change anyway.
  await reconcilePrivateNetwork(context, rack, [app]);

  // Someone else's repository of that name is refused by deleteRepository, and so listed below.
  let repository: AppDeletion["repository"] = "absent";
  await attempt(`ECR repository ${repositoryName(ref.rack, ref.app)}`, async () =>
    deleteRepository(await context.aws.ecr(), ref, (event) => {
      if (event.type !== "repository-deleted") return;
      repository = "deleted";
      context.printer.step(`deleted ECR repository ${event.repository} and its images`);
    }), undefined);

  const environment = await attempt(`the environment under ${appEnvironmentPath(ref)}/`, async () => deleteAppEnvironment(await context.aws.ssm(), ref), { deleted: [], kept: [] });
  if (environment.deleted.length > 0) context.printer.step(`deleted ${environment.deleted.length} stored environment value(s) under ${appEnvironmentPath(ref)}/`);
  if (environment.kept.length > 0) context.printer.warn(`kept ${environment.kept.join(", ")}: not tagged as this app's, so racknet did not store them`);

  if (remaining.length > 0) {
    throw new AwsOperationFailed(`app ${app.app}'s stack is deleted, but these remain: ${remaining.join("; ")}`, {
      fix: fixes.length > 0 ? `delete them when AWS allows: ${fixes.map((fix) => `\`${fix}\``).join(", ")}` : "check each reason above (permissions for ACM, ECR and SSM; a resource racknet did not make), then delete what is the app's by hand",
    });
  }
  return { app: app.app, rack: rack.rack, outcome: "deleted", certificates: certificates.deleted, repository, environment: environment.deleted };
}
