import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AwsClients } from "../../src/aws/clients.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { run as rackTemplateWorkflow } from "../../src/operations/rack-template.js";
import { awsHarness, memoryContext, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";
import { TWO_SERVICES, buildApp } from "./build-fixtures.js";
import { printing } from "../support/printing.js";
const rackTemplate = printing(rackTemplateWorkflow);

/**
 * A rack in a Region without AWS CodeBuild (mx-central-1, ca-west-1, ap-east-2): installed
 * without its build project, apps run images, `build:` and BuildInstance are refused with
 * the reason (issue 20, item 6; docs/decisions.md, "Regions without CodeBuild").
 */

const REGION = "mx-central-1";

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
  // The command runs in mx-central-1: its clients, and the zones EC2 lists there.
  Object.assign(h.context, { aws: new AwsClients({ region: REGION }) });
  h.options.region = REGION;
  h.zones = [`${REGION}a`, `${REGION}b`, `${REGION}c`];
});
afterEach(() => h.restore());

/** The template the change set carried: inline, or (past the inline limit) through the staging bucket, as the stack keeps it. */
const templateSent = () => {
  const create = h.calls().find((call) => call.operation === "CloudFormation.CreateChangeSet" && call.input.StackName === "prod");
  const body = create?.input.TemplateBody ?? h.cloudFormation.stack("prod")?.templateBody ?? "{}";
  return { body: JSON.parse(String(body)) as { Resources: Record<string, { Type: string }> }, parameters: (create?.input.Parameters ?? []) as { ParameterKey: string }[] };
};

describe("racknet in a Region without CodeBuild", () => {
  it("rack install: the rack is made without a build project, and the output says why and what that means", async () => {
    const result = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("AWS CodeBuild is not offered in mx-central-1: rack prod is installed without a build project; its apps run images (image: in convox.yml, or deploy --image SERVICE=URI), and build: is refused");
    const sent = templateSent();
    expect(Object.values(sent.body.Resources).filter((resource) => resource.Type.startsWith("AWS::CodeBuild::"))).toEqual([]);
    expect(sent.parameters.map((parameter) => parameter.ParameterKey)).not.toContain("BuildInstance");
    expect(h.cloudFormation.stack("prod")?.outputs.BuildProject).toBeUndefined();
  });

  it("rack install BuildInstance=large there: refused, nothing made", async () => {
    const result = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: ["buildinstance=large"], private: false }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("BuildInstance cannot be set in mx-central-1: AWS CodeBuild is not offered there, so the rack has no build project; nothing was changed");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
  });

  it("deploy: an app of images runs; an app with build: is refused naming the Region and the way out", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const result = await withOptions(h, { yes: true, rack: "prod", app: "blog" }, () => h.run(deploy, { file: buildApp(TWO_SERVICES) }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack prod cannot build web, worker: AWS CodeBuild is not offered in mx-central-1, so the rack has no build project; nothing was changed");
    expect(result.stderr).toContain("deploy them with --image SERVICE=URI, or name them with image: in convox.yml");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod-blog")).toBeUndefined();
    // The same app with its images given deploys.
    const given = await withOptions(h, { yes: true, rack: "prod", app: "blog" }, () => h.run(deploy, { file: buildApp(TWO_SERVICES), image: ["web=nginx:1.27", "worker=nginx:1.27"] }));
    expect(given.exitCode, given.stderr).toBe(0);
  });

  it("rack params set BuildInstance=large there: refused with the reason, not as an older racknet's rack", async () => {
    await installedRack(h, "prod");
    const result = await withOptions(h, { yes: true, rack: "prod" }, () => h.run(paramsSet, { params: ["BuildInstance=large"] }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("BuildInstance cannot be set on rack prod: AWS CodeBuild is not offered in mx-central-1");
    expect(result.stderr).not.toContain("older racknet");
    expect(h.cloudFormation.stack("prod")?.parameters.BuildInstance).toBeUndefined();
  });

  it("a manifest of images only is no concern of CodeBuild's", async () => {
    await installedRack(h, "prod");
    const result = await withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.calls.some((call) => call.operation.startsWith("CodeBuild."))).toBe(false);
  });

  it("rack template --region mx-central-1: the template racknet would deploy there; BuildInstance given there is refused", async () => {
    const { context, stdout } = memoryContext();
    context.options.region = REGION;
    await rackTemplate(context, { params: [], minify: true });
    const body = JSON.parse(stdout.text) as { Resources: Record<string, { Type: string }>; Parameters: Record<string, unknown> };
    expect(Object.values(body.Resources).filter((resource) => resource.Type.startsWith("AWS::CodeBuild::"))).toEqual([]);
    expect(body.Parameters.BuildInstance).toBeUndefined();
    await expect(rackTemplate(context, { params: ["BuildInstance=large"], minify: true })).rejects.toThrow("BuildInstance cannot be set in mx-central-1");
  });
});
