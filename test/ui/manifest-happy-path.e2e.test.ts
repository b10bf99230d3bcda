import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `manifest check` of a valid file stays on the happy path (BENCHMARKS.md, "Session 5:
 * manifest check's happy path"): js-yaml reads it, the quick schema check says yes, and
 * neither the `yaml` library (about 70 modules, for positions) nor the full validator is
 * loaded. Node's own module log (NODE_DEBUG=module) says what the built CLI required.
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "racknet-happy-path-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function requiredBy(text: string): { status: number | null; required: string[] } {
  const file = join(scratch, `convox-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  const result = spawnSync(process.execPath, [join(repo, "bin", "racknet"), "manifest", "check", "-f", file, "--rack-params", "Internal=Yes", "--json"], { cwd: scratch, encoding: "utf8", env: { ...process.env, NODE_DEBUG: "module" } });
  const required = [...result.stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((match) => match[1] ?? "");
  return { status: result.status, required };
}

describe("manifest check's happy path (the built CLI)", () => {
  it("a valid file, environment maps with numbers in it too, loads neither the yaml library nor the full validator", () => {
    const text = "environment:\n  RATIO: 1.50\nservices:\n  web:\n    image: nginx:1.27\n    port: 80\n    environment:\n      PORT: 3000\n      DEBUG: false\n  worker:\n    image: nginx:1.27\n    environment:\n      - LOG_LEVEL=info\n";
    const { status, required } = requiredBy(text);
    expect(status).toBe(0);
    expect(required).toContain("./convox-schema.quick.cjs");
    expect(required).not.toContain("yaml");
    expect(required).not.toContain("./convox-schema.validate.cjs");
  });

  it("a file with a problem loads both, to place it and say it", () => {
    const { status, required } = requiredBy("services:\n  web:\n    image: nginx:1.27\n    port: 99999\n");
    expect(status).toBe(1);
    expect(required).toEqual(expect.arrayContaining(["yaml", "./convox-schema.validate.cjs"]));
  });
});
