/**
 * What some AWS Regions lack that a rack uses. Pure.
 *
 * AWS CodeBuild has no endpoint in these Regions (AWS's endpoint data, botocore's
 * endpoints.json 1.43; cfn-lint 1.51's region schemas lack AWS::CodeBuild::Project in the
 * first three as well): a rack there is installed without its build project, runs images
 * (`image:`, `deploy --image`), and refuses `build:` (docs/decisions.md, "Regions without
 * CodeBuild"; docs/aws-limits.md).
 */
export const REGIONS_WITHOUT_CODEBUILD: readonly string[] = ["ap-east-2", "ca-west-1", "mx-central-1", "us-isob-west-1", "eu-isoe-west-1", "eusc-de-east-1"];

export function offersCodeBuild(region: string): boolean {
  return !REGIONS_WITHOUT_CODEBUILD.includes(region);
}

/**
 * ECR pull-through cache rules are not offered in these Regions (cfn-lint 1.51's region
 * schemas lack AWS::ECR::PullThroughCacheRule there): builds there pull their base images as
 * their Dockerfiles name them.
 */
export const REGIONS_WITHOUT_PULL_THROUGH_CACHE: readonly string[] = ["cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1"];

export function offersPullThroughCache(region: string): boolean {
  return !REGIONS_WITHOUT_PULL_THROUGH_CACHE.includes(region);
}
