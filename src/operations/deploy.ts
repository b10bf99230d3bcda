import { appName, type Context } from "../runtime/context.js";
import { UserError, ValidationErrors } from "../core/errors.js";
import { APP_NAME_MAX, APP_TAG, KIND_TAG, RACK_TAG, VERSION_TAG, appCertificateNames, appStackName, nameProblem, privateNetworkId } from "../names/index.js";
import { endpointKinds, visibility, type EndpointKind, type Manifest } from "../manifest/model.js";
import { deploymentRules, environmentValues, loadManifest } from "../manifest/index.js";
import { appTemplate, appParameters } from "../templates/app.js";
import { APP_ID_EXPRESSION } from "../templates/app-contract.js";
import { renderTemplate, type Json } from "../templates/cfn.js";
import { checkAppQuotas } from "../templates/app-quotas.js";
import { racknetVersion } from "../version.js";
import { describeStack } from "../aws/stacks.js";
import type { RackInfo } from "../steps/resolve.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { resolveRack } from "../steps/resolve.js";
import { operationPort } from "../steps/review.js";
import { ensureCertificate, readRackCaCertificate } from "../steps/certificates.js";
import { listenerPriorities } from "../steps/listener-priorities.js";
import { reconcilePrivateNetwork } from "../steps/private-network.js";
import { METADATA_KEY, readAppMetadata, type AppMetadata } from "../steps/app-metadata.js";
import { appCostOfChange, exposure, plannedApp } from "../steps/plan-context.js";
import { planJson, type PlanJson } from "../plan/plan.js";

export interface DeployRequest {
  app: string;
  file: string;
}

/** `racknet deploy [-f convox.yml]`: the app named by -a (or the directory), from the manifest. */
export async function run(context: Context, args: { file: string }): Promise<void> {
  const result = await deployApp(context, { app: appName(context.options), file: args.file });
  if (result.outcome === "applied") context.printer.success(`app ${result.app} deployed to rack ${result.rack}; see \`racknet services -a ${result.app}\``);
  context.printer.result(result, () => undefined);
}

export interface DeployResult {
  app: string;
  rack: string;
  outcome: DeployOutcome["kind"];
  /** The plan that was shown (a dry run's too), under its section names. */
  plan?: PlanJson;
}

/**
 * `racknet deploy`: the manifest is checked on its own, then against the rack (listener
 * rules, CloudFormation's quotas) before anything is written; then the app's certificate,
 * then one change set for the app stack, then the private network names are brought up to date.
 */
async function deployApp(context: Context, request: DeployRequest): Promise<DeployResult> {
  const problem = nameProblem("app", request.app, APP_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "pass -a APP with a valid name" });
  const { manifest, warnings } = await loadManifest(request.file);
  // AWS may quote a container's environment back (a stack event's reason, an error): mask the values first.
  context.printer.conceal(environmentValues(manifest));
  for (const warning of warnings) context.printer.warnProblem(warning);

  const rack = await resolveRack(context);
  const params = rack.params;
  const rackProblems = deploymentRules(manifest, { app: request.app, rack: rack.rack, params });
  if (rackProblems.length > 0) {
    throw new ValidationErrors(`${request.file} cannot be deployed to rack ${rack.rack}; nothing was changed`, rackProblems);
  }

  const stackName = appStackName(rack.rack, request.app);
  const cfn = await context.aws.cloudFormation();
  const existing = await describeStack(cfn, stackName);
  if (existing && existing.tags[KIND_TAG] !== "app") {
    throw new UserError(`a stack named ${stackName} exists and is not a racknet app`, { fix: "choose another app name with -a" });
  }

  // Everything up to here only read AWS: the template is rendered and measured against
  // CloudFormation's quotas before the first write (the app's certificate).
  const [priorities, caCertPem, previous, region] = await Promise.all([
    listenerPriorities(context, rack, request.app, manifest),
    readRackCaCertificate(context, rack.rack),
    existing ? readAppMetadata(context, { ...existing, rack: rack.rack, app: request.app }) : undefined,
    context.aws.region(),
  ]);
  const metadata = appMetadata(rack, request.app, manifest);
  const template = appTemplate({
    rack: rack.rack,
    app: request.app,
    manifest,
    version: racknetVersion(),
    priorities,
    caCertPem,
    extraEnvironment: privateNetworkEnvironment(rack),
  });
  template.Metadata = { ...(template.Metadata ?? {}), [METADATA_KEY]: metadata as unknown as Json };
  const body = renderTemplate(template);
  checkAppQuotas(request.app, manifest, template, body);

  const kinds = usedKinds(manifest);
  const needsAppCertificate = kinds.has("internal") || kinds.has("router");
  const certificateArn = needsAppCertificate ? await appCertificate(context, rack, request.app, kinds.has("router")) : "";

  const before = previous ? plannedApp(previous) : undefined;
  const after = plannedApp(metadata);
  const port = operationPort(context, {
    exposure: { before: exposure(params, before ? [before] : []), after: exposure(params, [after]), stackExists: existing !== undefined },
    cost: appCostOfChange(region, params, before, after),
  });
  const outcome = await deployStack(
    context.aws,
    {
      stackName,
      template: { body },
      parameters: appParameters(rack.rackOutputs, { Domain: params.Domain, AppCertificateArn: certificateArn, RackCaCert: caCertPem }, template),
      tags: { [KIND_TAG]: "app", [RACK_TAG]: rack.rack, [APP_TAG]: request.app, [VERSION_TAG]: racknetVersion() },
      capabilities: ["CAPABILITY_IAM"],
      templateBucket: rack.outputs.TemplateBucket,
    },
    {
      port,
      followCommand: `racknet services -a ${request.app} -r ${rack.rack}`,
      what: `app ${request.app} on rack ${rack.rack}`,
    },
  );
  // Names follow the running containers; a deploy that changed nothing still heals them.
  const deployed = outcome.kind === "applied" ? outcome.stack : outcome.kind === "no-changes" ? existing : undefined;
  if (deployed) await reconcilePrivateNetwork(context, rack, [{ ...deployed, rack: rack.rack, app: request.app }]);
  return { app: request.app, rack: rack.rack, outcome: outcome.kind, ...(port.plans[0] ? { plan: planJson(port.plans[0]) } : {}) };
}

function usedKinds(manifest: Manifest): Set<EndpointKind> {
  return new Set(manifest.services.flatMap((service) => endpointKinds(service)));
}

async function appCertificate(context: Context, rack: RackInfo, app: string, withRouter: boolean): Promise<string> {
  if (context.options.dryRun) return `arn:aws:acm:${await context.aws.region()}:000000000000:certificate/racknet-dry-run`;
  return ensureCertificate(context, { rack: rack.rack, app, dnsNames: appCertificateNames(app, rack.rack, withRouter) });
}

/** RACKNET_APP_ID comes from the app stack's own id, known to CloudFormation only: an intrinsic. */
function privateNetworkEnvironment(rack: RackInfo): Record<string, Json> {
  return {
    RACKNET_APP_ID: APP_ID_EXPRESSION,
    RACKNET_PRIVATE_NETWORK_ID: privateNetworkId(rack.id),
  };
}

function appMetadata(rack: RackInfo, app: string, manifest: Manifest): AppMetadata {
  return {
    app,
    rack: rack.rack,
    version: racknetVersion(),
    services: manifest.services.map((service) => ({
      name: service.name,
      visibility: visibility(service),
      ...(service.port ? { port: service.port.port } : {}),
      cpu: service.cpu,
      memory: service.memory,
      count: { min: service.count, max: service.count },
    })),
  };
}
