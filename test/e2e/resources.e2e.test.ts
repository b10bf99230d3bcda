import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeStacksCommand, GetTemplateCommand, DescribeStackResourceCommand } from "@aws-sdk/client-cloudformation";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions } from "@aws-sdk/client-ecs";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * Issue 29's "Done when", on the patched moto (docs/moto.md, "Resources"): an app with
 * `resources: {db: {type: postgres}}` and a service listing it gets an encrypted, not publicly
 * accessible database in the rack's private subnets, a security group admitting only that
 * service's group, DB_URL as a secret and nowhere in clear; `resources info db --reveal` shows
 * the URL; removing the resource needs --allow-destroy. (The final snapshot is not checked:
 * moto 5.2 takes none, a gap docs/moto.md names.)
 */

const WITH_DB = `services:
  web:
    image: nginx:1.27
    resources: [db]
  worker:
    image: example/worker:3
resources:
  db:
    type: postgres
`;
const WITHOUT_DB = `services:
  web:
    image: nginx:1.27
  worker:
    image: example/worker:3
`;

const dir = mkdtempSync(join(tmpdir(), "racknet-resources-"));
const manifest = join(dir, "convox.yml");
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
const STACK = "data-shop";

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  const install = await runCli(["rack", "install", "data", "--private", "--yes"], { env });
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  writeFileSync(manifest, WITH_DB);
  const deploy = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes");
  if (deploy.code !== 0) throw new Error(`setup deploy failed: ${deploy.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("resources: a postgres database inside the private network", () => {
  it("encrypted, not publicly accessible, in the rack's private subnets, admitting only web's group", async () => {
    const aws = awsClients(moto.endpoint);
    const rds = new RDSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const physical = async (logicalId: string) => (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: logicalId }))).StackResourceDetail?.PhysicalResourceId ?? "";
    const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: await physical("ResourceDb") }))).DBInstances?.[0];
    expect(instance).toMatchObject({ StorageEncrypted: true, PubliclyAccessible: false, Engine: "postgres" });
    const rack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: "data" }))).Stacks?.[0];
    const privateSubnets = (rack?.Outputs?.find((output) => output.OutputKey === "PrivateSubnets")?.OutputValue ?? "").split(",").sort();
    expect(privateSubnets.length).toBeGreaterThan(1);
    expect((instance?.DBSubnetGroup?.Subnets ?? []).map((subnet) => subnet.SubnetIdentifier).sort()).toEqual(privateSubnets);
    const dbGroup = await physical("ResourceDbSecurityGroup");
    expect((instance?.VpcSecurityGroups ?? []).map((group) => group.VpcSecurityGroupId)).toEqual([dbGroup]);
    const group = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [dbGroup] }))).SecurityGroups?.[0];
    const sources = (group?.IpPermissions ?? []).map((permission) => [permission.FromPort, permission.ToPort, (permission.UserIdGroupPairs ?? []).map((pair) => pair.GroupId), permission.IpRanges ?? []]);
    expect(sources).toEqual([[5432, 5432, [await physical("WebResourceClients")], []]]);
  });

  it("DB_URL is a secret of web alone, and the password is nowhere in clear", async () => {
    const aws = awsClients(moto.endpoint);
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: aws.ecs }, {})) arns.push(...(page.taskDefinitionArns ?? []).filter((arn) => arn.includes(":task-definition/data-shop-")));
    const containers = await Promise.all(arns.map(async (arn) => (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.containerDefinitions?.[0]));
    const web = containers.find((container) => container?.name === "web");
    const worker = containers.find((container) => container?.name === "worker");
    expect(web?.secrets?.find((secret) => secret.name === "DB_URL")?.valueFrom).toMatch(/^arn:aws:secretsmanager:.*ResourceDbUrl/);
    expect(worker?.secrets?.some((secret) => secret.name === "DB_URL") ?? false).toBe(false);

    const reveal = await cli("resources", "info", "db", "-a", "shop", "-r", "data", "--reveal", "--json");
    expect(reveal.code, reveal.stderr).toBe(0);
    const url = (JSON.parse(reveal.stdout) as { url: string }).url;
    expect(url).toMatch(/^postgres:\/\/app:[A-Za-z0-9]{32}@.+:5432\/app\?sslmode=require$/);
    const password = /^postgres:\/\/app:([^@]+)@/.exec(url)?.[1] ?? "";
    const template = (await aws.cloudFormation.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody ?? "";
    const stack = JSON.stringify((await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0] ?? {});
    const environments = JSON.stringify(containers.map((container) => container?.environment ?? []));
    for (const [what, text] of [["template", template], ["stack parameters and outputs", stack], ["task environments", environments]] as const) expect(text.includes(password), what).toBe(false);

    const hidden = await cli("resources", "info", "db", "-a", "shop", "-r", "data");
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hidden.stdout).toContain("hidden (--reveal shows it)");
    expect(`${hidden.stdout}${hidden.stderr}`.includes(password)).toBe(false);
    const list = await cli("resources", "-a", "shop", "-r", "data");
    expect(list.stdout).toMatch(/db\s+postgres\s+17\.9/);
  });

  it("removing the resource from convox.yml: --yes alone is refused, nothing deleted; with --allow-destroy it goes", async () => {
    writeFileSync(manifest, WITHOUT_DB);
    const refused = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes");
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("--allow-destroy");
    expect(refused.stderr).toMatch(/database ResourceDb/);
    expect(refused.stderr).not.toSatisfy(hasStackTrace);
    const aws = awsClients(moto.endpoint);
    const still = (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" }))).StackResourceDetail?.ResourceStatus;
    expect(still).toMatch(/COMPLETE$/);

    const allowed = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes", "--allow-destroy");
    expect(allowed.code, allowed.stderr).toBe(0);
    const gone = await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" })).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(Error);
  });
});
