import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Template } from "../../src/templates/cfn.js";
import { cfnLint, distinctTemplates, lintDeadline, lintForm, lintKey } from "../support/cfn-lint.js";
import { combinations, withDefaults } from "./rack-fixture.js";

/** A template with one switch read only in a condition and one parameter a resource reads. */
function template(mode: string, size: string): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "lint form",
    Parameters: {
      Mode: { Type: "String", AllowedValues: ["Yes", "No"], Default: mode },
      Size: { Type: "String", AllowedValues: ["1", "2"], Default: size },
    },
    Conditions: { On: { "Fn::Equals": [{ Ref: "Mode" }, "Yes"] } },
    Resources: { Queue: { Type: "AWS::SQS::Queue", Condition: "On", Properties: { DelaySeconds: { "Fn::Sub": "${Size}" } } } },
    Outputs: {},
  };
}

describe("cfn-lint sees templates that differ only in a condition's switch as one (test/support/cfn-lint.ts)", () => {
  it("the rack's sixteen switch combinations are one template to cfn-lint", () => {
    const variants = Object.fromEntries(combinations().map(({ label, params }) => [label, withDefaults(params)]));
    expect(distinctTemplates(variants)).toBe(1);
    expect(distinctTemplates({ ...variants, small: withDefaults({ VPCCIDR: "10.9.8.0/24" }) })).toBe(2);
  });

  it("a switch's Default is set aside only when the parameter is read in Conditions alone and the Default is allowed", () => {
    expect(distinctTemplates({ a: template("Yes", "1"), b: template("No", "1") })).toBe(1);
    // Size is read by Fn::Sub in a resource: its Default is a value cfn-lint checks.
    expect(distinctTemplates({ a: template("Yes", "1"), b: template("Yes", "2") })).toBe(2);
    // A Default outside AllowedValues is linted on its own, for cfn-lint to report.
    expect(distinctTemplates({ a: template("Yes", "1"), b: template("Maybe", "1") })).toBe(2);
    expect(lintForm(template("No", "1")).Parameters.Size?.Default).toBe("1");
    expect(lintForm(template("No", "1")).Parameters.Mode?.Default).toBeUndefined();
  });
});

describe("test processes running at once lint a template once (RACKNET_LINT_CACHE)", () => {
  it("a template another live process claimed is not linted again: its answer is awaited; a dead process's claim is taken over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "racknet-lint-claims-"));
    const before = process.env.RACKNET_LINT_CACHE;
    process.env.RACKNET_LINT_CACHE = dir;
    try {
      // Claimed by a live process (this one's parent), which answers a moment later with a
      // finding cfn-lint would never give: getting it proves nothing linted it here.
      const claimed = template("Yes", "1");
      const key = lintKey(claimed, ["us-east-1"], false);
      writeFileSync(join(dir, `${key}.claim`), String(process.ppid));
      const planted = { rule: "E0000", level: "Error", message: "answered by the claimant", path: "" };
      const answer = setTimeout(() => {
        writeFileSync(join(dir, `${key}.json`), JSON.stringify([planted]));
        rmSync(join(dir, `${key}.claim`));
      }, 500);
      try {
        expect(await cfnLint({ claimed })).toEqual({ claimed: [{ file: "claimed", ...planted }] });
      } finally {
        clearTimeout(answer);
      }

      // Claimed by a process that is gone: linted here (the template is clean), and answered.
      const orphan = template("Yes", "2");
      const orphanKey = lintKey(orphan, ["us-east-1"], false);
      writeFileSync(join(dir, `${orphanKey}.claim`), "999999999");
      expect(await cfnLint({ orphan })).toEqual({ orphan: [] });
      expect(readdirSync(dir).sort()).toEqual([`${key}.json`, `${orphanKey}.json`].sort());
    } finally {
      if (before === undefined) delete process.env.RACKNET_LINT_CACHE;
      else process.env.RACKNET_LINT_CACHE = before;
      rmSync(dir, { recursive: true, force: true });
    }
  }, lintDeadline(1));
});
