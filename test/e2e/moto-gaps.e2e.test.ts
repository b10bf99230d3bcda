import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** The moto patches' own reproductions (scripts/moto/test_aws_gaps.py): one per gap, against moto as the launcher patches it. */
describe("moto behaves like AWS where racknet's tests rely on it", () => {
  it("every gap's reproduction passes", async () => {
    const script = new URL("../../scripts/moto/test_aws_gaps.py", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)("python3", [script], { timeout: 180_000 });
    expect(stdout).toContain("all passed");
    expect(stdout).not.toMatch(/^FAIL/m);
  });
});
