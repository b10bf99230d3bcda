import { describe, expect, it } from "vitest";
import { ValidationErrors } from "../../src/core/errors.js";
import { parseAssignments } from "../../src/operations/env-set.js";

/** Issue 21: holes an independent audit found, each pinned here where no other file fits. */

function refusal(run: () => unknown): ValidationErrors {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationErrors) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("env set refuses names racknet sets itself (item 11)", () => {
  it("RACKNET_CA_CERT and any RACKNET_* name, before anything is read or written", () => {
    const error = refusal(() => parseAssignments(["RACKNET_CA_CERT=mine", "RACKNET_FUTURE=x", "FINE=1"]));
    expect(error.problems.map((problem) => problem.where)).toEqual(["RACKNET_CA_CERT", "RACKNET_FUTURE"]);
    expect(error.problems[0]?.message).toContain("a name racknet sets itself");
    expect(JSON.stringify(error.problems)).not.toContain("mine");
  });
});
