import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { DescribeServicesCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand, paginateListHostedZones, type HostedZone } from "@aws-sdk/client-route-53";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * `racknet rack update` end to end (issue 20, item 11): a rack installed with the previous
 * release's template (test/fixtures/rack-templates/4b80fbc.json, deployed by the built CLI
 * through test/support/old-rack-template.mjs), apps deployed on it, then updated by this
 * racknet on the patched moto: the rack runs this racknet's template with its parameters,
 * and every app is still served as before.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const oldTemplate = join(root, "test", "fixtures", "rack-templates", "4b80fbc.json");
const hook = pathToFileURL(join(root, "test", "support", "old-rack-template.mjs")).href;
const shopManifest = join(root, "examples", "shop", "convox.yml");
const everyKind = join(root, "test", "fixtures", "apps", "every-kind.yml");

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

interface Served {
  services: unknown;
  ecs: { name: string; status: string; taskDefinition: string }[];
  rules: string[];
  records: string[];
}

/** What serves the apps: their endpoints as `services --json` gives them, their ECS services, listener rules and DNS names. */
async function served(): Promise<Served> {
  const rack = (await describeTestStack(aws.cloudFormation, "legacy")).outputs;
  const services = Object.fromEntries(
    await Promise.all(["shop", "kinds"].map(async (app) => [app, JSON.parse((await cli("services", "-a", app, "-r", "legacy", "--json")).stdout) as unknown] as const)),
  );
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster: rack.Cluster }))).serviceArns ?? [];
  const described = (await aws.ecs.send(new DescribeServicesCommand({ cluster: rack.Cluster, services: arns }))).services ?? [];
  const ecs = described.map((service) => ({ name: service.serviceName ?? "", status: service.status ?? "", taskDefinition: service.taskDefinition ?? "" })).sort((a, b) => a.name.localeCompare(b.name));
  const rules: string[] = [];
  for (const listener of [rack.ExternalListener, rack.InternalListener, rack.RouterListener]) {
    for (const rule of (await aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? []) {
      rules.push(...(rule.Conditions ?? []).flatMap((condition) => condition.HostHeaderConfig?.Values ?? condition.Values ?? []));
    }
  }
  // Every page: moto answers 100 zones a page, and the shared account holds other files' racks' zones.
  const zones: HostedZone[] = [];
  for await (const page of paginateListHostedZones({ client: aws.route53 }, {})) zones.push(...(page.HostedZones ?? []));
  const records: string[] = [];
  for (const zone of zones.filter((candidate) => /^legacy\.(router\.)?convox\.$/.test(candidate.Name ?? ""))) {
    const sets = (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }))).ResourceRecordSets ?? [];
    records.push(...sets.filter((set) => set.Type === "A").map((set) => set.Name ?? ""));
  }
  return { services, ecs, rules: rules.sort(), records: records.sort() };
}

let before: Served;

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const install = await runCli(["rack", "install", "legacy", "Internal=Yes", "internal_router=true", "--yes"], {
    env: { ...env, NODE_OPTIONS: `--import=${hook}`, RACKNET_TEST_RACK_TEMPLATE: oldTemplate },
  });
  if (install.code !== 0) throw new Error(`setup: install with the previous release's template failed: ${install.stderr}`);
  for (const [app, file] of [["shop", shopManifest], ["kinds", everyKind]] as const) {
    const deployed = await cli("deploy", "-a", app, "-f", file, "-r", "legacy", "--yes");
    if (deployed.code !== 0) throw new Error(`setup: deploy ${app} failed: ${deployed.stderr}`);
  }
  before = await served();
});

afterAll(async () => {
  await moto?.stop();
});

