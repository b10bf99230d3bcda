/**
 * What `rack uninstall` removes of the rack's builds, after the go-ahead and before the
 * stack goes: the uploaded build contexts under `builds/` in the rack's bucket (S3 refuses to
 * delete a bucket that is not empty) and every ECR repository `<rack>/<app>` tagged as the
 * rack's, with its images (`racknet build` makes one for an app that may never be deployed,
 * so `apps delete` never sees it), and every app's build role under the rack's IAM path. A
 * repository or role of that name that is not tagged as the rack's is left alone.
 */
import { rackRepositoryApps } from "../aws/build-leftovers.js";
import { removeObjectsUnder } from "../aws/template-bucket.js";
import { deleteRepository } from "../aws/ecr.js";
import { deleteBuildRole, rackBuildRoleApps } from "../aws/iam.js";
import { BUILD_SOURCE_PREFIX, buildRoleName } from "../names/index.js";
import { UserError } from "../errors/index.js";
import { BuildPrinter } from "../ui/build-printer.js";
import type { Context } from "../runtime/context.js";
import { APPS_AT_ONCE, eachAtMost } from "./apps-together.js";

export interface BuildLeftovers {
  /** Build contexts removed from the bucket. */
  sources: number;
  /** Apps whose repository was deleted. */
  repositories: string[];
  /** Apps whose build role was deleted. */
  buildRoles: string[];
}

export async function removeBuildLeftovers(context: Context, rack: string, bucket: string | undefined): Promise<BuildLeftovers> {
  const sources = bucket ? await removeObjectsUnder(await context.aws.s3(), bucket, BUILD_SOURCE_PREFIX) : 0;
  if (sources > 0) context.printer.step(`removed ${sources} uploaded build context(s) from ${bucket}`);
  const ecr = await context.aws.ecr();
  const printer = new BuildPrinter(context.printer);
  const apps = await rackRepositoryApps(ecr, rack);
  await eachAtMost(apps, APPS_AT_ONCE, (app) => deleteRepository(ecr, { rack, app }, printer.listener));
  const iam = await context.aws.iam();
  const region = await context.aws.region();
  const roles: string[] = [];
  for (const app of await rackBuildRoleApps(iam, region, rack)) {
    const deleted = await deleteBuildRole(iam, { region, rack, app }).catch((error: unknown) => {
      if (!(error instanceof UserError)) throw error;
      context.printer.warn(`kept IAM role ${buildRoleName(region, rack, app)}: ${error.message}`);
      return false;
    });
    if (!deleted) continue;
    context.printer.step(`deleted IAM role ${buildRoleName(region, rack, app)}, app ${app}'s build role`);
    roles.push(app);
  }
  return { sources, repositories: apps, buildRoles: roles };
}
