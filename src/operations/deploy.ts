import { renewRackCertificates } from "../rack-steps/renewal.js";
import type { Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { UserError, ValidationErrors } from "../errors/index.js";
import { APP_NAME_MAX, APP_TAG, KIND_TAG, RACK_TAG, VERSION_TAG, appStackName, nameProblem, privateNetworkId } from "../names/index.js";
import { endpointKinds, type Manifest } from "../manifest/model.js";
import { readManifestText } from "../files/manifest.js";
import { budgetFunctionCode } from "../app-steps/budget-function.js";
import { deploymentRules, manifestFromText } from "../manifest/index.js";
import { renderAppStack } from "../templates/app.js";
import { APP_ID_EXPRESSION, serviceLogicalIds } from "../templates/app-contract.js";
import type { Json } from "../templates/cfn.js";
import type { AppsListener } from "../templates/rack-certificates.js";
import { racknetVersion } from "../version.js";
import { deployedTemplateIfAny, describeStack } from "../aws/stacks.js";
import { pendingOn } from "../aws/changeset/preflight.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { ownedApp, resolveRack, type RackInfo } from "../shared-steps/resolve.js";
import { readFargateCapacity, refuseOverFargateQuota } from "../rack-steps/quotas.js";
import { rolloutPeak } from "../templates/app-rollout.js";
import { operationPort } from "../shared-steps/review.js";
import { admitToAppsCertificates, readRackCaCertificate } from "../rack-steps/certificates.js";
import { listenerPriorities } from "../app-steps/listener-priorities.js";
import { reconcilePrivateNetwork } from "../rack-steps/private-network.js";
import { appMetadataOf } from "../shared-steps/app-metadata.js";
import { claimLock, type LockClaim } from "../safety/operation.js";
import { prepareEnvironment } from "../app-steps/app-environment.js";
import { prepareBuilds, refuseUnapprovableBuild } from "../app-steps/build-images.js";
import { appCostOfChange, exposure, plannedApp } from "../shared-steps/plan-context.js";
import { networkLoadBalancerNotes } from "../templates/app-nlb.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { Waiting } from "../ui/waiting.js";
import { appWaitCommand } from "../shared-steps/wait.js";
import { parseTimeout } from "./run.js";
import { environmentVersionOf } from "../templates/app-environment.js";
import { currentRelease, type ReleaseKind } from "../app-records/releases.js";
import { applyScaleOverrides, type ScaleOverrides } from "../app-records/scale.js";
import { pinImages, readAppReleases, recordRelease, settleRelease, type RecordedRelease } from "../app-steps/releases.js";
import { planPublicCertificates, requestPublicCertificates, type CertificateState } from "../app-steps/public-certificates.js";
import { removeObsoleteCertificates, reportCertificates, certificateJson, type CertificateJson } from "../app-steps/certificate-report.js";
import { reportFinalSnapshots, type FinalSnapshot } from "../app-steps/final-snapshots.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface DeployResult {
  app: string;
  rack: string;
  outcome: DeployOutcome["kind"];
  /** The release this change recorded (not on a dry run, nor when nothing changed). */
  release?: number;
  /** The plan that was shown (a dry run's too), under its section names. */
  plan?: PlanJson;
  /** Each service built from source or given with --image, and its image: the shape `racknet build --json` gives. */
  images?: { service: string; image: string }[];
  /** The app's public certificates: status, and the DNS records still to create (the shape `racknet certs --json` gives). */
  certificates?: CertificateJson[];
  /** Each database the deploy deleted or replaced, and the name of its final snapshot. */
  snapshots?: FinalSnapshot[];
}

