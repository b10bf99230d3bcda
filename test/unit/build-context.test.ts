import { describe, expect, it } from "vitest";
import { ContextRefused, type BuildContext } from "../../src/images/context.js";
import { readBuildContext } from "../../src/files/build-context.js";
import { DOCKERFILE, appFolder } from "./build-fixture.js";

async function sent(tree: Parameters<typeof appFolder>[0], path = ".", dockerfile = "Dockerfile"): Promise<string[]> {
  const context = await readBuildContext({ appDir: appFolder(tree), path, dockerfile });
  return files(context);
}

const files = (context: BuildContext) => context.entries.filter((entry) => entry.kind !== "directory").map((entry) => entry.path);

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ContextRefused)) throw new Error(`expected a refusal, got ${String(error)}`);
  return `${error.problem.message} | ${error.problem.fix ?? ""}`;
}

describe("build context: what docker would send", () => {
  it("sends every file, in path order, when there is no .dockerignore", async () => {
    expect(await sent({ Dockerfile: DOCKERFILE, "src/b.js": "b", "src/a.js": "a", "README.md": "r" })).toEqual([
      "Dockerfile",
      "README.md",
      "src/a.js",
      "src/b.js",
    ]);
  });

  it("excludes a pattern at the root only: `abc` matches ./abc and everything under it, not x/abc", async () => {
    const tree = { Dockerfile: DOCKERFILE, ".dockerignore": "abc\n", abc: "", "abc2/x": "", "x/abc": "" };
    expect(await sent(tree)).toEqual([".dockerignore", "Dockerfile", "abc2/x", "x/abc"]);
    const folder = { Dockerfile: DOCKERFILE, ".dockerignore": "abc\n", "abc/deep/file": "", "x/abc/file": "" };
    expect(await sent(folder)).toEqual([".dockerignore", "Dockerfile", "x/abc/file"]);
  });

  it("honours negation: the last matching line wins", async () => {
    const tree = { Dockerfile: DOCKERFILE, ".dockerignore": "*.md\n!README.md\n", "README.md": "", "CHANGES.md": "", "docs/a.md": "" };
    expect(await sent(tree)).toEqual([".dockerignore", "Dockerfile", "README.md", "docs/a.md"]);
    const reversed = { ...tree, ".dockerignore": "!README.md\n*.md\n" };
    expect(await sent(reversed)).toEqual([".dockerignore", "Dockerfile", "docs/a.md"]);
  });

  it("matches `**` across any number of folders, including none", async () => {
    const tree = { Dockerfile: DOCKERFILE, ".dockerignore": "**/*.log\n", "a.log": "", "x/y/z.log": "", "x/keep.txt": "" };
    expect(await sent(tree)).toEqual([".dockerignore", "Dockerfile", "x/keep.txt"]);
  });

  it("excludes a directory pattern with its whole subtree, and an exception brings one file back", async () => {
    const tree = { Dockerfile: DOCKERFILE, ".dockerignore": "node_modules/\ncache\n!cache/keep.txt\n", "node_modules/a/index.js": "", "cache/keep.txt": "", "cache/other": "" };
    expect(await sent(tree)).toEqual([".dockerignore", "Dockerfile", "cache/keep.txt"]);
  });

  it("matches `*` within one folder level and case-sensitively, as docker does", async () => {
    const tree = { Dockerfile: DOCKERFILE, ".dockerignore": "*/temp*\nSECRET\n", "somedir/temporary.txt": "", temp: "", secret: "" };
    expect(await sent(tree)).toEqual([".dockerignore", "Dockerfile", "secret", "temp"]);
  });

  it("always sends the Dockerfile and the ignore file, even when they are ignored", async () => {
    const tree = { "docker/Dockerfile": DOCKERFILE, ".dockerignore": "docker\n.dockerignore\n*\n", "app.js": "" };
    expect(await sent(tree, ".", "docker/Dockerfile")).toEqual([".dockerignore", "docker/Dockerfile"]);
  });

  it("prefers <Dockerfile>.dockerignore beside the Dockerfile to the context's .dockerignore", async () => {
    const tree = { "Dockerfile.prod": DOCKERFILE, "Dockerfile.prod.dockerignore": "tests\n", ".dockerignore": "src\n", "src/a": "", "tests/t": "" };
    const context = await readBuildContext({ appDir: appFolder(tree), path: ".", dockerfile: "Dockerfile.prod" });
    expect(context.ignoreFile).toBe("Dockerfile.prod.dockerignore");
    expect(files(context)).toEqual([".dockerignore", "Dockerfile.prod", "Dockerfile.prod.dockerignore", "src/a"]);
  });

  it("keeps empty folders docker would send and drops folders emptied by .dockerignore", async () => {
    const context = await readBuildContext({ appDir: appFolder({ Dockerfile: DOCKERFILE, ".dockerignore": "logs/*\n", "data/": "", "logs/a.log": "" }), path: ".", dockerfile: "Dockerfile" });
    expect(context.entries.filter((entry) => entry.kind === "directory").map((entry) => entry.path)).toEqual(["data", "logs"]);
    // With an exception in the file, docker walks excluded folders; one that keeps nothing is not sent.
    const walked = await readBuildContext({ appDir: appFolder({ Dockerfile: DOCKERFILE, ".dockerignore": "cache\n!keep.txt\n", "cache/a": "", "keep.txt": "" }), path: ".", dockerfile: "Dockerfile" });
    expect(walked.entries.map((entry) => entry.path)).toEqual([".dockerignore", "Dockerfile", "keep.txt"]);
  });

  it("sends a symlink as a link, not what it points to, and keeps the execute bits", async () => {
    const context = await readBuildContext({
      appDir: appFolder({ Dockerfile: DOCKERFILE, "run.sh": { content: "#!/bin/sh\n", mode: 0o755 }, "current": { link: "/etc/passwd" } }),
      path: ".",
      dockerfile: "Dockerfile",
    });
    expect(context.entries.find((entry) => entry.path === "current")).toMatchObject({ kind: "symlink", linkTarget: "/etc/passwd", size: 0 });
    expect(context.entries.find((entry) => entry.path === "run.sh")?.mode).toBe(0o755);
  });

  it("reads a build path below the app's folder, the Dockerfile relative to it", async () => {
    expect(await sent({ "api/Dockerfile": DOCKERFILE, "api/main.go": "", "web/index.html": "" }, "api")).toEqual(["Dockerfile", "main.go"]);
  });
});

