import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import { fullRackTemplate } from "../../src/steps/rack-template.js";

/** The rack's pull-through cache of ECR Public for builds' base images (issue 20, item 3). */

const statementsOf = (template: ReturnType<typeof fullRackTemplate>) => {
  const role = template.Resources.BuildRole?.Properties as { Policies: { PolicyDocument: { Statement: Json[] } }[] };
  return role.Policies[0]?.PolicyDocument.Statement ?? [];
};
const cacheStatement = { Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"], Resource: { "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${AWS::StackName}_pub/*" } };

describe("rack template: the builds' cache of ECR Public", () => {
  it("a pull-through cache rule of public.ecr.aws under `<rack>_pub`, given as the BaseImageCache output; the build role may pull through it, under that prefix only", () => {
    const template = fullRackTemplate({}, { region: "us-east-1" });
    expect(template.Resources.BuildBaseImageCache).toEqual({ Type: "AWS::ECR::PullThroughCacheRule", Properties: { EcrRepositoryPrefix: { "Fn::Sub": "${AWS::StackName}_pub" }, UpstreamRegistryUrl: "public.ecr.aws" } });
    expect(template.Outputs.BaseImageCache).toEqual({ Value: { "Fn::Sub": "${AWS::StackName}_pub" } });
    expect(statementsOf(template)).toContainEqual(cacheStatement);
  });

  it("where ECR has no pull-through cache (cn-north-1, us-gov-west-1): no rule, no output, no permission", () => {
    for (const region of ["cn-north-1", "us-gov-west-1"]) {
      const template = fullRackTemplate({}, { region });
      expect(template.Resources.BuildBaseImageCache, region).toBeUndefined();
      expect(template.Outputs.BaseImageCache, region).toBeUndefined();
      expect(statementsOf(template), region).not.toContainEqual(cacheStatement);
      expect(template.Resources.BuildProject, region).toBeDefined();
    }
  });
});
