/**
 * The images of an app's `build:` services, for `racknet deploy` and `racknet build`
 * (docs/build.md): plan them offline (every problem at once, before anything is uploaded),
 * name each one's URI without writing anything (the repository's URI derived from the rack
 * stack's id, the tag from the content), show the plan, then, only when asked, make the
 * repository and build and push what ECR does not have yet. Ctrl-C during a build stops it.
 */
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { AwsOperationFailed, UserError, ValidationErrors } from "../errors/index.js";
import type { Manifest } from "../manifest/model.js";
import { appEnvironmentParameter, repositoryName } from "../names/index.js";
import { decideApproval } from "../plan/approval.js";
import { readBuildContext } from "../files/build-context.js";
import { writeContextArchive } from "../files/context-archive.js";
import { buildEnvironment, registryOf, renderBuildspec } from "../images/buildspec.js";
import { rewriteBaseImages } from "../images/base-images.js";
import { parseImageOverrides } from "../images/image-overrides.js";
import type { ServiceBuildInput } from "../images/input.js";
import { planBuilds, type PlannedImage } from "../images/plan.js";
import { readAppParameters } from "../aws/app-environment.js";
import { BuildLimitReached, buildImages, type BuildClients, type BuiltImage } from "../aws/codebuild.js";
import { serviceQuota } from "../aws/quotas.js";
import { offersCodeBuild } from "../rack/regions.js";
import { CODEBUILD_SERVICE_CODE, concurrentBuildQuota, raiseConcurrentBuilds, type ConcurrentBuildQuota } from "../images/limits.js";
import { ensureRepository, findRepository, imageExists } from "../aws/ecr.js";
import { ensureBuildRole } from "../aws/iam.js";
import { buildRolePolicy, buildRoleTrustPolicy, type BuildRoleFacts } from "../images/role.js";
import { BuildPrinter, type BuildPlanView } from "../ui/build-printer.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface BuildRequest {
  rack: RackInfo;
  app: string;
  manifest: Manifest;
  /** `--image SERVICE=URI` entries as typed: those services run the given image and are not built. */
  prebuilt?: readonly string[];
}

export interface AppBuilds {
  /** Service → the image its tasks run: the build's (repository URI and content tag) or the one given with --image. */
  images: Record<string, string>;
  /** What the plan showed; undefined when no service is built. */
  plan?: BuildPlanView;
  /** Images ECR does not have yet, which `build()` builds. */
  pending: number;
  /** Sentences for the change set's plan. */
  notes: string[];
  /** Make the repository if it is missing, then build and push every pending image (never on a dry run). */
  build(): Promise<BuiltImage[]>;
}

/**
 * Plan the app's builds and show the plan: local files and reads only (the app's environment
 * for build args, whether the repository and each image exist). Nothing is created.
 */
