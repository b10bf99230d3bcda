import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { DescribeStacksCommand, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { awsClients, awsEnv, describeTestStack, startMoto, type MotoServer } from "../support/moto.js";
import { hasStackTrace, runCli } from "../support/cli.js";
import { zipEntries } from "../commands/build-fixtures.js";

/**
 * Issue 10 end to end on moto (patched to run CodeBuild builds as AWS would, docs/moto.md):
 * an app of `build: .` services deployed from a folder with a Dockerfile and a .dockerignore
 * is built by the rack's CodeBuild project from the archive racknet uploaded, pushed to the
 * app's ECR repository, and run at its content tag; the same source again builds nothing; a
 * failing build exits 3 with docker's error first and deploys nothing.
 */

const RACK = "forge";
const REGION = "us-east-1";

const APP = {
  "convox.yml": "services:\n  web:\n    build: .\n    port: 3000\n  worker:\n    build: .\n    command: node worker.js\n",
  Dockerfile: "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n",
  ".dockerignore": "node_modules\n*.log\n.env\n!keep.log\n",
  "package.json": '{"name":"shop","version":"1.0.0"}\n',
  "package-lock.json": '{"name":"shop","lockfileVersion":3}\n',
  "server.js": "require('http').createServer((q, s) => s.end('ok')).listen(3000)\n",
  "worker.js": "setInterval(() => {}, 1000)\n",
  "lib/util.js": "module.exports = {}\n",
  "debug.log": "excluded\n",
  "keep.log": "kept by the exception\n",
  ".env": "SECRET=excluded\n",
  "node_modules/dep/index.js": "excluded\n",
};

/** What docker would send for APP: everything but what .dockerignore excludes. */
const SENT = [".dockerignore", "Dockerfile", "convox.yml", "keep.log", "lib/", "lib/util.js", "package-lock.json", "package.json", "server.js", "worker.js"];

const root = mkdtempSync(join(tmpdir(), "racknet-build-e2e-"));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

let moto: MotoServer;
let env: NodeJS.ProcessEnv;
let project = "";
let bucket = "";
const shop = folder("shop", APP);
const broken = folder("broken", { ...APP, Dockerfile: "FROM node:22-alpine\nCOPY . .\nRUN exit 1\n" });
const cli = (cwd: string, ...args: string[]) => runCli(args, { env, cwd });

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  const install = await runCli(["rack", "install", RACK, "--yes"], { env });
  if (install.code !== 0) throw new Error(`rack install failed: ${install.stderr}`);
  const rack = await describeTestStack(awsClients(moto.endpoint).cloudFormation, RACK);
  project = rack.outputs.BuildProject ?? "";
  bucket = rack.outputs.TemplateBucket ?? "";
});

afterAll(async () => {
  await moto?.stop();
  rmSync(root, { recursive: true, force: true });
});

function buildClients() {
  const config = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  return { codeBuild: new CodeBuildClient(config), ecr: new ECRClient(config) };
}

async function projectBuilds() {
  const { codeBuild } = buildClients();
  const ids = (await codeBuild.send(new ListBuildsForProjectCommand({ projectName: project }))).ids ?? [];
  return ids.length === 0 ? [] : ((await codeBuild.send(new BatchGetBuildsCommand({ ids }))).builds ?? []);
}

describe("racknet deploy of build: services, on moto", () => {
  it("builds the uploaded context on the rack's project, pushes it to the app's repository and runs it at its content tag", async () => {
    expect(project).toBe(`${RACK}-build`);
    const result = await cli(shop, "deploy", "-a", "shop", "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.stderr).toMatch(/web, worker: built and pushed/);

    const { ecr } = buildClients();
    const repository = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${RACK}/shop`] }))).repositories?.[0];
    expect(repository?.imageScanningConfiguration?.scanOnPush).toBe(true);
    const uri = repository?.repositoryUri ?? "";
    expect(uri).toBe(`123456789012.dkr.ecr.${REGION}.amazonaws.com/${RACK}/shop`);

    // One build (web and worker share the context), SUCCEEDED, from the zip in the rack's bucket.
    const builds = await projectBuilds();
    expect(builds).toHaveLength(1);
    expect(builds[0]?.buildStatus).toBe("SUCCEEDED");
    const location = builds[0]?.source?.location ?? "";
    expect(location).toMatch(new RegExp(`^${bucket}/builds/shop/[0-9a-f]{64}\\.zip$`));
    const { s3, ecs, cloudFormation } = awsClients(moto.endpoint);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: location.slice(bucket.length + 1) }));
    expect(await zipEntries(Buffer.from(await object.Body?.transformToByteArray() ?? []))).toEqual(SENT);

    // Every task definition runs the repository's image at the content tag ECR holds.
    const resources = (await cloudFormation.send(new ListStackResourcesCommand({ StackName: `${RACK}-shop` }))).StackResourceSummaries ?? [];
    const taskDefinitions = resources.filter((resource) => resource.ResourceType === "AWS::ECS::TaskDefinition");
    expect(taskDefinitions).toHaveLength(2);
    const images = await Promise.all(taskDefinitions.map(async (resource) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: resource.PhysicalResourceId }))).taskDefinition?.containerDefinitions?.[0]?.image ?? ""));
    const tag = images[0]?.slice(uri.length + 1) ?? "";
    expect(tag).toMatch(/^src-[0-9a-f]{32}$/);
    expect(images).toEqual([`${uri}:${tag}`, `${uri}:${tag}`]);
    const pushed = await ecr.send(new DescribeImagesCommand({ repositoryName: `${RACK}/shop`, imageIds: [{ imageTag: tag }] }));
    expect(pushed.imageDetails).toHaveLength(1);
  });

  it("the same source deployed again: no build, no changes", async () => {
    const result = await cli(shop, "deploy", "-a", "shop", "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("in ECR already: nothing to build");
    expect(result.stderr).toContain(`no changes: app shop on rack ${RACK} is already up to date`);
    expect(await projectBuilds()).toHaveLength(1);
  });

  it("a failing build (RUN exit 1) exits 3, docker's error first, and deploys nothing", async () => {
    const result = await cli(broken, "deploy", "-a", "broken", "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    const rootCause = result.stderr.indexOf("returned a non-zero code: 1");
    expect(rootCause, result.stderr).toBeGreaterThan(-1);
    expect(rootCause).toBeLessThan(result.stderr.indexOf("error: the build of"));
    expect(result.stderr).toMatch(/the build ended FAILED in its BUILD phase/);
    const failed = (await projectBuilds()).filter((build) => build.buildStatus === "FAILED");
    expect(failed).toHaveLength(1);
    const { cloudFormation } = awsClients(moto.endpoint);
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: `${RACK}-broken` }))).rejects.toThrow(/does not exist/);
  });
});
