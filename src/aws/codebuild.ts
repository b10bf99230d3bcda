import { open } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Build, CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { S3Client } from "@aws-sdk/client-s3";
import { AwsOperationFailed, Interrupted } from "../errors/index.js";
import type { ContextArchive } from "../files/context-archive.js";
import type { BuildEnvironmentVariable } from "../images/buildspec.js";
import type { BuildListener } from "../images/events.js";
import { failingLines } from "./build-failure.js";
import type { PlannedImage } from "../images/plan.js";
import { buildSourceKey } from "../names/index.js";
import { abortableSleep, type Sleep } from "./changeset/pacing.js";
import type { AppRepository } from "./ecr.js";
import { imageExists } from "./ecr.js";
import { sdk } from "./sdk.js";

/**
 * Build one image on the rack's CodeBuild project: nothing when ECR has the image's content
 * tag already; else upload the packed context to the rack's bucket, start the build with
 * racknet's buildspec, and follow it (phases, and its own log lines as CloudWatch Logs gets
 * them) until it ends. Ctrl-C stops the build. Emits BuildEvents; never prints.
 */

export interface BuildClients {
  s3: S3Client;
  codeBuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
  ecr: ECRClient;
}

export interface ImageBuildRequest {
  /** The rack's CodeBuild project (rack output BuildProject). */
  project: string;
  /** The rack's bucket (rack output TemplateBucket). */
  bucket: string;
  app: string;
  /** The app's own build role (iam.ts): the build may touch this app's sources, repository and environment only. */
  serviceRole: string;
  repository: AppRepository;
  image: PlannedImage;
  /** What the build runs (src/images/buildspec.ts), rendered by the caller for `<repository.uri>:<image.tag>`. */
  instructions: { buildspec: string; environment: BuildEnvironmentVariable[] };
  /** Packs the context (src/files/context-archive.ts); called only when the image must be built. */
  archive: () => Promise<ContextArchive>;
}

export interface BuildOptions {
  emit: BuildListener;
  /** Ctrl-C: the build is stopped with StopBuild and Interrupted is thrown. */
  signal?: AbortSignal;
  sleep?: Sleep;
  /** Between two looks at the build and its log. */
  pollMs?: number;
  now?: () => number;
  /** At most this many builds at once (buildImages); all of them when absent. */
  concurrency?: number;
  /** How long a StartBuild refused for the account's limit (AccountLimitExceededException) is retried before BuildLimitReached. */
  limitWaitMs?: number;
  /** How long a StartBuild refused because CodeBuild cannot assume the app's new build role yet is retried. */
  roleWaitMs?: number;
}

export interface BuiltImage {
  imageUri: string;
  services: string[];
  /** False when ECR had the image already (no upload, no build). */
  built: boolean;
}

/** A build that ended in any state but SUCCEEDED (exit 3); `failingLines` hold the root cause. */
export class BuildFailed extends AwsOperationFailed {
  constructor(
    readonly imageUri: string,
    readonly status: string,
    readonly failingLines: string[],
    readonly buildId: string,
    log?: { group: string; stream: string },
  ) {
    super(`the build of ${imageUri} ended ${status}; nothing was pushed`, {
      fix: log
        ? `the lines above are the end of the build's log; all of it is in CloudWatch Logs, group ${log.group}, stream ${log.stream}`
        : `the lines above say why; the build is ${buildId} in CodeBuild`,
    });
    this.name = "BuildFailed";
  }
}

/**
 * CodeBuild refused to start the build for the account's limit (AccountLimitExceededException:
 * "An AWS service limit was exceeded for the calling AWS account") for as long as racknet
 * waits. Nothing was started for this image; the caller names the quota to raise.
 */
export class BuildLimitReached extends Error {
  constructor(
    readonly imageUri: string,
    readonly waitedMs: number,
    readonly awsMessage: string,
  ) {
    super(`CodeBuild refused to start the build of ${imageUri} for the account's limit for ${Math.round(waitedMs / 1000)}s: ${awsMessage}`);
    this.name = "BuildLimitReached";
  }
}

const POLL_MS = 3000;
/** A StartBuild refused for the account's limit is retried after 5 s, then 10, 20, 40, then every 60 s. */
const LIMIT_FIRST_WAIT_MS = 5000;
const LIMIT_MAX_WAIT_MS = 60_000;
const LIMIT_WAIT_MS = 10 * 60 * 1000;
/**
 * IAM is eventually consistent: a role made seconds ago may not be assumable by CodeBuild yet,
 * and StartBuild answers InvalidInputException "CodeBuild is not authorized to perform:
 * sts:AssumeRole on <role>" (seen by the Terraform AWS provider, hashicorp/terraform-provider-aws#904,
 * which retries it). Retried every 3 s for up to a minute; any other InvalidInputException is not.
 */
const ROLE_WAIT_MS = 60_000;
const ROLE_RETRY_MS = 3000;
const ROLE_NOT_ASSUMABLE = /not authorized to perform: sts:AssumeRole/i;
/** CloudWatch Logs may deliver the last lines a few seconds after the build ends. */
const FINAL_LOG_READS = 3;

