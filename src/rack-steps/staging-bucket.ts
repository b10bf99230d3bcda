import type { Context } from "../runtime/context.js";
import { stagingBucket } from "../names/index.js";
import { listRacks } from "../aws/stacks.js";
import type { TemplateBucket } from "../aws/changeset/types.js";
import { callerAccount, makeStagingBucket, removeStagingBucket, stagingBucketExists, stagingBucketState, type StagingBucket, type StagingBucketState } from "../aws/staging-bucket.js";

/**
 * The template staging bucket (docs/decisions.md, "The rack template through S3"): where a
 * rack template over CloudFormation's 51,200-byte inline limit goes before the rack has a
 * bucket of its own. One per account and region, made by the first install that needs it,
 * removed by whatever leaves the region without a rack (the last uninstall, or an install
 * that ends without its stack).
 */

/** A template upload older than this is a leftover (CreateChangeSet reads it within seconds); a newer one is another install's, in flight. */
const STALE_UPLOAD_MS = 10 * 60 * 1000;

export interface PreparedStaging {
  bucket: StagingBucket;
  /** True when this run made it (the plan says so). */
  created: boolean;
  /** What the change-set engine uploads through. */
  target: TemplateBucket;
}

/** The account's staging bucket in this region and where it stands: reads only, so they may go out beside a command's first reads. */
export interface StagingRead {
  bucket: StagingBucket;
  state: StagingBucketState;
}

export async function readStagingBucket(context: Context): Promise<StagingRead> {
  const [bucket, s3] = await Promise.all([stagingBucketOfAccount(context), context.aws.s3()]);
  return { bucket, state: await stagingBucketState(s3, bucket) };
}

/**
 * The account's staging bucket in this region, made (or its settings stated again) now unless
 * it is marked ready (`read`, from `readStagingBucket`; absent: read here).
 */
export async function prepareStagingBucket(context: Context, read?: StagingRead): Promise<PreparedStaging> {
  const [{ bucket, state }, s3] = await Promise.all([read ?? readStagingBucket(context), context.aws.s3()]);
  const created = state === "ready" ? false : await makeStagingBucket(s3, bucket, state);
  return { bucket, created, target: { name: bucket.name, expectedOwner: bucket.owner, remake: async () => void (await makeStagingBucket(s3, bucket, "absent")) } };
}

/**
 * Called once a rack is gone, or an install ended without one: with no rack left in the
 * region the staging bucket goes too; with racks left it stays, and the user is told why.
 * Never the error of the command (the rack's own work is done): a failure is a warning that
 * names the command to finish it.
 */
export async function releaseStagingBucket(context: Context): Promise<void> {
  let bucket: StagingBucket | undefined;
  try {
    const [found, s3] = await Promise.all([stagingBucketOfAccount(context), context.aws.s3()]);
    bucket = found;
    // Most accounts never need it: one HeadBucket, and the region's racks are listed only when it is there.
    if (!(await stagingBucketExists(s3, bucket))) return;
    const racks = await context.aws.cloudFormation().then(listRacks);
    if (racks.length > 0) {
      context.printer.info(`the template staging bucket ${bucket.name} stays: ${racks.length} other rack(s) in ${bucket.region} use it (${racks.map((rack) => rack.name).join(", ")}); the last rack's uninstall removes it`);
      return;
    }
    const outcome = await removeStagingBucket(s3, bucket, STALE_UPLOAD_MS);
    if (outcome === "removed") context.printer.step(`removed the template staging bucket ${bucket.name} (no rack is left in ${bucket.region})`);
    if (outcome === "in-use") {
      context.printer.warn(`kept the template staging bucket ${bucket.name}: it holds objects racknet did not leave there just now (a template another install is uploading, or objects of your own); once no racknet runs, \`aws s3 rb s3://${bucket.name} --force\` removes it`);
    }
  } catch (error) {
    const name = bucket?.name ?? "racknet-staging-<account>-<region>-an";
    context.printer.warn(`could not check the template staging bucket ${name}: ${error instanceof Error ? error.message : String(error)}; if no rack is left in this region, \`aws s3 rb s3://${name} --force\` removes it`);
  }
}

/** GetCallerIdentity once a run (per set of clients): the staging bucket's name and install's key policy both need the account. */
const callers = new WeakMap<object, Promise<{ account: string; partition: string }>>();
export function accountOf(context: Context): Promise<{ account: string; partition: string }> {
  let caller = callers.get(context.aws);
  if (!caller) {
    caller = context.aws.sts().then(callerAccount);
    callers.set(context.aws, caller);
  }
  return caller;
}

async function stagingBucketOfAccount(context: Context): Promise<StagingBucket> {
  const [{ account, partition }, region] = await Promise.all([accountOf(context), context.aws.region()]);
  return { ...stagingBucket(account, region), owner: account, region, partition };
}
