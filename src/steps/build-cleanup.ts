/**
 * What `rack uninstall` removes of the rack's builds, after the go-ahead and before the
 * stack goes: the uploaded build contexts under `builds/` in the rack's bucket (S3 refuses to
 * delete a bucket that is not empty) and every ECR repository `<rack>/<app>` tagged as the
 * rack's, with its images (`racknet build` makes one for an app that may never be deployed,
 * so `apps delete` never sees it). A repository of that name that is not tagged as the
 * rack's is left alone.
 */
import { rackRepositoryApps } from "../aws/build-leftovers.js";
import { removeObjectsUnder } from "../aws/template-bucket.js";
import { deleteRepository } from "../aws/ecr.js";
import { BUILD_SOURCE_PREFIX } from "../names/index.js";
import { BuildPrinter } from "../ui/build-printer.js";
import type { Context } from "../runtime/context.js";
import { APPS_AT_ONCE, eachAtMost } from "./apps-together.js";

export interface BuildLeftovers {
  /** Build contexts removed from the bucket. */
  sources: number;
  /** Apps whose repository was deleted. */
  repositories: string[];
}

export async function removeBuildLeftovers(context: Context, rack: string, bucket: string | undefined): Promise<BuildLeftovers> {
  const sources = bucket ? await removeObjectsUnder(await context.aws.s3(), bucket, BUILD_SOURCE_PREFIX) : 0;
  if (sources > 0) context.printer.step(`removed ${sources} uploaded build context(s) from ${bucket}`);
  const ecr = await context.aws.ecr();
  const printer = new BuildPrinter(context.printer);
  const apps = await rackRepositoryApps(ecr, rack);
  await eachAtMost(apps, APPS_AT_ONCE, (app) => deleteRepository(ecr, { rack, app }, printer.listener));
  return { sources, repositories: apps };
}
