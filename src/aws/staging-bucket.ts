import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import { UserError } from "../errors/index.js";
import { KIND_TAG, TEMPLATE_PREFIX } from "../names/index.js";
import { sdk } from "./sdk.js";

/**
 * The template staging bucket's calls (docs/decisions.md, "The rack template through S3"):
 * made by S3 calls, not a stack, because it must exist before the first rack's change set
 * can name a TemplateURL. Every call names the account that must own the bucket (S3's
 * ExpectedBucketOwner): racknet never uploads to, configures or deletes another account's bucket.
 */
export interface StagingBucket {
  name: string;
  /** The account that owns it (and the only one that may). */
  owner: string;
  namespace: "account-regional" | "global";
  region: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: for the policy's ARNs. */
  partition: string;
}

/** How long template uploads may stay: CloudFormation copies a template when CreateChangeSet reads it. */
export const STAGED_TEMPLATE_DAYS = 1;

/** The account the credentials belong to, and its partition (GetCallerIdentity needs no permission). */
export async function callerAccount(sts: STSClient): Promise<{ account: string; partition: string }> {
  const { GetCallerIdentityCommand } = sdk.sts();
  const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error("GetCallerIdentity answered without an account id");
  return { account: Account, partition: Arn?.split(":")[1] || "aws" };
}

/** True when the bucket exists and is the account's; false when there is none. */
export async function stagingBucketExists(s3: S3Client, bucket: StagingBucket): Promise<boolean> {
  const { HeadBucketCommand } = sdk.s3();
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket.name, ExpectedBucketOwner: bucket.owner }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error instanceof Error && error.name === "NotFound")) return false;
    if (status === 403) throw notOurs(bucket, error);
    throw error;
  }
}

/** The bucket as one read finds it: configured to the end, there but not (a run stopped between its calls), or not there. */
export type StagingBucketState = "ready" | "unconfigured" | "absent";

/**
 * One call (GetBucketTagging) says where the bucket stands: its racknet tag is stated last,
 * after every other setting succeeded, so the tag is the marker that the bucket is there and
 * configured. The usual install then makes no other call on the bucket before its upload.
 */
export async function stagingBucketState(s3: S3Client, bucket: StagingBucket): Promise<StagingBucketState> {
  const { GetBucketTaggingCommand } = sdk.s3();
  try {
    const { TagSet = [] } = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket.name, ExpectedBucketOwner: bucket.owner }));
    return TagSet.some((tag) => tag.Key === KIND_TAG && tag.Value === STAGING_KIND) ? "ready" : "unconfigured";
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (error instanceof Error && error.name === "NoSuchTagSet") return "unconfigured";
    if (error instanceof Error && error.name === "NoSuchBucket") return "absent";
    if (status === 403) throw notOurs(bucket, error);
    throw error;
  }
}

const STAGING_KIND = "template-staging";

/**
 * Makes the bucket if there is none, then states its settings (again: a run stopped between
 * CreateBucket and them left S3's defaults, and nothing here fails open): objects owned by the
 * bucket owner (no ACLs), all four public-access blocks, SSE-S3 encryption, a policy that
 * denies every request not made over TLS, uploads expired after a day, and last, once those
 * succeeded, the racknet tag that marks the bucket ready (`stagingBucketState`).
 * Returns whether this call created it.
 */
export async function makeStagingBucket(s3: S3Client, bucket: StagingBucket, known?: StagingBucketState): Promise<boolean> {
  const state = known ?? ((await stagingBucketExists(s3, bucket)) ? "unconfigured" : "absent");
  const created = state === "absent" ? await createBucket(s3, bucket) : false;
  const { PutPublicAccessBlockCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutBucketLifecycleConfigurationCommand, PutBucketTaggingCommand } = sdk.s3();
  const common = { Bucket: bucket.name, ExpectedBucketOwner: bucket.owner };
  await Promise.all([
    s3.send(new PutPublicAccessBlockCommand({ ...common, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })),
    s3.send(new PutBucketEncryptionCommand({ ...common, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] } })),
    s3.send(new PutBucketPolicyCommand({ ...common, Policy: JSON.stringify(tlsOnlyPolicy(`arn:${bucket.partition}:s3:::${bucket.name}`)) })),
    s3.send(
      new PutBucketLifecycleConfigurationCommand({
        ...common,
        LifecycleConfiguration: {
          Rules: [{ ID: "template-uploads", Status: "Enabled", Filter: { Prefix: TEMPLATE_PREFIX }, Expiration: { Days: STAGED_TEMPLATE_DAYS }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
        },
      }),
    ),
  ]);
  await s3.send(new PutBucketTaggingCommand({ ...common, Tagging: { TagSet: [{ Key: KIND_TAG, Value: STAGING_KIND }] } }));
  return created;
}

/** Deny every request that does not come over TLS (aws:SecureTransport false), as the rack bucket's policy does. */
export function tlsOnlyPolicy(arn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
  };
}

async function createBucket(s3: S3Client, bucket: StagingBucket): Promise<boolean> {
  const { CreateBucketCommand } = sdk.s3();
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket.name,
        ObjectOwnership: "BucketOwnerEnforced",
        ...(bucket.namespace === "account-regional" ? { BucketNamespace: "account-regional" } : {}),
        // us-east-1 takes no LocationConstraint (S3 CreateBucket: "us-east-1 ... is the default").
        ...(bucket.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: bucket.region as never } }),
      }),
    );
    return true;
  } catch (error) {
    // Another racknet made it a moment ago: it is ours all the same.
    if (error instanceof Error && error.name === "BucketAlreadyOwnedByYou") return false;
    if (error instanceof Error && error.name === "BucketAlreadyExists") throw notOurs(bucket, error);
    throw error;
  }
}

export type StagingRemoval = "removed" | "absent" | "in-use";

/**
 * Deletes the bucket once nothing uses it: template uploads older than `staleAfterMs` are
 * leftovers (CloudFormation read them long ago) and go; a newer one is another install
 * between its upload and its CreateChangeSet, and anything else in the bucket was not put
 * there by racknet: either keeps the bucket ("in-use"), as S3 refuses to delete a bucket
 * that is not empty.
 */
export async function removeStagingBucket(s3: S3Client, bucket: StagingBucket, staleAfterMs: number, now = Date.now()): Promise<StagingRemoval> {
  const { ListObjectsV2Command, DeleteObjectsCommand, DeleteBucketCommand } = sdk.s3();
  const common = { Bucket: bucket.name, ExpectedBucketOwner: bucket.owner };
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ ...common, Prefix: TEMPLATE_PREFIX, ContinuationToken: token }));
      const stale = (page.Contents ?? []).filter((object) => object.Key && object.LastModified && now - object.LastModified.getTime() > staleAfterMs).map((object) => ({ Key: object.Key }));
      if (stale.length > 0) await s3.send(new DeleteObjectsCommand({ ...common, Delete: { Objects: stale, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await s3.send(new DeleteBucketCommand(common));
    return "removed";
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchBucket") return "absent";
    if (error instanceof Error && error.name === "BucketNotEmpty") return "in-use";
    throw error;
  }
}

function notOurs(bucket: StagingBucket, cause: unknown): UserError {
  return new UserError(`the template staging bucket ${bucket.name} exists but is not this account's (${bucket.owner}), or these credentials may not use it; nothing was changed`, {
    fix: `check that your credentials allow s3:* on ${bucket.name}; if another account owns that name, tell the racknet maintainers (in ${bucket.region} S3 has no account regional namespace to reserve it)`,
    cause,
  });
}
