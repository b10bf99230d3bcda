import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeTargetGroupsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { startMoto, awsEnv, awsClients, describeTestStack, rackScalableTargets } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Convox 3's keys (issue 28) end to end on the patched moto: min/max with autoscale and a KEDA
 * aws-sqs-queue trigger make a scalable target with those bounds and policies; liveness and
 * startupProbe make the probe sidecar's container health check; health.port the target
 * group's health-check port. Each is read back from AWS after the deploy.
 */
const MANIFEST = `services:
  web:
    image: nginx:1.27
    port: 3000
    health: {path: /ready, port: 8081}
    liveness: {path: /live, interval: 10, failureThreshold: 4}
    startupProbe: {tcpSocketPort: "3000", grace: 20}
    scale:
      min: 2
      max: 6
      autoscale:
        cpu: {threshold: 65}
      keda:
        triggers:
          - type: aws-sqs-queue
            metadata: {queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", queueLength: "4"}
  idle:
    image: example/idle:1
    scale: {min: 0}
  queue:
    image: example/queue:1
    scale:
      min: 0
      max: 5
      autoscale:
        queueDepth: {threshold: 5, metricName: "vllm:num_requests_waiting"}
`;

const dir = mkdtempSync(join(tmpdir(), "racknet-convox3-"));
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

beforeAll(async () => {
  writeFileSync(join(dir, "convox.yml"), MANIFEST);
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const install = await cli("rack", "install", "v3", "--yes");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  const deploy = await cli("deploy", "-a", "three", "-r", "v3", "--yes");
  if (deploy.code !== 0) throw new Error(`setup deploy failed: ${deploy.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const clientConfig = () => ({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });

async function service(fragment: string) {
  const cluster = (await describeTestStack(aws.cloudFormation, "v3")).outputs.Cluster ?? "";
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  const services = (await aws.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? [];
  const found = services.find((candidate) => candidate.status === "ACTIVE" && candidate.serviceName?.includes(fragment));
  expect(found, fragment).toBeDefined();
  return found;
}

describe("Convox 3's keys reach AWS", () => {
  it("min/max and autoscale: a scalable target from 2 to 6, CPU at 65%, the queue's backlog per task at 4", async () => {
    const scaling = new ApplicationAutoScalingClient(clientConfig());
    const targets = await rackScalableTargets(moto.endpoint, aws.cloudFormation, "v3");
    expect(targets.length).toBeGreaterThan(0);
    const target = targets.find((candidate) => candidate.ResourceId?.includes("Web"));
    expect(target).toMatchObject({ MinCapacity: 2, MaxCapacity: 6, ScalableDimension: "ecs:service:DesiredCount" });
    const policies = (await scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: target?.ResourceId }))).ScalingPolicies ?? [];
    const configurations = policies.map((policy) => policy.TargetTrackingScalingPolicyConfiguration);
    expect(configurations.find((configuration) => configuration?.PredefinedMetricSpecification?.PredefinedMetricType === "ECSServiceAverageCPUUtilization")?.TargetValue).toBe(65);
    const backlog = configurations.find((configuration) => configuration?.CustomizedMetricSpecification);
    expect(backlog?.TargetValue).toBe(4);
    expect(JSON.stringify(backlog?.CustomizedMetricSpecification)).toContain("ApproximateNumberOfMessagesVisible");
    expect(JSON.stringify(backlog?.CustomizedMetricSpecification)).toContain("RunningTaskCount");
  });

  it("queueDepth from min: 0: a scalable target from 0 to 5, the depth per task at 5, and a step policy that starts one task", async () => {
    const scaling = new ApplicationAutoScalingClient(clientConfig());
    const targets = await rackScalableTargets(moto.endpoint, aws.cloudFormation, "v3");
    const target = targets.find((candidate) => candidate.ResourceId?.includes("Queue"));
    expect(target).toMatchObject({ MinCapacity: 0, MaxCapacity: 5 });
    const policies = (await scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: target?.ResourceId }))).ScalingPolicies ?? [];
    const tracking = policies.find((policy) => policy.PolicyType === "TargetTrackingScaling")?.TargetTrackingScalingPolicyConfiguration;
    expect(tracking?.TargetValue).toBe(5);
    const depth = tracking?.CustomizedMetricSpecification?.Metrics?.find((metric) => metric.Id === "depth")?.MetricStat;
    expect(depth).toMatchObject({ Metric: { Namespace: "racknet/v3/three", MetricName: "vllm:num_requests_waiting", Dimensions: [{ Name: "Service", Value: "queue" }] }, Stat: "Maximum" });
    expect(policies.find((policy) => policy.PolicyType === "StepScaling")?.StepScalingPolicyConfiguration).toMatchObject({ AdjustmentType: "ExactCapacity", StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] });
  });

  it("min: 0 alone: a service at 0 tasks and no scalable target", async () => {
    expect((await service("Idle"))?.desiredCount).toBe(0);
    const targets = await rackScalableTargets(moto.endpoint, aws.cloudFormation, "v3");
    expect(targets.filter((candidate) => candidate.ResourceId?.includes("Idle"))).toEqual([]);
  });

  it("liveness and startupProbe: the probe sidecar, essential, with the container health check", async () => {
    const web = await service("Web");
    const task = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: web?.taskDefinition ?? "" }))).taskDefinition;
    const probe = task?.containerDefinitions?.find((container) => container.name === "web-probe");
    expect(probe).toMatchObject({ essential: true, image: "public.ecr.aws/docker/library/busybox:1.37", healthCheck: { interval: 10, retries: 1 } });
    expect(probe?.healthCheck?.command?.[1]).toContain("nc -z -w 5 127.0.0.1 3000");
    expect(probe?.healthCheck?.command?.[1]).toContain("http://127.0.0.1:3000/live");
  });

  it("health.port: the target group checks port 8081", async () => {
    const web = await service("Web");
    const arns = (web?.loadBalancers ?? []).map((balancer) => balancer.targetGroupArn ?? "");
    const groups = (await aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }))).TargetGroups ?? [];
    expect(groups[0]).toMatchObject({ Port: 3000, HealthCheckPort: "8081", HealthCheckPath: "/ready" });
  });
});
