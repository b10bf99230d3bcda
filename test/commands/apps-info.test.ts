import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type Service } from "@aws-sdk/client-ecs";
import { DescribeStackResourceDriftsCommand, DescribeStacksCommand, DetectStackDriftCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { beforeEach, describe, expect, it } from "vitest";
import { ExitCode, UserError } from "../../src/errors/index.js";
import { run as workflow, type AppDetails } from "../../src/operations/apps-info.js";
import { ACMClient, ListCertificatesCommand } from "@aws-sdk/client-acm";
import { DescribeListenerCertificatesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { APP_ID, CLUSTER, DEPLOYED_AT, EXTERNAL_LISTENER, appStack, cfn, dayContext, rackStack, stacks } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const run = printing(workflow);

const ecs = mockClient(ECSClient);
// The external listener serves an issued *.shop.example.com: web's URL is shown as working.
const PUBLIC_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/public-shop";
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const acm = mockClient(ACMClient);
const taskDefinition = (service: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-${service}:${revision}`;

function ecsService(name: string, service: string, counts: { desired: number; running: number }, status = "ACTIVE"): Service {
  return { serviceName: name, status, taskDefinition: taskDefinition(service, 7), desiredCount: counts.desired, runningCount: counts.running, pendingCount: 0 };
}

beforeEach(() => {
  stacks();
  elbv2.reset();
  elbv2.onAnyCommand().rejects(new Error("unmocked ELBv2 call"));
  elbv2.on(DescribeListenerCertificatesCommand, { ListenerArn: EXTERNAL_LISTENER }).resolves({ Certificates: [{ CertificateArn: PUBLIC_CERTIFICATE, IsDefault: false }] });
  acm.reset();
  acm.onAnyCommand().rejects(new Error("unmocked ACM call"));
  acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: PUBLIC_CERTIFICATE, DomainName: "*.shop.example.com", Status: "ISSUED" }] });
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
      drift: { status: "NOT_CHECKED", lastChecked: null, drifted: [] },
      services: [
        { service: "web", visibility: "external", image: "registry.example/web:2.1", release: "prod-shop-web:7", desired: 2, running: 2, pending: 0, endpoints: [{ kind: "external", url: "https://web.shop.example.com" }] },
        { service: "worker", visibility: "private", image: "registry.example/worker:2.1", release: "prod-shop-worker:7", desired: 1, running: 0, pending: 0, endpoints: [] },
        { service: "api", visibility: "internal", image: "registry.example/api:2.1", release: "prod-shop-api:7", desired: 1, running: 1, pending: 0, endpoints: [{ kind: "internal", url: "https://api.shop.prod.convox" }] },
      ],
      budget: null,
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

  it("an external endpoint whose certificate the listener does not serve (pending validation, or issued and not attached yet): no URL, `pending certificate`", async () => {
    elbv2.on(DescribeListenerCertificatesCommand, { ListenerArn: EXTERNAL_LISTENER }).resolves({ Certificates: [] });
    const day = dayContext({ json: true });
    await run(day.context, { app: "shop" });
    const web = (JSON.parse(day.stdout()) as AppDetails).services.find((service) => service.service === "web");
    expect(web?.endpoints).toEqual([{ kind: "external", url: null, pendingCertificate: true, host: "web.shop.example.com" }]);
    const human = dayContext({ app: undefined });
    await run(human.context, { app: "shop" });
    expect(human.stdout()).toMatch(/^web\s+external\s+.*web\.shop\.example\.com \(pending certificate\)$/m);
  });

  it("an external endpoint of a rack without a Domain: no URL, `needs Domain`, never the load balancer's unresolvable name", async () => {
    const app = appStack();
    app.Parameters = [{ ParameterKey: "Domain", ParameterValue: "" }, { ParameterKey: "ExternalLoadBalancerDns", ParameterValue: "ext-123.us-east-1.elb.amazonaws.com" }];
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => ({ Stacks: [input.StackName === "prod" ? rackStack() : app] }));
    const json = dayContext({ json: true });
    await run(json.context, { app: "shop" });
    const web = (JSON.parse(json.stdout()) as AppDetails).services.find((service) => service.service === "web");
    expect(web?.endpoints).toEqual([{ kind: "external", url: null, needsDomain: true, host: "web.shop.<Domain>" }]);
    const human = dayContext();
    await run(human.context, { app: "shop" });
    expect(human.stdout()).toMatch(/^web\s+external\s+.*web\.shop\.<Domain> \(needs Domain\)$/m);
    expect(human.stdout()).not.toContain("elb.amazonaws.com");
  });

  it("reports the last drift detection's verdict and the drifted resources, without starting a detection", async () => {
    const app = { ...appStack(), DriftInformation: { StackDriftStatus: "DRIFTED" as const, LastCheckTimestamp: new Date("2025-03-02T08:00:00Z") } };
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => ({ Stacks: [input.StackName === "prod" ? rackStack() : app] }));
    cfn.on(DescribeStackResourceDriftsCommand, { StackName: "prod-shop" }).resolves({
      StackResourceDrifts: [
        { StackId: APP_ID, LogicalResourceId: "WebTargetGroup", PhysicalResourceId: "arn:tg", ResourceType: "AWS::ElasticLoadBalancingV2::TargetGroup", StackResourceDriftStatus: "MODIFIED", Timestamp: new Date(), PropertyDifferences: [{ PropertyPath: "/HealthCheckPath", ExpectedValue: "/", ActualValue: "/x", DifferenceType: "NOT_EQUAL" }] },
        { StackId: APP_ID, LogicalResourceId: "ServiceSecurityGroup", PhysicalResourceId: "sg-1", ResourceType: "AWS::EC2::SecurityGroup", StackResourceDriftStatus: "MODIFIED", Timestamp: new Date(), PropertyDifferences: [{ PropertyPath: "/SecurityGroupIngress/1", ExpectedValue: "null", ActualValue: '{"CidrIp":"0.0.0.0/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}', DifferenceType: "ADD" }] },
      ],
    });
    const json = dayContext({ json: true });
    await run(json.context, { app: "shop" });
    expect((JSON.parse(json.stdout()) as AppDetails).drift).toEqual({
      status: "DRIFTED",
      lastChecked: "2025-03-02T08:00:00.000Z",
      drifted: [
        { logicalId: "ServiceSecurityGroup", type: "AWS::EC2::SecurityGroup", status: "MODIFIED" },
        { logicalId: "WebTargetGroup", type: "AWS::ElasticLoadBalancingV2::TargetGroup", status: "MODIFIED" },
      ],
    });
    const human = dayContext();
    await run(human.context, { app: "shop" });
    expect(human.stdout()).toMatch(/^Drift\s+DRIFTED at 2025-03-02T08:00:00Z: ServiceSecurityGroup \(AWS::EC2::SecurityGroup\), WebTargetGroup .* \(details: racknet rack drift\)$/m);
    expect(cfn).not.toHaveReceivedCommand(DetectStackDriftCommand);
  });

  describe("the app's budget (issue 28)", () => {
    const RECORD = { name: "racknet-prod-shop", monthlyCapUsd: "500", alertThresholdPercent: "80", pricingAdjustment: "1", atCapAction: "auto-shutdown", neverAutoShutdown: ["api"], shutdownOrder: "largest-cost", notifyBeforeMinutes: 30, recoveryMode: "auto-on-reset" };
    const BUDGET = { name: "racknet-prod-shop", monthlyCapUsd: 500, alertThresholdPercent: 80, pricingAdjustment: 1, atCapAction: "auto-shutdown", neverAutoShutdown: ["api"], shutdownOrder: "largest-cost", notifyBeforeMinutes: 30, recoveryMode: "auto-on-reset" };
    const SERVICES = [
      { name: "web", visibility: "external" },
      { name: "worker", visibility: "private" },
      { name: "api", visibility: "internal" },
    ];
    function withBudget(tags: Record<string, { key: string; value: string }[]>): void {
      cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Metadata: { Racknet: { app: "shop", rack: "prod", version: "0.1.0", services: SERVICES, budget: RECORD } }, Resources: {} }) });
      ecs.on(DescribeServicesCommand).resolves({
        services: [
          { ...ecsService("prod-shop-WebService-1", "web", { desired: 0, running: 0 }), tags: tags.web ?? [] },
          { ...ecsService("prod-shop-WorkerService-1", "worker", { desired: 0, running: 0 }), tags: tags.worker ?? [] },
          { ...ecsService("prod-shop-ApiService-1", "api", { desired: 1, running: 1 }), tags: [] },
        ],
      });
    }

    it("shut down: which services auto-shutdown stopped and the counts they get back, in JSON and in words", async () => {
      withBudget({ web: [{ key: "racknet:budget-stopped-count", value: "2" }], worker: [{ key: "racknet:budget-stopped-count", value: "1" }] });
      const json = dayContext({ json: true });
      await run(json.context, { app: "shop" });
      expect((JSON.parse(json.stdout()) as AppDetails).budget).toEqual({ ...BUDGET, state: "shut-down", shutdownAt: null, stopped: [{ service: "web", count: 2 }, { service: "worker", count: 1 }] });
      expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, { include: ["TAGS"] });
      const human = dayContext();
      await run(human.context, { app: "shop" });
      expect(human.stdout()).toMatch(/^Budget\s+\$500 a month, auto-shutdown \(alert at 80%\): SHUT DOWN \(web was 2, worker was 1; back on the 1st\)$/m);
    });

    it("armed: the cap was reached and the services stop at the time the budget function set", async () => {
      withBudget({ web: [{ key: "racknet:budget-shutdown-at", value: "2027-03-20T12:30:00.000Z" }] });
      const json = dayContext({ json: true });
      await run(json.context, { app: "shop" });
      expect((JSON.parse(json.stdout()) as AppDetails).budget).toMatchObject({ state: "armed", shutdownAt: "2027-03-20T12:30:00.000Z", stopped: [] });
      const human = dayContext();
      await run(human.context, { app: "shop" });
      expect(human.stdout()).toMatch(/^Budget\s+.*: cap reached, services stop at 2027-03-20T12:30:00.000Z$/m);
    });

    it("a service scaled back by hand counts as running, whatever its record says", async () => {
      withBudget({ web: [{ key: "racknet:budget-stopped-count", value: "2" }] });
      ecs.on(DescribeServicesCommand).resolves({ services: [{ ...ecsService("prod-shop-WebService-1", "web", { desired: 2, running: 2 }), tags: [{ key: "racknet:budget-stopped-count", value: "2" }] }] });
      const json = dayContext({ json: true });
      await run(json.context, { app: "shop" });
      expect((JSON.parse(json.stdout()) as AppDetails).budget).toMatchObject({ state: "running", stopped: [] });
    });

    it("running: the budget alone", async () => {
      withBudget({});
      const human = dayContext();
      await run(human.context, { app: "shop" });
      expect(human.stdout()).toMatch(/^Budget\s+\$500 a month, auto-shutdown \(alert at 80%\)$/m);
    });
  });
});
