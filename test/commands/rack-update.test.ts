import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CreateChangeSetCommand, ExecuteChangeSetCommand, type CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import type { Template } from "../../src/templates/cfn.js";
import { run as rackUpdate } from "../../src/operations/rack-update.js";
import { run as rackShow } from "../../src/operations/rack-show.js";
import { run as racks } from "../../src/operations/racks.js";
import { renderedTemplateVersion as latestTemplateVersion } from "../../src/rack-steps/rack-template.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { INTERNAL_API, PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

/**
 * `racknet rack update` (SPEC section 7) on the in-memory AWS, from racks installed with the
 * templates earlier racknets deployed (test/fixtures/rack-templates/README.md): 4b80fbc is
 * the release before the template recorded its version, 8fafb4b the one before BuildInstance.
 */

/**
 * While `template` is set, `rack install` deploys it instead of this racknet's (the racknet of
 * that day); with `padding`, this racknet's template carries that many bytes more (in its
 * Metadata, as test/support/pad-rack-template.mjs does for the built CLI).
 */
const installing = vi.hoisted(() => ({ template: undefined as Template | undefined, padding: 0 }));
vi.mock("../../src/rack-steps/rack-template.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/rack-steps/rack-template.js")>();
  const fullRackTemplate = (defaults?: Record<string, string>): Template => {
    if (installing.template) return structuredClone(installing.template);
    const template = real.fullRackTemplate(defaults);
    return installing.padding > 0 ? { ...template, Metadata: { ...template.Metadata, Padding: "x".repeat(installing.padding) } } : template;
  };
  return { ...real, fullRackTemplate };
});

const fixture = (commit: string): Template => JSON.parse(readFileSync(new URL(`../fixtures/rack-templates/${commit}.json`, import.meta.url), "utf8")) as Template;

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => {
  installing.template = undefined;
  installing.padding = 0;
  h.restore();
});

/**
 * `rack install` as the racknet that made `template` did it: its template, and only the
 * parameters that template declares (an older racknet knew no others).
 */
async function installedWith(template: Template, name: string, params: string[] = []): Promise<void> {
  installing.template = template;
  answerCreateChangeSet((input) => h.cloudFormation.createChangeSet({ ...input, Parameters: (input.Parameters ?? []).filter((parameter) => (parameter.ParameterKey ?? "") in template.Parameters) }));
  try {
    await installedRack(h, name, params);
  } finally {
    installing.template = undefined;
    answerCreateChangeSet((input) => h.cloudFormation.createChangeSet(input));
  }
}

function answerCreateChangeSet(answer: (input: CreateChangeSetCommandInput) => unknown): void {
  h.stubs.CloudFormation?.on(CreateChangeSetCommand).callsFake(async (input: CreateChangeSetCommandInput) => answer(input));
}

function update(options: { apps?: boolean } = {}) {
  Object.assign(h.options, { rack: "prod", yes: true });
  return h.run(rackUpdate, options);
}

async function shown(): Promise<{ text: string; json: { template: { version: string | null; latest: string; standing: string } } }> {
  Object.assign(h.options, { rack: "prod", json: false });
  const text = await h.run(rackShow, undefined);
  Object.assign(h.options, { json: true });
  const json = JSON.parse((await h.run(rackShow, undefined)).stdout) as { template: { version: string | null; latest: string; standing: string } };
  Object.assign(h.options, { json: false });
  return { text: text.stdout + text.stderr, json };
}

/** The parameters issues 26 and 25 added to the rack template, at their defaults. */
const EGRESS_DEFAULTS = { NatGateways: "PerZone", VpcEndpoints: "No", ExistingVpc: "", ExistingPublicSubnets: "", ExistingPrivateSubnets: "", TransitGatewayId: "", TransitGatewayCidrs: "" };

/** The stacks CloudFormation changed, in order. */
const executed = () => h.cloudFormation.operations.filter((operation) => operation.operation === "execute" && operation.type === "UPDATE").map((operation) => operation.stackName);

