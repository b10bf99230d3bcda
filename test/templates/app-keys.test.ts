import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack, type AppStackInput } from "../../src/templates/app.js";
import type { Json } from "../../src/templates/cfn.js";

/** Each key of convox.yml, from the file to the template property AWS acts on. */

const FILE = join(import.meta.dirname, "../fixtures/manifests/good/every-key.yml");
const STORED = { SESSION_SECRET: "s3ss10n-v4lue", API_TOKEN: "t0ken-v4lue", EXTRA: "x-v4lue" };

function parsed(text = readFileSync(FILE, "utf8")): Manifest {
  const { manifest, problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

function priorities(manifest: Manifest): Record<string, number> {
  let next = 10;
  const assigned: Record<string, number> = {};
  for (const service of manifest.services) for (const kind of ["internal", "router", "external"]) assigned[`${service.name}:${kind}`] = next++;
  return assigned;
}

function stackInput(manifest: Manifest, stored: Record<string, string> = STORED): AppStackInput {
  const environment = resolveEnvironment(manifest, { rack: "prod", app: "shop", stored });
  expect(environment.problems).toEqual([]);
  return { rack: "prod", app: "shop", manifest, version: "0.1.0", priorities: priorities(manifest), images: { api: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop:api-abc" }, environment: environment.services };
}

const manifest = parsed();
const stack = renderAppStack(stackInput(manifest));
const template = stack.template;
const resource = (id: string): Record<string, Json> => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no ${id} in ${Object.keys(template.Resources).join(", ")}`);
  return found.Properties ?? {};
};
const container = (id: string) => (resource(`${id}TaskDefinition`).ContainerDefinitions as Record<string, Json>[])[0] ?? {};
const attributes = (id: string) => Object.fromEntries((resource(id).TargetGroupAttributes as { Key: string; Value: string }[]).map((entry) => [entry.Key, entry.Value]));

describe("every key reaches the template", () => {
  it("scale: a scalable target from min to max, a target-tracking policy per target, with the cooldowns", () => {
    // The count is the scalable target's: a template that set it would reset a scaled-out service on every update.
    expect(resource("WebService")).not.toHaveProperty("DesiredCount");
    expect(resource("WebScalableTarget")).toMatchObject({ MinCapacity: 2, MaxCapacity: 6, ScalableDimension: "ecs:service:DesiredCount", ServiceNamespace: "ecs" });
    const policy = (id: string) => resource(id).TargetTrackingScalingPolicyConfiguration as Record<string, Json>;
    expect(policy("WebScalingCpu")).toMatchObject({ TargetValue: 70, ScaleOutCooldown: 30, ScaleInCooldown: 120, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" } });
    expect(policy("WebScalingMemory")).toMatchObject({ TargetValue: 80, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageMemoryUtilization" } });
    expect(policy("WebScalingRequests")).toMatchObject({ TargetValue: 600, PredefinedMetricSpecification: { PredefinedMetricType: "ALBRequestCountPerTarget" } });
    expect(JSON.stringify(policy("WebScalingRequests"))).toContain("WebExternalTargetGroup");
    expect(resource("WebTaskDefinition")).toMatchObject({ Cpu: "512", Memory: "1024" });
    expect(template.Resources.WorkerScalableTarget).toBeUndefined();
  });

  it("scale: a service with one count has it as its DesiredCount; an autoscaled one leaves its count to autoscaling", () => {
    const fixed = renderAppStack(stackInput(parsed("services:\n  web:\n    image: a:1\n    scale: 3\n"), {})).template;
    expect(fixed.Resources.WebService?.Properties?.DesiredCount).toBe(3);
    const ranged = renderAppStack(stackInput(parsed("services:\n  web:\n    image: a:1\n    scale: 0-3\n"), {})).template;
    expect(ranged.Resources.WebService?.Properties).not.toHaveProperty("DesiredCount");
    expect(ranged.Resources.WebScalableTarget?.Properties).toMatchObject({ MinCapacity: 0, MaxCapacity: 3 });
  });

  it("a range without targets tracks 80% CPU", () => {
    const ranged = renderAppStack(stackInput(parsed("services:\n  web:\n    image: a:1\n    scale: 1-3\n"), {})).template;
    expect(ranged.Resources.WebScalingCpu?.Properties?.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: 80 });
  });

  it("health: the target group's check and the service's grace period", () => {
    expect(resource("WebExternalTargetGroup")).toMatchObject({ HealthCheckPath: "/health", HealthCheckIntervalSeconds: 15, HealthCheckTimeoutSeconds: 6 });
    expect(resource("WebService").HealthCheckGracePeriodSeconds).toBe(45);
  });

  it("command: the list exactly, a plain line split without a shell, a shell line under sh -c", () => {
    expect(container("Api").Command).toEqual(["bin/api", "--serve", "two words"]);
    expect(container("Web").Command).toEqual(["bin/web", "--port", "3000"]);
    expect(container("Worker").Command).toEqual(["sh", "-c", "bin/work && bin/report --token ${API_TOKEN}"]);
  });

  it("whitelist: the listener rule matches only those sources, beside the host", () => {
    expect(resource("WebExternalListenerRule").Conditions).toEqual([
      expect.objectContaining({ Field: "host-header" }),
      { Field: "source-ip", SourceIpConfig: { Values: ["10.0.0.0/8", "192.0.2.0/24"] } },
    ]);
    expect((resource("PeerInternalListenerRule").Conditions as Json[]).length).toBe(1);
  });

  it("deployment and singleton: the ECS deployment configuration, always with the circuit breaker and rollback", () => {
    expect(resource("WebService").DeploymentConfiguration).toEqual({ MinimumHealthyPercent: 50, MaximumPercent: 150, DeploymentCircuitBreaker: { Enable: true, Rollback: true } });
    expect(resource("WorkerService").DeploymentConfiguration).toEqual({ MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } });
    expect(resource("PeerService").DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 100, MaximumPercent: 200 });
  });

  it("termination.grace: the container's stop timeout; init: an init process", () => {
    expect(container("Web").StopTimeout).toBe(75);
    expect(container("Api").StopTimeout).toBeUndefined();
    expect(container("Web").LinuxParameters).toEqual({ InitProcessEnabled: true });
    expect(container("Api").LinuxParameters).toBeUndefined();
  });

  it("drain and sticky: target group attributes (Convox's default: sticky)", () => {
    expect(attributes("WebExternalTargetGroup")).toEqual({ "deregistration_delay.timeout_seconds": "90", "stickiness.enabled": "false" });
    expect(attributes("PeerExternalTargetGroup")).toMatchObject({ "deregistration_delay.timeout_seconds": "30", "stickiness.enabled": "true", "stickiness.type": "lb_cookie" });
  });

  it("build: the image comes from the input, not from the manifest", () => {
    expect(container("Api").Image).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop:api-abc");
    expect(container("Web").Image).toBe("nginx:1.27");
    expect(() => renderAppStack({ ...stackInput(manifest), images: {} })).toThrow(/no image was built for it/);
  });

  it("environment: every variable through Secrets (an SSM parameter of this app), no value in the template", () => {
    const secrets = (id: string) => Object.fromEntries((container(id).Secrets as { Name: string; ValueFrom: Json }[]).map((entry) => [entry.Name, JSON.stringify(entry.ValueFrom)]));
    expect(Object.keys(secrets("Web")).sort()).toEqual(["API_TOKEN", "COMPANY", "LOG_LEVEL", "SESSION_SECRET"]);
    expect(secrets("Web").API_TOKEN).toContain("parameter/racknet/prod/apps/shop/env/API_TOKEN");
    expect(secrets("Web").COMPANY).toContain("parameter/racknet/prod/apps/shop/defaults/web/COMPANY");
    // `*`: the whole app environment, EXTRA included.
    expect(Object.keys(secrets("Api")).sort()).toEqual(["API_TOKEN", "COMPANY", "EXTRA", "SESSION_SECRET"]);
    // An empty value cannot be an SSM parameter, and is no secret.
    expect(container("Worker").Environment).toContainEqual({ Name: "EMPTY", Value: "" });
    for (const value of [...Object.values(STORED), "Convox", "info"]) expect(stack.body).not.toContain(value);
  });

  it("the execution role reads exactly this app's SSM path and decrypts only through SSM", () => {
    const policy = JSON.stringify(resource("ExecutionRole").Policies);
    expect(policy).toContain("ssm:GetParameters");
    expect(policy).toContain("parameter/racknet/prod/apps/shop/*");
    expect(policy).toContain('"kms:ViaService"');
    expect(resource("WebTaskDefinition").ExecutionRoleArn).toEqual({ "Fn::GetAtt": ["ExecutionRole", "Arn"] });
  });

  it("timers: a schedule in the rack's network running the service's task definition with the timer's command", () => {
    expect(resource("TimerCleanupSchedule")).toMatchObject({ ScheduleExpression: "cron(0 3 * * ? *)", ScheduleExpressionTimezone: "UTC", State: "ENABLED" });
    const target = resource("TimerCleanupSchedule").Target as Record<string, Json>;
    const serviceNetwork = resource("WorkerService").NetworkConfiguration;
    expect(target.EcsParameters).toMatchObject({ TaskDefinitionArn: { Ref: "TimerCleanupTaskDefinition" }, LaunchType: "FARGATE", NetworkConfiguration: serviceNetwork });
    const timerContainer = (resource("TimerCleanupTaskDefinition").ContainerDefinitions as Record<string, Json>[])[0] ?? {};
    expect(timerContainer).toMatchObject({ Image: "example/worker:1", Command: ["bin/cleanup", "--all"], Secrets: container("Worker").Secrets });
    const role = JSON.stringify(resource("TimerSchedulerRole"));
    expect(role).toContain("scheduler.amazonaws.com");
    expect(role).toContain("task-definition/prod-shop-timer-cleanup:*");
    expect(role).toContain("iam:PassRole");
  });

  it("records the services in the stack's Metadata and reports its quotas", () => {
    expect(template.Metadata?.Racknet).toMatchObject({ app: "shop", rack: "prod", version: "0.1.0", services: expect.arrayContaining([expect.objectContaining({ name: "web", visibility: "external", port: 3000, cpu: expect.any(Number), memory: expect.any(Number) }), expect.objectContaining({ name: "worker", visibility: "private" })]) });
    expect(stack.quotas.find((quota) => quota.quota === "resources")?.used).toBe(Object.keys(template.Resources).length);
    expect(stack.metadata).toEqual(template.Metadata?.Racknet);
  });
});
