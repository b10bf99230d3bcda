import type { Context } from "../runtime/context.js";
import { AwsOperationFailed, UserError } from "../core/errors.js";
import { KIND_TAG, RACK_NAME_MAX, RACK_TAG, VERSION_TAG, nameProblem, rackCertificateNames, rackStackName } from "../names/index.js";
import { applyAssignments, defaultParams, toCfnParameters, type RackParams } from "../rack/params.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { planJson } from "../plan/plan.js";
import { renderTemplate } from "../templates/cfn.js";
import { racknetVersion } from "../version.js";
import { describeStack } from "../aws/stacks.js";
import { describeZones } from "../aws/zones.js";
import { unreservedConcurrency } from "../aws/lambda.js";
import { chooseAvailabilityZones } from "../rack/zones.js";
import { appsCertificateNames } from "../templates/rack-certificates.js";
import { syncReservedConcurrency } from "../templates/rack-quotas.js";
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
  const [existing, zoneList, region, unreserved] = await Promise.all([
    describeStack(cfn, stackName),
    context.aws.ec2().then(describeZones),
    context.aws.region(),
    context.aws.lambda().then(unreservedConcurrency),
  ]);
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
  const chosen = chooseAvailabilityZones(region, zoneList);
  if ("problem" in chosen) throw new UserError(chosen.problem, { fix: chosen.fix });
  const azCount = chosen.zones.length;
  const certificates = context.options.dryRun ? dryRunCertificates(region) : await createRackCertificates(context, args.name);
  const defaults = defaultParams();
  const changes = (Object.keys(params) as (keyof RackParams)[])
    .filter((name) => params[name] !== defaults[name])
    .map((name) => ({ name, from: defaults[name], to: params[name] }));
  const port = operationPort(context, {
    exposure: { before: exposure(undefined, []), after: exposure(params, []), stackExists: false },
    cost: costOfChange(region, undefined, { params, azCount, apps: [] }),
  });
  try {
    const outcome = await deployStack(
      context.aws,
      {
        stackName,
        template: { body: renderTemplate(fullRackTemplate()) },
        parameters: toCfnParameters(params, {
          availabilityZones: chosen.zones,
          rackCertificateArn: certificates.rack,
          internalAppsCertificateArn: certificates.internalApps,
          routerAppsCertificateArn: certificates.routerApps,
          syncReservedConcurrency: syncReservedConcurrency(unreserved),
        }),
        tags: { [KIND_TAG]: "rack", [RACK_TAG]: args.name, [VERSION_TAG]: racknetVersion() },
        capabilities: ["CAPABILITY_IAM"],
        notes: [
          ...(context.options.dryRun ? ["the rack's certificate authority and certificate will be created (SSM Parameter Store and ACM)"] : []),
          ...rackParameterNotes(changes, azCount, region, args.name),
        ],
      },
      {
        port,
        followCommand: `racknet rack -r ${args.name}`,
        what: `rack ${args.name}`,
      },
    );
    if (outcome.kind !== "applied" && certificates.created) await removeRackCa(context, args.name);
    const plan = port.plans[0] ? planJson(port.plans[0]) : undefined;
    printRackOutcome(context.printer, region, args.name, "installed", outcome.kind === "applied" ? { kind: "applied", rack: rackInfo(outcome.stack, args.name) } : outcome, plan);
  } catch (error) {
    const left = await describeStack(cfn, stackName).catch(() => undefined);
    if (certificates.created && !left) {
      await removeRackCa(context, args.name).catch(() => undefined);
    }
    throw left && FAILED_CREATE.has(left.status) ? removeWithUninstall(error, args.name) : error;
  }
}

/** What a creation that failed leaves: a stack CloudFormation cannot update, only delete. */
const FAILED_CREATE = new Set(["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED"]);

/** A failed install is undone by `rack uninstall`, which also removes the rack's CA and certificates. */
function removeWithUninstall(error: unknown, rack: string): unknown {
  if (!(error instanceof AwsOperationFailed)) return error;
  return new AwsOperationFailed(error.message, { fix: `remove what is left with \`racknet rack uninstall ${rack}\`, fix the cause, then install again`, cause: error });
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

interface RackCertificates {
  rack: string;
  internalApps: string;
  routerApps: string;
  /** True when this install made the CA (a run that ends without a stack removes it). */
  created: boolean;
}

/**
 * The CA, the rack's default certificate, and the two listeners' apps certificates (their
 * first name only until an app comes: docs/rack-template.md, "Certificates").
 */
async function createRackCertificates(context: Context, rack: string): Promise<RackCertificates> {
  const ca = await ensureRackCa(context, rack);
  const [rackArn, internalApps, routerApps] = await Promise.all([
    ensureCertificate(context, { rack, dnsNames: rackCertificateNames(rack) }),
    ensureCertificate(context, { rack, kind: "internal-apps", dnsNames: appsCertificateNames("internal", rack, []) }),
    ensureCertificate(context, { rack, kind: "router-apps", dnsNames: appsCertificateNames("router", rack, []) }),
  ]);
  return { rack: rackArn, internalApps, routerApps, created: ca.created };
}

/** A dry run makes nothing: the plan is computed with placeholders where the certificates will be. */
function dryRunCertificates(region: string): RackCertificates {
  const arn = (name: string) => `arn:aws:acm:${region}:000000000000:certificate/racknet-dry-run-${name}`;
  return { rack: arn("rack"), internalApps: arn("internal-apps"), routerApps: arn("router-apps"), created: false };
}
