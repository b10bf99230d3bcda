import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedBuildArg } from "../../src/images/args.js";
import { readBuildContext } from "../../src/files/build-context.js";
import { contentTag } from "../../src/images/tag.js";
import { DOCKERFILE, appFolder } from "./build-fixture.js";

const TREE = { Dockerfile: DOCKERFILE, "Dockerfile.dev": DOCKERFILE, "src/app.js": "console.log(1)\n", "run.sh": "#!/bin/sh\n" };

async function tagOf(app: string, args: ResolvedBuildArg[] = [], dockerfile = "Dockerfile"): Promise<string> {
  return contentTag(await readBuildContext({ appDir: app, path: ".", dockerfile }), args);
}

describe("content tag", () => {
  it("is the same for the same content in another folder, and a valid image tag", async () => {
    const first = await tagOf(appFolder(TREE));
    expect(first).toMatch(/^src-[0-9a-f]{32}$/);
    expect(await tagOf(appFolder(TREE))).toBe(first);
  });

  it("changes when one byte of one file changes, or a file is added", async () => {
    const app = appFolder(TREE);
    const before = await tagOf(app);
    writeFileSync(join(app, "src/app.js"), "console.log(2)\n");
    const changed = await tagOf(app);
    expect(changed).not.toBe(before);
    writeFileSync(join(app, "src/new.js"), "");
    expect(await tagOf(app)).not.toBe(changed);
  });

  it("does not change for a file .dockerignore excludes", async () => {
    const app = appFolder({ ...TREE, ".dockerignore": "*.log\n" });
    const before = await tagOf(app);
    writeFileSync(join(app, "debug.log"), "noise");
    expect(await tagOf(app)).toBe(before);
  });

  it("changes with the execute bit, which COPY keeps", async () => {
    const app = appFolder(TREE);
    const before = await tagOf(app);
    chmodSync(join(app, "run.sh"), 0o755);
    expect(await tagOf(app)).not.toBe(before);
  });

  it("changes with the Dockerfile's name and with each build arg's value or parameter version", async () => {
    const app = appFolder(TREE);
    const plain = await tagOf(app);
    expect(await tagOf(app, [], "Dockerfile.dev")).not.toBe(plain);
    const literal = await tagOf(app, [{ name: "MODE", kind: "literal", value: "prod" }]);
    expect(literal).not.toBe(plain);
    expect(await tagOf(app, [{ name: "MODE", kind: "literal", value: "dev" }])).not.toBe(literal);
    const secret = (fingerprint: string): ResolvedBuildArg => ({ name: "TOKEN", kind: "parameter", parameterName: "/racknet/r/apps/a/env/TOKEN", fingerprint });
    expect(await tagOf(app, [secret("1")])).not.toBe(await tagOf(app, [secret("2")]));
  });

  it("does not depend on the order build args are written in", async () => {
    const app = appFolder(TREE);
    const a: ResolvedBuildArg = { name: "A", kind: "literal", value: "1" };
    const b: ResolvedBuildArg = { name: "B", kind: "literal", value: "2" };
    expect(await tagOf(app, [a, b])).toBe(await tagOf(app, [b, a]));
  });
});