export async function prepareBuilds(context: Context, request: BuildRequest): Promise<AppBuilds> {
  const { rack, app, manifest } = request;
  const overrides = parseImageOverrides(request.prebuilt ?? [], manifest.services);
  if (overrides.problems.length > 0) throw new ValidationErrors(`${Flag.image} cannot be used as given; nothing was changed`, overrides.problems);
  const inputs = buildInputs(manifest, overrides.images);
  if (inputs.length === 0) return { images: { ...overrides.images }, pending: 0, notes: [], build: async () => [] };

  const project = rack.outputs[RackOutput.BuildProject];
  const bucket = rack.outputs[RackOutput.TemplateBucket];
  if (!project || !bucket) {
    const region = await context.aws.region();
    if (!offersCodeBuild(region)) {
      throw new UserError(`rack ${rack.rack} cannot build ${inputs.map((input) => input.service).join(", ")}: AWS CodeBuild is not offered in ${region}, so the rack has no build project; nothing was changed`, {
        fix: `build the images elsewhere and deploy them with ${Flag.image} SERVICE=URI, or name them with image: in convox.yml`,
      });
    }
    throw new UserError(`rack ${rack.rack} cannot build ${inputs.map((input) => input.service).join(", ")}: it was installed by a racknet without builds and has no build project`, {
      fix: `deploy images built elsewhere with ${Flag.image} SERVICE=URI, or install a new rack for apps built from source`,
    });
  }
  const ssm = await context.aws.ssm();
  const stored = await readAppParameters(ssm, rack.rack, app);
  const appDir = await realpath(dirname(resolve(manifest.file)));
  const plan = await planBuilds({
    appDir,
    manifestFile: await realpath(resolve(manifest.file)),
    services: inputs,
    readContext: readBuildContext,
    // The build reads the value from Parameter Store itself, and CodeBuild hides such strings
    // in its logs (docs/build.md): racknet passes only the parameter's name and version.
    resolveFromEnvironment: (name) => {
      const parameterName = appEnvironmentParameter(rack.rack, app, name);
      const found = stored.get(parameterName);
      if (!found) return undefined;
      return { parameterName, fingerprint: String(found.version) };
    },
  });

  const ecr = await context.aws.ecr();
  const owner = { rack: rack.rack, app };
  const [existing, slots] = await Promise.all([findRepository(ecr, owner), buildSlots(context, rack)]);
  const name = repositoryName(rack.rack, app);
  const uri = existing?.uri ?? repositoryUri(rack.id, name);
  const cached = await Promise.all(plan.images.map((image) => (existing ? imageExists(ecr, name, image.tag) : false)));
  const pending = plan.images.filter((_image, index) => !cached[index]);

  const images: Record<string, string> = { ...overrides.images };
  for (const [service, tag] of Object.entries(plan.tagOf)) images[service] = `${uri}:${tag}`;
  const view: BuildPlanView = {
    app,
    repository: { name, exists: existing !== undefined },
    images: plan.images.map((image, index) => ({
      uri: `${uri}:${image.tag}`,
      services: image.services,
      path: contextPath(appDir, image),
      files: image.context.entries.filter((entry) => entry.kind === "file").length,
      bytes: image.context.fileBytes,
      cached: cached[index] ?? false,
    })),
    prebuilt: overrides.images,
  };
  const printer = new BuildPrinter(context.printer);
  printer.plan(view);
  const concurrency = limitBuilds(context, slots, pending.length);
  const dockerfiles = await baseImageDockerfiles(context, rack, registryOf(uri), pending);

  return {
    images,
    plan: view,
    pending: pending.length,
    notes: buildNotes(view, pending.length, context.options.dryRun),
    build: async () => {
      const repository = await ensureRepository(ecr, owner, printer.listener);
      // The plan and a dry run named this URI: the deploy must run what they showed.
      if (repository.uri !== uri) throw new Error(`ECR gives repository ${name} the URI ${repository.uri}, not ${uri} as derived from the rack's stack id`);
      if (pending.length === 0) return [];
      const serviceRole = await ensureAppBuildRole(context, rack, app, { bucket, logGroup: rack.outputs[RackOutput.BuildLogGroup] ?? `/racknet/${rack.rack}/builds` });
      const clients: BuildClients = { s3: await context.aws.s3(), codeBuild: await context.aws.codeBuild(), logs: await context.aws.cloudWatchLogs(), ecr };
      return await buildPending(clients, { project, bucket, app, repository, serviceRole, images: pending, concurrency, dockerfiles }, printer, context).catch((error: unknown) => {
        if (error instanceof BuildLimitReached) throw limitReached(error, slots, pending.length);
        throw error;
      });
    },
  };
}

/**
 * Each pending image's Dockerfile with its Docker Hub official base images pulled through the
 * rack's cache of ECR Public (rack output BaseImageCache), said image by image. A rack
 * without the cache (an older racknet's, or a Region where ECR has none) pulls them from
 * Docker Hub as written, and the output says how to avoid Docker Hub's anonymous limit.
 */
async function baseImageDockerfiles(context: Context, rack: RackInfo, registry: string, pending: readonly PlannedImage[]): Promise<Map<string, Buffer>> {
  const prefix = rack.outputs[RackOutput.BaseImageCache];
  const dockerfiles = new Map<string, Buffer>();
  const fromDockerHub = new Set<string>();
  for (const image of pending) {
    const text = await readFile(join(image.context.root, image.context.dockerfile), "utf8");
    const rewritten = rewriteBaseImages(text, prefix ? `${registry}/${prefix}` : "");
    if (rewritten.rewrites.length === 0) continue;
    if (!prefix) {
      for (const rewrite of rewritten.rewrites) fromDockerHub.add(rewrite.from);
      continue;
    }
    dockerfiles.set(image.tag, Buffer.from(rewritten.text));
    for (const rewrite of rewritten.rewrites) {
      context.printer.info(`  ${image.services.join(", ")}: FROM ${rewrite.from} (${image.context.dockerfile}:${rewrite.line}) is pulled through the rack's cache of ECR Public, ${rewrite.to}`);
    }
  }
  if (fromDockerHub.size > 0) {
    const named = [...fromDockerHub].join(", ");
    context.printer.info(
      `rack ${rack.rack} has no cache of ECR Public for base images (installed by an older racknet: \`racknet rack update -r ${rack.rack}\` adds it; or ECR has none in this Region): ${named} come from Docker Hub, whose anonymous pulls are limited per address and CodeBuild's addresses are shared; to avoid the limit, name them on ECR Public (public.ecr.aws/docker/library/<image>:<tag>)`,
    );
  }
  return dockerfiles;
}

