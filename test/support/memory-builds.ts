/**
 * ECR, CodeBuild and CloudWatch Logs for workflow tests of `build:` services, small and
 * honest: a repository has a URI, tags, a lifecycle policy and images, refuses a second
 * repository of its name and a tag pushed twice when IMMUTABLE; a build runs on a project
 * the rack stack made, from a zip the rack's bucket holds, reads its PARAMETER_STORE
 * variables from Parameter Store (a missing one fails it), writes its log to the project's
 * log group with the strings read from Parameter Store hidden as `***` (as CodeBuild does:
 * https://docs.aws.amazon.com/codebuild/latest/userguide/understanding-service-name-entries.html), and when it succeeds pushes `RACKNET_IMAGE` as its buildspec's `docker push`
 * would. What it does not do: run anything. A test scripts each build's end (`script`).
 * Time is compressed: by the first BatchGetBuilds a build has reached its end, unless the
 * script keeps it running (until StopBuild).
 */
import { randomUUID } from "node:crypto";
import type { EnvironmentVariable, StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import type { MemoryCloudFormation } from "./memory-cloudformation.js";
import { awsError } from "./memory-cloudformation.js";
import type { MemoryObjects, MemoryParameters } from "./memory-services.js";
import { ACCOUNT, REGION } from "./physical-ids.js";

interface Repository {
  arn: string;
  uri: string;
  tags: Record<string, string>;
  mutability: string;
  scanOnPush: boolean;
  lifecyclePolicy?: string;
  /** Tag → image digest. */
  images: Map<string, string>;
}

/** ECR: the account's repositories in the harness's region. */
export class MemoryRegistry {
  readonly repositories = new Map<string, Repository>();

  createRepository(input: { repositoryName?: string; imageTagMutability?: string; imageScanningConfiguration?: { scanOnPush?: boolean }; tags?: { Key?: string; Value?: string }[] }) {
    const name = input.repositoryName ?? "";
    if (this.repositories.has(name)) throw awsError("RepositoryAlreadyExistsException", `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`);
    const repository: Repository = {
      arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
      uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
      tags: Object.fromEntries((input.tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
      mutability: input.imageTagMutability ?? "MUTABLE",
      scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
      images: new Map(),
    };
    this.repositories.set(name, repository);
    return { repository: this.describe(name, repository) };
  }

  describeRepositories(input: { repositoryNames?: string[] }) {
    const names = input.repositoryNames ?? [...this.repositories.keys()];
    return { repositories: names.map((name) => this.describe(name, this.get(name))) };
  }

  listTagsForResource(input: { resourceArn?: string }) {
    const repository = [...this.repositories.values()].find((candidate) => candidate.arn === input.resourceArn);
    if (!repository) throw awsError("RepositoryNotFoundException", `The repository with arn '${input.resourceArn}' does not exist`);
    return { tags: Object.entries(repository.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  putLifecyclePolicy(input: { repositoryName?: string; lifecyclePolicyText?: string }) {
    this.get(input.repositoryName).lifecyclePolicy = input.lifecyclePolicyText;
    return { repositoryName: input.repositoryName, lifecyclePolicyText: input.lifecyclePolicyText };
  }

  describeImages(input: { repositoryName?: string; imageIds?: { imageTag?: string }[] }) {
    const repository = this.get(input.repositoryName);
    const details = (input.imageIds ?? []).map((id) => {
      const digest = repository.images.get(id.imageTag ?? "");
      if (!digest) throw awsError("ImageNotFoundException", `The image with imageId {imageDigest:'null', imageTag:'${id.imageTag}'} does not exist within the repository with name '${input.repositoryName}'`);
      return { repositoryName: input.repositoryName, imageTags: this.tagsOf(repository, digest), imageDigest: digest };
    });
    return { imageDetails: details };
  }

  /** The images of these digests (their manifest is the digest itself here); ones not held are `failures`. */
  batchGetImage(input: { repositoryName?: string; imageIds?: { imageDigest?: string; imageTag?: string }[] }) {
    const repository = this.get(input.repositoryName);
    const held = new Set(repository.images.values());
    const ids = input.imageIds ?? [];
    const digestOf = (id: { imageDigest?: string; imageTag?: string }) => id.imageDigest ?? repository.images.get(id.imageTag ?? "");
    return {
      images: ids.filter((id) => held.has(digestOf(id) ?? "")).map((id) => ({ repositoryName: input.repositoryName, imageId: { imageDigest: digestOf(id) }, imageManifest: JSON.stringify({ digest: digestOf(id) }) })),
      failures: ids.filter((id) => !held.has(digestOf(id) ?? "")).map((id) => ({ imageId: id, failureCode: "ImageNotFound", failureReason: "Requested image not found" })),
    };
  }

  /** A new tag on the image its manifest names; an IMMUTABLE repository refuses a tag it holds for another image. */
  putImage(input: { repositoryName?: string; imageManifest?: string; imageTag?: string }) {
    const repository = this.get(input.repositoryName);
    const digest = (JSON.parse(input.imageManifest ?? "{}") as { digest?: string }).digest ?? "";
    const tag = input.imageTag ?? "";
    const current = repository.images.get(tag);
    if (current === digest) throw awsError("ImageAlreadyExistsException", `Image with digest '${digest}' and tag '${tag}' already exists in the repository`);
    if (current && repository.mutability === "IMMUTABLE") throw awsError("ImageTagAlreadyExistsException", `The image tag '${tag}' already exists in the '${input.repositoryName}' repository and cannot be overwritten because the repository is immutable.`);
    repository.images.set(tag, digest);
    return { image: { repositoryName: input.repositoryName, imageId: { imageDigest: digest, imageTag: tag } } };
  }

  /** Tags taken off their images (an image goes with its last tag); digests delete the image. */
  batchDeleteImage(input: { repositoryName?: string; imageIds?: { imageDigest?: string; imageTag?: string }[] }) {
    const repository = this.get(input.repositoryName);
    for (const id of input.imageIds ?? []) {
      if (id.imageTag) repository.images.delete(id.imageTag);
      else for (const [tag, digest] of repository.images) if (digest === id.imageDigest) repository.images.delete(tag);
    }
    return { imageIds: input.imageIds ?? [], failures: [] };
  }

  /** Delete an image outright, as a lifecycle policy's expiry does. */
  expire(repositoryName: string, digest: string): void {
    const repository = this.get(repositoryName);
    for (const [tag, held] of repository.images) if (held === digest) repository.images.delete(tag);
  }

  private tagsOf(repository: Repository, digest: string): string[] {
    return [...repository.images].filter(([, held]) => held === digest).map(([tag]) => tag);
  }

  deleteRepository(input: { repositoryName?: string; force?: boolean }) {
    const repository = this.get(input.repositoryName);
    if (repository.images.size > 0 && !input.force) throw awsError("RepositoryNotEmptyException", `The repository with name '${input.repositoryName}' cannot be deleted because it still contains images`);
    this.repositories.delete(input.repositoryName ?? "");
    return { repository: this.describe(input.repositoryName ?? "", repository) };
  }

  /** What `docker push` does: the repository must exist; an IMMUTABLE one keeps a tag's first image. */
  push(imageUri: string): string | undefined {
    const [path = "", tag = "latest"] = imageUri.slice(imageUri.indexOf("/") + 1).split(":");
    const repository = this.repositories.get(path);
    if (!repository) return `name unknown: The repository with name '${path}' does not exist in the registry with id '${ACCOUNT}'`;
    if (repository.images.has(tag) && repository.mutability === "IMMUTABLE") return `tag invalid: The image tag '${tag}' already exists in the '${path}' repository and cannot be overwritten because the repository is immutable.`;
    repository.images.set(tag, `sha256:${randomUUID().replace(/-/g, "").padEnd(64, "0")}`);
    return undefined;
  }

  private get(name: string | undefined): Repository {
    const repository = this.repositories.get(name ?? "");
    if (!repository) throw awsError("RepositoryNotFoundException", `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`);
    return repository;
  }

  private describe(name: string, repository: Repository) {
    return { repositoryName: name, repositoryArn: repository.arn, repositoryUri: repository.uri, registryId: ACCOUNT, imageTagMutability: repository.mutability, imageScanningConfiguration: { scanOnPush: repository.scanOnPush } };
  }
}

/** CloudWatch Logs: log streams and their events, read forward with GetLogEvents' tokens. */
export class MemoryLogs {
  readonly streams = new Map<string, string[]>();

  append(group: string, stream: string, lines: readonly string[]): void {
    const key = `${group}\0${stream}`;
    this.streams.set(key, [...(this.streams.get(key) ?? []), ...lines]);
  }

  getLogEvents(input: { logGroupName?: string; logStreamName?: string; nextToken?: string }) {
    const lines = this.streams.get(`${input.logGroupName}\0${input.logStreamName}`);
    if (!lines) throw awsError("ResourceNotFoundException", "The specified log stream does not exist.");
    const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
    // As AWS does, the forward token stays the same once the stream's end is reached.
    return { events: lines.slice(from).map((message, index) => ({ message, timestamp: from + index })), nextForwardToken: `f/${lines.length}`, nextBackwardToken: `b/${from}` };
  }
}

/** How a build ends: as its buildspec would, or never (until StopBuild). */
export type BuildScript = { outcome: "SUCCEEDED"; lines?: string[] } | { outcome: "FAILED"; phase: string; lines: string[] } | { outcome: "RUNNING" };

interface BuildRecord {
  id: string;
  input: StartBuildCommandInput;
  status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "STOPPED";
  phase: string;
  phases: { phaseType: string; phaseStatus?: string; contexts?: { statusCode: string; message: string }[] }[];
  logGroup: string;
  logStream: string;
  script: BuildScript;
}

const PHASES = ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"] as const;

/** CodeBuild: builds on the rack stacks' projects. */
export class MemoryBuilds {
  readonly builds: BuildRecord[] = [];
  /** How each build ends; a test replaces it. */
  script: (input: StartBuildCommandInput) => BuildScript = () => ({ outcome: "SUCCEEDED" });
  /** Called at each BatchGetBuilds of a running build (a test presses Ctrl-C there). */
  onLook: (build: BuildRecord) => void = () => undefined;
  /**
   * The account's quota on builds running at once (Service Quotas, codebuild L-9D07B6EF for
   * the small size), with no room in the queue, as in a new account: a StartBuild past it is
   * refused with AccountLimitExceededException. Unlimited unless a test sets it.
   */
  accountLimit = Number.POSITIVE_INFINITY;
  /** Builds of the account's other projects running now: they count toward accountLimit. */
  otherBuildsRunning = 0;
  /** The most builds of racknet's that ran at once. */
  mostRunning = 0;

  constructor(
    private readonly cloudFormation: MemoryCloudFormation,
    private readonly objects: MemoryObjects,
    private readonly parameters: MemoryParameters,
    private readonly registry: MemoryRegistry,
    private readonly logs: MemoryLogs,
  ) {}

  startBuild(input: StartBuildCommandInput) {
    const project = this.project(input.projectName ?? "");
    if (!project) throw awsError("ResourceNotFoundException", `Project cannot be found: arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${input.projectName}`);
    const running = this.builds.filter((build) => build.status === "IN_PROGRESS").length;
    if (running + this.otherBuildsRunning >= this.accountLimit) {
      throw awsError("AccountLimitExceededException", "Cannot have more than 0 builds in queue for the account");
    }
    this.mostRunning = Math.max(this.mostRunning, running + 1);
    const uuid = randomUUID();
    const build: BuildRecord = { id: `${input.projectName}:${uuid}`, input, status: "IN_PROGRESS", phase: "SUBMITTED", phases: [], logGroup: project.logGroup, logStream: uuid, script: this.script(input) };
    this.builds.push(build);
    return { build: this.describe(build) };
  }

  batchGetBuilds(input: { ids?: string[] }) {
    const found = this.builds.filter((build) => input.ids?.includes(build.id));
    for (const build of found) {
      if (build.status !== "IN_PROGRESS") continue;
      build.phase = "BUILD";
      this.onLook(build);
      if (build.script.outcome !== "RUNNING" && build.status === "IN_PROGRESS") this.run(build);
    }
    return { builds: found.map((build) => this.describe(build)), buildsNotFound: (input.ids ?? []).filter((id) => !found.some((build) => build.id === id)) };
  }

  stopBuild(input: { id?: string }) {
    const build = this.builds.find((candidate) => candidate.id === input.id);
    if (!build) throw awsError("ResourceNotFoundException", `Build ${input.id} not found`);
    if (build.status === "IN_PROGRESS") this.end(build, "STOPPED", "BUILD", ["[Container] Phase complete: BUILD State: STOPPED"]);
    return { build: this.describe(build) };
  }

  /** The variables a build got, by name (PARAMETER_STORE ones hold the parameter's name). */
  variables(build: BuildRecord): Record<string, EnvironmentVariable> {
    return Object.fromEntries((build.input.environmentVariablesOverride ?? []).map((variable) => [variable.name ?? "", variable]));
  }

  /** What the build does, at once: fetch its source and its parameters, then end as scripted. */
  private run(build: BuildRecord): void {
    const [bucket = "", ...key] = (build.input.sourceLocationOverride ?? "").split("/");
    if (!this.objects.bytes.has(`${bucket}/${key.join("/")}`)) {
      return this.end(build, "FAILED", "DOWNLOAD_SOURCE", [], { statusCode: "CLIENT_ERROR", message: `NoSuchKey: The specified key does not exist. for primary source and source version ${build.input.sourceLocationOverride}` });
    }
    const missing = Object.values(this.variables(build)).filter((variable) => variable.type === "PARAMETER_STORE" && !this.parameters.values.has(variable.value ?? ""));
    if (missing[0]) {
      return this.end(build, "FAILED", "PROVISIONING", [], { statusCode: "ParameterNotFound", message: `Parameter does not exist: ${missing[0].value}` });
    }
    const image = this.variables(build).RACKNET_IMAGE?.value ?? "";
    const script = build.script;
    if (script.outcome === "FAILED") {
      return this.end(build, "FAILED", script.phase, [
        ...script.lines,
        `[Container] 2026/01/01 00:00:00.000000 Command did not exit successfully docker build --file "$RACKNET_DOCKERFILE" --tag "$RACKNET_IMAGE" . exit status 1`,
        `[Container] 2026/01/01 00:00:00.000000 Phase complete: ${script.phase} State: FAILED`,
      ], { statusCode: "COMMAND_EXECUTION_ERROR", message: "Error while executing command: docker build. Reason: exit status 1" });
    }
    const refused = this.registry.push(image);
    if (refused) return this.end(build, "FAILED", "BUILD", [refused], { statusCode: "COMMAND_EXECUTION_ERROR", message: "Error while executing command: docker push. Reason: exit status 1" });
    this.end(build, "SUCCEEDED", "", [...(script.outcome === "SUCCEEDED" ? (script.lines ?? []) : []), `Successfully tagged ${image}`]);
  }

  private end(build: BuildRecord, status: "SUCCEEDED" | "FAILED" | "STOPPED", failedPhase: string, lines: string[], context?: { statusCode: string; message: string }): void {
    const stopAt = status === "SUCCEEDED" ? PHASES.length : PHASES.indexOf(failedPhase as (typeof PHASES)[number]);
    build.phases = PHASES.map((phaseType, index) => ({
      phaseType,
      phaseStatus: index < stopAt ? "SUCCEEDED" : index === stopAt ? status : "SUCCEEDED",
      ...(index === stopAt && context ? { contexts: [context] } : {}),
    }));
    build.phases.push({ phaseType: "COMPLETED" });
    build.status = status;
    build.phase = "COMPLETED";
    const hidden = Object.values(this.variables(build))
      .filter((variable) => variable.type === "PARAMETER_STORE")
      .map((variable) => this.parameters.values.get(variable.value ?? "")?.value)
      .filter((value): value is string => Boolean(value));
    const logged = lines.map((line) => hidden.reduce((text, value) => text.split(value).join("***"), line));
    this.logs.append(build.logGroup, build.logStream, ["[Container] 2026/01/01 00:00:00.000000 Entering phase BUILD", ...logged]);
  }

  private describe(build: BuildRecord) {
    const complete = build.status !== "IN_PROGRESS";
    return {
      id: build.id,
      buildStatus: build.status,
      currentPhase: build.phase,
      buildComplete: complete,
      phases: build.phases,
      logs: { groupName: build.logGroup, streamName: build.logStream },
    };
  }

  /** The rack stacks' CodeBuild projects: the name each stack's BuildProject output gives, and its log group. */
  private project(name: string): { logGroup: string } | undefined {
    for (const stack of this.cloudFormation.stacks) {
      if (stack.status === "DELETE_COMPLETE" || stack.outputs.BuildProject !== name) continue;
      return { logGroup: stack.outputs.BuildLogGroup ?? `/aws/codebuild/${name}` };
    }
    return undefined;
  }
}
