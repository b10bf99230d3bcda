import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { GetCertificateCommand } from "@aws-sdk/client-acm";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ListServicesCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand } from "@aws-sdk/client-route-53";
import { GetParametersByPathCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { startMoto, awsEnv, awsClients, describeTestStack, keepEcsTasksRunning } from "../support/moto.js";
import { hasStackTrace, runCli, spawnCli } from "../support/cli.js";

/**
 * The operator's day on moto: `apps info` of a deployed app, `ps` listing the tasks the test
 * starts (moto's services start none), `logs` showing lines the test writes into the rack's
 * log group (and following new ones until Ctrl-C), then `apps delete --yes` removing the
 * stack, the app's certificate, its ECR repository and its stored environment, and stopping
 * its tasks; then `rack uninstall` stopping what still runs in the cluster and emptying the
 * private zone, which ECS and Route 53 (as the emulator does) would otherwise refuse to delete.
 */
const root = join(__dirname, "..", "..");
const example = join(root, "examples", "shop", "convox.yml");
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
let logs: CloudWatchLogsClient;
let ecr: ECRClient;
const started: Record<string, string[]> = {};
const cli = (...args: string[]) => runCli(args, { env });

const taskId = (arn: string) => arn.split("/").at(-1) ?? "";

async function putLines(stream: string, messages: string[], at = Date.now()): Promise<void> {
  await logs.send(new CreateLogStreamCommand({ logGroupName: "/racknet/day", logStreamName: stream })).catch((error: Error) => {
    if (error.name !== "ResourceAlreadyExistsException") throw error;
  });
  await logs.send(new PutLogEventsCommand({ logGroupName: "/racknet/day", logStreamName: stream, logEvents: messages.map((message, index) => ({ timestamp: at + index, message })) }));
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const config = { endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  logs = new CloudWatchLogsClient(config);
  ecr = new ECRClient(config);
  await keepEcsTasksRunning(moto.endpoint);
  for (const args of [
    ["rack", "install", "day", "Internal=Yes", "--yes"],
    ["deploy", "-a", "shop", "-f", example, "-r", "day", "--yes"],
  ]) {
    const result = await cli(...args);
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }

  // moto's ECS services start no tasks: start them as the services would, with the tags ECS propagates.
  const rack = await describeTestStack(aws.cloudFormation, "day");
  const app = await describeTestStack(aws.cloudFormation, "day-shop");
  const cluster = rack.outputs.Cluster ?? "";
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  const services = ((await aws.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? []).filter((one) => one.status === "ACTIVE");
  for (const [service, output] of [["web", "ServiceWebName"], ["worker", "ServiceWorkerName"]] as const) {
    const taskDefinition = services.find((one) => one.serviceName === app.outputs[output])?.taskDefinition ?? "";
    const run = await aws.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition,
        count: service === "worker" ? 2 : 1,
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: (rack.outputs.ServiceSubnets ?? "").split(","), securityGroups: [rack.outputs.NetworkSecurityGroup ?? ""], assignPublicIp: "ENABLED" } },
        tags: [
          { key: "racknet:app-id", value: `ap-${app.id.split("/").at(-1)}` },
          { key: "racknet:service", value: service },
        ],
      }),
    );
    started[service] = (run.tasks ?? []).map((task) => taskId(task.taskArn ?? ""));
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("racknet apps info", () => {
  it("shows the deployed app: status, last deploy, each service with its image, counts and endpoints", async () => {
    const result = await cli("apps", "info", "shop", "-r", "day", "--json");
    expect(result.code, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as { app: string; status: string; lastDeploy: string; services: { service: string; visibility: string; image: string | null; endpoints: { url: string }[] }[] };
    expect(info.app).toBe("shop");
    expect(info.status).toMatch(/_COMPLETE$/);
    expect(Date.parse(info.lastDeploy)).toBeGreaterThan(Date.now() - 3_600_000);
    const byName = Object.fromEntries(info.services.map((service) => [service.service, service]));
    expect(Object.keys(byName).sort()).toEqual(["api", "web", "worker"]);
    expect(byName.web?.image).toBe("nginx:1.27");
    expect(byName.api?.visibility).toBe("internal");
    expect(byName.api?.endpoints.map((endpoint) => endpoint.url)).toEqual(["https://api.shop.day.convox"]);
    const table = await cli("apps", "info", "-a", "shop", "-r", "day");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^worker\s+private\s+busybox:1\.36/m);
  });
});

