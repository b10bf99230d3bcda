import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as releases, type ReleasesResult } from "../../src/operations/releases.js";
import { run as releasesInfo } from "../../src/operations/releases-info.js";
import { run as rollback } from "../../src/operations/releases-rollback.js";
import { run as scale } from "../../src/operations/scale.js";
import { run as envSet } from "../../src/operations/env-set.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack, manifestFile, withOptions } from "../support/workflows.js";
import { buildApp, taskImages } from "./build-fixtures.js";

/** Releases (issue 24): every change is a numbered release; rollback and scale deploy from one. */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  Object.assign(h.options, { rack: "prod", app: "shop" });
});
afterEach(() => h.restore());

const web = (image: string, extra = "") => `services:\n  web:\n    image: ${image}\n    port: 3000\n${extra}`;
const deployed = (file: string, image: string[] = []) => withOptions(h, { yes: true }, () => h.run(deploy, { file, image }));
async function listed(): Promise<ReleasesResult> {
  const outcome = await withOptions(h, { json: true }, () => h.run(releases, undefined as never));
  expect(outcome.exitCode, outcome.stderr).toBe(0);
  return JSON.parse(outcome.stdout) as ReleasesResult;
}
const serviceCount = (id: string) => h.cloudFormation.stack("prod-shop")?.resources[`${id}Service`]?.Properties?.DesiredCount;

