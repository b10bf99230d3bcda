import { describe, expect, it } from "vitest";
import { merge, type Template } from "../../src/templates/cfn.js";
import { SYNC_CLUSTER, SYNC_ZONE, privateNetworkSyncFragment } from "../../src/templates/rack-privnet-sync.js";
import { syncFunctionCode } from "../../src/functions/privnet-sync/bundle.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";
import { evaluate } from "../support/cfn-eval.js";

/** Just what the fragment references: the rack's cluster and its private network zone. */
function minimalRack(): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "minimal rack for the private network sync fragment",
    Parameters: {},
    Conditions: {},
    Resources: {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16", EnableDnsHostnames: true, EnableDnsSupport: true } },
      [SYNC_CLUSTER]: { Type: "AWS::ECS::Cluster", Properties: {} },
      [SYNC_ZONE]: {
        Type: "AWS::Route53::HostedZone",
        Properties: {
          Name: { "Fn::Sub": ["pn-${Uuid}.private-network.internal", { Uuid: { "Fn::Select": ["2", { "Fn::Split": ["/", { Ref: "AWS::StackId" }] }] } }] },
          VPCs: [{ VPCId: { Ref: "Vpc" }, VPCRegion: { Ref: "AWS::Region" } }],
        },
      },
    },
    Outputs: {},
  };
}

describe("the private network sync function in the rack template", () => {
  const code = syncFunctionCode();

  it("passes cfn-lint merged into a rack, warnings and informational rules included", async () => {
    const template = merge(minimalRack(), privateNetworkSyncFragment(code));
    const findings = await cfnLint({ privnet: template }, { includeWarnings: true, includeInformational: true });
    expect(findings.privnet).toEqual([]);
  }, lintDeadline(1));

  it("listens to the rack cluster's task state changes only, and may be invoked by those rules only", () => {
    const resources = privateNetworkSyncFragment(code).Resources ?? {};
    const rule = resources.PrivateNetworkSyncRule?.Properties?.EventPattern as Record<string, unknown>;
    expect(rule).toMatchObject({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { clusterArn: [{ "Fn::GetAtt": ["Cluster", "Arn"] }] } });
    const permissions = Object.values(resources).filter((resource) => resource.Type === "AWS::Lambda::Permission");
    expect(permissions.map((permission) => permission.Properties?.SourceArn)).toEqual([
      { "Fn::GetAtt": ["PrivateNetworkSyncRule", "Arn"] },
      { "Fn::GetAtt": ["PrivateNetworkSyncSchedule", "Arn"] },
    ]);
    expect(resources.PrivateNetworkSyncFunction?.Properties).toMatchObject({ Runtime: "nodejs24.x", Handler: "index.handler", Code: { ZipFile: code } });
  });

  it("runs one at a time where the account can reserve concurrency (Route 53: five requests a second per account), unreserved where it cannot", () => {
    const template = merge(minimalRack(), privateNetworkSyncFragment(code));
    const reserved = (value?: string) =>
      evaluate(template, value ? { SyncReservedConcurrency: value } : {}).resources.PrivateNetworkSyncFunction?.Properties?.ReservedConcurrentExecutions;
    expect(reserved()).toBe(1);
    expect(reserved("1")).toBe(1);
    expect(reserved("none")).toBeUndefined();
    expect(template.Parameters.SyncReservedConcurrency?.AllowedValues).toEqual(["1", "none"]);
  });

  it("the role reaches only the rack's cluster and zone", () => {
    const role = JSON.stringify(privateNetworkSyncFragment(code).Resources?.PrivateNetworkSyncRole);
    expect(role).toContain('"ecs:cluster"');
    expect(role).toContain("hostedzone/${PrivateNetworkZone}");
    expect(role).not.toMatch(/"route53:\*"|"ecs:\*"/);
  });
});

describe("the bundled handler", () => {
  const code = syncFunctionCode();

  it("is one small CommonJS file that needs only the runtime's SDK", () => {
    // CloudFormation dropped ZipFile's old 4,096-character limit; the budget keeps the rack template small.
    expect(code.length).toBeLessThan(12 * 1024);
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(new Set(required)).toEqual(new Set(["@aws-sdk/client-ecs", "@aws-sdk/client-route-53"]));
  });

  it("exports `handler` as CloudFormation's inline index.js would load it", async () => {
    const module = { exports: {} as Record<string, unknown> };
    const sdk: Record<string, unknown> = { "@aws-sdk/client-ecs": await import("@aws-sdk/client-ecs"), "@aws-sdk/client-route-53": await import("@aws-sdk/client-route-53") };
    new Function("module", "exports", "require", code)(module, module.exports, (name: string) => sdk[name]);
    expect(typeof module.exports.handler).toBe("function");
  });
});
