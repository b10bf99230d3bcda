import type { Context } from "../core/context.js";
import { UserError } from "../core/errors.js";
import { KIND_TAG, RACK_NAME_MAX, RACK_TAG, VERSION_TAG, nameProblem, rackCertificateNames, rackStackName } from "../names/index.js";
import { applyAssignments, defaultParams, toCfnParameters, type RackParams } from "../rack/params.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { rackTemplate } from "../templates/rack.js";
import { renderTemplate, type Template } from "../templates/cfn.js";
import { racknetVersion } from "../version.js";
import { describeStack } from "../aws/stacks.js";
import { availabilityZoneCount } from "../aws/zones.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { deleteRackCa, deleteRackCertificates, ensureCertificate, ensureRackCa } from "../aws/certificates.js";
import { assertNoParamProblems } from "./param-problems.js";
import { syncFunctionFragments } from "./sync-function.js";

export interface InstallRequest {
  name: string;
  args: string[];
  private: boolean;
}

/** Everything that needs no AWS call: the rack name and every parameter. */
export function validateInstall(request: InstallRequest): RackParams {
  const problem = nameProblem("rack", request.name, RACK_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "choose a name like `production` or `staging-eu`" });
  const args = request.private ? ["Private=Yes", ...request.args] : request.args;
  const { params, problems } = applyAssignments(defaultParams(), args, "install");
  assertNoParamProblems(problems);
  return params;
}

/** The rack's full template as racknet deploys it (also what `racknet rack template` prints). */
export function fullRackTemplate(): Template {
  return rackTemplate({ version: racknetVersion(), extra: syncFunctionFragments() });
}

/**
 * `racknet rack install`: validate, refuse an existing rack, create the rack CA and its
 * certificate (every HTTPS listener needs it), then the stack through a change set.
 * A run that ends without a stack removes the CA it created, so nothing is left behind.
 */
export async function installRack(context: Context, request: InstallRequest): Promise<DeployOutcome> {
  const params = validateInstall(request);
  const stackName = rackStackName(request.name);
  const cfn = await context.aws.cloudFormation();
  // Reads only, side by side: the EC2 client alone takes a while to load.
  const [existing, azCount, region] = await Promise.all([describeStack(cfn, stackName), availabilityZoneCount(context), context.aws.region()]);
  if (existing?.status === "ROLLBACK_COMPLETE") {
    throw new UserError(`rack ${request.name} exists but its creation failed and was rolled back (ROLLBACK_COMPLETE); nothing was changed`, {
      fix: `delete it with \`racknet rack uninstall ${request.name}\`, then install again`,
    });
  }
  if (existing && existing.status !== "REVIEW_IN_PROGRESS") {
    throw new UserError(`rack ${request.name} already exists (${existing.status})`, {
      fix: `change it with \`racknet rack params set K=V -r ${request.name}\`, or pick another name`,
    });
  }
  const certificate = context.options.dryRun
    ? { arn: `arn:aws:acm:${region}:000000000000:certificate/racknet-dry-run`, created: false }
    : await createRackCertificate(context, request.name);
  const defaults = defaultParams();
  const changes = (Object.keys(params) as (keyof RackParams)[])
    .filter((name) => params[name] !== defaults[name])
    .map((name) => ({ name, from: defaults[name], to: params[name] }));
  try {
    const outcome = await deployStack(
      context,
      {
        stackName,
        template: { body: renderTemplate(fullRackTemplate()) },
        parameters: toCfnParameters(params, { availabilityZoneCount: azCount, rackCertificateArn: certificate.arn }),
        tags: { [KIND_TAG]: "rack", [RACK_TAG]: request.name, [VERSION_TAG]: racknetVersion() },
        capabilities: ["CAPABILITY_IAM"],
        notes: [
          ...(context.options.dryRun ? ["the rack's certificate authority and certificate will be created (SSM Parameter Store and ACM)"] : []),
          ...rackParameterNotes(changes, azCount, region),
        ],
      },
      {
        dryRun: context.options.dryRun,
        yes: context.options.yes,
        canPrompt: context.canPrompt,
        followCommand: `racknet rack -r ${request.name}`,
        what: `rack ${request.name}`,
      },
    );
    if (outcome.kind !== "applied" && certificate.created) await removeRackCa(context, request.name);
    return outcome;
  } catch (error) {
    if (certificate.created && !(await describeStack(cfn, stackName).catch(() => undefined))) {
      await removeRackCa(context, request.name).catch(() => undefined);
    }
    throw error;
  }
}

async function createRackCertificate(context: Context, rack: string): Promise<{ arn: string; created: boolean }> {
  const ca = await ensureRackCa(context, rack);
  const arn = await ensureCertificate(context, { rack, dnsNames: rackCertificateNames(rack) });
  return { arn, created: ca.created };
}

export async function removeRackCa(context: Context, rack: string): Promise<void> {
  await deleteRackCertificates(context, rack);
  await deleteRackCa(context, rack);
}
