import type { Context } from "../runtime/context.js";
import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import { RackParam, applyAssignments, defaultParams, findParam, parseAssignments, toCfnParameters } from "../rack/params.js";
import { offersCodeBuild } from "../rack/regions.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { fullRackTemplate } from "../rack-steps/rack-template.js";
import { RackParameter } from "../names/rack-parameters.js";
import { Flag } from "../names/flags.js";

/** CloudFormation's limit on a template body passed inline (`--template-file` without `--s3-bucket`). */
export const INLINE_TEMPLATE_MAX_BYTES = 51_200;

/**
 * `racknet rack template [K=V ...] [--minify]`, offline: the template racknet deploys, with the
 * given parameters as its defaults, on stdout. On stderr, what deploying it without racknet
 * takes (docs/rack-template.md, "`aws cloudformation deploy` with `racknet rack template`"):
 * the result is not a rack racknet manages (no CA, no tags).
 */
export async function run(context: Context, args: { params: string[]; minify?: boolean }): Promise<Outcome> {
  const { params, problems } = applyAssignments(defaultParams(), args.params, "install");
  assertNoParamProblems(problems);
  // The zones, the certificates and the sync function's concurrency are chosen at install,
  // against the account: the template leaves them to whoever deploys it.
  const { [RackParameter.AvailabilityZones]: _zones, [RackParameter.AvailabilityZoneCount]: _count, SyncReservedConcurrency: _sync, ...defaults } = toCfnParameters(params, { availabilityZones: [], rackCertificateArn: "" });
  // A Region given with --region may lack CodeBuild: its template has no build resources, and no BuildInstance to set.
  const region = context.options.region;
  if (region && !offersCodeBuild(region) && parseAssignments(args.params).assignments.some((assignment) => findParam(assignment.name)?.name === RackParam.BuildInstance)) {
    throw new UserError(`BuildInstance cannot be set in ${region}: AWS CodeBuild is not offered there, so the rack's template has no build project`, { fix: "leave BuildInstance out" });
  }
  const template = fullRackTemplate(defaults, region ? { region } : {});
  const minified = JSON.stringify(template);
  const body = args.minify ? minified : JSON.stringify(template, null, 2);
  const bytes = Buffer.byteLength(body);
  // The whole template, always: over the inline limit `deploy` takes it through S3 (--s3-bucket), as racknet does.
  const size =
    bytes <= INLINE_TEMPLATE_MAX_BYTES
      ? `${bytes} bytes: within the ${INLINE_TEMPLATE_MAX_BYTES} bytes --template-file takes`
      : Buffer.byteLength(minified) <= INLINE_TEMPLATE_MAX_BYTES
        ? `${bytes} bytes: over the ${INLINE_TEMPLATE_MAX_BYTES} bytes --template-file takes; print it with ${Flag.minify}, or deploy with --s3-bucket`
        : `${bytes} bytes: over the ${INLINE_TEMPLATE_MAX_BYTES} bytes --template-file takes inline, even minified; deploy it with --s3-bucket BUCKET (a template read from S3 may have 1 MB)`;
  return {
    raw: body,
    notes: [
      `the template racknet deploys, for review (${size}). \`aws cloudformation deploy\` of it also needs --capabilities CAPABILITY_IAM and --parameter-overrides RackCertificateArn=<ACM certificate ARN> AvailabilityZones=<zone>,<zone>[,<zone>] AvailabilityZoneCount=<2|3>; the stack it makes has no rack CA and is not a rack racknet manages (use \`racknet rack install\`)`,
    ],
  };
}