describe("racknet rack update: a rack already on this racknet's template", () => {
  it("no changes, exit 0, nothing written", async () => {
    await installedRack(h, "prod");
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`no changes: rack prod already runs this racknet's template ${latestTemplateVersion()}`);
    expect(result.writes).toEqual([]);
  });

  it("`racknet rack` and `racknet racks` say it is up to date", async () => {
    await installedRack(h, "prod");
    const { text, json } = await shown();
    expect(text).toMatch(new RegExp(`Template\\s+${latestTemplateVersion().replace("+", "\\+")}, up to date`));
    expect(json.template).toEqual({ version: latestTemplateVersion(), latest: latestTemplateVersion(), standing: "current" });
  });
});

describe("racknet rack update: a rack installed by the previous release", () => {
  it("`racknet rack` says it is behind, naming the command; `racknet racks` too", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    const { text, json } = await shown();
    expect(text).toMatch(/Template\s+none recorded, behind this racknet's .*`racknet rack update -r prod` moves it/);
    expect(json.template).toEqual({ version: null, latest: latestTemplateVersion(), standing: "behind" });
    Object.assign(h.options, { json: false });
    const listed = await h.run(racks, undefined);
    expect(listed.stdout).toMatch(/prod\s+CREATE_COMPLETE\s+0\.1\.0\s+behind: rack update/);
  });

  it("the plan: what the new template adds, the template versions, priced; --dry-run changes nothing", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    h.options.dryRun = true;
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Add\s+TemplateBucketPolicy\s+AWS::S3::BucketPolicy/);
    expect(result.stderr).toMatch(/Add\s+RackTemplateVersion\s+AWS::SSM::Parameter/);
    expect(result.stderr).toContain(`rack prod moves from the rack template none recorded (installed before racknet recorded it) to this racknet's ${latestTemplateVersion()}; every parameter it has keeps its value`);
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBeUndefined();
  });

  it("applied: every stored parameter kept, the template and version recorded, `racknet rack` says up to date after", async () => {
    await installedWith(fixture("4b80fbc"), "prod", ["Internal=Yes", "Domain=apps.example.com", "BuildInstance=medium"]);
    const before = { ...h.cloudFormation.stack("prod")?.parameters };
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`rack prod updated to racknet's template ${latestTemplateVersion()}`);
    const stack = h.cloudFormation.stack("prod");
    // Every parameter as it was; those new since 4b80fbc (HostedZoneId, issue 23; the egress ones, issue 26; the ALB idle timeout, issue 28) with their defaults.
    expect(stack?.parameters).toEqual({ ...before, HostedZoneId: "", ...EGRESS_DEFAULTS, LoadBalancerIdleTimeout: "60", TransitGatewayCidrCount: "0" });
    expect(stack?.parameters).toMatchObject({ Internal: "Yes", Domain: "apps.example.com", BuildInstance: "BUILD_GENERAL1_MEDIUM" });
    expect(stack?.outputs.TemplateVersion).toBe(latestTemplateVersion());
    expect(Object.keys(stack?.resources ?? {})).toContain("TemplateBucketPolicy");
    expect((await shown()).json.template.standing).toBe("current");
    // Once more: nothing left to do.
    const again = await update();
    expect(again.stderr).toContain("no changes: rack prod already runs this racknet's template");
  });

  it("a template over 51,200 bytes goes through the rack's own bucket, removed once CloudFormation has it", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    const bucket = h.cloudFormation.stack("prod")?.outputs.TemplateBucket ?? "";
    installing.padding = 12_000;
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    const create = result.calls.find((call) => call.operation === "CloudFormation.CreateChangeSet");
    expect(create?.input.TemplateBody).toBeUndefined();
    expect(String(create?.input.TemplateURL)).toMatch(new RegExp(`^https://${bucket}\\.s3\\.`));
    expect(result.calls.map((call) => call.operation)).toContain("S3.PutObject");
    expect(h.objects.buckets.get(bucket)?.size ?? 0).toBe(0);
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBe(latestTemplateVersion());
  });

  it("the apps keep running: each app stack moved only where its rack facts changed, and left UPDATE_COMPLETE or as it was", async () => {
    await installedWith(fixture("4b80fbc"), "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    const apps = { shop: { ...h.cloudFormation.stack("prod-shop")?.parameters }, billing: { ...h.cloudFormation.stack("prod-billing")?.parameters } };
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod-shop")?.parameters).toEqual(apps.shop);
    expect(h.cloudFormation.stack("prod-billing")?.parameters).toEqual(apps.billing);
    expect(executed()).toEqual(["prod"]);
  });
});

