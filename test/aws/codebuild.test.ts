import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand, StopBuildCommand, type Build } from "@aws-sdk/client-codebuild";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ExitCode, Interrupted } from "../../src/errors/index.js";
import type { BuildEvent } from "../../src/images/events.js";
import type { PlannedImage } from "../../src/images/plan.js";
import { buildEnvironment, renderBuildspec } from "../../src/images/buildspec.js";
import { BuildFailed, BuildLimitReached, buildImage, buildImages, type BuildClients, type ImageBuildRequest } from "../../src/aws/codebuild.js";

const mocks = { s3: mockClient(S3Client), codeBuild: mockClient(CodeBuildClient), logs: mockClient(CloudWatchLogsClient), ecr: mockClient(ECRClient) };
const clients: BuildClients = {
  s3: new S3Client({ region: "us-east-1" }),
  codeBuild: new CodeBuildClient({ region: "us-east-1" }),
  logs: new CloudWatchLogsClient({ region: "us-east-1" }),
  ecr: new ECRClient({ region: "us-east-1" }),
};

const folder = mkdtempSync(join(tmpdir(), "racknet-codebuild-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const ARCHIVE_SHA = "ab".repeat(32);
const REPOSITORY = { name: "prod/shop", uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop" };
const SECRET_PARAMETER = "/racknet/prod/apps/shop/env/NPM_TOKEN";

function image(tag: string, services: string[]): PlannedImage {
  return {
    tag,
    services,
    context: { root: folder, dockerfile: "Dockerfile", entries: [], fileBytes: 0, dockerfileArgs: [] },
    args: [
      { name: "MODE", kind: "literal", value: "production" },
      { name: "NPM_TOKEN", kind: "parameter", parameterName: SECRET_PARAMETER, fingerprint: "7" },
    ],
  };
}

let packed: number;

/** What the build step renders for the image (src/images/buildspec.ts). */
function instructionsFor(planned: PlannedImage) {
  const build = { imageUri: `${REPOSITORY.uri}:${planned.tag}`, dockerfile: planned.context.dockerfile, args: planned.args };
  return { buildspec: renderBuildspec(build), environment: buildEnvironment(build) };
}

function request(tag = "src-1", services = ["web", "worker"]): ImageBuildRequest {
  return {
    project: "prod-build",
    bucket: "prod-templatebucket-1",
    app: "shop",
    repository: REPOSITORY,
    serviceRole: "arn:aws:iam::123456789012:role/racknet/us-east-1/prod/build/prod_shop_0123abcd",
    image: image(tag, services),
    instructions: instructionsFor(image(tag, services)),
    archive: async () => {
      packed++;
      const path = join(folder, `${tag}.zip`);
      writeFileSync(path, "zip bytes");
      return { path, bytes: 9, sha256: ARCHIVE_SHA };
    },
  };
}

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

/** A build as CodeBuild reports it at each look: its state, and the log lines written by then. */
interface Tick {
  build: Partial<Build>;
  lines?: string[];
}

/**
 * CodeBuild and CloudWatch Logs for one build that goes through these ticks, one per
 * BatchGetBuilds; once it has ended, each log read delivers one of the `late` lines.
 */
function scriptBuild(id: string, ticks: Tick[], late: string[] = []): void {
  const stream: string[] = [];
  let tick = 0;
  let lateDue = false;
  mocks.codeBuild.on(BatchGetBuildsCommand, { ids: [id] }).callsFake(() => {
    const current = ticks[Math.min(tick, ticks.length - 1)] as Tick;
    if (tick < ticks.length) stream.push(...(current.lines ?? []));
    tick++;
    const logs = tick > 1 ? { groupName: "/racknet/prod/builds", streamName: id.split(":")[1] } : undefined;
    return { builds: [{ id, logs, ...current.build }] };
  });
  mocks.logs.on(GetLogEventsCommand, { logStreamName: id.split(":")[1] }).callsFake((input: { nextToken?: string }) => {
    if (lateDue) stream.push(...late.splice(0, 1));
    const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
    const events = stream.slice(from).map((message) => ({ message: `${message}\n` }));
    // A late line shows up only after the reader has been told there was nothing more.
    lateDue = tick >= ticks.length && events.length === 0;
    return { events, nextForwardToken: `f/${stream.length}` };
  });
}

let events: BuildEvent[];
let sleeps: number;
const sleep = async (_ms: number, signal?: AbortSignal) => {
  sleeps++;
  signal?.throwIfAborted();
  // Instant, but a real turn of the event loop, so file I/O of other builds goes on.
  await new Promise((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
};
const options = (signal?: AbortSignal) => ({ emit: (event: BuildEvent) => events.push(event), sleep, signal, now: () => 1000 });

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  mocks.s3.onAnyCommand().rejects(new Error("unmocked S3 call"));
  mocks.codeBuild.onAnyCommand().rejects(new Error("unmocked CodeBuild call"));
  mocks.logs.onAnyCommand().rejects(new Error("unmocked CloudWatch Logs call"));
  mocks.ecr.onAnyCommand().rejects(new Error("unmocked ECR call"));
  mocks.ecr.on(DescribeImagesCommand).rejects(awsError("ImageNotFoundException"));
  mocks.s3.on(PutObjectCommand).resolves({});
  events = [];
  sleeps = 0;
  packed = 0;
});

const BUILD_ID = "prod-build:0000-1111";
const IMAGE_URI = `${REPOSITORY.uri}:src-1`;

describe("building an image on CodeBuild", () => {
  it("uploads the context under a content-addressed key, starts the build with racknet's buildspec, and follows it to the end", async () => {
    mocks.codeBuild.on(StartBuildCommand).resolves({ build: { id: BUILD_ID } });
    scriptBuild(BUILD_ID, [
      { build: { buildStatus: "IN_PROGRESS", currentPhase: "PROVISIONING" } },
      { build: { buildStatus: "IN_PROGRESS", currentPhase: "BUILD" }, lines: ["#1 [1/2] FROM alpine:3.20", "#2 [2/2] COPY . /app"] },
      { build: { buildStatus: "SUCCEEDED", currentPhase: "COMPLETED", buildComplete: true }, lines: ["pushed"] },
    ]);
    const built = await buildImage(clients, request(), options());
    expect(built).toEqual({ imageUri: IMAGE_URI, services: ["web", "worker"], built: true });

    const put = mocks.s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: "prod-templatebucket-1", Key: `builds/shop/${ARCHIVE_SHA}.zip`, ContentLength: 9, ChecksumSHA256: Buffer.from(ARCHIVE_SHA, "hex").toString("base64") });
    const start = mocks.codeBuild.commandCalls(StartBuildCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ projectName: "prod-build", sourceTypeOverride: "S3", sourceLocationOverride: `prod-templatebucket-1/builds/shop/${ARCHIVE_SHA}.zip` });
    expect(start?.environmentVariablesOverride).toContainEqual({ name: "NPM_TOKEN", value: SECRET_PARAMETER, type: "PARAMETER_STORE" });
    expect(start?.buildspecOverride).toContain("--build-arg NPM_TOKEN");
    expect(start?.idempotencyToken).toEqual(expect.any(String));

    expect(events.map((event) => ("line" in event ? `log ${event.line}` : "phase" in event && event.type === "build-phase" ? `phase ${event.phase}` : event.type))).toEqual([
      "context-uploading",
      "build-started",
      "phase PROVISIONING",
      "phase BUILD",
      "log #1 [1/2] FROM alpine:3.20",
      "log #2 [2/2] COPY . /app",
      "phase COMPLETED",
      "log pushed",
      "build-succeeded",
    ]);
  });

  it("does nothing when ECR has the content tag already: no packing, no upload, no build", async () => {
    mocks.ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: ["src-1"] }] });
    expect(await buildImage(clients, request(), options())).toEqual({ imageUri: IMAGE_URI, services: ["web", "worker"], built: false });
    expect(events).toEqual([{ type: "image-cached", imageUri: IMAGE_URI, services: ["web", "worker"] }]);
    expect(packed).toBe(0);
    expect(mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(mocks.codeBuild.commandCalls(StartBuildCommand)).toHaveLength(0);
  });

  it("on failure, throws BuildFailed (exit 3) with docker's failing lines first, including lines CloudWatch delivers late", async () => {
    mocks.codeBuild.on(StartBuildCommand).resolves({ build: { id: BUILD_ID } });
    scriptBuild(
      BUILD_ID,
      [
        { build: { buildStatus: "IN_PROGRESS", currentPhase: "BUILD" }, lines: ["#6 [3/4] RUN npm install", "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd"] },
        {
          build: {
            buildStatus: "FAILED",
            currentPhase: "COMPLETED",
            buildComplete: true,
            phases: [{ phaseType: "BUILD", phaseStatus: "FAILED", contexts: [{ statusCode: "COMMAND_EXECUTION_ERROR", message: "Error while executing command: docker build. Reason: exit status 1" }] }],
          },
        },
      ],
      [
        'ERROR: failed to solve: process "/bin/sh -c npm install" did not complete successfully: exit code: 1',
        "[Container] 2026/09/16 08:31:07.601108 Command did not exit successfully docker build exit status 1",
      ],
    );
    const error = await buildImage(clients, request(), options()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BuildFailed);
    expect((error as BuildFailed).exitCode).toBe(ExitCode.awsFailed);
    expect((error as BuildFailed).message).toBe(`the build of ${IMAGE_URI} ended FAILED; nothing was pushed`);
    const failed = events.find((event) => event.type === "build-failed");
    expect(failed).toMatchObject({ status: "FAILED", phase: "BUILD" });
    expect(failed && "failingLines" in failed ? failed.failingLines : []).toEqual([
      "#6 [3/4] RUN npm install",
      "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd",
      'ERROR: failed to solve: process "/bin/sh -c npm install" did not complete successfully: exit code: 1',
      "Command did not exit successfully docker build exit status 1",
      "BUILD FAILED: Error while executing command: docker build. Reason: exit status 1",
    ]);
    expect((error as BuildFailed).failingLines).toEqual(failed && "failingLines" in failed ? failed.failingLines : undefined);
  });

  it("on Ctrl-C, stops the build with StopBuild and says so", async () => {
    mocks.codeBuild.on(StartBuildCommand).resolves({ build: { id: BUILD_ID } });
    mocks.codeBuild.on(StopBuildCommand).resolves({});
    const controller = new AbortController();
    scriptBuild(BUILD_ID, [{ build: { buildStatus: "IN_PROGRESS", currentPhase: "BUILD" } }]);
    mocks.logs.on(GetLogEventsCommand).callsFake(() => {
      controller.abort();
      return { events: [], nextForwardToken: "f/0" };
    });
    const error = await buildImage(clients, request(), options(controller.signal)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as Interrupted).exitCode).toBe(ExitCode.interrupted);
    expect((error as Interrupted).message).toBe(`Ctrl-C: the build ${BUILD_ID} was stopped (StopBuild); nothing was deployed`);
    expect(mocks.codeBuild.commandCalls(StopBuildCommand).map((call) => call.args[0].input)).toEqual([{ id: BUILD_ID }]);
    expect(events.at(-1)).toEqual({ type: "build-stopped", imageUri: IMAGE_URI, buildId: BUILD_ID });
  });

  it("on Ctrl-C during the upload, starts no build", async () => {
    const controller = new AbortController();
    mocks.s3.on(PutObjectCommand).callsFake(() => {
      controller.abort();
      throw Object.assign(new Error("aborted"), { name: "AbortError" });
    });
    await expect(buildImage(clients, request(), options(controller.signal))).rejects.toThrow("Ctrl-C: the upload was cancelled; no build was started");
    expect(mocks.codeBuild.commandCalls(StartBuildCommand)).toHaveLength(0);
  });

  it("building several images, the first failure stops the others", async () => {
    // The bad build starts only once the slow one has: the failure then has a running build to stop
    // (whichever upload ends first; without this the test depended on that race).
    let slowStarted!: () => void;
    const slowStarting = new Promise<void>((resolve) => (slowStarted = resolve));
    mocks.codeBuild.on(StartBuildCommand).callsFake(async (input: { sourceLocationOverride: string; environmentVariablesOverride: Array<{ name: string; value: string }> }) => {
      const image = input.environmentVariablesOverride.find((variable) => variable.name === "RACKNET_IMAGE")?.value ?? "";
      if (!image.endsWith("src-bad")) {
        slowStarted();
        return { build: { id: "prod-build:slow" } };
      }
      await slowStarting;
      return { build: { id: "prod-build:bad" } };
    });
    mocks.codeBuild.on(StopBuildCommand).resolves({});
    scriptBuild("prod-build:bad", [{ build: { buildStatus: "FAILED", currentPhase: "COMPLETED", buildComplete: true } }]);
    scriptBuild("prod-build:slow", [{ build: { buildStatus: "IN_PROGRESS", currentPhase: "BUILD" } }]);
    const error = await buildImages(clients, [request("src-slow", ["api"]), request("src-bad", ["web"])], options()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BuildFailed);
    expect((error as BuildFailed).imageUri).toBe(`${REPOSITORY.uri}:src-bad`);
    expect(mocks.codeBuild.commandCalls(StopBuildCommand).map((call) => call.args[0].input)).toEqual([{ id: "prod-build:slow" }]);
  });
});

