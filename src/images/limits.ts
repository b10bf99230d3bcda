/**
 * The limits a build context is held to before anything is uploaded (docs/build.md says why).
 *
 * 512 MiB of files: docker has no limit, but every byte goes over the user's uplink to S3
 * on each source change (about 7 minutes at 10 Mbit/s), and a context that large is nearly
 * always a `node_modules`, `.git` or build-output folder that `.dockerignore` should drop.
 * A single S3 PutObject takes up to 5 GB, so the limit is ours, not S3's.
 */
export const MAX_CONTEXT_BYTES = 512 * 1024 * 1024;

/** How many of the largest top-level entries a too-large refusal names. */
export const LARGEST_ENTRIES_SHOWN = 5;

export interface ConcurrentBuildQuota {
  computeType: string;
  code: string;
  name: string;
}

/**
 * CodeBuild's account quota on builds running at once, one per compute type the rack builds
 * on (the rack's BuildInstance), as Service Quotas names them (service code `codebuild`).
 * New accounts may have 1, or 0; builds past the quota queue (up to five times it) or are
 * refused with AccountLimitExceededException (docs/aws-limits.md, "Builds").
 */
const SMALL: ConcurrentBuildQuota = { computeType: "BUILD_GENERAL1_SMALL", code: "L-9D07B6EF", name: "Concurrently running builds for Linux/Small environment" };
const CONCURRENT_BUILD_QUOTAS: readonly ConcurrentBuildQuota[] = [
  SMALL,
  { computeType: "BUILD_GENERAL1_MEDIUM", code: "L-2DC20C30", name: "Concurrently running builds for Linux/Medium environment" },
  { computeType: "BUILD_GENERAL1_LARGE", code: "L-4DDC4A99", name: "Concurrently running builds for Linux/Large environment" },
];

export const CODEBUILD_SERVICE_CODE = "codebuild";

/** The quota on concurrent builds of this compute type (a rack without BuildInstance builds on small). */
export function concurrentBuildQuota(computeType: string): ConcurrentBuildQuota {
  return CONCURRENT_BUILD_QUOTAS.find((quota) => quota.computeType === computeType) ?? SMALL;
}

/** The command that asks for this many concurrent builds of the quota's compute type. */
export function raiseConcurrentBuilds(quota: ConcurrentBuildQuota, region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code ${CODEBUILD_SERVICE_CODE} --quota-code ${quota.code} --desired-value ${desired} --region ${region}`;
}
