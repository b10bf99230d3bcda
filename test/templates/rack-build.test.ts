import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import { rackTemplate } from "../../src/templates/rack.js";
import { BUILD_IMAGE, BUILD_INSTANCES, BuildResource } from "../../src/templates/rack-build.js";
import { defaultParams, toCfnParameters, type RackParams } from "../../src/rack/params.js";
import { evaluate, type EvaluatedStack } from "../support/cfn-eval.js";

const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/prod/6f1c2a4e-0b7d-4c3e-9a51-2d8e7f6a9b10";
/** The build resources are part of the rack template itself (src/templates/rack.ts). */
const template = rackTemplate({ version: "0.0.0-test" });

function cfnParameters(params: Partial<RackParams>, azCount: 2 | 3 = 3): Record<string, string> {
  // Rendered without the sync function, so without its parameter.
  const { SyncReservedConcurrency: _sync, ...parameters } = toCfnParameters({ ...defaultParams(), ...params }, { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, azCount), rackCertificateArn: CERTIFICATE });
  return parameters;
}

function rack(params: Partial<RackParams> = {}, extra: Record<string, string> = {}, azCount: 2 | 3 = 3): EvaluatedStack {
  return evaluate(template, { ...cfnParameters(params, azCount), ...extra }, { stackName: "prod", stackId: STACK_ID });
}

const properties = (stack: EvaluatedStack, id: string): Record<string, Json> => stack.resources[id]?.Properties ?? {};

interface Statement {
  Action: string[];
  Resource: Json;
  Condition?: Json;
}

function statements(stack: EvaluatedStack): Statement[] {
  const policies = properties(stack, BuildResource.role).Policies as unknown as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const resourceOf = (stack: EvaluatedStack, action: string) => statements(stack).find((statement) => statement.Action.includes(action))?.Resource;

describe("rack template: build resources", () => {
  it("runs privileged docker builds on CodeBuild's standard image, sized by BuildInstance", () => {
    const environment = properties(rack({}, { BuildInstance: "BUILD_GENERAL1_MEDIUM" }), BuildResource.project).Environment;
    expect(environment).toEqual({
      Type: "LINUX_CONTAINER",
      ComputeType: "BUILD_GENERAL1_MEDIUM",
      Image: BUILD_IMAGE,
      PrivilegedMode: true,
    });
  });

  it("accepts only small, medium and large compute types, small by default", () => {
    expect(template.Parameters.BuildInstance).toMatchObject({ Default: "BUILD_GENERAL1_SMALL", AllowedValues: [...BUILD_INSTANCES] });
    expect(BUILD_INSTANCES).toEqual(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"]);
    // A rack parameter like the others: racknet passes the rack's value (the default here).
    expect(properties(rack(), BuildResource.project).Environment).toMatchObject({ ComputeType: "BUILD_GENERAL1_SMALL" });
  });

  it("gives its project and log group as the rack's BuildProject and BuildLogGroup outputs", () => {
    const stack = rack();
    expect(stack.outputs.BuildProject).toEqual({ Ref: BuildResource.project });
    expect(stack.outputs.BuildLogGroup).toEqual({ Ref: BuildResource.logGroup });
  });

  it("writes build logs to its own log group, kept 30 days", () => {
    const stack = rack();
    expect(properties(stack, BuildResource.logGroup)).toMatchObject({ LogGroupName: "/racknet/prod/builds", RetentionInDays: 30 });
    expect(properties(stack, BuildResource.project).LogsConfig).toMatchObject({ CloudWatchLogs: { Status: "ENABLED", GroupName: { Ref: BuildResource.logGroup } } });
  });

  it("on a public rack, runs outside the VPC and has no EC2 permission or security group", () => {
    const stack = rack({ Private: "No" });
    expect(properties(stack, BuildResource.project).VpcConfig).toBeUndefined();
    expect(stack.resources[BuildResource.securityGroup]).toBeUndefined();
    expect(statements(stack).flatMap((statement) => statement.Action).filter((action) => action.startsWith("ec2:"))).toEqual([]);
  });

  it("on a private rack, runs in the private subnets with an outbound-only security group", () => {
    const stack = rack({ Private: "Yes" });
    expect(properties(stack, BuildResource.project).VpcConfig).toEqual({
      VpcId: { Ref: "Vpc" },
      Subnets: [{ Ref: "PrivateSubnet1" }, { Ref: "PrivateSubnet2" }, { Ref: "PrivateSubnet3" }],
      SecurityGroupIds: [{ "Fn::GetAtt": [BuildResource.securityGroup, "GroupId"] }],
    });
    expect(properties(stack, BuildResource.securityGroup).SecurityGroupIngress).toBeUndefined();
    expect(properties(rack({ Private: "Yes" }, {}, 2), BuildResource.project).VpcConfig).toMatchObject({ Subnets: [{ Ref: "PrivateSubnet1" }, { Ref: "PrivateSubnet2" }] });
  });

  it("on a private rack, may create network interfaces only for CodeBuild and only in the private subnets", () => {
    const permission = statements(rack({ Private: "Yes" })).find((statement) => statement.Action.includes("ec2:CreateNetworkInterfacePermission"));
    expect(permission?.Condition).toMatchObject({
      StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
      ArnEquals: { "ec2:Subnet": [1, 2, 3].map((az) => ({ "Fn::Sub": `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:subnet/\${PrivateSubnet${az}}` })) },
    });
    const twoZones = statements(rack({ Private: "Yes" }, {}, 2)).find((statement) => statement.Action.includes("ec2:CreateNetworkInterfacePermission"));
    expect(twoZones?.Condition).toMatchObject({ ArnEquals: { "ec2:Subnet": [1, 2].map((az) => ({ "Fn::Sub": `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:subnet/\${PrivateSubnet${az}}` })) } });
  });

  it("has least privilege: the project's own role reaches no app's sources, repository or environment (issue 21)", () => {
    // Every build runs as its app's own role (src/images/role.ts); this one writes the log only.
    for (const stack of [rack(), rack({ Private: "Yes" })]) {
      const actions = statements(stack).flatMap((statement) => statement.Action);
      expect(actions.filter((action) => /^(s3|ecr|ssm|kms):/.test(action)), "no app's data").toEqual([]);
      expect(resourceOf(stack, "logs:PutLogEvents")).toEqual({ "Fn::GetAtt": [BuildResource.logGroup, "Arn"] });
      for (const action of actions) expect(action, action).not.toMatch(/\*/);
    }
    const unscoped = statements(rack()).filter((statement) => statement.Resource === "*");
    expect(unscoped).toEqual([]);
  });

  it("never runs the project's own buildspec: racknet brings one with each build", () => {
    expect(properties(rack(), BuildResource.project).Source).toMatchObject({ Type: "NO_SOURCE", BuildSpec: expect.stringContaining("exit 1") });
  });
});

// cfn-lint: the build resources are part of every rack variant test/templates/rack.test.ts lints.