describe("racknet rack update: parameters", () => {
  it("a parameter the new template adds gets its default, and the plan says so", async () => {
    await installedWith(fixture("8fafb4b"), "prod", ["Internal=Yes"]);
    expect(h.cloudFormation.stack("prod")?.parameters.BuildInstance).toBeUndefined();
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`parameters new in this racknet's rack template, given their defaults: HostedZoneId="", BuildInstance=BUILD_GENERAL1_SMALL`);
    expect(result.stderr).toMatch(/Add\s+BuildProject\s+AWS::CodeBuild::Project/);
    expect(h.cloudFormation.stack("prod")?.parameters).toMatchObject({ BuildInstance: "BUILD_GENERAL1_SMALL", Internal: "Yes" });
  });

  it("a private rack of an older racknet gets the free S3 gateway endpoint on its private route tables, the plan saying so (issue 26, item 1)", async () => {
    await installedWith(fixture("8fafb4b"), "prod", ["Private=Yes"]);
    expect(Object.values(h.cloudFormation.stack("prod")?.resources ?? {}).filter((resource) => resource.Type === "AWS::EC2::VPCEndpoint")).toEqual([]);
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Add\s+S3GatewayEndpoint\s+AWS::EC2::VPCEndpoint/);
    expect(result.stderr).toContain("a free S3 gateway endpoint on every private route table");
    expect(h.cloudFormation.stack("prod")?.parameters).toMatchObject({ Private: "Yes", NatGateways: "PerZone", VpcEndpoints: "No" });
    const endpoint = h.cloudFormation.stack("prod")?.resources.S3GatewayEndpoint;
    expect(endpoint?.Properties?.RouteTableIds).toEqual([{ Ref: "PrivateRouteTable1" }, { Ref: "PrivateRouteTable2" }, { Ref: "PrivateRouteTable3" }]);
  });

  it("params set of a parameter the rack's older template lacks names rack update (not a reinstall); after it, the parameter is set", async () => {
    await installedWith(fixture("8fafb4b"), "prod");
    Object.assign(h.options, { rack: "prod", yes: true });
    const { run: paramsSet } = await import("../../src/operations/rack-params-set.js");
    const refused = await h.run(paramsSet, { params: ["BuildInstance=medium"] });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("fix: move the rack to this racknet's template with `racknet rack update -r prod` (it keeps every parameter and gives BuildInstance its default), then run this again");
    expect((await update()).exitCode).toBe(0);
    const set = await h.run(paramsSet, { params: ["BuildInstance=medium"] });
    expect(set.exitCode, set.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.BuildInstance).toBe("BUILD_GENERAL1_MEDIUM");
  });

  it("a parameter the new template no longer has is dropped, and the plan says so with its value", async () => {
    const old = fixture("4b80fbc");
    old.Parameters.LegacyFlag = { Type: "String", Default: "" };
    await installedWith(old, "prod");
    // The racknet of that day gave it a value.
    const stack = h.cloudFormation.stack("prod");
    if (stack) stack.parameters.LegacyFlag = "on";
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("parameters this racknet's rack template no longer has, dropped with their values: LegacyFlag=on");
    expect(h.cloudFormation.stack("prod")?.parameters.LegacyFlag).toBeUndefined();
  });

  it("--json: the versions, the parameters added and dropped, the plan", async () => {
    await installedWith(fixture("8fafb4b"), "prod");
    Object.assign(h.options, { json: true, dryRun: true });
    const result = await update();
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ rack: "prod", from: null, to: latestTemplateVersion(), outcome: "dry-run", parameters: { added: [{ name: "HostedZoneId", value: "" }, { name: "BuildInstance", value: "BUILD_GENERAL1_SMALL" }, ...Object.entries(EGRESS_DEFAULTS).map(([name, value]) => ({ name, value })), { name: "LoadBalancerIdleTimeout", value: "60" }, { name: "TransitGatewayCidrCount", value: "0" }], dropped: [] }, apps: [] });
    expect(json.plan).toBeDefined();
  });
});

