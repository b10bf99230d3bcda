import { mkdtempSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { writeContextArchive } from "../../src/files/context-archive.js";
import { readBuildContext } from "../../src/files/build-context.js";
import { DOCKERFILE, appFolder } from "./build-fixture.js";

const out = mkdtempSync(join(tmpdir(), "racknet-archive-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface ZipEntry {
  name: string;
  mode: number;
  content: string;
}

/** Every entry of a zip: name, unix mode (type and permissions) and content. */
async function readZip(path: string): Promise<ZipEntry[]> {
  const zip = await yauzl.openPromise(path);
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      if (!entry.fileName.endsWith("/")) for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      entries.push({ name: entry.fileName, mode: entry.externalFileAttributes >>> 16, content: Buffer.concat(chunks).toString() });
    }
  } finally {
    zip.close();
  }
  return entries;
}

async function pack(app: string, name: string) {
  const context = await readBuildContext({ appDir: app, path: ".", dockerfile: "Dockerfile" });
  return writeContextArchive(context, join(out, name));
}

const TREE = { Dockerfile: DOCKERFILE, ".dockerignore": "secrets/\n", "secrets/key": "k", "bin/run": { content: "#!/bin/sh\n", mode: 0o755 }, "web/index.html": "<h1>hi</h1>", "empty/": "", link: { link: "web/index.html" } };

describe("context archive", () => {
  it("holds what docker would send, with modes and links as docker keeps them", async () => {
    const archive = await pack(appFolder(TREE), "a.zip");
    const entries = await readZip(archive.path);
    expect(entries.map((entry) => `${entry.name} ${entry.mode.toString(8)}`)).toEqual([
      ".dockerignore 100644",
      "Dockerfile 100644",
      "bin/ 40755",
      "bin/run 100755",
      "empty/ 40755",
      "link 120777",
      "web/ 40755",
      "web/index.html 100644",
    ]);
    expect(entries.find((entry) => entry.name === "link")?.content).toBe("web/index.html");
    expect(entries.find((entry) => entry.name === "web/index.html")?.content).toBe("<h1>hi</h1>");
    expect(archive.bytes).toBe(readFileSync(archive.path).length);
  });

  it("gives the same bytes for the same content, whatever the files' times", async () => {
    const first = appFolder(TREE);
    const second = appFolder(TREE);
    utimesSync(join(second, "web/index.html"), new Date("2011-11-11"), new Date("2011-11-11"));
    const [a, b] = [await pack(first, "first.zip"), await pack(second, "second.zip")];
    expect(b.sha256).toBe(a.sha256);
    expect(readFileSync(b.path).equals(readFileSync(a.path))).toBe(true);
  });

  it("gives different bytes when one byte changes", async () => {
    const a = await pack(appFolder(TREE), "one.zip");
    const b = await pack(appFolder({ ...TREE, "web/index.html": "<h1>ho</h1>" }), "two.zip");
    expect(b.sha256).not.toBe(a.sha256);
  });
});
