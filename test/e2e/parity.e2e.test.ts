import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from "@aws-sdk/client-application-auto-scaling";
import { GetScheduleCommand, paginateListSchedules, SchedulerClient, type ScheduleSummary } from "@aws-sdk/client-scheduler";
import { DescribeListenersCommand, DescribeRulesCommand, DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { startMoto, awsEnv, awsClients, describeTestStack, rackScalableTargets } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Convox's keys do what Convox does (issue 11), end to end on moto: a deploy of an app that
 * uses health, a command list, a whitelist, deployment, termination, drain, sticky, a scale
 * range with targets, a timer and a required variable, then each read back from AWS.
 */
const MANIFEST = `services:
  web:
    image: nginx:1.27
    port: 3000
    command: ["nginx", "-g", "daemon off;"]
    health:
      path: /healthz
      interval: 10
      timeout: 4
      grace: 30
    whitelist: 10.1.0.0/16, 192.0.2.0/24
    deployment:
      minimum: 50
      maximum: 150
    termination:
      grace: 45
    drain: 12
    sticky: false
    scale:
      count: 2-6
      cpu: 512
      memory: 1024
      targets:
        cpu: 60
        memory: 75
    environment: [DATABASE_URL]
  worker:
    image: example/worker:3
timers:
  cleanup:
    schedule: "0 3 * * ?"
    command: bin/cleanup --all
    service: worker
`;

const dir = mkdtempSync(join(tmpdir(), "racknet-parity-"));
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

beforeAll(async () => {
  writeFileSync(join(dir, "convox.yml"), MANIFEST);
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const install = await cli("rack", "install", "par", "Domain=par.example.com", "--yes");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const clientConfig = () => ({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });

async function webService() {
  const cluster = (await describeTestStack(aws.cloudFormation, "par")).outputs.Cluster ?? "";
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  const services = (await aws.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? [];
  const web = services.find((service) => service.status === "ACTIVE" && service.serviceName?.includes("Web"));
  expect(web, "the web service").toBeDefined();
  return { cluster, web };
}

describe("every Convox key reaches AWS", () => {
  it("a required variable the app environment does not set: refused before any write, naming it", async () => {
    const result = await cli("deploy", "-a", "keys", "-r", "par", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL is required by service web");
    expect(result.stderr).toContain("racknet env set DATABASE_URL=... -a keys");
    expect((await describeTestStack(aws.cloudFormation, "par-keys").catch(() => ({ status: "" }))).status).toBe("");
  });

  it("deploys once the variable is set", async () => {
    const set = await cli("env", "set", "DATABASE_URL=postgres://db.internal/keys", "-a", "keys", "-r", "par", "--yes");
    expect(set.code, set.stderr).toBe(0);
    const result = await cli("deploy", "-a", "keys", "-r", "par", "--yes");
    expect(result.code, result.stderr).toBe(0);
  });

  it("the task definition: the command exactly, the stop timeout, the size, the variable as a Secret", async () => {
    const { web } = await webService();
    const task = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: web?.taskDefinition ?? "" }))).taskDefinition;
    const container = task?.containerDefinitions?.[0];
    expect(container?.command).toEqual(["nginx", "-g", "daemon off;"]);
    expect(container?.stopTimeout).toBe(45);
    expect([task?.cpu, task?.memory]).toEqual(["512", "1024"]);
    expect(container?.secrets?.map((secret) => secret.name)).toContain("DATABASE_URL");
    expect(container?.environment?.map((variable) => variable.name)).not.toContain("DATABASE_URL");
  });

  it("the service: the deployment percentages, the circuit breaker with rollback, the health grace, the minimum count", async () => {
    const { web } = await webService();
    expect(web?.deploymentConfiguration).toMatchObject({ minimumHealthyPercent: 50, maximumPercent: 150, deploymentCircuitBreaker: { enable: true, rollback: true } });
    expect(web?.healthCheckGracePeriodSeconds).toBe(30);
    expect(web?.desiredCount).toBe(2);
  });

  it("the target group: the health check, the drain, no stickiness", async () => {
    // The web service's own group: the account holds other files' apps too.
    const { web } = await webService();
    const arns = (web?.loadBalancers ?? []).map((balancer) => balancer.targetGroupArn ?? "");
    const groups = (await aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }))).TargetGroups ?? [];
    const group = groups.find((candidate) => candidate.Port === 3000);
    expect(group).toMatchObject({ HealthCheckPath: "/healthz", HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 4 });
    const attributes = (await aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group?.TargetGroupArn ?? "" }))).Attributes ?? [];
    const attribute = (key: string) => attributes.find((entry) => entry.Key === key)?.Value;
    expect(attribute("deregistration_delay.timeout_seconds")).toBe("12");
    expect(attribute("stickiness.enabled")).toBe("false");
  });

  it("the listener rule: the host, and the whitelist as a source-ip condition", async () => {
    const listener = (await describeTestStack(aws.cloudFormation, "par")).outputs.ExternalListener ?? "";
    const rules = (await aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
    const rule = rules.find((candidate) => candidate.Conditions?.some((condition) => JSON.stringify(condition).includes("web.keys.par.example.com")));
    expect(rule, "web's rule").toBeDefined();
    const sourceIp = rule?.Conditions?.find((condition) => condition.Field === "source-ip");
    expect(sourceIp?.SourceIpConfig?.Values ?? sourceIp?.Values).toEqual(["10.1.0.0/16", "192.0.2.0/24"]);
    expect((await aws.elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener] }))).Listeners?.[0]?.Port).toBe(443);
  });

  it("the scale range: a scalable target from 2 to 6 and a target-tracking policy per target", async () => {
    const scaling = new ApplicationAutoScalingClient(clientConfig());
    const targets = await rackScalableTargets(moto.endpoint, aws.cloudFormation, "par");
    const target = targets.find((candidate) => candidate.ResourceId?.includes("Web"));
    expect(target).toMatchObject({ MinCapacity: 2, MaxCapacity: 6, ScalableDimension: "ecs:service:DesiredCount" });
    const policies = (await scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: target?.ResourceId }))).ScalingPolicies ?? [];
    const tracked = policies.map((policy) => [policy.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType, policy.TargetTrackingScalingPolicyConfiguration?.TargetValue]);
    expect(tracked).toEqual(expect.arrayContaining([["ECSServiceAverageCPUUtilization", 60], ["ECSServiceAverageMemoryUtilization", 75]]));
  });

  it("the timer: a schedule in UTC that runs the worker's task with the timer's command", async () => {
    const scheduler = new SchedulerClient(clientConfig());
    // Every page: moto answers 50 schedules a page.
    const summaries: ScheduleSummary[] = [];
    for await (const page of paginateListSchedules({ client: scheduler }, {})) summaries.push(...(page.Schedules ?? []));
    // The shared moto may hold other files' cleanup timers: only the one aimed at this rack's cluster counts.
    const cluster = (await describeTestStack(aws.cloudFormation, "par")).outputs.Cluster ?? "";
    const candidates = summaries.filter((candidate) => candidate.Name?.toLowerCase().includes("cleanup"));
    const schedules = await Promise.all(candidates.map((candidate) => scheduler.send(new GetScheduleCommand({ Name: candidate.Name ?? "", GroupName: candidate.GroupName }))));
    const schedule = schedules.find((candidate) => candidate.Target?.Arn === cluster || candidate.Target?.Arn?.endsWith(`/${cluster}`));
    expect(schedule, "the cleanup schedule").toBeDefined();
    if (!schedule) return;
    expect(schedule.ScheduleExpression).toBe("cron(0 3 * * ? *)");
    expect(schedule.Target?.EcsParameters?.LaunchType).toBe("FARGATE");
    const task = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: schedule.Target?.EcsParameters?.TaskDefinitionArn ?? "" }))).taskDefinition;
    expect(task?.containerDefinitions?.[0]?.command).toEqual(["bin/cleanup", "--all"]);
    expect(task?.containerDefinitions?.[0]?.image).toBe("example/worker:3");
  });
});