describe("racknet rack update: refusals, nothing changed", () => {
  it("refused while an app's stack has an update running, naming it", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const shop = h.cloudFormation.stack("prod-shop");
    if (shop) shop.status = "UPDATE_IN_PROGRESS";
    const result = await update();
    expect(result.exitCode, String((result.error as Error | undefined)?.stack)).toBe(1);
    expect(result.stderr).toContain("rack prod cannot be updated now: stack prod-shop is UPDATE_IN_PROGRESS; nothing was changed");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBeUndefined();
  });

  it("refused while an app's stack is stuck (its update failed and so did the rollback), naming the way out", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const shop = h.cloudFormation.stack("prod-shop");
    if (shop) shop.status = "UPDATE_ROLLBACK_FAILED";
    const result = await update();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack prod cannot be updated now: app shop: the update failed and so did its rollback (UPDATE_ROLLBACK_FAILED): the stack is stuck; nothing was changed");
    expect(result.stderr).toContain("aws cloudformation continue-update-rollback --stack-name prod-shop");
    expect(resourceWrites(result)).toEqual([]);
  });

  it("refused while the rack's own stack is busy", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    const rack = h.cloudFormation.stack("prod");
    if (rack) rack.status = "UPDATE_ROLLBACK_IN_PROGRESS";
    const result = await update();
    expect(result.exitCode, String((result.error as Error | undefined)?.stack)).toBe(1);
    expect(result.stderr).toContain("stack prod is UPDATE_ROLLBACK_IN_PROGRESS");
    expect(resourceWrites(result)).toEqual([]);
  });

  it("a rack a newer racknet updated is never moved back", async () => {
    await installedRack(h, "prod");
    const rack = h.cloudFormation.stack("prod");
    if (rack) rack.outputs.TemplateVersion = "9.0.0+0123456789ab";
    const result = await update();
    expect(result.exitCode, String((result.error as Error | undefined)?.stack)).toBe(1);
    expect(result.stderr).toContain(`rack prod runs the rack template 9.0.0+0123456789ab, newer than this racknet's ${latestTemplateVersion()}; nothing was changed`);
    expect(resourceWrites(result)).toEqual([]);
  });
});

