import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { awsHarness, resourceWrites, type AwsCall, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { TWO_SERVICES, buildApp, changeSetImages, operations, taskImages, zipEntries } from "./build-fixtures.js";

/** `racknet deploy` of `build:` services (issue 10), on the in-memory AWS; `racknet build` and the rest: build-command.test.ts. */

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
    // The images of the releases a rollback may return to never expire; the rest beyond the last 30 do.
    expect(JSON.parse(repository?.lifecyclePolicy ?? "{}")).toMatchObject({
      rules: [
        { rulePriority: 1, selection: { tagStatus: "tagged", tagPrefixList: ["keep-r"] } },
        { rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 } },
      ],
    });
    expect([...(repository?.images.keys() ?? [])].filter((tag) => tag.startsWith("keep-r"))).toEqual(["keep-r1"]);

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
    expect(new Set(h.registry.repositories.get("prod/shop")?.images.values()).size).toBe(2);
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
    expect(resourceWrites(result)).toEqual([]);
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
    expect(resourceWrites(result)).toEqual([]);
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
    // A Dockerfile that echoes its build arg: CodeBuild hides it in its log, so the line racknet relays holds no value.
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
    expect(result.stderr).toContain("Step 2/5 : RUN echo token=***");
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
    expect(resourceWrites(result)).toEqual([]);
  });
});

describe("a change to scale: alone is no bigger than asked", () => {
  it("builds nothing and changes only that service's resources", async () => {
    const file = buildApp(TWO_SERVICES);
    expect((await deployAs(file)).exitCode).toBe(0);
    writeFileSync(file, TWO_SERVICES.replace("    port: 3000\n", "    port: 3000\n    scale: 3\n"));
    const result = await deployAs(file);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(builds(result)).toBe(0);
    expect(result.stderr).toMatch(/Modify +WebService +AWS::ECS::Service +no +DesiredCount$/m);
    expect(result.stderr).not.toMatch(/TaskDefinition|WorkerService/);
    expect(result.stderr).toContain("1 to change; no service rolls");
    expect(result.stderr).toContain("services will change their number of tasks, without replacing the running ones: WebService");
  });
});

