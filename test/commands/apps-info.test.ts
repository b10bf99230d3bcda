import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type Service } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { ExitCode, UserError } from "../../src/core/errors.js";
import { run, type AppDetails } from "../../src/operations/apps-info.js";
import { CLUSTER, DEPLOYED_AT, cfn, dayContext, stacks } from "./day-fixtures.js";

const ecs = mockClient(ECSClient);
const taskDefinition = (service: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-${service}:${revision}`;

function ecsService(name: string, service: string, counts: { desired: number; running: number }, status = "ACTIVE"): Service {
  return { serviceName: name, status, taskDefinition: taskDefinition(service, 7), desiredCount: counts.desired, runningCount: counts.running, pendingCount: 0 };
}

beforeEach(() => {
  stacks();
  ecs.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      // A cluster replaced in an update leaves the old service INACTIVE under the same name.
      ecsService("prod-shop-WebService-1", "web", { desired: 0, running: 0 }, "INACTIVE"),
      ecsService("prod-shop-WebService-1", "web", { desired: 2, running: 2 }),
      ecsService("prod-shop-WorkerService-1", "worker", { desired: 1, running: 0 }),
      ecsService("prod-shop-ApiService-1", "api", { desired: 1, running: 1 }),
    ],
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const service = /prod-shop-([a-z]+):/.exec(input.taskDefinition)?.[1] ?? "";
    return { taskDefinition: { containerDefinitions: [{ name: service, image: `registry.example/${service}:2.1` }] } };
  });
});

describe("racknet apps info", () => {
  it("--json: status, last deploy, and per service visibility, image, release, counts and endpoints", async () => {
    const day = dayContext({ json: true });
    await run(day.context, { app: "shop" });
    const details = JSON.parse(day.stdout()) as AppDetails;
    expect(details).toEqual({
      app: "shop",
      rack: "prod",
      status: "UPDATE_COMPLETE",
      statusReason: null,
      lastDeploy: DEPLOYED_AT.toISOString(),
      version: "0.1.0",
      services: [
        { service: "web", visibility: "external", image: "registry.example/web:2.1", release: "prod-shop-web:7", desired: 2, running: 2, pending: 0, endpoints: [{ kind: "external", url: "https://web.shop.example.com" }] },
        { service: "worker", visibility: "private", image: "registry.example/worker:2.1", release: "prod-shop-worker:7", desired: 1, running: 0, pending: 0, endpoints: [] },
        { service: "api", visibility: "internal", image: "registry.example/api:2.1", release: "prod-shop-api:7", desired: 1, running: 1, pending: 0, endpoints: [{ kind: "internal", url: "https://api.shop.prod.convox" }] },
      ],
    });
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, { cluster: CLUSTER, services: ["prod-shop-WebService-1", "prod-shop-WorkerService-1", "prod-shop-ApiService-1"] });
  });

  it("the human view: name, status and deploy time, then one row per service", async () => {
    const day = dayContext({ app: undefined });
    await run(day.context, { app: "shop" });
    const out = day.stdout();
    expect(out).toMatch(/^Name\s+shop$/m);
    expect(out).toMatch(/^Status\s+UPDATE_COMPLETE$/m);
    expect(out).toMatch(/^Deployed\s+2025-03-01T10:00:00.000Z$/m);
    expect(out).toMatch(/^web\s+external\s+registry\.example\/web:2\.1\s+prod-shop-web:7\s+2\s+2\s+https:\/\/web\.shop\.example\.com$/m);
    expect(out).toMatch(/^worker\s+private\s+registry\.example\/worker:2\.1\s+prod-shop-worker:7\s+1\s+0$/m);
  });

  it("-a works as the argument does; both, naming different apps, is a usage error", async () => {
    const day = dayContext({ app: "shop", json: true });
    await run(day.context, {});
    expect((JSON.parse(day.stdout()) as AppDetails).app).toBe("shop");
    const error = (await run(dayContext({ app: "blog" }).context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain("two apps named");
  });

  it("an app that does not exist is a clear error", async () => {
    stacks({ app: false });
    const error = (await run(dayContext().context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('app "shop" not found on rack prod');
    expect(ecs).not.toHaveReceivedCommand(DescribeServicesCommand);
  });

  it("a stack that failed shows its status and reason", async () => {
    stacks({ appStatus: "UPDATE_ROLLBACK_COMPLETE" });
    const day = dayContext({ json: true });
    await run(day.context, { app: "shop" });
    expect((JSON.parse(day.stdout()) as AppDetails).status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(cfn.calls().length).toBeGreaterThan(0);
  });
});
