import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListStacksCommand, paginateListStackResources } from "@aws-sdk/client-cloudformation";
import { ListCertificatesCommand } from "@aws-sdk/client-acm";
import { DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RunTaskCommand } from "@aws-sdk/client-ecs";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startMoto, awsEnv, awsClients, describeTestStack, keepEcsTasksRunning } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * Big apps on moto: a 150-service app deploys through the rack's template bucket and leaves
 * it empty; apps over CloudFormation's quotas or the load balancer's 100 rules are refused
 * before any AWS write; `services` and `private-networks-domain-names` make as many AWS
 * calls for 60 services as for 3.
 */
const RACK = "scale";

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
let dir: string;
const cli = (...args: string[]) => runCli(args, { env });

/** A convox.yml of `internal` internal services, `external` external ones and `workers` private workers. */
async function manifest(name: string, counts: { internal?: number; external?: number; workers?: number }): Promise<string> {
  const lines = ["services:"];
  const add = (count: number | undefined, prefix: string, body: string[]) => {
    for (let index = 1; index <= (count ?? 0); index += 1) lines.push(`  ${prefix}${index}:`, ...body.map((line) => `    ${line}`));
  };
  add(counts.internal, "api", ["image: example/api:1", "port: 8080", "internal: true"]);
  add(counts.external, "web", ["image: example/web:1", "port: 3000"]);
  add(counts.workers, "worker", ["image: example/worker:1"]);
  const file = join(dir, `${name}.yml`);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

function stack(name: string) {
  return describeTestStack(aws.cloudFormation, name);
}

async function resourceCount(name: string): Promise<number> {
  let count = 0;
  for await (const page of paginateListStackResources({ client: aws.cloudFormation }, { StackName: name })) count += page.StackResourceSummaries?.length ?? 0;
  return count;
}

async function bucketKeys(): Promise<string[]> {
  const bucket = (await stack(RACK)).outputs.TemplateBucket;
  const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "");
}

/** What exists that a refused deploy must not have added: stacks (a change set makes one), certificates, uploaded templates. */
async function footprint() {
  const stacks = ((await aws.cloudFormation.send(new ListStacksCommand({}))).StackSummaries ?? [])
    .filter((summary) => summary.StackStatus !== "DELETE_COMPLETE")
    .map((summary) => `${summary.StackName} ${summary.StackStatus}`)
    .sort();
  const certificates = ((await aws.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []).map((c) => c.CertificateArn).sort();
  return { stacks, certificates, objects: await bucketKeys() };
}

/** `debug: aws Service.Operation` lines, counted per operation. */
function awsCalls(stderr: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of stderr.matchAll(/^debug: aws (\S+)/gm)) counts[match[1] ?? ""] = (counts[match[1] ?? ""] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "racknet-big-"));
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  await keepEcsTasksRunning(moto.endpoint);
  const install = await cli("rack", "install", RACK, "Internal=Yes", "--yes");
  if (install.code !== 0) throw new Error(`rack install failed: ${install.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("an app of 150 services (45 internal, 20 external, 85 private workers)", () => {
  it("deploys: its template goes through the rack's bucket, the stack is CREATE_COMPLETE with 477 resources, the bucket is empty afterwards", async () => {
    const file = await manifest("big", { internal: 45, external: 20, workers: 85 });
    const result = await cli("deploy", "-a", "big", "-f", file, "-r", RACK, "--yes", "--debug");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    expect(awsCalls(result.stderr)).toMatchObject({ "S3.PutObject": 1, "S3.DeleteObject": 1 });

    const app = await stack(`${RACK}-big`);
    expect(app.status).toBe("CREATE_COMPLETE");
    expect(await resourceCount(`${RACK}-big`)).toBe(477);
    expect(Object.keys(app.outputs)).toHaveLength(150);
    expect(await bucketKeys()).toEqual([]);

    const rules = (await aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: (await stack(RACK)).outputs.InternalListener }))).Rules ?? [];
    expect(rules.filter((rule) => !rule.IsDefault)).toHaveLength(45);
  });

  it("services --json lists the 150 services with their endpoints", async () => {
    const result = await cli("services", "-a", "big", "-r", RACK, "--json");
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { service: string; visibility: string; endpoints: { kind: string; url: string }[] }[];
    expect(rows).toHaveLength(150);
    const byName = Object.fromEntries(rows.map((row) => [row.service, row]));
    expect(byName.api45?.endpoints).toEqual([{ kind: "internal", url: `https://api45.big.${RACK}.convox` }]);
    // The rack has no Domain: the external name is shown as needing one, never as the load balancer's unresolvable subdomain.
    expect(byName.web20?.endpoints).toEqual([{ kind: "external", url: null, needsDomain: true, host: "web20.big.<Domain>" }]);
    expect(byName.worker85).toMatchObject({ visibility: "private", endpoints: [] });
  });

  it("deploying it again changes nothing, and the bucket stays empty", async () => {
    const result = await cli("deploy", "-a", "big", "-f", join(dir, "big.yml"), "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/no changes/i);
    expect(await bucketKeys()).toEqual([]);
  });
});

