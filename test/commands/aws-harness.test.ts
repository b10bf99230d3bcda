import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreateChangeSetCommand, DescribeChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

/** The in-memory AWS keeps the command tests honest: what it refuses, AWS refuses too. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const template = JSON.stringify({ Parameters: { Size: { Type: "String" } }, Resources: { Queue: { Type: "AWS::SQS::Queue" } } });

describe("the in-memory AWS", () => {
  it("a call it does not answer fails, naming itself, instead of resolving {}", async () => {
    const ecs = await h.context.aws.ecs();
    await expect(ecs.send(new DescribeServicesCommand({ cluster: "c", services: ["s"] }))).rejects.toThrow("unmocked AWS call: ECS.DescribeServices");
  });

  it("CloudFormation refuses parameters the template does not declare, and missing ones", async () => {
    const cfn = await h.context.aws.cloudFormation();
    const create = (Parameters: { ParameterKey: string; ParameterValue: string }[]) =>
      cfn.send(new CreateChangeSetCommand({ StackName: "s", ChangeSetName: "racknet-1", ChangeSetType: "CREATE", TemplateBody: template, Parameters }));
    await expect(create([{ ParameterKey: "Size", ParameterValue: "1" }, { ParameterKey: "Color", ParameterValue: "red" }])).rejects.toThrow("Parameters: [Color] do not exist in the template");
    await expect(create([])).rejects.toThrow("Parameters: [Size] must have values");
  });

  it("an update that changes nothing is a FAILED change set with CloudFormation's words", async () => {
    h.cloudFormation.putStack({ name: "s", template, parameters: { Size: "1" } });
    const cfn = await h.context.aws.cloudFormation();
    const { Id } = await cfn.send(new CreateChangeSetCommand({ StackName: "s", ChangeSetName: "racknet-1", ChangeSetType: "UPDATE", UsePreviousTemplate: true, Parameters: [{ ParameterKey: "Size", ParameterValue: "1" }] }));
    const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: Id }));
    expect(described).toMatchObject({ Status: "FAILED", StatusReason: expect.stringContaining("didn't contain changes") });
  });

  it("the listener rules an app's stack creates are the rules ELBv2 lists", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const elbv2 = await h.context.aws.elbv2();
    const listener = h.cloudFormation.stack("prod")?.outputs.ExternalListener;
    const { Rules } = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }));
    expect(Rules?.filter((rule) => !rule.IsDefault).map((rule) => rule.Conditions?.flatMap((condition) => condition.HostHeaderConfig?.Values ?? condition.Values ?? []))).toEqual([
      [expect.stringMatching(/^web\.shop\./)],
    ]);
  });
});