describe("racknet ps", () => {
  it("lists the tasks the test started, each with its private IP and private network name", async () => {
    const result = await cli("ps", "-a", "shop", "-r", "day", "--json");
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { service: string; task: string; status: string; release: string; image: string; privateIp: string | null; privateName: string | null }[];
    expect(rows.map((row) => `${row.service}/${row.task}`).sort()).toEqual([...(started.web ?? []).map((id) => `web/${id}`), ...(started.worker ?? []).map((id) => `worker/${id}`)].sort());
    const names = await cli("private-networks-domain-names", "-a", "shop", "-r", "day", "--json");
    const listed = (JSON.parse(names.stdout) as { data: { domain_name: string }[] }).data.map((entry) => entry.domain_name);
    for (const row of rows) {
      expect(row.privateIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(row.release).toMatch(new RegExp(`^day-shop-${row.service}:\\d+$`));
      expect(listed).toContain(row.privateName);
      expect(row.privateName).toMatch(new RegExp(`^\\d\\.${row.service}\\.ap-`));
    }
    expect(new Set(rows.map((row) => row.privateName)).size).toBe(rows.length);
  });
});

describe("racknet logs", () => {
  it("shows the lines written into the app's streams, prefixed with service and task, and not another app's", async () => {
    const web = started.web?.[0] ?? "";
    const worker = started.worker?.[0] ?? "";
    const now = Date.now() - 60_000;
    await putLines(`shop/web/${web}`, ["GET / 200", "GET /health 200"], now);
    await putLines(`shop/worker/${worker}`, ["job 1 done"], now + 10);
    await putLines("blog/web/0000aaaa", ["not shop's"], now + 5);
    const result = await cli("logs", "-a", "shop", "-r", "day", "--since", "10m");
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ service/web/${web} GET / 200$`));
    expect(lines[2]).toMatch(new RegExp(`service/worker/${worker} job 1 done$`));
    expect(result.stdout).not.toContain("not shop's");

    const json = await cli("logs", "-a", "shop", "-r", "day", "-s", "worker", "--since", "10m", "--json");
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout.trim().split("\n").map((line) => JSON.parse(line) as unknown)).toEqual([
      { timestamp: new Date(now + 10).toISOString(), service: "worker", task: worker, message: "job 1 done" },
    ]);
  });

  it("--follow prints new lines as they arrive; Ctrl-C ends it quietly, as SIGINT does (the shell's 130)", async () => {
    const web = started.web?.[0] ?? "";
    const follow = spawnCli(["logs", "-a", "shop", "-r", "day", "--since", "10m", "--follow"], { env });
    // Bounded by the run itself (its hang guard, test/support/cli.ts), not by a guess at the machine's speed.
    const waitForStdout = async (text: string) => {
      while (!follow.stdout().includes(text)) {
        if (follow.child.exitCode !== null || follow.child.signalCode !== null) throw new Error(`stdout never showed ${text}:\n${follow.stdout()}\n${follow.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await waitForStdout("GET /health 200");
    await putLines(`shop/web/${web}`, ["a line written while following"]);
    await waitForStdout("a line written while following");
    follow.interrupt();
    const result = await follow.done;
    expect(result.code === 130 || result.signal === "SIGINT", `code ${result.code} signal ${result.signal}`).toBe(true);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n").filter((line) => line.includes("GET / 200"))).toHaveLength(1);
  });

  it("a bad --since is a usage error (exit 2)", async () => {
    const result = await cli("logs", "-a", "shop", "-r", "day", "--since", "ten minutes");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since "ten minutes" is not a duration');
  });
});

describe("racknet apps delete", () => {
  it("--yes removes the stack, the app's certificate, its ECR repository and its stored environment", async () => {
    const tags = [
      { Key: "racknet:rack", Value: "day" },
      { Key: "racknet:app", Value: "shop" },
    ];
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "day/shop", tags }));
    await aws.ssm.send(new PutParameterCommand({ Name: "/racknet/day/apps/shop/env/DATABASE_URL", Value: "postgres://secret", Type: "SecureString", Tags: tags }));
    // The app's name is in the internal listener's apps certificate while it is deployed, and leaves it with the app.
    const internalAppsCertificate = (await describeTestStack(aws.cloudFormation, "day")).parameters.InternalAppsCertificateArn ?? "";
    const certificateNames = async () => {
      const { Certificate } = await aws.acm.send(new GetCertificateCommand({ CertificateArn: internalAppsCertificate }));
      return (new X509Certificate(Certificate ?? "").subjectAltName ?? "").split(", ").map((entry) => entry.replace(/^DNS:/, ""));
    };
    expect(await certificateNames()).toContain("*.shop.day.convox");

    const dry = await cli("apps", "delete", "shop", "-r", "day", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect((await describeTestStack(aws.cloudFormation, "day-shop")).status).toMatch(/_COMPLETE$/);

    const refused = await cli("apps", "delete", "shop", "-r", "day");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--yes");

    const result = await cli("apps", "delete", "shop", "-r", "day", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(hasStackTrace(result.stderr)).toBe(false);
    const gone = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: "day-shop" })).then(
      (found) => found.Stacks?.[0]?.StackStatus === "DELETE_COMPLETE",
      () => true,
    );
    expect(gone).toBe(true);
    expect(await certificateNames()).toEqual(["day.convox"]);
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["day/shop"] }))).rejects.toThrow(/does not exist|not found/i);
    expect((await aws.ssm.send(new GetParametersByPathCommand({ Path: "/racknet/day/apps/shop", Recursive: true }))).Parameters ?? []).toEqual([]);
    expect(result.stderr).not.toContain("postgres://secret");

    const apps = await cli("apps", "-r", "day", "--json");
    expect(JSON.parse(apps.stdout)).toEqual([]);
    const again = await cli("apps", "info", "shop", "-r", "day");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('app "shop" not found on rack day');

    // The tasks the test started with the app's tags (as its services and one-off runs carry them) were stopped before its stack went.
    const cluster = (await describeTestStack(aws.cloudFormation, "day")).outputs.Cluster ?? "";
    const ids = [...(started.web ?? []), ...(started.worker ?? [])];
    const { tasks } = await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: ids }));
    expect((tasks ?? []).map((task) => [taskId(task.taskArn ?? ""), task.lastStatus, task.stoppedReason])).toEqual(ids.map((id) => [id, "STOPPED", "racknet apps delete shop"]));
  });
});