describe("racknet rack update: the apps after the rack", () => {
  /** The new template gives the external listener a new ARN (as a replaced listener would): the apps on it must follow. */
  async function listenerReplaced(): Promise<string> {
    await installedWith(fixture("4b80fbc"), "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "billing", PUBLIC_WEB);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const replaced = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod-External/0123456789abcdef/fedcba9876543210";
    h.cloudFormation.overrideOutputs("prod", { ExternalListener: replaced });
    return replaced;
  }

  it("an app whose rack facts the new template changes moves onto them after the rack, each through its own change set", async () => {
    const replaced = await listenerReplaced();
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(executed()).toEqual(["prod", "prod-billing", "prod-shop"]);
    for (const app of ["prod-billing", "prod-shop"]) expect(h.cloudFormation.stack(app)?.parameters.ExternalListener).toBe(replaced);
    expect(result.stderr).toContain("app shop: services take the rack's new ExternalListener");
  });

  it("Ctrl-C while an app moves (--apps): exit 130, that app's update goes on in AWS, the others not started; running it again finishes", async () => {
    const replaced = await listenerReplaced();
    const billing = h.cloudFormation.stack("prod-billing")?.id;
    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
      const answer = h.cloudFormation.executeChangeSet(input);
      if (input.StackName === billing) process.emit("SIGINT");
      return answer;
    });
    const result = await update({ apps: true });
    expect(result.exitCode).toBe(130);
    const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
    expect(error).toContain("stopped watching: the update of app billing on rack prod continues in AWS");
    expect(error).toContain(`done: rack prod to template ${latestTemplateVersion()}`);
    expect(error).toContain("still running in AWS: app billing");
    expect(error).toContain("not started: app shop");
    expect(error).toMatch(/then run `racknet rack update -r prod --apps` again to finish/);
    expect(h.cloudFormation.stack("prod-shop")?.parameters.ExternalListener).not.toBe(replaced);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);

    Object.assign(h.options, { json: false });
    const shown = await h.run(rackShow, undefined);
    expect(shown.stderr).toContain("finish it with `racknet rack update -r prod --apps`");

    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => h.cloudFormation.executeChangeSet(input));
    const again = await update({ apps: true });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("finishing racknet rack update");
    expect(executed().filter((stack) => stack === "prod")).toHaveLength(1);
    expect(h.cloudFormation.stack("prod-shop")?.parameters.ExternalListener).toBe(replaced);
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });

  it("--dry-run of a stopped update whose rack is done: names the apps that would move and moves none", async () => {
    const replaced = await listenerReplaced();
    h.cloudFormation.failNext("prod-billing", { logicalId: "WebService", reason: "ECS Deployment Circuit Breaker was triggered" });
    expect((await update()).exitCode).toBe(3);
    h.options.dryRun = true;
    const dry = await update();
    expect(dry.exitCode, dry.stderr).toBe(0);
    // shop moved beside billing (src/rack-steps/apps-together.ts): billing, which failed, is left.
    expect(dry.stderr).toContain("dry run: rack prod already runs this racknet's template; these apps would move onto its facts, each through its own change set: billing (ExternalListener)\n");
    expect(dry.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod-shop")?.parameters.ExternalListener).toBe(replaced);
    expect(h.cloudFormation.stack("prod-billing")?.parameters.ExternalListener).not.toBe(replaced);
  });

  it("another operation left unfinished on the rack: refused, naming the command that finishes it", async () => {
    await listenerReplaced();
    h.cloudFormation.failNext("prod-billing", { logicalId: "WebService", reason: "ECS Deployment Circuit Breaker was triggered" });
    const failed = await update();
    expect(failed.exitCode).toBe(3);
    Object.assign(h.options, { rack: "prod", yes: true });
    const other = await h.run((await import("../../src/operations/rack-params-set.js")).run, { params: ["Domain=example.com"] });
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("finish it first with `racknet rack update -r prod`");
  });
});

describe("racknet rack update: a failure", () => {
  it("the rack's update fails and rolls back: the root cause, exit 3, the rack as it was, no journal left; running it again updates it", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.cloudFormation.failNext("prod", { logicalId: "TemplateBucketPolicy", reason: "Access Denied" });
    const failed = await update();
    expect(failed.exitCode).toBe(3);
    expect(failed.stderr).toMatch(/root cause: TemplateBucketPolicy \(AWS::S3::BucketPolicy\) UPDATE_FAILED/);
    expect(h.cloudFormation.stack("prod")?.status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBeUndefined();
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
    expect(executed()).toEqual(["prod"]);
    const again = await update();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBe(latestTemplateVersion());
  });
});

describe("racknet rack update: a stopped update of another racknet", () => {
  it("is taken over: a later racknet's update finishes the job its own way instead of refusing for ever", async () => {
    await installedWith(fixture("4b80fbc"), "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const stopped = {
      v: 1,
      operation: "rack update",
      key: "0.0.9+000000000000",
      command: "racknet rack update -r prod",
      startedAt: "2026-12-01T09:00:00.000Z",
      updatedAt: "2026-12-01T09:05:00.000Z",
      state: "stopped",
      stoppedBecause: "interrupted",
      steps: [
        { id: "rack", what: "rack prod to template 0.0.9+000000000000", state: "done" },
        { id: "app:shop", what: "app shop: onto the rack's new facts", state: "pending" },
      ],
    };
    h.parameters.putParameter({ Name: "/racknet/prod/journal/rack", Value: JSON.stringify(stopped) });
    const result = await update();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.outputs.TemplateVersion).toBe(latestTemplateVersion());
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });
});
