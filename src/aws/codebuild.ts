import { open } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Build, CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { S3Client } from "@aws-sdk/client-s3";
import { AwsOperationFailed, Interrupted } from "../core/errors.js";
import type { ContextArchive } from "../build/archive.js";
import type { BuildEnvironmentVariable } from "../build/buildspec.js";
import type { BuildListener } from "../build/events.js";
import { failingLines } from "./build-failure.js";
import type { PlannedImage } from "../build/plan.js";
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
  repository: AppRepository;
  image: PlannedImage;
  /** What the build runs (src/build/buildspec.ts), rendered by the caller for `<repository.uri>:<image.tag>`. */
  instructions: { buildspec: string; environment: BuildEnvironmentVariable[] };
  /** Packs the context (src/build/archive.ts); called only when the image must be built. */
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

const POLL_MS = 3000;
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

  const { StartBuildCommand } = sdk.codeBuild();
  // Not abortable: once sent, a build may exist, and only its id lets us stop it.
  const { build } = await clients.codeBuild.send(
    new StartBuildCommand({
      projectName: request.project,
      sourceTypeOverride: "S3",
      sourceLocationOverride: `${request.bucket}/${key}`,
      buildspecOverride: request.instructions.buildspec,
      environmentVariablesOverride: request.instructions.environment,
      // The SDK may resend StartBuild after a dropped connection: the token keeps it to one build.
      idempotencyToken: randomUUID(),
    }),
  );
  if (!build?.id) throw new Error("StartBuild returned no build id");
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
 * Build several images at once. The first failure stops the others (StopBuild) and is
 * thrown; Ctrl-C stops them all.
 */
export async function buildImages(clients: BuildClients, requests: readonly ImageBuildRequest[], options: BuildOptions): Promise<BuiltImage[]> {
  const siblings = new AbortController();
  const onAbort = () => siblings.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  let firstFailure: unknown;
  try {
    const results = await Promise.allSettled(
      requests.map((request) =>
        buildImage(clients, request, { ...options, signal: siblings.signal }).catch((error: unknown) => {
          firstFailure ??= error;
          siblings.abort(error);
          throw error;
        }),
      ),
    );
    if (firstFailure !== undefined) throw firstFailure;
    return results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
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
