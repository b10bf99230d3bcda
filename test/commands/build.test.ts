import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as build } from "../../src/operations/build.js";
import { run as manifestCheck } from "../../src/operations/manifest-check.js";
import { run as rackParams } from "../../src/operations/rack-params.js";
import { run as rackParamsSet } from "../../src/operations/rack-params-set.js";
import { buildProgram } from "../../src/cli.js";
import { removeBuildLeftovers } from "../../src/steps/build-cleanup.js";
import { awsHarness, type AwsCall, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { TWO_SERVICES, buildApp, changeSetImages, operations, taskImages, zipEntries } from "./build-fixtures.js";

/** `racknet deploy` of `build:` services and `racknet build` (issue 10), on the in-memory AWS. */

const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const REPOSITORY = `${REGISTRY}/prod/shop`;
const TAG = /^src-[0-9a-f]{32}$/;

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
});
afterEach(() => h.restore());

function deployAs(file: string, flags: Partial<AwsHarness["options"]> = { yes: true }, image: string[] = []) {
  Object.assign(h.options, { rack: "prod", app: "shop", ...flags });
  return h.run(deploy, { file, image });
}

const builds = (result: { calls: AwsCall[] }) => operations(result.calls).filter((operation) => operation === "CodeBuild.StartBuild").length;

