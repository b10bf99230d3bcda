import yauzl from "yauzl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as build } from "../../src/operations/build.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { TWO_SERVICES, buildApp } from "./build-fixtures.js";

/**
 * Base images from Docker Hub (issue 20, item 3): the rack keeps a pull-through cache of ECR
 * Public (rack output BaseImageCache), and a build's Dockerfile sent to CodeBuild names Docker
 * Hub's official images through it; the output says so. The Dockerfile of the fixtures is
 * `FROM node:22-alpine` (build-fixtures.ts), as examples/greeter's is.
 */

const CACHED = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod_pub/docker/library/node:22-alpine";

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  Object.assign(h.options, { rack: "prod", app: "shop" });
});
afterEach(() => h.restore());

/** The text of one file of the zip CodeBuild got. */
function fileOfZip(zip: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error ?? new Error("no zip"));
      archive.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return archive.readEntry();
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        });
      });
      archive.on("end", () => reject(new Error(`${name} is not in the zip`)));
      archive.readEntry();
    });
  });
}

describe("base images through the rack's cache of ECR Public", () => {
  it("the Dockerfile CodeBuild builds pulls node:22-alpine through the rack's cache, and the output says so", async () => {
    expect(h.cloudFormation.stack("prod")?.outputs.BaseImageCache).toBe("prod_pub");
    const result = await h.run(build, { file: buildApp(TWO_SERVICES) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`web, worker: FROM node:22-alpine (Dockerfile:1) is pulled through the rack's cache of ECR Public, ${CACHED}`);
    const source = h.builds.builds[0]?.input.sourceLocationOverride ?? "";
    const dockerfile = await fileOfZip(h.objects.bytes.get(source) ?? Buffer.alloc(0), "Dockerfile");
    expect(dockerfile.split("\n")[0]).toBe(`FROM ${CACHED}`);
    expect(dockerfile).toContain("ARG MODE");
  });

  it("a rack without the cache (installed by an older racknet): built as written, and the output says how to avoid Docker Hub's limit", async () => {
    const rack = h.cloudFormation.stack("prod");
    if (rack) delete rack.outputs.BaseImageCache;
    const result = await h.run(build, { file: buildApp(TWO_SERVICES) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("rack prod has no cache of ECR Public for base images");
    expect(result.stderr).toContain("node:22-alpine come from Docker Hub, whose anonymous pulls are limited per address");
    expect(result.stderr).toContain("public.ecr.aws/docker/library/<image>:<tag>");
    const dockerfile = await fileOfZip(h.objects.bytes.get(h.builds.builds[0]?.input.sourceLocationOverride ?? "") ?? Buffer.alloc(0), "Dockerfile");
    expect(dockerfile.split("\n")[0]).toBe("FROM node:22-alpine");
  });
});
