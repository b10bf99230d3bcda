import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as build } from "../../src/operations/build.js";
import { run as manifestCheck } from "../../src/operations/manifest-check.js";
import { run as rackParams } from "../../src/operations/rack-params.js";
import { run as rackParamsSet } from "../../src/operations/rack-params-set.js";
import { buildProgram } from "../../src/cli.js";
import { removeBuildLeftovers } from "../../src/rack-steps/build-cleanup.js";
import { awsHarness, type AwsCall, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { TWO_SERVICES, buildApp, operations } from "./build-fixtures.js";

/**
 * `racknet build`, the BuildInstance rack parameter, the command line of build and
 * --image, manifest check's "built from", and rack uninstall's build clean-up (issue 10).
 */

const REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop";

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
});
afterEach(() => h.restore());

const builds = (result: { calls: AwsCall[] }) => operations(result.calls).filter((operation) => operation === "CodeBuild.StartBuild").length;

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
    expect(removed).toEqual({ sources: 2, repositories: ["shop", "blog"], buildRoles: ["shop", "blog"] });
    expect([...(h.objects.buckets.get(bucket)?.keys() ?? [])]).toEqual(["racknet/templates/keep.json"]);
    expect([...h.registry.repositories.keys()].sort()).toEqual(["prod-x/shop", "prod/other", "prod/stray", "prod/untagged"]);
  });
});
