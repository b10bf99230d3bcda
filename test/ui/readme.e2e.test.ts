import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** README.md's sample session is a real run's: scripts/readme-samples.mjs runs it against moto and compares (issue 22, item 6). */

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("README.md's sample session", () => {
  it("is what the built CLI prints against moto today (ids, addresses and times aside)", async () => {
    const check = await promisify(execFile)(process.execPath, ["scripts/readme-samples.mjs", "--check"], { cwd: root, timeout: 240_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? 1, stderr: error.stderr ?? "" }),
    );
    expect(check.code, check.stderr).toBe(0);
  });
});
