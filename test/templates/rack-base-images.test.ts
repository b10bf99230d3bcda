import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import { fullRackTemplate } from "../../src/rack-steps/rack-template.js";
import { buildRolePolicy, type BuildRoleFacts } from "../../src/images/role.js";

/** The rack's pull-through cache of ECR Public for builds' base images (issue 20, item 3). */

const statementsOf = (template: ReturnType<typeof fullRackTemplate>) => {
  const role = template.Resources.BuildRole?.Properties as { Policies: { PolicyDocument: { Statement: Json[] } }[] };
  return role.Policies[0]?.PolicyDocument.Statement ?? [];
};
const cacheActions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"];
const cacheStatement = { Effect: "Allow", Action: cacheActions, Resource: "arn:aws:ecr:us-east-1:123456789012:repository/prod_pub/*" };
/** The app's build role (src/images/role.ts) on a rack whose BaseImageCache output is `prod_pub`, or that has none. */
const facts: BuildRoleFacts = { partition: "aws", region: "us-east-1", account: "123456789012", rack: "prod", app: "shop", bucket: "prod-bucket", logGroup: "/racknet/prod/builds" };

describe("rack template: the builds' cache of ECR Public", () => {
  it("a pull-through cache rule of public.ecr.aws under `<rack>_pub`, given as the BaseImageCache output; an app's build role may pull through it, under that prefix only", () => {
    const template = fullRackTemplate({}, { region: "us-east-1" });
    expect(template.Resources.BuildBaseImageCache).toEqual({ Type: "AWS::ECR::PullThroughCacheRule", Properties: { EcrRepositoryPrefix: { "Fn::Sub": "${AWS::StackName}_pub" }, UpstreamRegistryUrl: "public.ecr.aws" } });
    expect(template.Outputs.BaseImageCache).toEqual({ Value: { "Fn::Sub": "${AWS::StackName}_pub" } });
    expect(buildRolePolicy({ ...facts, baseImageCache: "prod_pub" }).Statement).toContainEqual(cacheStatement);
    // The project's own role runs no build: it needs none of it.
    expect(statementsOf(template).flatMap((statement) => (statement as { Action: string[] }).Action).filter((action) => cacheActions.includes(action))).toEqual([]);
  });

  it("where ECR has no pull-through cache (cn-north-1, us-gov-west-1): no rule, no output, no permission", () => {
    for (const region of ["cn-north-1", "us-gov-west-1"]) {
      const template = fullRackTemplate({}, { region });
      expect(template.Resources.BuildBaseImageCache, region).toBeUndefined();
      expect(template.Outputs.BaseImageCache, region).toBeUndefined();
      expect(buildRolePolicy(facts).Statement.flatMap((statement) => statement.Action), region).not.toContain("ecr:BatchImportUpstreamImage");
      expect(template.Resources.BuildProject, region).toBeDefined();
    }
  });
});
