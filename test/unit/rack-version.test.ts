import { describe, expect, it } from "vitest";
import { templateStanding, templateVersionOf, stampTemplateVersion } from "../../src/templates/rack-version.js";
import { carryParameters, carriedNotes } from "../../src/rack/upgrade.js";
import { rackStanding, templateVariant } from "../../src/rack-steps/rack-standing.js";
import { renderedTemplateVersion } from "../../src/rack-steps/rack-template.js";
import type { Template } from "../../src/templates/cfn.js";

/** The rack template's version and where a rack stands (docs/decisions.md, "Rack updates"). Pure, but for the rendered template. */

const tiny = (): Template => ({ AWSTemplateFormatVersion: "2010-09-09", Description: "test", Parameters: {}, Conditions: {}, Resources: { Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } } }, Outputs: {} });

describe("the rack template's version", () => {
  it("is racknet's version and a digest of the template, the same for the same template, another for any change", () => {
    const a = templateVersionOf(tiny(), "0.1.0");
    expect(a).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);
    expect(templateVersionOf(tiny(), "0.1.0")).toBe(a);
    const changed = tiny();
    changed.Resources.Vpc = { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.1.0.0/16" } };
    expect(templateVersionOf(changed, "0.1.0")).not.toBe(a);
  });

  it("is stamped as an SSM parameter resource and an output, and stamping does not change it", () => {
    const stamped = stampTemplateVersion(tiny(), "0.1.0");
    const version = stamped.Outputs.TemplateVersion?.Value;
    expect(stamped.Resources.RackTemplateVersion).toMatchObject({ Type: "AWS::SSM::Parameter", Properties: { Value: version } });
    expect(templateVersionOf(stamped, "0.1.0")).toBe(version);
  });
});

describe("where a rack stands", () => {
  it("none recorded is behind; older is behind; newer is ahead; the same number with another digest is different", () => {
    expect(templateStanding(undefined, "0.2.0+aaaaaaaaaaaa")).toBe("behind");
    expect(templateStanding("0.2.0+aaaaaaaaaaaa", "0.2.0+aaaaaaaaaaaa")).toBe("current");
    expect(templateStanding("0.1.9+bbbbbbbbbbbb", "0.2.0+aaaaaaaaaaaa")).toBe("behind");
    expect(templateStanding("0.10.0+bbbbbbbbbbbb", "0.9.0+aaaaaaaaaaaa")).toBe("ahead");
    expect(templateStanding("0.2.0-rc.1+bbbbbbbbbbbb", "0.2.0+aaaaaaaaaaaa")).toBe("behind");
    expect(templateStanding("0.2.0+bbbbbbbbbbbb", "0.2.0+aaaaaaaaaaaa")).toBe("different");
    expect(templateStanding("garbage", "0.2.0+aaaaaaaaaaaa")).toBe("different");
  });

  it("against the template of the rack's own Region: a rack where CodeBuild is absent is current with that variant", async () => {
    expect(templateVariant("us-east-1")).toBe("full");
    expect(templateVariant("mx-central-1")).toBe("no-builds");
    expect(templateVariant("cn-north-1")).toBe("no-base-image-cache");
    const noBuilds = renderedTemplateVersion("mx-central-1");
    expect(noBuilds).not.toBe(renderedTemplateVersion("us-east-1"));
    expect((await rackStanding({ outputs: { TemplateVersion: noBuilds } }, "mx-central-1")).standing).toBe("current");
    expect((await rackStanding({ outputs: { TemplateVersion: noBuilds } }, "us-east-1")).standing).toBe("different");
  });
});

describe("parameters carried to a new template", () => {
  const declared = { Private: { Default: "No" }, Domain: { Default: "" }, BuildInstance: { Default: "BUILD_GENERAL1_SMALL" }, AvailabilityZones: {} };

  it("every stored one kept as stored, a new one given racknet's value, one no longer declared dropped", () => {
    const carried = carryParameters({ Private: "Yes", Domain: "example.com", AvailabilityZones: "a,b", Legacy: "on" }, declared, { Private: "No", BuildInstance: "BUILD_GENERAL1_SMALL" });
    expect(carried.values).toEqual({ Private: "Yes", Domain: "example.com", BuildInstance: "BUILD_GENERAL1_SMALL", AvailabilityZones: "a,b" });
    expect(carried.added).toEqual([{ name: "BuildInstance", value: "BUILD_GENERAL1_SMALL" }]);
    expect(carried.dropped).toEqual([{ name: "Legacy", value: "on" }]);
    expect(carriedNotes(carried)).toEqual([
      "parameters new in this racknet's rack template, given their defaults: BuildInstance=BUILD_GENERAL1_SMALL",
      "parameters this racknet's rack template no longer has, dropped with their values: Legacy=on",
    ]);
  });

  it("a new parameter racknet has no value for takes the template's Default; one with neither is a bug, never a guess", () => {
    expect(carryParameters({ AvailabilityZones: "a,b" }, { ...declared, Fresh: { Default: "x" } }, {}).values.Fresh).toBe("x");
    expect(() => carryParameters({}, { Unknown: {} }, {})).toThrow(/declares parameter Unknown with no default/);
  });
});