/** The account's quota on builds running at once for the rack's build size, as Service Quotas reads it. */
interface BuildSlots {
  quota: ConcurrentBuildQuota;
  region: string;
  /** Undefined when Service Quotas did not answer (then `reason`). */
  value?: number;
  reason?: string;
}

async function buildSlots(context: Context, rack: RackInfo): Promise<BuildSlots> {
  const quota = concurrentBuildQuota(rack.params.BuildInstance);
  const [region, lookup] = await Promise.all([context.aws.region(), context.aws.serviceQuotas().then((client) => serviceQuota(client, CODEBUILD_SERVICE_CODE, quota.code))]);
  return lookup.value !== undefined ? { quota, region, value: lookup.value } : { quota, region, reason: lookup.reason };
}

/**
 * How many builds run at once: at most the account's quota, so that a new account's (1, or
 * 0 in the queue) does not refuse the second build; one at a time when the quota cannot be
 * read. A quota of 0 is refused before anything is built (also on a dry run: it only reads).
 */
function limitBuilds(context: Context, slots: BuildSlots, pending: number): number {
  const { quota, region, value } = slots;
  if (pending === 0) return 1;
  if (value === undefined) {
    if (pending > 1) context.printer.info(`Service Quotas did not answer (${slots.reason ?? "no answer"}); building the ${pending} images one at a time`);
    return 1;
  }
  const named = `${quota.name}, ${quota.code}`;
  if (value < 1) {
    throw new UserError(`this account may run no CodeBuild builds of the rack's size in ${region} (${named}: ${value}); nothing was built or changed`, {
      fix: `raise the quota: ${raiseConcurrentBuilds(quota, region, pending)}; or deploy images built elsewhere with ${Flag.image} SERVICE=URI`,
    });
  }
  if (pending > value) context.printer.info(`CodeBuild runs at most ${value} build(s) at once in this account (${named}): building the ${pending} images ${value} at a time`);
  return Math.floor(value);
}

/** CodeBuild kept refusing to start a build for the account's limit: the quota to raise, by name. */
function limitReached(error: BuildLimitReached, slots: BuildSlots, pending: number): AwsOperationFailed {
  const { quota, region, value } = slots;
  const used = value === undefined ? "" : `: ${value}`;
  return new AwsOperationFailed(
    `CodeBuild refused for ${Math.round(error.waitedMs / 60_000)} minutes to start the build of ${error.imageUri}: the account's concurrent builds of the rack's size in ${region} are in use (${quota.name}, ${quota.code}${used}; CodeBuild said: ${error.awsMessage}); nothing was deployed`,
    { fix: `wait for the account's other builds to end and deploy again, or raise the quota: ${raiseConcurrentBuilds(quota, region, Math.max(pending, (value ?? 0) + pending))}` },
  );
}

/**
 * A deploy that will be refused after its change set whatever the plan says (no terminal and
 * no --yes, or --require-approval any-change without a terminal) is refused before anything
 * is built: a build takes minutes, and its image would be deployed by nobody.
 */
export function refuseUnapprovableBuild(context: Context, what: string): void {
  const { allowDestroy, requireApproval } = context.options;
  const decision = decideApproval({
    widens: [],
    destroys: [],
    hasChanges: true,
    yes: context.user.yes,
    allowDestroy: allowDestroy ?? false,
    requireApproval: requireApproval ?? "broadening",
    tty: context.user.canPrompt,
    question: "",
  });
  if (decision.kind === "refuse") {
    throw new UserError(decision.message.replace(/^not applied: /, `not applied to ${what}: `).replace(/; nothing was changed$/, "; nothing was built or changed"), { fix: decision.fix });
  }
}

/**
 * The app's own build role, made when missing and its policy written again (it follows the
 * rack: a private rack's builds need the VPC permissions), with only this app's sources,
 * repository and environment (src/images/role.ts). Returns its ARN for StartBuild.
 */
