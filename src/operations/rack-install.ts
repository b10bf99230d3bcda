import type { Context } from "../runtime/context.js";
import { UserError } from "../core/errors.js";
import { KIND_TAG, RACK_NAME_MAX, RACK_TAG, VERSION_TAG, nameProblem, rackCertificateNames, rackStackName } from "../names/index.js";
import { applyAssignments, defaultParams, toCfnParameters, type RackParams } from "../rack/params.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { renderTemplate } from "../templates/cfn.js";
import { racknetVersion } from "../version.js";
import { describeStack } from "../aws/stacks.js";
import { availableZoneNames } from "../aws/zones.js";
import { deployStack } from "../aws/changeset/deploy.js";
import { ensureCertificate, ensureRackCa, removeRackCa } from "../steps/certificates.js";
import { operationPort } from "../steps/review.js";
import { rackInfo } from "../steps/resolve.js";
import { costOfChange, exposure } from "../steps/plan-context.js";
import { fullRackTemplate } from "../steps/rack-template.js";
import { printRackOutcome } from "../ui/rack-summary.js";

export interface InstallArgs {
  name: string;
  params: string[];
  private: boolean;
}

/**
 * `racknet rack install NAME [--private] [K=V ...]`: validate, refuse an existing rack,
 * create the rack CA and its certificate (every HTTPS listener needs it), then the stack
 * through a change set. A run that ends without a stack removes the CA it created, so
 * nothing is left behind.
 */
export async function run(context: Context, args: InstallArgs): Promise<void> {
  const params = validateInstall(args);
  const stackName = rackStackName(args.name);
  const cfn = await context.aws.cloudFormation();
  // Reads only, side by side: the EC2 client alone takes a while to load.
  const [existing, zones, region] = await Promise.all([describeStack(cfn, stackName), context.aws.ec2().then(availableZoneNames), context.aws.region()]);
  if (existing?.status === "ROLLBACK_COMPLETE") {
    throw new UserError(`rack ${args.name} exists but its creation failed and was rolled back (ROLLBACK_COMPLETE); nothing was changed`, {
      fix: `delete it with \`racknet rack uninstall ${args.name}\`, then install again`,
    });
  }
  if (existing && existing.status !== "REVIEW_IN_PROGRESS") {
    throw new UserError(`rack ${args.name} already exists (${existing.status})`, {
      fix: `change it with \`racknet rack params set K=V -r ${args.name}\`, or pick another name`,
    });
  }
  if (zones.length < 2) {
    throw new UserError(`region ${region} offers ${zones.length} availability zone(s); a rack needs at least two`, {
      fix: "install the rack in another region with --region",
    });
  }
  const azCount = zones.length >= 3 ? 3 : 2;
  const certificate = context.options.dryRun
    ? { arn: `arn:aws:acm:${region}:000000000000:certificate/racknet-dry-run`, created: false }
    : await createRackCertificate(context, args.name);
  const defaults = defaultParams();
  const changes = (Object.keys(params) as (keyof RackParams)[])
    .filter((name) => params[name] !== defaults[name])
    .map((name) => ({ name, from: defaults[name], to: params[name] }));
  try {
    const outcome = await deployStack(
      context.aws,
      {
        stackName,
        template: { body: renderTemplate(fullRackTemplate()) },
        parameters: toCfnParameters(params, { availabilityZoneCount: azCount, rackCertificateArn: certificate.arn }),
        tags: { [KIND_TAG]: "rack", [RACK_TAG]: args.name, [VERSION_TAG]: racknetVersion() },
        capabilities: ["CAPABILITY_IAM"],
        notes: [
          ...(context.options.dryRun ? ["the rack's certificate authority and certificate will be created (SSM Parameter Store and ACM)"] : []),
          ...rackParameterNotes(changes, azCount, region),
        ],
      },
      {
        port: operationPort(context, {
          exposure: { before: exposure(undefined, []), after: exposure(params, []), stackExists: false },
          cost: costOfChange(region, undefined, { params, azCount, apps: [] }),
        }),
        followCommand: `racknet rack -r ${args.name}`,
        what: `rack ${args.name}`,
      },
    );
    if (outcome.kind !== "applied" && certificate.created) await removeRackCa(context, args.name);
    printRackOutcome(context.printer, region, args.name, "installed", outcome.kind === "applied" ? { kind: "applied", rack: rackInfo(outcome.stack, args.name) } : outcome);
  } catch (error) {
    if (certificate.created && !(await describeStack(cfn, stackName).catch(() => undefined))) {
      await removeRackCa(context, args.name).catch(() => undefined);
    }
    throw error;
  }
}

/** Everything that needs no AWS call: the rack name and every parameter. */
export function validateInstall(args: InstallArgs): RackParams {
  const problem = nameProblem("rack", args.name, RACK_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "choose a name like `production` or `staging-eu`" });
  const assignments = args.private ? ["Private=Yes", ...args.params] : args.params;
  const { params, problems } = applyAssignments(defaultParams(), assignments, "install");
  assertNoParamProblems(problems);
  return params;
}

async function createRackCertificate(context: Context, rack: string): Promise<{ arn: string; created: boolean }> {
  const ca = await ensureRackCa(context, rack);
  const arn = await ensureCertificate(context, { rack, dnsNames: rackCertificateNames(rack) });
  return { arn, created: ca.created };
}
