import { describe, expect, it } from "vitest";
import type { Template } from "../../src/templates/cfn.js";
import { rackTemplate } from "../../src/templates/rack.js";
import { privateNetworkSyncFragment } from "../../src/templates/rack-privnet-sync.js";
import { fullRackTemplate } from "../../src/rack-steps/rack-template.js";
import { offersCodeBuild } from "../../src/rack/regions.js";
import { cfnLint } from "../support/cfn-lint.js";
import { withDefaults } from "./rack-fixture.js";

/**
 * Regions without AWS CodeBuild (issue 20, item 6): AWS's endpoint data has no CodeBuild
 * endpoint in mx-central-1, ca-west-1 and ap-east-2, and cfn-lint's region schemas have no
 * AWS::CodeBuild::Project there. The rack installs there without its build resources.
 */

const NO_CODEBUILD = ["mx-central-1", "ca-west-1", "ap-east-2"];

/** The rack's own known warnings (test/templates/rack.test.ts says why each is no problem). */
const KNOWN_WARNINGS: Record<string, RegExp> = {
  // Domain and HostedZoneId are rack parameters that app stacks read; the rack's own resources do not use them.
  W2001: /Parameter (Domain|HostedZoneId) not used/,
  W1035: /Fn::Select.*(InternalRouter(Cidrs|Vpcs)|TransitGatewayCidrs)/,
  W1033: /^'' is not a 'AWS::EC2::Subnet.Id'.*'Fn::Split'/,
};

const withoutBuilds = rackTemplate({ version: "0.0.0-test", builds: false, extra: [privateNetworkSyncFragment("exports.handler = async () => ({});")] });

describe("rack template in a Region without CodeBuild", () => {
  it("the three Regions are known to lack CodeBuild; the others are not", () => {
    for (const region of NO_CODEBUILD) expect(offersCodeBuild(region), region).toBe(false);
    for (const region of ["us-east-1", "eu-west-1", "ap-southeast-7", "cn-north-1", "us-gov-west-1"]) expect(offersCodeBuild(region), region).toBe(true);
  });

  it("the template racknet deploys there has no build project, role, log group, BuildInstance parameter or build outputs", () => {
    const deployed = fullRackTemplate({}, { region: "mx-central-1" });
    const types = Object.values(deployed.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type.startsWith("AWS::CodeBuild::"))).toEqual([]);
    expect(Object.keys(deployed.Resources).filter((id) => id.startsWith("Build"))).toEqual([]);
    expect(deployed.Parameters.BuildInstance).toBeUndefined();
    expect(Object.keys(deployed.Outputs).filter((name) => name.startsWith("Build"))).toEqual([]);
    // Elsewhere, all of them.
    const usual = fullRackTemplate({}, { region: "us-east-1" });
    expect(Object.values(usual.Resources).map((resource) => resource.Type)).toContain("AWS::CodeBuild::Project");
    expect(usual.Parameters.BuildInstance).toBeDefined();
  });

  it("cfn-lint in those Regions: the usual template's build project fails (E3006, no AWS::CodeBuild::Project there); the template without builds is clean, informational checks included", async () => {
    // Of the usual template, only its CodeBuild resources: E3006 judges a resource's type
    // alone, per Region, so they fail there as they do in the whole template, which cfn-lint
    // would otherwise check once more in full in each Region (docs/decisions.md, "The test bench").
    const usual = withDefaults({});
    const builds = Object.fromEntries(Object.entries(usual.Resources).filter(([, resource]) => resource.Type.startsWith("AWS::CodeBuild::")));
    expect(Object.keys(builds).length).toBeGreaterThan(0);
    const variants: Record<string, Template> = {
      usual: { ...usual, Resources: builds, Outputs: {} },
      "without-builds": withDefaults({}, 3, withoutBuilds),
      "without-builds-private-internal": withDefaults({ Private: "Yes", Internal: "Yes", internal_router: "true" }, 3, withoutBuilds),
    };
    const findings = await cfnLint(variants, { includeWarnings: true, includeInformational: true, regions: NO_CODEBUILD });
    expect(findings.usual?.filter((finding) => finding.rule === "E3006").map((finding) => finding.message)).toEqual(
      expect.arrayContaining(NO_CODEBUILD.map((region) => `Resource type 'AWS::CodeBuild::Project' does not exist in '${region}'`)),
    );
    const rest = [...(findings["without-builds"] ?? []), ...(findings["without-builds-private-internal"] ?? [])];
    expect(rest.filter((finding) => !KNOWN_WARNINGS[finding.rule]?.test(finding.message))).toEqual([]);
  }, 120_000);
});