describe("apps over the limits are refused before any AWS write (exit 1)", () => {
  it("255 services (10 internal) need 543 resources (the ECS Exec task role counts, issue 24) and 255 outputs: the numbers, the fix, and nothing created, not even the certificate", async () => {
    const before = await footprint();
    const result = await cli("deploy", "-a", "huge", "-f", await manifest("huge", { internal: 10, workers: 245 }), "-r", RACK, "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.stderr).toContain("app huge needs 543 CloudFormation resources (a stack allows 500), 255 stack outputs (a stack allows 200)");
    expect(result.stderr).toContain("split huge into smaller apps");
    expect(await footprint()).toEqual(before);
  });

  it("101 external services would need 121 rules on the external listener (20 are big's): the ALB's limit of 100, nothing created", async () => {
    const before = await footprint();
    const result = await cli("deploy", "-a", "wide", "-f", await manifest("wide", { external: 101 }), "-r", RACK, "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.stderr).toContain("the external load balancer's listener would need 121 rules; an Application Load Balancer allows 100");
    expect(result.stderr).toContain("big 20");
    expect(await footprint()).toEqual(before);
  });
});

describe("AWS calls that do not grow with the number of services", () => {
  /** One task per service, as ECS would start them (moto's services start none), tagged as ECS propagates. */
  async function startTasks(app: string, services: string[]): Promise<void> {
    const rack = await stack(RACK);
    const cluster = rack.outputs.Cluster;
    const appId = `ap-${(await stack(`${RACK}-${app}`)).id.split("/")[2]}`;
    for (const service of services) {
      await aws.ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: `${RACK}-${app}-${service}`,
          launchType: "FARGATE",
          networkConfiguration: {
            awsvpcConfiguration: { subnets: (rack.outputs.ServiceSubnets ?? "").split(","), securityGroups: [rack.outputs.NetworkSecurityGroup ?? ""], assignPublicIp: "ENABLED" },
          },
          tags: [
            { key: "racknet:app-id", value: appId },
            { key: "racknet:service", value: service },
          ],
        }),
      );
    }
  }

  const names = (counts: { internal: number; external: number; workers: number }) => [
    ...Array.from({ length: counts.internal }, (_, i) => `api${i + 1}`),
    ...Array.from({ length: counts.external }, (_, i) => `web${i + 1}`),
    ...Array.from({ length: counts.workers }, (_, i) => `worker${i + 1}`),
  ];

  async function measure(app: string, counts: { internal: number; external: number; workers: number }) {
    const deploy = await cli("deploy", "-a", app, "-f", await manifest(app, counts), "-r", RACK, "--yes", "--debug");
    expect(deploy.code, deploy.stderr).toBe(0);
    await startTasks(app, names(counts));
    const services = await cli("services", "-a", app, "-r", RACK, "--json", "--debug");
    expect(services.code, services.stderr).toBe(0);
    const privateNames = await cli("private-networks-domain-names", "-a", app, "-r", RACK, "--json", "--per-page", "500", "--debug");
    expect(privateNames.code, privateNames.stderr).toBe(0);
    const listed = JSON.parse(privateNames.stdout) as { data: { type: string }[] };
    return {
      deploy: awsCalls(deploy.stderr),
      services: awsCalls(services.stderr),
      privateNames: awsCalls(privateNames.stderr),
      listedServices: (JSON.parse(services.stdout) as unknown[]).length,
      namedServices: new Set(listed.data.map((row) => row.type)).size,
    };
  }

  it("services and private-networks-domain-names: the same calls for 3 services as for 60", async () => {
    const three = await measure("three", { internal: 1, external: 1, workers: 1 });
    const sixty = await measure("sixty", { internal: 20, external: 10, workers: 30 });

    // Both commands did the work: every service listed, every service's containers named.
    expect([three.listedServices, three.namedServices, sixty.listedServices, sixty.namedServices]).toEqual([3, 3, 60, 60]);
    expect(sixty.services).toEqual(three.services);
    expect(sixty.privateNames).toEqual(three.privateNames);
    // Three, and two more when the rack has a Domain (which public certificates the external listener serves).
    expect(Object.values(sixty.services).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
    // deploy grows with pages (change set, stack events, zone records), never by a call per service.
    expect(Math.max(...Object.values(sixty.deploy))).toBeLessThan(10);
  });
});