describe("a rack installed by the previous release", () => {
  it("runs the previous release's template, and `racknet rack` and `racks` say it is behind", async () => {
    const deployed = (await aws.cloudFormation.send(new GetTemplateCommand({ StackName: "legacy" }))).TemplateBody ?? "";
    expect(deployed).not.toContain("TemplateBucketPolicy");
    const human = await cli("rack", "-r", "legacy");
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Template\s+none recorded, behind this racknet's \d+\.\d+\.\d+\+[0-9a-f]{12}: `racknet rack update -r legacy` moves it/);
    const json = JSON.parse((await cli("rack", "-r", "legacy", "--json")).stdout) as { template: { version: string | null; standing: string } };
    expect(json.template).toMatchObject({ version: null, standing: "behind" });
    expect((await cli("racks")).stdout).toMatch(/legacy\s+CREATE_COMPLETE\s+\S+\s+behind: rack update/);
  });

  it("--dry-run: the plan adds what the new template has (the bucket policy, the version marker), nothing changes", async () => {
    const result = await cli("rack", "update", "-r", "legacy", "--dry-run");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Add\s+TemplateBucketPolicy\s+AWS::S3::BucketPolicy/);
    expect(result.stderr).toMatch(/Add\s+RackTemplateVersion\s+AWS::SSM::Parameter/);
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
    const stack = await describeTestStack(aws.cloudFormation, "legacy");
    expect(stack.status).toBe("CREATE_COMPLETE");
    expect(stack.outputs.TemplateVersion).toBeUndefined();
  });

  it("update: the rack runs this racknet's template, UPDATE_COMPLETE, every parameter as it was", async () => {
    const parameters = (await describeTestStack(aws.cloudFormation, "legacy")).parameters;
    const result = await cli("rack", "update", "-r", "legacy", "--yes", "--json");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as { outcome: string; from: string | null; to: string; parameters: { added: { name: string; value: string }[]; dropped: unknown[] } };
    // Parameters this racknet added since 4b80fbc come with their defaults (HostedZoneId, issue 23; the egress ones, issue 26); none is dropped.
    expect(outcome).toMatchObject({ outcome: "applied", from: null, parameters: { dropped: [] } });
    expect(outcome.parameters.added.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(["HostedZoneId", "NatGateways", "VpcEndpoints"]));
    const stack = await describeTestStack(aws.cloudFormation, "legacy");
    expect(stack.status).toBe("UPDATE_COMPLETE");
    expect(stack.parameters).toEqual({ ...parameters, ...Object.fromEntries(outcome.parameters.added.map((parameter) => [parameter.name, parameter.value])) });
    expect(stack.outputs.TemplateVersion).toBe(outcome.to);
    const deployed = (await aws.cloudFormation.send(new GetTemplateCommand({ StackName: "legacy" }))).TemplateBody ?? "";
    expect(deployed).toContain("TemplateBucketPolicy");
  });

  it("every app is still served: the same endpoints, ECS services, listener rules and names, app stacks complete", async () => {
    const after = await served();
    expect(after).toEqual(before);
    expect(after.ecs.length).toBeGreaterThan(0);
    expect(after.ecs.every((service) => service.status === "ACTIVE")).toBe(true);
    expect(after.rules).toContain("api.shop.legacy.convox");
    expect(after.records.map((name) => name.replace(/\.$/, ""))).toContain("peer.kinds.legacy.router.convox");
    for (const app of ["legacy-shop", "legacy-kinds"]) expect((await describeTestStack(aws.cloudFormation, app)).status, app).toMatch(/^(CREATE|UPDATE)_COMPLETE$/);
  });

  it("`racknet rack` says up to date after, and a second update changes nothing", async () => {
    const json = JSON.parse((await cli("rack", "-r", "legacy", "--json")).stdout) as { template: { version: string; latest: string; standing: string } };
    expect(json.template.standing).toBe("current");
    expect(json.template.version).toBe(json.template.latest);
    const again = await cli("rack", "update", "-r", "legacy", "--yes");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("no changes: rack legacy already runs this racknet's template");
  });

  it("a deploy after the update: the app stack updates on the updated rack, UPDATE_COMPLETE", async () => {
    const changed = join(mkdtempSync(join(tmpdir(), "racknet-update-")), "convox.yml");
    writeFileSync(changed, readFileSync(shopManifest, "utf8").replace("-text=hello", "-text=hello-again"));
    const result = await cli("deploy", "-a", "shop", "-f", changed, "-r", "legacy", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect((await describeTestStack(aws.cloudFormation, "legacy-shop")).status).toBe("UPDATE_COMPLETE");
  });
});
