import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as build } from "../../src/operations/build.js";
import { buildRoleName } from "../../src/names/index.js";
import { removeBuildLeftovers } from "../../src/rack-steps/build-cleanup.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { TWO_SERVICES, buildApp } from "./build-fixtures.js";

/**
 * Issue 21, least privilege: a build of one app can read only that app's sources and
 * environment and push only to that app's repository. Each app builds as its own IAM role.
 */

const ACCOUNT_ARN = "arn:aws:%s:us-east-1:123456789012:";

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
});
afterEach(() => h.restore());

async function buildAs(app: string) {
  Object.assign(h.options, { rack: "prod", app, yes: true });
  const outcome = await h.run(build, { file: buildApp(TWO_SERVICES) });
  expect(outcome.exitCode, outcome.stderr).toBe(0);
  return outcome;
}

/** Whether an IAM statement list allows the action on the resource (`*` in a resource matches anything). */
function allows(statements: { Action: string[]; Resource: string | string[] }[], action: string, resource: string): boolean {
  const matches = (pattern: string) => new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.?+^$()[\]{}|\\/]/g, "\\$&")).join(".*")}$`).test(resource);
  return statements.some((statement) => statement.Action.includes(action) && [statement.Resource].flat().some(matches));
}

const arn = (service: string, rest: string) => ACCOUNT_ARN.replace("%s", service) + rest;

describe("each app builds as its own role (issue 21, least privilege)", () => {
  it("StartBuild names the app's role, which reaches this app's sources, repository and environment and not another app's", async () => {
    await buildAs("shop");
    const started = h.builds.builds.map((entry) => entry.input.serviceRoleOverride);
    const role = h.roles.roles.get(buildRoleName("us-east-1", "prod", "shop"));
    expect(role?.tags).toEqual(expect.arrayContaining([{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }]));
    expect(started).toEqual([role?.arn]);

    const bucket = h.cloudFormation.stack("prod")?.outputs.TemplateBucket ?? "";
    const statements = h.roles.statements(role?.arn ?? "");
    const own = { source: `arn:aws:s3:::${bucket}/builds/shop/abc.zip`, repository: arn("ecr", "repository/prod/shop"), variable: arn("ssm", "parameter/racknet/prod/apps/shop/env/NPM_TOKEN") };
    const other = { source: `arn:aws:s3:::${bucket}/builds/blog/abc.zip`, repository: arn("ecr", "repository/prod/blog"), variable: arn("ssm", "parameter/racknet/prod/apps/blog/env/NPM_TOKEN") };
    expect(allows(statements, "s3:GetObject", own.source)).toBe(true);
    expect(allows(statements, "ecr:PutImage", own.repository)).toBe(true);
    expect(allows(statements, "ssm:GetParameters", own.variable)).toBe(true);
    expect(allows(statements, "s3:GetObject", other.source)).toBe(false);
    expect(allows(statements, "ecr:PutImage", other.repository)).toBe(false);
    expect(allows(statements, "ecr:BatchGetImage", other.repository)).toBe(false);
    expect(allows(statements, "ssm:GetParameters", other.variable)).toBe(false);
    // Nor the rack CA's key, nor another rack's repository of the same app.
    expect(allows(statements, "ssm:GetParameters", arn("ssm", "parameter/racknet/prod/ca/key"))).toBe(false);
    expect(allows(statements, "ecr:PutImage", arn("ecr", "repository/prod-x/shop"))).toBe(false);
  });

  it("two apps get two roles; a second build reuses the app's role and writes its policy again", async () => {
    await buildAs("shop");
    await buildAs("blog");
    const names = [...h.roles.roles.keys()].sort();
    expect(names).toEqual([buildRoleName("us-east-1", "prod", "blog"), buildRoleName("us-east-1", "prod", "shop")].sort());
    const [shopBuild, blogBuild] = h.builds.builds;
    expect(shopBuild?.input.serviceRoleOverride).not.toBe(blogBuild?.input.serviceRoleOverride);
  });

  it("a role of that name that is not racknet's for this app is refused before anything is built", async () => {
    h.roles.createRole({ RoleName: buildRoleName("us-east-1", "prod", "shop"), Tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "blog" }] });
    Object.assign(h.options, { rack: "prod", app: "shop", yes: true });
    const outcome = await h.run(build, { file: buildApp(TWO_SERVICES) });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain("is not racknet's build role of app shop on rack prod");
    expect(h.builds.builds).toHaveLength(0);
  });

  it("CodeBuild that cannot assume a role made seconds ago (IAM is eventually consistent) is retried", async () => {
    let refusals = 1;
    const original = h.builds.startBuild.bind(h.builds);
    h.builds.startBuild = (input) => {
      if (refusals-- > 0) throw Object.assign(new Error(`CodeBuild is not authorized to perform: sts:AssumeRole on ${input.serviceRoleOverride}`), { name: "InvalidInputException" });
      return original(input);
    };
    await buildAs("shop");
    expect(h.builds.builds).toHaveLength(1);
  }, 10_000);

  it("rack uninstall deletes every app's build role of the rack, and no other rack's", async () => {
    await buildAs("shop");
    await buildAs("blog");
    h.roles.createRole({ RoleName: buildRoleName("eu-west-1", "prod", "shop"), Path: "/racknet/eu-west-1/prod/build/", Tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }, { Key: "racknet:region", Value: "eu-west-1" }] });
    const bucket = h.cloudFormation.stack("prod")?.outputs.TemplateBucket ?? "";
    const removed = await removeBuildLeftovers(h.context, "prod", bucket);
    expect(removed.buildRoles.sort()).toEqual(["blog", "shop"]);
    expect([...h.roles.roles.keys()]).toEqual([buildRoleName("eu-west-1", "prod", "shop")]);
  });
});
