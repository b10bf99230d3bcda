import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeStacksCommand, GetTemplateCommand, DescribeStackResourceCommand } from "@aws-sdk/client-cloudformation";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions } from "@aws-sdk/client-ecs";
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { DescribeSnapshotsCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";
import { violations } from "../json/schemas.js";

/**
 * Issue 29's "Done when", on the patched moto (docs/moto.md, "Resources"): an app with
 * `resources: {db: {type: postgres}}` and a service listing it gets an encrypted, not publicly
 * accessible database in the rack's private subnets, a security group admitting only that
 * service's group, DB_URL as a secret and nowhere in clear; `resources info db --reveal` shows
 * the URL; removing the resource needs --allow-destroy, and with it the database leaves a final
 * snapshot whose name racknet prints. On the same rack and app (one e2e file's cost): a Redis
 * cache created and linked, a resize in place, an engine change (a replacement, with the old
 * instance's snapshot), and apps delete of the app with its cache.
 */

const WITH_DB = `services:
  web:
    image: nginx:1.27
    resources: [db, cache]
  worker:
    image: example/worker:3
resources:
  db:
    type: postgres
  cache:
    type: redis
`;
const RESIZED = WITH_DB.replace("    type: postgres\n", "    type: postgres\n    options:\n      class: db.t4g.small\n");
const MYSQL = WITH_DB.replace("    type: postgres\n", "    type: mysql\n");
const WITHOUT_DB = `services:
  web:
    image: nginx:1.27
    resources: [cache]
  worker:
    image: example/worker:3
resources:
  cache:
    type: redis
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
    expect(web?.secrets?.find((secret) => secret.name === "CACHE_URL")?.valueFrom).toMatch(/^arn:aws:secretsmanager:.*ResourceCacheUrl/);

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

  it("a redis cache: made by CloudFormation, linked to web as CACHE_URL (rediss://, the generated AUTH token)", async () => {
    const list = await cli("resources", "-a", "shop", "-r", "data", "--json");
    expect(list.code, list.stderr).toBe(0);
    const cache = (JSON.parse(list.stdout) as { resources: { name: string; status: string; endpoint: { host: string; port: number } | null }[] }).resources.find((resource) => resource.name === "cache");
    expect(cache).toMatchObject({ status: "CREATE_COMPLETE", endpoint: { port: 6379 } });
    const reveal = await cli("resources", "info", "cache", "-a", "shop", "-r", "data", "--reveal", "--json");
    expect(reveal.code, reveal.stderr).toBe(0);
    expect((JSON.parse(reveal.stdout) as { url: string }).url).toMatch(new RegExp(`^rediss://:[A-Za-z0-9]{32}@${(cache?.endpoint?.host ?? "").replaceAll(".", "\\.")}:6379/0$`));
  });

  it("a new class is a resize in place: the same instance, the new class", async () => {
    const aws = awsClients(moto.endpoint);
    const rds = new RDSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const physical = async () => (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" }))).StackResourceDetail?.PhysicalResourceId ?? "";
    const before = await physical();
    writeFileSync(manifest, RESIZED);
    const resized = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes");
    expect(resized.code, resized.stderr).toBe(0);
    expect(await physical()).toBe(before);
    const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: before }))).DBInstances?.[0];
    expect(instance?.DBInstanceClass).toBe("db.t4g.small");
  });

  it("an engine change replaces the database: refused without --allow-destroy; with it, the old one's final snapshot is printed", async () => {
    const aws = awsClients(moto.endpoint);
    const physical = async () => (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" }))).StackResourceDetail?.PhysicalResourceId ?? "";
    const before = await physical();
    writeFileSync(manifest, MYSQL);
    const refused = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes");
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("--allow-destroy");
    expect(await physical()).toBe(before);
    const replaced = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes", "--allow-destroy");
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await physical()).not.toBe(before);
    const rds = new RDSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const snapshot = (await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: before, SnapshotType: "manual" }))).DBSnapshots?.[0]?.DBSnapshotIdentifier ?? "";
    expect(snapshot).toMatch(/^data-shop-snapshot-resourcedb-/);
    expect(replaced.stderr).toContain(`database ResourceDb (${before}) replaced by a new instance; its final snapshot is ${snapshot}`);
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

    const instance = (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" }))).StackResourceDetail?.PhysicalResourceId ?? "";
    const allowed = await cli("deploy", "-a", "shop", "-f", manifest, "-r", "data", "--yes", "--allow-destroy", "--json");
    expect(allowed.code, allowed.stderr).toBe(0);
    const gone = await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceDb" })).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(Error);
    // The final snapshot exists in RDS, under the name racknet printed.
    const rds = new RDSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const snapshots = (await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, SnapshotType: "manual" }))).DBSnapshots ?? [];
    expect(snapshots).toHaveLength(1);
    const name = snapshots[0]?.DBSnapshotIdentifier ?? "";
    expect(name).toMatch(/^data-shop-snapshot-resourcedb-/);
    expect(allowed.stderr).toContain(`its final snapshot is ${name}`);
    const result = JSON.parse(allowed.stdout) as { snapshots?: unknown };
    expect(result.snapshots).toEqual([{ resource: "ResourceDb", instance, engine: "rds", snapshot: name }]);
    expect(violations("deploy", result)).toBe("");
  });

  it("apps delete: refused without --allow-destroy; with it the app goes, its Redis cache too, and its final snapshot's name is printed", async () => {
    const refused = await cli("apps", "delete", "shop", "-r", "data", "--yes");
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("--allow-destroy");
    const aws = awsClients(moto.endpoint);
    const group = (await aws.cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: "ResourceCache" }))).StackResourceDetail?.PhysicalResourceId ?? "";
    const deleted = await cli("apps", "delete", "shop", "-r", "data", "--yes", "--allow-destroy");
    expect(deleted.code, deleted.stderr).toBe(0);
    // The final snapshot exists in ElastiCache, under the name racknet printed.
    const elastiCache = new ElastiCacheClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const snapshots = ((await elastiCache.send(new DescribeSnapshotsCommand({ SnapshotSource: "manual" }))).Snapshots ?? []).filter((snapshot) => snapshot.ReplicationGroupId === group);
    expect(snapshots).toHaveLength(1);
    const name = snapshots[0]?.SnapshotName ?? "";
    expect(name).not.toBe("");
    expect(deleted.stderr).toContain(`Redis cache ResourceCache (${group}) deleted; its final snapshot is ${name}`);
    const gone = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: STACK })).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(Error);
  });
});