describe("build context: refusals before anything is uploaded", () => {
  it("refuses a missing Dockerfile, naming where it looked", async () => {
    expect(await refusal(readBuildContext({ appDir: appFolder({ "app.js": "" }), path: ".", dockerfile: "Dockerfile" }))).toMatch(/^no Dockerfile at \.\/Dockerfile \| add the Dockerfile/);
    expect(await refusal(readBuildContext({ appDir: appFolder({ "app.js": "" }), path: "api", dockerfile: "Dockerfile" }))).toMatch(/^build path api does not exist/);
  });

  it("refuses a build path outside the app's folder, by .. or by a symlink", async () => {
    const app = appFolder({ Dockerfile: DOCKERFILE, outside: { link: "/tmp" } });
    expect(await refusal(readBuildContext({ appDir: app, path: "..", dockerfile: "Dockerfile" }))).toMatch(/^build path \.\. is outside the app's folder/);
    expect(await refusal(readBuildContext({ appDir: app, path: "outside", dockerfile: "Dockerfile" }))).toMatch(/^build path outside is outside the app's folder/);
  });

  it("refuses a Dockerfile outside the context", async () => {
    const app = appFolder({ Dockerfile: DOCKERFILE, "api/main.go": "" });
    expect(await refusal(readBuildContext({ appDir: app, path: "api", dockerfile: "../Dockerfile" }))).toMatch(/outside the build context/);
  });

  it("refuses an empty folder and an empty Dockerfile", async () => {
    expect(await refusal(readBuildContext({ appDir: appFolder({ "api/": "" }), path: "api", dockerfile: "Dockerfile" }))).toMatch(/^build path api is an empty folder/);
    expect(await refusal(readBuildContext({ appDir: appFolder({ Dockerfile: "# nothing yet\n\n" }), path: ".", dockerfile: "Dockerfile" }))).toMatch(/Dockerfile is empty/);
  });

  it("refuses a context over the size limit, naming the largest entries and the fix", async () => {
    const app = appFolder({ Dockerfile: DOCKERFILE, "node_modules/big": "x".repeat(3000), "src/a": "x".repeat(100) });
    const message = await refusal(readBuildContext({ appDir: app, path: ".", dockerfile: "Dockerfile", maxBytes: 2048 }));
    expect(message).toMatch(/holds more than 0\.0 MiB of files; the largest entries so far: node_modules/);
    expect(message).toMatch(/\.dockerignore$/);
    const ignored = appFolder({ Dockerfile: DOCKERFILE, ".dockerignore": "node_modules\n", "node_modules/big": "x".repeat(3000) });
    await expect(readBuildContext({ appDir: ignored, path: ".", dockerfile: "Dockerfile", maxBytes: 2048 })).resolves.toBeDefined();
  });
});