describe("racknet deploy: build: services are built by the rack, then deployed", () => {
  it("makes the repository, builds a shared context once from the uploaded source, and runs the image at its content tag", async () => {
    const file = buildApp(TWO_SERVICES);
    const result = await deployAs(file);
    expect(result.exitCode, result.stderr).toBe(0);

    const repository = h.registry.repositories.get("prod/shop");
    expect(repository).toMatchObject({ uri: REPOSITORY, mutability: "IMMUTABLE", scanOnPush: true, tags: { "racknet:rack": "prod", "racknet:app": "shop" } });
    expect(JSON.parse(repository?.lifecyclePolicy ?? "{}")).toMatchObject({ rules: [{ selection: { countType: "imageCountMoreThan", countNumber: 30 } }] });

    // web and worker share `.`: one build, on the rack's project, from the zip in the rack's bucket.
    expect(h.builds.builds).toHaveLength(1);
    const started = h.builds.builds[0]?.input;
    const rack = h.cloudFormation.stack("prod");
    expect(started?.projectName).toBe(rack?.outputs.BuildProject);
    expect(started?.sourceTypeOverride).toBe("S3");
    const [bucket, ...key] = (started?.sourceLocationOverride ?? "").split("/");
    expect(bucket).toBe(rack?.outputs.TemplateBucket);
    expect(key.join("/")).toMatch(/^builds\/shop\/[0-9a-f]{64}\.zip$/);

    // The archive holds what docker would send, nothing .dockerignore excludes.
    const entries = await zipEntries(h.objects.bytes.get(started?.sourceLocationOverride ?? "") ?? Buffer.alloc(0));
    expect(entries).toEqual([".dockerignore", "Dockerfile", "convox.yml", "keep.log", "lib/", "lib/util.js", "server.js", "worker.js"]);

    const images = taskImages(h, "prod-shop");
    const tag = images.Web?.split(":").at(-1) ?? "";
    expect(tag).toMatch(TAG);
    expect(images).toEqual({ Web: `${REPOSITORY}:${tag}`, Worker: `${REPOSITORY}:${tag}` });
    expect(h.registry.repositories.get("prod/shop")?.images.has(tag)).toBe(true);
    // Built before the change set: the template names the image.
    const order = operations(result.calls);
    expect(order.indexOf("CodeBuild.StartBuild")).toBeLessThan(order.indexOf("CloudFormation.CreateChangeSet"));
    expect(result.stderr).toMatch(/Build plan for app shop.*1 of 1 image\(s\) to build; ECR repository prod\/shop \(to be created\)/);
    expect(result.stderr).toMatch(/web, worker: built and pushed/);
  });

  it("the same source deployed again builds nothing and changes nothing; one changed byte builds a new tag", async () => {
    const file = buildApp(TWO_SERVICES);
    await deployAs(file);
    const again = await deployAs(file);
    expect(again.exitCode).toBe(0);
    expect(builds(again)).toBe(0);
    expect(operations(again.calls)).not.toContain("S3.PutObject");
    expect(again.stderr).toContain("in ECR already: nothing to build");
    expect(again.stderr).toContain("no changes: app shop on rack prod is already up to date");

    const { writeFileSync } = await import("node:fs");
    writeFileSync(file.replace(/convox\.yml$/, "server.js"), "// changed\n");
    const changed = await deployAs(file);
    expect(builds(changed)).toBe(1);
    expect(changed.stderr).toContain("app shop deployed to rack prod");
    expect(h.registry.repositories.get("prod/shop")?.images.size).toBe(2);
  });

  it("--dry-run builds and creates nothing, and its plan names the images the real deploy then runs", async () => {
    const file = buildApp(TWO_SERVICES);
    const dry = await deployAs(file, { dryRun: true });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.writes.filter((operation) => !operation.startsWith("CloudFormation."))).toEqual([]);
    expect(h.registry.repositories.size).toBe(0);
    expect(dry.stderr).toContain("1 to build first; a dry run builds nothing");
    const planned = changeSetImages(dry.calls);

    const real = await deployAs(file, { yes: true, dryRun: false });
    expect(real.exitCode).toBe(0);
    expect(builds(real)).toBe(1);
    expect(changeSetImages(real.calls)).toEqual(planned);
    expect(taskImages(h, "prod-shop")).toEqual(planned);
  });

  it("without a terminal and without --yes: refused before anything is built, naming --yes", async () => {
    const result = await deployAs(buildApp(TWO_SERVICES), { yes: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("not applied to app shop on rack prod: without a terminal racknet applies changes only with --yes; nothing was built or changed");
    expect(result.writes).toEqual([]);
  });

  it("every build problem at once, with the manifest's file:line, before anything is uploaded", async () => {
    const file = buildApp(`services:
  web:
    build: ./missing
  api:
    build:
      path: .
      manifest: api.Dockerfile
  worker:
    build:
      path: .
      args: [AWS_REGION=eu-west-1, TOKEN]
`);
    const result = await deployAs(file);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("the build has 4 problems; nothing was uploaded");
    expect(result.stderr).toMatch(/convox\.yml:3:\d+: web: build path \.\/missing does not exist/);
    expect(result.stderr).toMatch(/convox\.yml:5:\d+: api: no Dockerfile at \.\/api\.Dockerfile/);
    expect(result.stderr).toMatch(/convox\.yml:9:\d+: build arg AWS_REGION starts with AWS_, which the build environment reserves/);
    expect(result.stderr).toMatch(/convox\.yml:9:\d+: build arg TOKEN takes its value from the app's environment, where TOKEN is not set/);
    expect(result.writes).toEqual([]);
  });

  it("a failed build exits 3, its failing lines first, and no app stack is made", async () => {
    h.builds.script = () => ({ outcome: "FAILED", phase: "BUILD", lines: ["Step 3/4 : RUN npm test", "npm ERR! 1 test failed", "The command '/bin/sh -c npm test' returned a non-zero code: 1"] });
    const result = await deployAs(buildApp(TWO_SERVICES));
    expect(result.exitCode).toBe(3);
    const rootCause = result.stderr.indexOf("npm ERR! 1 test failed");
    expect(result.stderr).toMatch(/web, worker: the build ended FAILED in its BUILD phase; the root cause, from its log:/);
    expect(rootCause).toBeGreaterThan(-1);
    expect(rootCause).toBeLessThan(result.stderr.indexOf("error: the build of"));
    expect(result.stderr).toMatch(/error: the build of .*prod\/shop:src-[0-9a-f]{32} ended FAILED; nothing was pushed/);
    expect(operations(result.calls)).not.toContain("CloudFormation.CreateChangeSet");
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
  });

  it("Ctrl-C during a build stops it (StopBuild), says so and exits 130; nothing is deployed", async () => {
    const listeners = process.listenerCount("SIGINT");
    h.builds.script = () => ({ outcome: "RUNNING" });
    h.builds.onLook = () => setTimeout(() => process.emit("SIGINT"), 0);
    const result = await deployAs(buildApp(TWO_SERVICES));
    expect(result.exitCode).toBe(130);
    expect(operations(result.calls)).toContain("CodeBuild.StopBuild");
    expect(h.builds.builds[0]?.status).toBe("STOPPED");
    expect(result.stderr).toMatch(/Ctrl-C: the build prod-.*:[0-9a-f-]+ was stopped \(StopBuild\); nothing was deployed/);
    expect(operations(result.calls)).not.toContain("CloudFormation.CreateChangeSet");
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  it("build args from the app environment reach CodeBuild by reference (PARAMETER_STORE), never by value", async () => {
    const secret = "npm_s3cr3t-token-value-42";
    h.parameters.putParameter({ Name: "/racknet/prod/apps/shop/env/NPM_TOKEN", Value: secret, Type: "SecureString" });
    // A Dockerfile that echoes its build arg: the log line reaches the terminal masked.
    h.builds.script = () => ({ outcome: "SUCCEEDED", lines: [`Step 2/5 : RUN echo token=${secret}`] });
    const file = buildApp(`services:
  web:
    build:
      path: .
      args: [NPM_TOKEN, MODE=production]
    port: 3000
`);
    const result = await deployAs(file);
    expect(result.exitCode, result.stderr).toBe(0);
    const variables = h.builds.variables(h.builds.builds[0] ?? ({} as never));
    expect(variables.NPM_TOKEN).toEqual({ name: "NPM_TOKEN", value: "/racknet/prod/apps/shop/env/NPM_TOKEN", type: "PARAMETER_STORE" });
    expect(variables.MODE).toEqual({ name: "MODE", value: "production", type: "PLAINTEXT" });
    expect(h.builds.builds[0]?.input.buildspecOverride).toContain("--build-arg NPM_TOKEN --build-arg MODE .");
    const requests = JSON.stringify(result.calls.filter((call) => !call.operation.startsWith("SSM.")));
    expect(requests.includes(secret)).toBe(false);
    expect(`${result.stdout}${result.stderr}`.includes(secret)).toBe(false);
    expect(result.stderr).toContain("Step 2/5 : RUN echo token=****");
  });
});

describe("racknet deploy --image SERVICE=URI", () => {
  it("runs the given image for that service and builds only the others", async () => {
    const prebuilt = "987654321098.dkr.ecr.eu-west-1.amazonaws.com/ci/web:1.4.2";
    const file = buildApp(TWO_SERVICES.replace("worker:\n    build:\n      path: .", "worker:\n    build:\n      path: ./worker"), { "worker/Dockerfile": "FROM busybox\n" });
    const result = await deployAs(file, { yes: true }, [`web=${prebuilt}`]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.builds.builds).toHaveLength(1);
    expect(h.builds.builds[0]?.input.environmentVariablesOverride?.find((variable) => variable.name === "RACKNET_DOCKERFILE")?.value).toBe("Dockerfile");
    const images = taskImages(h, "prod-shop");
    expect(images.Web).toBe(prebuilt);
    expect(images.Worker).toMatch(new RegExp(`^${REPOSITORY}:src-`));
    expect(result.stderr).toContain(`web: ${prebuilt}  prebuilt (--image): not built`);
  });

  it("refuses, before any AWS write, a service the manifest lacks, one that is not built, a malformed URI and one without tag", async () => {
    const file = buildApp(`${TWO_SERVICES}  cache:
    image: redis:7
`);
    const result = await deployAs(file, { yes: true }, ["webb=x/y:1", "cache=redis:8", "web=Not A URI", "worker=example/worker", "nothing"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--image cannot be used as given; nothing was changed");
    expect(result.stderr).toContain("--image names service webb, which the manifest does not have");
    expect(result.stderr).toContain("--image names service cache, which is not built (it has image: and no build:)");
    expect(result.stderr).toContain('--image web: "Not A URI" is not an image reference docker accepts');
    expect(result.stderr).toContain('--image worker: "example/worker" has no tag or digest');
    expect(result.stderr).toContain('"nothing" is not SERVICE=URI');
    expect(result.writes).toEqual([]);
  });
});

describe("racknet build", () => {
  it("builds and pushes, deploys nothing, and prints each service's image; again: in ECR already", async () => {
    const file = buildApp(TWO_SERVICES);
    Object.assign(h.options, { rack: "prod", app: "shop", json: true });
    const result = await h.run(build, { file });
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { app: string; rack: string; repository: string; images: { service: string; image: string; built: boolean }[] };
    expect(json).toMatchObject({ app: "shop", rack: "prod", repository: "prod/shop" });
    expect(json.images.map((image) => [image.service, image.built])).toEqual([
      ["web", true],
      ["worker", true],
    ]);
    expect(json.images[0]?.image).toMatch(new RegExp(`^${REPOSITORY}:src-[0-9a-f]{32}$`));
    expect(operations(result.calls).some((operation) => operation.startsWith("CloudFormation.Create"))).toBe(false);

    h.options.json = false;
    const again = await h.run(build, { file });
    expect(again.stdout).toMatch(/^SERVICE\s+IMAGE\s+BUILD$/m);
    expect(again.stdout).toMatch(new RegExp(`^web\\s+${json.images[0]?.image}\\s+in ECR already$`, "m"));
    expect(builds(again)).toBe(0);
  });

  it("a manifest without build: services: refused, nothing to build", async () => {
    Object.assign(h.options, { rack: "prod", app: "shop" });
    const result = await h.run(build, { file: buildApp("services:\n  web:\n    image: nginx:1.27\n") });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("has no service built from source (build:); there is nothing to build");
    expect(result.writes).toEqual([]);
  });

  it("a rack installed without builds: refused, naming --image", async () => {
    const rack = h.cloudFormation.stack("prod");
    if (rack) delete rack.outputs.BuildProject;
    Object.assign(h.options, { rack: "prod", app: "shop" });
    const result = await h.run(build, { file: buildApp(TWO_SERVICES) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack prod cannot build web, worker: it was installed by a racknet without builds");
    expect(result.stderr).toContain("--image SERVICE=URI");
    expect(result.writes).toEqual([]);
  });
});

describe("BuildInstance, the rack parameter that sizes builds", () => {
  it("is set at install in any case, stored as CodeBuild spells it, shown by rack params, changed by rack params set", async () => {
    await installedRack(h, "big", ["buildinstance=Medium"]);
    const computeType = () => h.cloudFormation.stack("big")?.resources.BuildProject?.Properties?.Environment as { ComputeType?: string } | undefined;
    expect(computeType()?.ComputeType).toBe("BUILD_GENERAL1_MEDIUM");
    Object.assign(h.options, { rack: "big", json: false });
    expect((await h.run(rackParams, undefined)).stdout).toMatch(/^BuildInstance\s+BUILD_GENERAL1_MEDIUM$/m);

    Object.assign(h.options, { yes: true });
    const set = await h.run(rackParamsSet, { params: ["BuildInstance=large"] });
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stderr).toContain("builds of `build:` services will run on BUILD_GENERAL1_LARGE (was BUILD_GENERAL1_MEDIUM)");
    expect(computeType()?.ComputeType).toBe("BUILD_GENERAL1_LARGE");
    const refused = await h.run(rackParamsSet, { params: ["BuildInstance=huge"] });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('BuildInstance must be small, medium or large');
  });
});

describe("the command line and offline checks", () => {
  it("--image is repeatable and reaches deploy in order; build takes -f", async () => {
    const seen: Record<string, unknown>[] = [];
    const program = buildProgram(async (_declaration, args) => {
      seen.push(args);
    });
    await program.parseAsync(["deploy", "--image", "web=a/web:1", "--image", "worker=a/worker:2", "-f", "x.yml"], { from: "user" });
    await program.parseAsync(["deploy"], { from: "user" });
    await program.parseAsync(["build", "-f", "y.yml"], { from: "user" });
    expect(seen).toEqual([{ file: "x.yml", image: ["web=a/web:1", "worker=a/worker:2"] }, { file: "convox.yml", image: [] }, { file: "y.yml" }]);
  });

  it("manifest check shows where each image comes from, offline: built from its context, or the image", async () => {
    const file = buildApp(`services:
  web:
    build: .
    port: 3000
  api:
    build:
      path: ./api
      manifest: Dockerfile.prod
  cache:
    image: redis:7
`);
    Object.assign(h.options, { app: "shop", json: false });
    const result = await h.run(manifestCheck, { file, rackParams: undefined });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.calls).toEqual([]);
    expect(result.stdout).toMatch(/^web\s.*\sbuilt from \.$/m);
    expect(result.stdout).toMatch(/^api\s.*\sbuilt from \.\/api \(Dockerfile\.prod\)$/m);
    expect(result.stdout).toMatch(/^cache\s.*\sredis:7$/m);
    h.options.json = true;
    const json = JSON.parse((await h.run(manifestCheck, { file, rackParams: undefined })).stdout) as { services: { service: string; image?: string; build?: unknown }[] };
    expect(json.services.map(({ service, image, build }) => ({ service, image, build }))).toEqual([
      { service: "web", image: undefined, build: { path: ".", dockerfile: "Dockerfile" } },
      { service: "api", image: undefined, build: { path: "./api", dockerfile: "Dockerfile.prod" } },
      { service: "cache", image: "redis:7", build: undefined },
    ]);
  });
});

describe("rack uninstall's build clean-up (removeBuildLeftovers)", () => {
  it("empties builds/ in the rack's bucket and deletes the rack's tagged repositories with their images; leaves the rest", async () => {
    Object.assign(h.options, { rack: "prod", app: "shop" });
    await h.run(build, { file: buildApp(TWO_SERVICES) });
    h.options.app = "blog";
    await h.run(build, { file: buildApp(TWO_SERVICES) });
    const bucket = h.cloudFormation.stack("prod")?.outputs.TemplateBucket ?? "";
    await h.objects.putObject({ Bucket: bucket, Key: "racknet/templates/keep.json", Body: "{}" });
    h.registry.createRepository({ repositoryName: "prod/untagged" });
    h.registry.createRepository({ repositoryName: "prod-x/shop", tags: [{ Key: "racknet:rack", Value: "prod-x" }, { Key: "racknet:app", Value: "shop" }] });
    h.registry.createRepository({ repositoryName: "prod/other", tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "else" }] });
    h.registry.createRepository({ repositoryName: "prod/stray", tags: [{ Key: "racknet:rack", Value: "elsewhere" }, { Key: "racknet:app", Value: "stray" }] });
    expect([...(h.objects.buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith("builds/"))).toHaveLength(2);

    const removed = await removeBuildLeftovers(h.context, "prod", bucket);
    expect(removed).toEqual({ sources: 2, repositories: ["shop", "blog"] });
    expect([...(h.objects.buckets.get(bucket)?.keys() ?? [])]).toEqual(["racknet/templates/keep.json"]);
    expect([...h.registry.repositories.keys()].sort()).toEqual(["prod-x/shop", "prod/other", "prod/stray", "prod/untagged"]);
  });
});
