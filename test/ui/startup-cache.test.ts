import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The compile cache of the launcher (bin/racknet, keepCompiledCode; on Node 20
 * bin/compile-cache.mjs): written only in the package's dist/compile-cache, never by
 * `--version` or the help, and never serving code of a file that has changed since.
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "racknet-startup-cache-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under a directory, recursively (relative paths). */
function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1));
}

describe("the launcher's compile cache", () => {
  // A copy of the built package (bin/, dist/, package.json) whose node_modules is the repository's.
  const pkg = join(scratch, "package");
  mkdirSync(pkg);
  cpSync(join(repo, "bin"), join(pkg, "bin"), { recursive: true });
  cpSync(join(repo, "dist"), join(pkg, "dist"), { recursive: true, filter: (source) => !source.includes("compile-cache") });
  cpSync(join(repo, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(repo, "node_modules"), join(pkg, "node_modules"), "dir");
  const manifest = join(scratch, "convox.yml");
  writeFileSync(manifest, "services:\n  web:\n    image: nginx:1.27\n    port: 80\n");
  const cache = join(pkg, "dist", "compile-cache");
  const racknet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(pkg, "bin", "racknet"), ...args], { env: { ...process.env, NODE_COMPILE_CACHE: "", ...env }, encoding: "utf8", cwd: scratch });

  it("--version and the help compile nothing to keep; NODE_DISABLE_COMPILE_CACHE=1 keeps nothing", () => {
    expect(racknet(["--version"]).status).toBe(0);
    expect(racknet(["deploy", "--help"]).status).toBe(0);
    expect(racknet(["manifest", "check", "-f", manifest, "--rack-params", "Internal=Yes"], { NODE_DISABLE_COMPILE_CACHE: "1" }).status).toBe(0);
    expect(filesUnder(cache)).toEqual([]);
  });

  it("a command keeps its modules' code in dist/compile-cache, whole files only, and runs the same with it", () => {
    const first = racknet(["manifest", "check", "-f", manifest, "--rack-params", "Internal=Yes", "--json"]);
    expect(first.status).toBe(0);
    const kept = filesUnder(cache);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((file) => file.endsWith(".partial"))).toEqual([]);
    const second = racknet(["manifest", "check", "-f", manifest, "--rack-params", "Internal=Yes", "--json"]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });
});

/**
 * bin/compile-cache.mjs on its own, in a child process (it replaces how Node compiles
 * CommonJS modules, for the rest of the process), on a module of the test's own.
 */
describe("keepCompiledCommonJs (Node 20's cache of CommonJS modules)", () => {
  const root = join(scratch, "cjs");
  const directory = join(root, "cache");
  mkdirSync(root);
  const module = join(root, "value.cjs");
  const load = () => {
    const script = `
      import { createRequire } from "node:module";
      import { keepCompiledCommonJs } from ${JSON.stringify(pathToFileURL(join(repo, "bin", "compile-cache.mjs")).href)};
      keepCompiledCommonJs({ root: ${JSON.stringify(root)}, directory: ${JSON.stringify(directory)} });
      const { value, twice } = createRequire(${JSON.stringify(module)})(${JSON.stringify(module)});
      process.stdout.write(JSON.stringify({ value, twice: twice(21) }));
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as { value: string; twice: number };
  };

  it("keeps a module's code and gives the module what Node gives it", () => {
    writeFileSync(module, "exports.value = require('node:path').basename(__filename) + ':one';\nexports.twice = (n) => n * 2;\n");
    expect(load()).toEqual({ value: "value.cjs:one", twice: 42 });
    expect(filesUnder(directory)).toHaveLength(1);
    expect(load()).toEqual({ value: "value.cjs:one", twice: 42 });
  });

  it("a module changed since (same length, same place) runs its new code, never the kept one", () => {
    writeFileSync(module, "exports.value = require('node:path').basename(__filename) + ':one';\nexports.twice = (n) => n * 2;\n");
    load();
    writeFileSync(module, "exports.value = require('node:path').basename(__filename) + ':two';\nexports.twice = (n) => n * 3;\n");
    expect(load()).toEqual({ value: "value.cjs:two", twice: 63 });
  });

  it("an entry that is not V8's code is refused by V8 and replaced; a cache that cannot be written only costs time", () => {
    writeFileSync(module, "exports.value = 'three';\nexports.twice = (n) => n + n;\n");
    load();
    for (const entry of filesUnder(directory)) writeFileSync(join(directory, entry), "not code");
    expect(load()).toEqual({ value: "three", twice: 42 });
    expect(load()).toEqual({ value: "three", twice: 42 });
    rmSync(directory, { recursive: true, force: true });
    writeFileSync(directory, "a file where the cache's directory would be");
    expect(load()).toEqual({ value: "three", twice: 42 });
    rmSync(directory);
  });
});
