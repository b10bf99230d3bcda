import { spawnSync } from "node:child_process";
import module from "node:module";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The compile cache of the launcher (bin/racknet, keepCompiledCode): Node 22.1+'s
 * module.enableCompileCache, written only in the package's dist/compile-cache, never by
 * `--version` or the help, never serving the code of a file that has changed since; nothing on
 * Node 20 (docs/decisions.md, "Start-up").
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "racknet-startup-cache-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const nodeCaches = "enableCompileCache" in module;

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
  const check = ["manifest", "check", "-f", manifest, "--rack-params", "Internal=Yes"];

  it("--version and the help compile nothing to keep; NODE_DISABLE_COMPILE_CACHE=1 keeps nothing", () => {
    expect(racknet(["--version"]).status).toBe(0);
    expect(racknet(["deploy", "--help"]).status).toBe(0);
    expect(racknet(check, { NODE_DISABLE_COMPILE_CACHE: "1" }).status).toBe(0);
    expect(filesUnder(cache)).toEqual([]);
  });

  it(`a command ${nodeCaches ? "keeps its modules' code in dist/compile-cache" : "keeps nothing on Node 20"} and runs the same with it`, () => {
    const first = racknet([...check, "--json"]);
    expect(first.status).toBe(0);
    if (nodeCaches) expect(filesUnder(cache).length).toBeGreaterThan(0);
    else expect(filesUnder(cache)).toEqual([]);
    const second = racknet([...check, "--json"]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it("a module changed since (same length, same place) runs its new code, never the kept one", () => {
    const bundle = join(pkg, "dist", "bundle");
    const [file, ...others] = readdirSync(bundle).filter((name) => readFileSync(join(bundle, name), "utf8").includes(" is valid: "));
    expect(file).toBeDefined();
    expect(others).toEqual([]);
    const path = join(bundle, file ?? "");
    const before = racknet(check);
    expect(before.status).toBe(0);
    expect(before.stderr).toContain("convox.yml is valid: 1 service");
    writeFileSync(path, readFileSync(path, "utf8").replace(" is valid: ", " IS VALID: "));
    const after = racknet(check);
    expect(after.status).toBe(0);
    expect(after.stderr).toContain("convox.yml IS VALID: 1 service");
  });
});
