import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasStackTrace } from "../support/cli.js";

/** `npm run demo` on a machine without moto: what to install, not a stack trace. */
const demo = fileURLToPath(new URL("../../scripts/demo.mjs", import.meta.url));

describe("npm run demo without moto", () => {
  it.each([
    ["no such interpreter", "racknet-no-such-python", "racknet-no-such-python was not found"],
    ["an interpreter without moto", "false", "false has no moto"],
  ])("%s: says what to install, exit 1", (_case, python, found) => {
    const result = spawnSync(process.execPath, [demo], { env: { ...process.env, PYTHON: python }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`npm run demo needs moto 5.2 (it runs racknet against a local moto_server), and ${found}.`);
    expect(result.stderr).toContain(`-m pip install "moto[server]==5.2.*"`);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.stdout).toBe("");
  });
});