export async function buildImage(clients: BuildClients, request: ImageBuildRequest, options: BuildOptions): Promise<BuiltImage> {
  const imageUri = `${request.repository.uri}:${request.image.tag}`;
  const services = request.image.services;
  if (await imageExists(clients.ecr, request.repository.name, request.image.tag)) {
    options.emit({ type: "image-cached", imageUri, services });
    return { imageUri, services, built: false };
  }
  const archive = await request.archive();
  const key = buildSourceKey(request.app, archive.sha256);
  options.emit({ type: "context-uploading", imageUri, bytes: archive.bytes, bucket: request.bucket, key });
  await upload(clients.s3, request.bucket, key, archive, options.signal).catch((error: unknown) => {
    if (options.signal?.aborted) throw new Interrupted("Ctrl-C: the upload was cancelled; no build was started");
    throw error;
  });
  if (options.signal?.aborted) throw new Interrupted("Ctrl-C: the context was uploaded; no build was started");

  const build = await startBuild(clients.codeBuild, request, key, imageUri, options);
  options.emit({ type: "build-started", imageUri, buildId: build.id, services });
  const started = (options.now ?? Date.now)();
  const finished = await follow(clients, build.id, imageUri, options).catch(async (error: unknown) => {
    if (!options.signal?.aborted) throw error;
    await stop(clients.codeBuild, build.id ?? "", imageUri, options);
    throw new Interrupted(`Ctrl-C: the build ${build.id} was stopped (StopBuild); nothing was deployed`);
  });
  if (finished.status !== "SUCCEEDED") {
    options.emit({ type: "build-failed", imageUri, buildId: build.id, status: finished.status, phase: finished.phase, failingLines: finished.failingLines });
    throw new BuildFailed(imageUri, finished.status, finished.failingLines, build.id, finished.log);
  }
  options.emit({ type: "build-succeeded", imageUri, buildId: build.id, elapsedMs: (options.now ?? Date.now)() - started });
  return { imageUri, services, built: true };
}

/**
 * Build several images, at most `concurrency` at once (the account's quota on concurrent
 * builds), the rest starting as slots free up. The first failure stops the others (StopBuild)
 * and starts no more, and is thrown; Ctrl-C stops them all.
 */
export async function buildImages(clients: BuildClients, requests: readonly ImageBuildRequest[], options: BuildOptions): Promise<BuiltImage[]> {
  const siblings = new AbortController();
  const onAbort = () => siblings.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  let firstFailure: unknown;
  const results: BuiltImage[] = [];
  let next = 0;
  const slot = async () => {
    for (let index = next++; index < requests.length && !siblings.signal.aborted; index = next++) {
      const request = requests[index];
      if (!request) continue;
      try {
        results[index] = await buildImage(clients, request, { ...options, signal: siblings.signal });
      } catch (error) {
        firstFailure ??= error;
        siblings.abort(error);
      }
    }
  };
  try {
    const slots = Math.max(1, Math.min(options.concurrency ?? requests.length, requests.length));
    await Promise.all(Array.from({ length: slots }, slot));
    if (firstFailure !== undefined) throw firstFailure;
    if (siblings.signal.aborted) throw new Interrupted("Ctrl-C: no further build was started; nothing was deployed");
    return results.filter((result): result is BuiltImage => result !== undefined);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** StartBuild, retried with a growing wait while CodeBuild refuses it for the account's limit. */
async function startBuild(codeBuild: CodeBuildClient, request: ImageBuildRequest, key: string, imageUri: string, options: BuildOptions): Promise<{ id: string }> {
  const { StartBuildCommand } = sdk.codeBuild();
  const sleep = options.sleep ?? abortableSleep;
  const limitWaitMs = options.limitWaitMs ?? LIMIT_WAIT_MS;
  const roleWaitMs = options.roleWaitMs ?? ROLE_WAIT_MS;
  let waitedMs = 0;
  let roleWaitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      // Not abortable: once sent, a build may exist, and only its id lets us stop it.
      const { build } = await codeBuild.send(
        new StartBuildCommand({
          projectName: request.project,
          sourceTypeOverride: "S3",
          sourceLocationOverride: `${request.bucket}/${key}`,
          buildspecOverride: request.instructions.buildspec,
          environmentVariablesOverride: request.instructions.environment,
          serviceRoleOverride: request.serviceRole,
          // The SDK may resend StartBuild after a dropped connection: the token keeps it to one
          // build. A new one per attempt: a refused StartBuild started nothing.
          idempotencyToken: randomUUID(),
        }),
      );
      if (!build?.id) throw new Error("StartBuild returned no build id");
      return { id: build.id };
    } catch (error) {
      if (error instanceof Error && error.name === "InvalidInputException" && ROLE_NOT_ASSUMABLE.test(error.message) && roleWaitedMs < roleWaitMs) {
        await sleep(ROLE_RETRY_MS, options.signal).catch(() => {
          throw new Interrupted("Ctrl-C: no build was started");
        });
        roleWaitedMs += ROLE_RETRY_MS;
        attempt -= 1;
        continue;
      }
      if (!(error instanceof Error && error.name === "AccountLimitExceededException")) throw error;
      if (waitedMs >= limitWaitMs) throw new BuildLimitReached(imageUri, waitedMs, error.message);
      const waitMs = Math.min(LIMIT_FIRST_WAIT_MS * 2 ** attempt, LIMIT_MAX_WAIT_MS, limitWaitMs - waitedMs);
      options.emit({ type: "build-limited", imageUri, waitMs, reason: error.message });
      await sleep(waitMs, options.signal).catch(() => {
        throw new Interrupted("Ctrl-C: no build was started");
      });
      waitedMs += waitMs;
    }
  }
}

