import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RELEASE_VALUE_MAX_BYTES, currentRelease, decodeRelease, encodeRelease, keptReleaseNumbers, releaseNumberOf, type Release } from "../../src/app-records/releases.js";
import { applyScaleOverrides, parseCount, withSetting } from "../../src/app-records/scale.js";
import { parseManifest } from "../../src/manifest/index.js";

/** The release model and `racknet scale`'s settings (issue 24), pure. */

const release = (number: number, extra: Partial<Release> = {}): Release => ({
  number,
  kind: "deploy",
  description: "deploy",
  createdAt: "2026-12-07T10:00:00.000Z",
  by: "arn:aws:iam::123456789012:user/ana",
  racknetVersion: "0.1.0",
  environmentVersion: "abc",
  images: { web: "nginx:1.27" },
  manifest: { file: "convox.yml", text: "services:\n  web:\n    image: nginx:1.27\n" },
  scale: {},
  outcome: "succeeded",
  ...extra,
});

function manifest(text: string) {
  const parsed = parseManifest(text, "convox.yml").manifest;
  if (!parsed) throw new Error("the test manifest does not parse");
  return parsed;
}

describe("a release as stored", () => {
  it("round-trips, its manifest compressed", () => {
    const stored = encodeRelease(release(3));
    expect(stored).not.toContain("services:");
    expect(decodeRelease(stored)).toEqual(release(3));
  });

  it("over 8 KB, it is kept without its manifest (and cannot be rolled back to); a value that is not a release reads as none", () => {
    const big = release(4, { manifest: { file: "convox.yml", text: `# ${randomBytes(9000).toString("base64")}\nservices: {}\n` } });
    const stored = encodeRelease(big);
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(RELEASE_VALUE_MAX_BYTES);
    expect(decodeRelease(stored)?.manifest).toBeUndefined();
    expect(decodeRelease("not json")).toBeUndefined();
    expect(decodeRelease('{"number":"x"}')).toBeUndefined();
  });

  it("the current release is the newest that succeeded; the last 10 keep their images; r4 and 4 name release 4", () => {
    expect(currentRelease([release(1), release(2), release(3, { outcome: "rolled-back" })])?.number).toBe(2);
    expect(keptReleaseNumbers(12)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(keptReleaseNumbers(2)).toEqual([2, 1]);
    expect([releaseNumberOf("r4"), releaseNumberOf("4"), releaseNumberOf("R12"), releaseNumberOf("0"), releaseNumberOf("four")]).toEqual([4, 4, 12, undefined, undefined]);
  });
});

describe("racknet scale settings against the manifest", () => {
  const base = manifest("services:\n  web:\n    image: a:1\n    scale:\n      count: 2\n      cpu: 512\n      memory: 1024\n");
  const web = base.services[0];
  if (!web) throw new Error("no web");

  it("a setting holds while the manifest keeps the value it had; a range autoscales on 80% CPU", () => {
    const overrides = withSetting({}, web, { count: { min: 2, max: 6 } });
    const scaled = applyScaleOverrides(base, overrides);
    expect(scaled.manifest.services[0]?.scale).toMatchObject({ min: 2, max: 6, targets: { cpu: 80 } });
    expect(scaled.kept).toEqual(overrides);
    expect(scaled.dropped).toEqual([]);
  });

  it("a manifest that changes the key drops the setting and says why", () => {
    const overrides = withSetting({}, web, { count: { min: 3, max: 3 } });
    const edited = manifest("services:\n  web:\n    image: a:1\n    scale:\n      count: 4\n      cpu: 512\n      memory: 1024\n");
    const scaled = applyScaleOverrides(edited, overrides);
    expect(scaled.manifest.services[0]?.scale.min).toBe(4);
    expect(scaled.dropped).toEqual([{ service: "web", key: "count", reason: "convox.yml changed services.web.scale.count" }]);
    expect(scaled.kept).toEqual({});
  });

  it("cpu kept and memory dropped into a size Fargate does not run: the manifest's size stands, both said", () => {
    const overrides = withSetting({}, web, { cpu: 256, memory: 512 });
    const edited = manifest("services:\n  web:\n    image: a:1\n    scale:\n      count: 2\n      cpu: 512\n      memory: 4096\n");
    const scaled = applyScaleOverrides(edited, overrides);
    expect(scaled.manifest.services[0]?.scale).toMatchObject({ cpu: 512, memory: 4096 });
    expect(scaled.dropped.map((dropped) => dropped.key).sort()).toEqual(["cpu", "memory"]);
  });

  it("a setting for a service the manifest no longer has is dropped", () => {
    const scaled = applyScaleOverrides(base, { api: { set: { count: { min: 1, max: 1 } }, manifest: { count: { min: 1, max: 1 } } } });
    expect(scaled.dropped).toEqual([{ service: "api", key: "count", reason: "convox.yml has no service api" }]);
  });

  it("--count takes N and N-M, the smaller first", () => {
    expect([parseCount("3"), parseCount("2-6"), parseCount("6-2"), parseCount("x")]).toEqual([{ min: 3, max: 3 }, { min: 2, max: 6 }, undefined, undefined]);
  });
});
