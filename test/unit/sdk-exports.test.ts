/**
 * The built CLI loads each AWS client cut to src/aws/sdk-exports.ts (scripts/build-bundle.mjs).
 * A name the source takes from `sdk.<client>()` but the list lacks would be undefined in the
 * built CLI only, where the client-mock tests never look: this reads the source and compares.
 * A use of `sdk.<client>()` this test cannot read fails it too, so no name goes unchecked.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { SDK_EXPORTS } from "../../src/aws/sdk-exports.js";

const src = join(import.meta.dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));
}

const texts = sourceFiles(src).map((file) => ({ file, text: readFileSync(file, "utf8") }));
const everything = texts.map(({ text }) => text).join("\n");

/** `[client, name]` for every name taken from `sdk.<client>()`; `unread` for every use not understood. */
function namesUsed(file: string, text: string): { used: [string, string][]; unread: string[] } {
  const used: [string, string][] = [];
  const read = new Set<number>();
  const take = (at: number, client: string, names: string[]) => {
    read.add(at);
    // The credential provider is loaded as its package: it is not a service client.
    if (client !== "credentials") for (const name of names) used.push([client, name]);
  };
  // const { A, B: alias } = sdk.x();
  for (const match of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*(sdk\.(\w+)\(\))/g)) {
    const names = (match[1] ?? "").split(",").map((name) => name.trim().split(":")[0]?.trim() ?? "");
    take((match.index ?? 0) + match[0].indexOf(match[2] ?? ""), match[3] ?? "", names.filter(Boolean));
  }
  // const m = sdk.x(); ... m.A
  for (const match of text.matchAll(/const\s+(\w+)\s*=\s*(sdk\.(\w+)\(\))/g)) {
    const names = [...text.matchAll(new RegExp(`\\b${match[1]}\\.(\\w+)`, "g"))].map((use) => use[1] ?? "");
    take((match.index ?? 0) + match[0].indexOf(match[2] ?? ""), match[3] ?? "", names);
  }
  // new (sdk.x()).A(...), sdk.x().A
  for (const match of text.matchAll(/sdk\.(\w+)\(\)\)?\.(\w+)/g)) take(match.index ?? 0, match[1] ?? "", [match[2] ?? ""]);
  // { someModule: sdk.x() }, typed elsewhere as `someModule: Pick<typeof Sdk, "A" | "B">`
  for (const match of text.matchAll(/(\w+):\s*sdk\.(\w+)\(\)/g)) {
    const picked = everything.match(new RegExp(`\\b${match[1]}:\\s*Pick<typeof\\s+\\w+,\\s*([^>]*)>`));
    if (picked) take((match.index ?? 0) + match[0].indexOf("sdk."), match[2] ?? "", [...(picked[1] ?? "").matchAll(/"(\w+)"/g)].map((name) => name[1] ?? ""));
  }
  const unread = [...text.matchAll(/sdk\.(\w+)\(\)/g)].filter((match) => !read.has(match.index ?? 0)).map((match) => `${relative(src, file)}: ${match[0]}`);
  return { used, unread };
}

describe("the AWS clients the build cuts to racknet's needs", () => {
  const found = texts.map(({ file, text }) => namesUsed(file, text));
  const used = found.flatMap((each) => each.used);

  it("lists every name the source takes from each sdk.<client>()", () => {
    expect(used.length).toBeGreaterThan(100);
    const missing = used.filter(([client, name]) => !(SDK_EXPORTS[client as keyof typeof SDK_EXPORTS]?.names as readonly string[] | undefined)?.includes(name));
    expect([...new Set(missing.map(([client, name]) => `${client}.${name}`))].sort()).toEqual([]);
  });

  it("reads every use of sdk.<client>() in the source", () => {
    expect(found.flatMap((each) => each.unread)).toEqual([]);
  });

  it("lists no name the source does not take, so the cut stays small", () => {
    const taken = new Set(used.map(([client, name]) => `${client}.${name}`));
    const unused = Object.entries(SDK_EXPORTS).flatMap(([client, { names }]) => names.map((name) => `${client}.${name}`)).filter((name) => !taken.has(name));
    expect(unused).toEqual([]);
  });
});