/**
 * CodeBuild's account quota on builds running at once (a new account may have 1, and 0 in
 * the queue): a StartBuild past it is refused with AccountLimitExceededException ("Cannot
 * have more than 0 builds in queue for the account"). Issue 20, item 2.
 */
describe("the account's limit on builds running at once", () => {
  /** CodeBuild with room for `limit` builds and none in the queue; `othersFor` StartBuilds find the account's other builds in every slot. */
  function limitedCodeBuild(limit: number, othersFor = 0) {
    let running = 0;
    let most = 0;
    let attempts = 0;
    const startedAt = new Map<string, number>();
    mocks.codeBuild.on(StartBuildCommand).callsFake(() => {
      attempts++;
      if (attempts <= othersFor || running >= limit) throw Object.assign(awsError("AccountLimitExceededException"), { message: "Cannot have more than 0 builds in queue for the account" });
      running++;
      most = Math.max(most, running);
      startedAt.set(`prod-build:${attempts}`, Date.now());
      return { build: { id: `prod-build:${attempts}` } };
    });
    // Each build runs for 40 ms: long enough for every other upload to have ended and its StartBuild sent.
    mocks.codeBuild.on(BatchGetBuildsCommand).callsFake(async (input: { ids: string[] }) => {
      const id = input.ids[0] ?? "";
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (startedAt.get(id) ?? 0) + 40 - Date.now())));
      running--;
      return { builds: [{ id, buildStatus: "SUCCEEDED", currentPhase: "COMPLETED", buildComplete: true }] };
    });
    return { most: () => most, attempts: () => attempts };
  }
  const waits: number[] = [];
  const timedOptions = () => ({ ...options(), sleep: async (ms: number) => void waits.push(ms) });
  beforeEach(() => void waits.splice(0));

  it("runs at most `concurrency` builds at once, the next starting when one ends", async () => {
    const codeBuild = limitedCodeBuild(1);
    const built = await buildImages(clients, [request("src-a", ["a"]), request("src-b", ["b"]), request("src-c", ["c"])], { ...timedOptions(), concurrency: 1 });
    expect(built.map((image) => image.imageUri)).toEqual(["a", "b", "c"].map((tag) => `${REPOSITORY.uri}:src-${tag}`));
    expect(codeBuild.most()).toBe(1);
    expect(events.filter((event) => event.type === "build-limited")).toEqual([]);
  });

  it("a StartBuild refused for the account's limit is tried again after 5 s, then 10 s, and the build goes on", async () => {
    const codeBuild = limitedCodeBuild(1, 2);
    const built = await buildImage(clients, request(), timedOptions());
    expect(built.built).toBe(true);
    expect(codeBuild.attempts()).toBe(3);
    expect(waits).toEqual([5000, 10_000]);
    expect(events.filter((event) => event.type === "build-limited")).toEqual([
      { type: "build-limited", imageUri: IMAGE_URI, waitMs: 5000, reason: "Cannot have more than 0 builds in queue for the account" },
      { type: "build-limited", imageUri: IMAGE_URI, waitMs: 10_000, reason: "Cannot have more than 0 builds in queue for the account" },
    ]);
  });

  it("refused for longer than racknet waits: BuildLimitReached, and no build was started", async () => {
    limitedCodeBuild(1, 1000);
    const error = await buildImage(clients, request(), { ...timedOptions(), limitWaitMs: 30_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BuildLimitReached);
    expect(error).toMatchObject({ imageUri: IMAGE_URI, waitedMs: 30_000, awsMessage: "Cannot have more than 0 builds in queue for the account" });
    expect(waits).toEqual([5000, 10_000, 15_000]);
  });
});