/** `racknet deploy [-f convox.yml] [--image SERVICE=URI ...]`: the app named by -a (or the directory), from the manifest. */
export async function run(context: Context, args: { file: string; image?: string[]; timeout?: string }): Promise<Outcome> {
  const file = args.file;
  const timeoutMs = args.timeout === undefined ? undefined : parseTimeout(args.timeout);
  const result = await deployApp(context, {
    app: appName(context.options),
    source: { file, text: await readManifestText(file) },
    prebuilt: args.image ?? [],
    release: { kind: "deploy", description: "deploy", command: "deploy" },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  if (result.outcome === "applied") context.printer.success(`app ${result.app} deployed to rack ${result.rack}; see \`racknet services -a ${result.app}\` (release ${result.release}: \`racknet releases -a ${result.app}\`)`);
  return { json: result, changesPending: result.outcome === "dry-run" };
}

/** What a deploy records as its release; `scale` replaces the settings in force (`racknet scale`). */
export interface ReleaseIntent {
  kind: ReleaseKind;
  description: string;
  /** The racknet command that does it again (named by the lock to whoever waits on it). */
  command: string;
  rollbackOf?: number;
  scale?: ScaleOverrides;
}

/** A deploy of the app from a manifest's text: `deploy` reads it from the file, `scale` and `releases rollback` from a release. */
export interface DeployRequest {
  app: string;
  source: { file: string; text: string };
  /** `SERVICE=URI` for build: services, as `--image` gives them. */
  prebuilt: readonly string[];
  release: ReleaseIntent;
  /** `--timeout`: an update still running after this long is cancelled and rolled back. */
  timeoutMs?: number;
}

/**
 * `racknet deploy`: the manifest is checked on its own, then against the rack and the app
 * environment (listener rules, CloudFormation's quotas, required variables) before anything
 * is written; then the environment's defaults are stored, the app's names are added to the
 * listeners' certificates, one change set is made for the app stack, and the private
 * network names are brought up to date.
 */
export async function deployApp(context: Context, request: DeployRequest): Promise<DeployResult> {
  const { app } = request;
  const problem = nameProblem("app", app, APP_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "pass -a APP with a valid name" });
  // The manifest's own rules come before any AWS call (SPEC section 3).
  const { manifest, warnings } = manifestFromText(request.source.text, request.source.file);
  for (const warning of warnings) context.printer.warnProblem(warning);

  // One racknet at a time on the app, and none while a rack operation moves the apps (src/safety/lock.ts):
  // the lock's create goes out beside the rack's read, its checks beside the app's reads.
  const lockSpec = (rack: string) => ({ operation: "deploy", key: app, command: `racknet ${request.release.command} -a ${app} -r ${rack}` });
  let claim: LockClaim | undefined = context.options.rack ? claimLock(context, { rack: context.options.rack, app }, lockSpec(context.options.rack)) : undefined;
  try {
    return await deployUnderLock(context, request, manifest, async (rack) => (claim ??= claimLock(context, { rack, app }, lockSpec(rack))));
  } finally {
    await claim?.release();
  }
}

async function deployUnderLock(context: Context, request: DeployRequest, written: Manifest, lockOn: (rack: string) => Promise<LockClaim>): Promise<DeployResult> {
  // A sign of life from the first call on: the reads before the plan take a round trip or more.
  const reading = new Waiting(context.printer, `reading the rack and app ${request.app} before the plan…`).start();
  try {
    return await deployReading(context, request, written, lockOn, reading);
  } finally {
    reading.end();
  }
}

async function deployReading(context: Context, request: DeployRequest, written: Manifest, lockOn: (rack: string) => Promise<LockClaim>, reading: Waiting): Promise<DeployResult> {
  const { app, prebuilt } = request;
  const file = request.source.file;
  const rack = await resolveRack(context);
  const claim = await lockOn(rack.rack);
  const rackProblems = deploymentRules(written, { app, rack: rack.rack, params: rack.params, externalLoadBalancerDns: rack.outputs[RackOutput.ExternalLoadBalancerDns], region: await context.aws.region() });
  if (rackProblems.length > 0) {
    throw new ValidationErrors(`${file} cannot be deployed to rack ${rack.rack}; nothing was changed`, rackProblems);
  }

  const stackName = appStackName(rack.rack, app);
  // Reads only, side by side (one round trip): the app's stack, its deployed template, other
  // racknets' change sets on it, its listener rules, the CA, its environment.
  const cfn = await context.aws.cloudFormation();
  // Read beside the others, checked once the template is rendered (the rollout's peak needs it).
  const fargate = readFargateCapacity(context);
  fargate.catch(() => undefined);
  const [existing, previousTemplate, pendingBefore, priorities, caCertPem, environment, region, cleared, releases, , publicCertificates] = await Promise.all([
    describeStack(cfn, stackName),
    deployedTemplateIfAny(cfn, stackName),
    pendingOn(cfn, stackName),
    listenerPriorities(context, rack, app, written),
    readRackCaCertificate(context, rack.rack),
    prepareEnvironment(context, rack.rack, app, written),
    context.aws.region(),
    claim.confirm([stackName]),
    readAppReleases(context, { rack: rack.rack, app }),
    renewRackCertificates(context, rack),
    // Names another app serves are refused here, before any write.
    planPublicCertificates(context, rack, app, written),
  ]);
  reading.end();
  // `racknet scale`'s settings hold until the manifest changes their key (src/app-records/scale.ts).
  const scaled = applyScaleOverrides(written, request.release.scale ?? currentRelease(releases)?.scale ?? {});
  const manifest = scaled.manifest;
  for (const dropped of scaled.dropped) context.printer.info(`the scale set with \`racknet scale\` for ${dropped.service} (${dropped.key}) no longer applies: ${dropped.reason}`);
  // Change sets a dead run left were deleted under the lock: they are no one's now.
  const pending = pendingBefore.filter((changeSet) => !cleared.has(changeSet.name));
  // Stack names join rack and app with a dash, so two pairs can share one: the tags say whose it is.
  ownedApp(existing, rack.rack, app);
  const previous = existing && previousTemplate ? appMetadataOf(previousTemplate, { ...existing, rack: rack.rack, app }) : undefined;
  // build: services (docs/build.md): planned and named now, built before the change set (which names the images).
  const builds = await prepareBuilds(context, { rack, app, manifest, prebuilt });

  // The template is rendered and measured against CloudFormation's quotas before the first write.
  const rendered = renderAppStack({
    rack: rack.rack,
    app,
    manifest,
    version: racknetVersion(),
    priorities,
    images: builds.images,
    environment: environment.resolved.services,
    parameterVersions: environment.versions,
    caCertPem,
    extraEnvironment: privateNetworkEnvironment(rack),
    domainValidation: publicCertificates.domainValidation,
    ...(manifest.budget ? { budgetFunctionCode: budgetFunctionCode() } : {}),
  });

  // CloudFormation cancels updates only (API_CancelUpdateStack): a first deploy runs to its end.
  if (request.timeoutMs !== undefined && !existing) context.printer.info(`${Flag.timeout} applies to updates: CloudFormation cannot cancel a stack's creation, so this first deploy runs to its end`);
  const before = previous ? plannedApp(previous) : undefined;
  const after = plannedApp(rendered.metadata);
  const port = operationPort(context, {
    services: serviceLogicalIds(manifest.services.map((service) => service.name)),
    exposure: { before: exposure(rack.params, before ? [before] : []), after: exposure(rack.params, [after]), stackExists: existing !== undefined },
    cost: appCostOfChange(region, rack.params, before, after),
  });
  const listeners = appsListeners(manifest);
  // Before anything is built or changed: the rollout's peak must fit the account's Fargate vCPUs.
  refuseOverFargateQuota(context, `app ${app} on rack ${rack.rack}`, rolloutPeak(manifest, rendered.template, { ...(previousTemplate ? { template: previousTemplate } : {}), ...(previous ? { metadata: previous } : {}) }), await fargate);
  if (builds.pending > 0 && !context.options.dryRun) {
    refuseUnapprovableBuild(context, `app ${app} on rack ${rack.rack}`);
    await builds.build();
  }
  const ref = { rack: rack.rack, app };
  let recorded: RecordedRelease | undefined;
  let certificates: CertificateState[] = publicCertificates.certificates;
  const outcome = await settleRelease(() => recorded, () => deployStack(
    context.aws,
    {
      stackName,
      template: { body: rendered.body },
      parameters: rendered.parameters(rack.rackOutputs, {
        Domain: rack.params.Domain,
        HostedZoneId: rack.params.HostedZoneId,
        RackCaCert: caCertPem,
        Exec: existing?.parameters.Exec ?? "No",
        ...publicCertificates.parameters,
      }),
      tags: { [KIND_TAG]: "app", [RACK_TAG]: rack.rack, [APP_TAG]: app, [VERSION_TAG]: racknetVersion() },
      capabilities: ["CAPABILITY_IAM"],
      templateBucket: rack.outputs[RackOutput.TemplateBucket],
      notes: [...environmentNotes(environment.writes, environment.deletes), ...networkLoadBalancerNotes(manifest), ...builds.notes],
      existing: existing ?? null,
      pending,
    },
    {
      port,
      followCommand: appWaitCommand(app, rack.rack),
      removeCommand: `racknet apps delete ${app} -r ${rack.rack}`,
      what: `app ${app} on rack ${rack.rack}`,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      // Approved: what the new containers read must exist before they start, and the change is a release.
      beforeExecute: async () => {
        // Independent of each other: side by side.
        const [, , release, requested] = await Promise.all([
          environment.apply(),
          listeners.length > 0 ? admitToAppsCertificates(context, rack, app, listeners) : undefined,
          pinImages(context, ref, imagesOf(manifest, builds.images)).then((images) =>
            recordRelease(context, ref, { kind: request.release.kind, description: request.release.description, ...(request.release.rollbackOf ? { rollbackOf: request.release.rollbackOf } : {}), environmentVersion: environmentVersionOf(environment.versions), images, manifest: request.source, scale: scaled.kept }, releases),
          ),
          requestPublicCertificates(context, rack, app, publicCertificates),
        ]);
        recorded = release;
        certificates = requested;
      },
    },
  ));
  // Names follow the running containers; a deploy that changed nothing still heals them. The
  // app's stack is done with, so its lock goes meanwhile: the names are the rack's sync
  // function's to keep too, which reconciles them at any time, lock or not.
  const deployed = outcome.kind === "applied" ? outcome.stack : outcome.kind === "no-changes" ? existing : undefined;
  await Promise.all([deployed ? reconcilePrivateNetwork(context, rack, [{ ...deployed, rack: rack.rack, app }]) : undefined, claim.release()]);
  if (outcome.kind === "applied" || outcome.kind === "no-changes") await removeObsoleteCertificates(context, publicCertificates.obsolete);
  reportCertificates(context, app, certificates);
  const snapshots = outcome.kind === "applied" ? await reportFinalSnapshots(context, stackName, outcome.changes, outcome.since) : [];
  const built = Object.entries(builds.images).map(([service, image]) => ({ service, image }));
  const images = built.length > 0 ? { images: built } : {};
  const certificateList = certificates.length > 0 ? { certificates: certificates.map((state) => certificateJson(app, state)) } : {};
  return { app, rack: rack.rack, outcome: outcome.kind, ...(recorded ? { release: recorded.release.number } : {}), ...(port.plans[0] ? { plan: planJson(port.plans[0]) } : {}), ...images, ...certificateList, ...(snapshots.length > 0 ? { snapshots } : {}) };
}

/** Each service's image as the template runs it: the built or given one, else the manifest's. */
function imagesOf(manifest: Manifest, built: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(manifest.services.map((service) => [service.name, built[service.name] ?? service.image ?? ""]));
}

/** The listeners whose apps certificate must name this app: internal and router endpoints are HTTPS with the rack CA. */
function appsListeners(manifest: Manifest): AppsListener[] {
  const kinds = new Set(manifest.services.flatMap((service) => endpointKinds(service)));
  return (["internal", "router"] as const).filter((kind) => kinds.has(kind));
}

function environmentNotes(writes: number, deletes: number): string[] {
  const notes: string[] = [];
  if (writes > 0) notes.push(`${writes} environment default(s) from the manifest will be stored, encrypted, in SSM Parameter Store`);
  if (deletes > 0) notes.push(`${deletes} environment default(s) the manifest no longer sets will be removed from SSM Parameter Store`);
  return notes;
}

/** RACKNET_APP_ID comes from the app stack's own id, known to CloudFormation only: an intrinsic. */
function privateNetworkEnvironment(rack: RackInfo): Record<string, Json> {
  return {
    RACKNET_APP_ID: APP_ID_EXPRESSION,
    RACKNET_PRIVATE_NETWORK_ID: privateNetworkId(rack.id),
  };
}