describe("racknet releases", () => {
  it("each deploy that changes the app is a numbered release: its images, manifest, who and how it ended; a dry run and no change record none", async () => {
    const file = manifestFile(web("nginx:1.27"));
    expect((await deployed(file)).exitCode).toBe(0);
    await withOptions(h, { dryRun: true }, () => h.run(deploy, { file: manifestFile(web("nginx:1.28")), image: [] }));
    await deployed(file);
    const second = await deployed(manifestFile(web("nginx:1.28")));
    expect(second.stderr).toContain("release 2");

    const result = await listed();
    expect(result).toMatchObject({ app: "shop", rack: "prod", current: 2, rollbackWindow: 10 });
    expect(result.releases.map((row) => [row.release, row.kind, row.outcome, row.current, row.images.web])).toEqual([
      [2, "deploy", "succeeded", true, "nginx:1.28"],
      [1, "deploy", "succeeded", false, "nginx:1.27"],
    ]);
    expect(result.releases[0]).toMatchObject({ by: "arn:aws:iam::123456789012:user/racknet-test", imagesKept: true, manifestKept: true, rollbackOf: null });
    // Stored encrypted, outside the app environment's path (the execution role reads that one).
    const stored = h.parameters.values.get("/racknet/prod/releases/shop/000001");
    expect(stored?.type).toBe("SecureString");

    const info = await withOptions(h, { json: true }, () => h.run(releasesInfo, { release: "r1" }));
    expect(JSON.parse(info.stdout)).toMatchObject({ release: 1, manifest: { text: web("nginx:1.27") } });
    const missing = await h.run(releasesInfo, { release: "9" });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("app shop has no release 9: releases 1 to 2 are kept");
  });

  it("an env change the app reads is a release of its own: the same manifest and images, a new environment version", async () => {
    await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: ["LOG_LEVEL=debug"] }));
    expect((await deployed(manifestFile(web("nginx:1.27", "    environment:\n      - LOG_LEVEL\n")))).exitCode).toBe(0);
    const outcome = await withOptions(h, { yes: true }, () => h.run(envSet, { assignments: ["LOG_LEVEL=info"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const [latest, before] = (await listed()).releases;
    expect(latest).toMatchObject({ kind: "env", description: "env set LOG_LEVEL", outcome: "succeeded", current: true, images: { web: "nginx:1.27" }, manifestKept: true });
    expect(latest?.environmentVersion).not.toBe(before?.environmentVersion);
  });

  it("releases info masks the manifest's environment defaults", async () => {
    await deployed(manifestFile(web("nginx:1.27", "    environment:\n      - API_KEY=s3cr3t-value\n")));
    const info = await withOptions(h, { json: true }, () => h.run(releasesInfo, { release: "1" }));
    expect(info.stdout).not.toContain("s3cr3t-value");
    expect(info.stdout).toContain("API_KEY=****");
  });
});

describe("racknet releases rollback", () => {
  it("deploys release 1's manifest and images again, as a new release that names it", async () => {
    await deployed(manifestFile(web("nginx:1.27")));
    await deployed(manifestFile(web("nginx:1.28")));
    expect(taskImages(h, "prod-shop").Web).toBe("nginx:1.28");
    const outcome = await withOptions(h, { yes: true }, () => h.run(rollback, { release: "1" }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("app shop rolled back to release 1's manifest and images, as release 3");
    expect(taskImages(h, "prod-shop").Web).toBe("nginx:1.27");
    const result = await listed();
    expect(result.releases[0]).toMatchObject({ release: 3, kind: "rollback", rollbackOf: 1, current: true });
  });

  it("a release whose image expired from ECR is refused before any write, naming the image", async () => {
    const file = buildApp("services:\n  web:\n    build: .\n    port: 3000\n");
    await deployed(file);
    writeFileSync(file.replace(/convox\.yml$/, "server.js"), "// changed\n");
    await deployed(file);
    const first = (await listed()).releases.find((row) => row.release === 1);
    const image = first?.images.web ?? "";
    expect(image).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/prod\/shop@sha256:/);
    // Both releases are in the rollback window: their images carry keep tags the lifecycle policy never expires.
    const repository = h.registry.repositories.get("prod/shop");
    expect([...(repository?.images.keys() ?? [])].filter((tag) => tag.startsWith("keep-r")).sort()).toEqual(["keep-r1", "keep-r2"]);

    h.registry.expire("prod/shop", image.split("@")[1] ?? "");
    const outcome = await withOptions(h, { yes: true }, () => h.run(rollback, { release: "1" }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain(`release 1 of app shop cannot be rolled back to: web's image ${image} is gone from ECR; nothing was changed`);
    expect(outcome.writes.filter((operation) => !/^SSM\.(PutParameter|DeleteParameters)$/.test(operation))).toEqual([]);
  });
});

describe("racknet scale", () => {
  it("sets web's count through a change set whose plan shows the cost, and a deploy that does not change scale keeps it", async () => {
    const file = manifestFile(web("nginx:1.27"));
    await deployed(file);
    expect(serviceCount("Web")).toBe(1);
    const scaled = await withOptions(h, { yes: true }, () => h.run(scale, { service: "web", count: "3" }));
    expect(scaled.exitCode, scaled.stderr).toBe(0);
    expect(scaled.stderr).toMatch(/cost/i);
    expect(serviceCount("Web")).toBe(3);
    // Scaling changes no image: no task is rolled.
    expect(taskImages(h, "prod-shop").Web).toBe("nginx:1.27");

    writeFileSync(file, web("nginx:1.28"));
    await deployed(file);
    expect(serviceCount("Web")).toBe(3);
    expect(taskImages(h, "prod-shop").Web).toBe("nginx:1.28");

    // The manifest changes scale: its value wins from then on, and the deploy says the setting went.
    writeFileSync(file, web("nginx:1.28", "    scale: 2\n"));
    const edited = await deployed(file);
    expect(edited.stderr).toContain("the scale set with `racknet scale` for web (count) no longer applies: convox.yml changed services.web.scale.count");
    expect(serviceCount("Web")).toBe(2);
    const result = await listed();
    expect(result.releases.map((row) => [row.kind, row.scale])).toEqual([
      ["deploy", {}],
      ["deploy", { web: { count: "3" } }],
      ["scale", { web: { count: "3" } }],
      ["deploy", {}],
    ]);
  });

  it("a range autoscales; an invalid size, an unknown service or nothing to scale is refused with its fix, nothing written", async () => {
    await deployed(manifestFile(web("nginx:1.27")));
    await withOptions(h, { yes: true }, () => h.run(scale, { service: "web", count: "2-6" }));
    expect(h.cloudFormation.stack("prod-shop")?.resources.WebScalableTarget?.Properties).toMatchObject({ MinCapacity: 2, MaxCapacity: 6 });
    expect(serviceCount("Web")).toBeUndefined();
    for (const [args, message] of [
      [{ service: "web", cpu: "256", memory: "4096" }, "Fargate runs 512, 1024, 2048 MiB with 256 CPU units"],
      [{ service: "api", count: "2" }, "app shop has no service api"],
      [{ service: "web" }, "nothing to scale: give --count, --cpu or --memory"],
      [{ service: "web", count: "5-1" }, "--count 5-1 is not a count"],
    ] as const) {
      const outcome = await withOptions(h, { yes: true }, () => h.run(scale, args));
      expect(outcome.exitCode, message).not.toBe(0);
      expect(outcome.stderr).toContain(message);
      expect(outcome.writes.filter((operation) => !/^SSM\.(PutParameter|DeleteParameters)$/.test(operation)), message).toEqual([]);
    }
  });
});
