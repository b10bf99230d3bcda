import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** The moto patches' own reproductions (scripts/moto/test_aws_gaps.py): one per gap, against moto as the launcher patches it. */
describe("moto behaves like AWS where racknet's tests rely on it", () => {
  it("every gap's reproduction passes", async () => {
    const script = new URL("../../scripts/moto/test_aws_gaps.py", import.meta.url).pathname;
    // No deadline of its own: the reproductions take minutes on a loaded machine, and the e2e
    // project's hang guard stops a run that hangs.
    const { stdout } = await promisify(execFile)("python3", [script], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain("all passed");
    expect(stdout).not.toMatch(/^FAIL/m);
  });
});