async function upload(s3: S3Client, bucket: string, key: string, archive: ContextArchive, signal?: AbortSignal): Promise<void> {
  const { PutObjectCommand } = sdk.s3();
  // Opened here, not lazily by the stream: a request that fails before reading must not
  // leave an open pending on a file the caller is about to delete.
  const file = await open(archive.path);
  const body = file.createReadStream({ autoClose: false });
  // A read error also fails the request, which is where it is reported.
  body.on("error", () => undefined);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: archive.bytes,
        ContentType: "application/zip",
        // S3 checks the bytes it stores against the digest computed while packing.
        ChecksumSHA256: Buffer.from(archive.sha256, "hex").toString("base64"),
      }),
      { abortSignal: signal },
    );
  } finally {
    body.destroy();
    await file.close();
  }
}

interface FinishedBuild {
  status: string;
  phase?: string;
  failingLines: string[];
  log?: { group: string; stream: string };
}

async function follow(clients: BuildClients, buildId: string, imageUri: string, options: BuildOptions): Promise<FinishedBuild> {
  const sleep = options.sleep ?? abortableSleep;
  const tail = new LogTail(clients.logs);
  let phase: string | undefined;
  for (;;) {
    const build = await describe(clients.codeBuild, buildId, options.signal);
    if (build.currentPhase && build.currentPhase !== phase) {
      phase = build.currentPhase;
      options.emit({ type: "build-phase", imageUri, buildId, phase });
    }
    for (const line of await tail.read(build, options.signal)) options.emit({ type: "build-log", imageUri, buildId, line });
    if (build.buildComplete) {
      for (let read = 0; read < FINAL_LOG_READS; read++) {
        const late = await tail.read(build, options.signal);
        for (const line of late) options.emit({ type: "build-log", imageUri, buildId, line });
        if (late.length === 0) break;
        await sleep(options.pollMs ?? POLL_MS, options.signal);
      }
      const status = build.buildStatus ?? "UNKNOWN";
      const failedPhase = build.phases?.find((entry) => entry.phaseStatus && entry.phaseStatus !== "SUCCEEDED")?.phaseType;
      const log = build.logs?.groupName && build.logs.streamName ? { group: build.logs.groupName, stream: build.logs.streamName } : undefined;
      return { status, phase: failedPhase, failingLines: status === "SUCCEEDED" ? [] : failingLines(tail.lines, build.phases ?? []), log };
    }
    await sleep(options.pollMs ?? POLL_MS, options.signal);
  }
}

async function describe(codeBuild: CodeBuildClient, buildId: string, signal?: AbortSignal): Promise<Build> {
  const { BatchGetBuildsCommand } = sdk.codeBuild();
  const { builds } = await codeBuild.send(new BatchGetBuildsCommand({ ids: [buildId] }), { abortSignal: signal });
  const build = builds?.[0];
  if (!build) throw new Error(`CodeBuild does not know the build ${buildId}`);
  return build;
}

async function stop(codeBuild: CodeBuildClient, buildId: string, imageUri: string, options: BuildOptions): Promise<void> {
  const { StopBuildCommand } = sdk.codeBuild();
  await codeBuild.send(new StopBuildCommand({ id: buildId }));
  options.emit({ type: "build-stopped", imageUri, buildId });
}

/** The build's log stream, read forward from where the last read stopped. */
class LogTail {
  readonly lines: string[] = [];
  private token: string | undefined;

  constructor(private readonly logs: CloudWatchLogsClient) {}

  async read(build: Build, signal?: AbortSignal): Promise<string[]> {
    const group = build.logs?.groupName;
    const stream = build.logs?.streamName;
    if (!group || !stream) return [];
    const { GetLogEventsCommand } = sdk.cloudWatchLogs();
    const fresh: string[] = [];
    for (;;) {
      let page;
      try {
        page = await this.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: this.token }), { abortSignal: signal });
      } catch (error) {
        // The stream appears once the build container starts writing.
        if (error instanceof Error && error.name === "ResourceNotFoundException") return fresh;
        throw error;
      }
      const lines = (page.events ?? []).flatMap((event) => (event.message ?? "").replace(/\r?\n$/, "").split(/\r?\n/));
      fresh.push(...lines);
      const unchanged = page.nextForwardToken === undefined || page.nextForwardToken === this.token;
      this.token = page.nextForwardToken ?? this.token;
      if (unchanged || lines.length === 0) break;
    }
    this.lines.push(...fresh);
    return fresh;
  }
}