async function ensureAppBuildRole(context: Context, rack: RackInfo, app: string, where: { bucket: string; logGroup: string }): Promise<string> {
  const [, partition, , region, account] = rack.id.split(":");
  if (!partition || !region || !account) throw new Error(`cannot read the account and region of stack ${rack.id}`);
  const facts: BuildRoleFacts = {
    partition,
    region,
    account,
    rack: rack.rack,
    app,
    bucket: where.bucket,
    logGroup: where.logGroup,
    ...(rack.outputs[RackOutput.BaseImageCache] ? { baseImageCache: rack.outputs[RackOutput.BaseImageCache] } : {}),
    ...(rack.outputs[RackOutput.PrivateSubnets] ? { privateSubnets: (rack.outputs[RackOutput.PrivateSubnets] ?? "").split(",").filter(Boolean) } : {}),
  };
  const role = await ensureBuildRole(await context.aws.iam(), { region, rack: rack.rack, app }, { trust: buildRoleTrustPolicy(facts), permissions: JSON.stringify(buildRolePolicy(facts)) });
  if (role.created) context.printer.step(`IAM role ${role.name} created: builds of app ${app} may read only its own sources, push only to its own repository and read only its own environment`);
  return role.arn;
}

/** `<account>.dkr.ecr.<region>.<domain>/<rack>/<app>`, from `arn:<partition>:cloudformation:<region>:<account>:stack/...`. */
export function repositoryUri(rackStackId: string, repository: string): string {
  const [, partition, , region, account] = rackStackId.split(":");
  if (!partition || !region || !account) throw new Error(`cannot read the account and region of stack ${rackStackId}`);
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `${account}.dkr.ecr.${region}.${domain}/${repository}`;
}

/** The manifest's `build:` services that --image does not cover, as the build plan takes them. */
export function buildInputs(manifest: Manifest, prebuilt: Readonly<Record<string, string>>): ServiceBuildInput[] {
  return manifest.services.flatMap((service) => {
    if (!service.build || prebuilt[service.name] !== undefined) return [];
    const position = manifest.positions?.get(`services.${service.name}.build`) ?? manifest.positions?.get(`services.${service.name}`);
    return [
      {
        service: service.name,
        path: service.build.path,
        dockerfile: service.build.dockerfile,
        args: service.build.args.map((arg) => (arg.value === undefined ? arg.name : `${arg.name}=${arg.value}`)),
        ...(position ? { where: `${manifest.file}:${position.line}:${position.column}` } : {}),
      },
    ];
  });
}

interface PendingBuilds {
  project: string;
  bucket: string;
  app: string;
  repository: { name: string; uri: string };
  serviceRole: string;
  images: readonly PlannedImage[];
  /** At most this many builds at once (the account's quota). */
  concurrency: number;
  /** By image tag: the Dockerfile sent instead of the context's (its base images through the rack's cache). */
  dockerfiles: ReadonlyMap<string, Buffer>;
}

/** Pack, upload and build the images, `concurrency` at once; Ctrl-C stops the builds (StopBuild) and says so. */
async function buildPending(clients: BuildClients, pending: PendingBuilds, printer: BuildPrinter, { interrupts, clock }: Pick<Context, "interrupts" | "clock">): Promise<BuiltImage[]> {
  const folder = await mkdtemp(join(tmpdir(), "racknet-build-"));
  const controller = new AbortController();
  const stopListening = interrupts.listen(() => controller.abort());
  try {
    const requests = pending.images.map((image) => {
      const build = { imageUri: `${pending.repository.uri}:${image.tag}`, dockerfile: image.context.dockerfile, args: image.args };
      return {
        project: pending.project,
        bucket: pending.bucket,
        app: pending.app,
        repository: pending.repository,
        serviceRole: pending.serviceRole,
        image,
        instructions: { buildspec: renderBuildspec(build), environment: buildEnvironment(build) },
        archive: () => {
          const dockerfile = pending.dockerfiles.get(image.tag);
          return writeContextArchive(image.context, join(folder, `${image.tag}.zip`), dockerfile ? new Map([[image.context.dockerfile, dockerfile]]) : undefined);
        },
      };
    });
    return await buildImages(clients, requests, { emit: printer.listener, signal: controller.signal, concurrency: pending.concurrency, sleep: clock.sleep });
  } finally {
    stopListening();
    await rm(folder, { recursive: true, force: true });
  }
}

function buildNotes(view: BuildPlanView, pending: number, dryRun: boolean): string[] {
  if (view.images.length === 0) return [];
  const services = view.images.flatMap((image) => image.services).join(", ");
  const built = pending === 0 ? "all in it already" : dryRun ? `${pending} to build first; a dry run builds nothing` : `${pending} built and pushed before this change set was made`;
  return [`${services} run images built from source, from ECR repository ${view.repository.name} (${built})`];
}

/** The context folder as the manifest names it: `.`, `api`, ... */
function contextPath(appDir: string, image: PlannedImage): string {
  const path = relative(appDir, image.context.root).split(sep).join("/");
  return path === "" ? "." : path;
}