describe("racknet rack uninstall", () => {
  it("stops a task still running in the cluster and empties the private zone, then deletes the rack", async () => {
    const rack = await describeTestStack(aws.cloudFormation, "day");
    const cluster = rack.outputs.Cluster ?? "";
    // A task started by hand in the rack's cluster, and a name left in the private zone (a sync that never ran).
    const { taskDefinition } = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({ family: "day-by-hand", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512", containerDefinitions: [{ name: "job", image: "busybox" }] }),
    );
    const run = await aws.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: taskDefinition?.taskDefinitionArn,
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: (rack.outputs.ServiceSubnets ?? "").split(","), securityGroups: [rack.outputs.NetworkSecurityGroup ?? ""] } },
      }),
    );
    const byHand = run.tasks?.[0]?.taskArn ?? "";
    const zoneId = rack.outputs.PrivateNetworkZoneId ?? "";
    const zoneName = (await aws.route53.send(new GetHostedZoneCommand({ Id: zoneId }))).HostedZone?.Name ?? "";
    await aws.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: { Name: `1.web.ap-gone.${zoneName}`, Type: "A", TTL: 5, ResourceRecords: [{ Value: "10.0.1.9" }] } }] },
      }),
    );

    const result = await cli("rack", "uninstall", "day", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`stopping 1 task(s) in cluster ${cluster}: ${taskId(byHand)}`);
    expect(result.stderr).toContain("removed 1 private-network name(s)");
    const status = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: rack.id }))).Stacks?.[0]?.StackStatus;
    expect(status).toBe("DELETE_COMPLETE");
    expect((await aws.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.status).toBe("INACTIVE");
    await expect(aws.route53.send(new GetHostedZoneCommand({ Id: zoneId }))).rejects.toThrow(/NoSuchHostedZone|No hosted zone/);
  });
});
