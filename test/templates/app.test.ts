import { describe, expect, it } from "vitest";
import type { Manifest, Service } from "../../src/manifest/model.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifest, resolveEnvironment } from "../../src/manifest/index.js";
import { appParameters, appTemplate, renderAppStack, type AppStackInput } from "../../src/templates/app.js";
import { serviceNameOutput } from "../../src/templates/app-contract.js";
import { deployedEndpoint } from "../../src/templates/app-endpoints.js";
import { evaluate } from "../support/cfn-eval.js";
import type { Json, Resource, Template } from "../../src/templates/cfn.js";
import { createCa } from "../../src/ca/index.js";
import { UserError } from "../../src/errors/index.js";
import { cfnLint, distinctTemplates, lintDeadline } from "../support/cfn-lint.js";
import { service } from "../support/service.js";


const everyKind: Service[] = [
  service("web", { port: { port: 3000, scheme: "http" }, links: ["api", "peer", "admin", "site"], environment: [{ key: "PORT", value: "3000" }, { key: "LOG_LEVEL" }], scale: { ...service("web").scale, min: 2, max: 2 } }),
  service("api", { port: { port: 4000, scheme: "https" }, internal: true, health: { path: "/health", grace: 5, interval: 5, timeout: 4 }, command: { text: "bin/api --serve", argv: ["bin/api", "--serve"], shell: false } }),
  service("admin", { port: { port: 8080, scheme: "http" }, internal: true, internalAndExternal: true }),
  service("peer", { port: { port: 9000, scheme: "http" }, internalRouter: true }),
  service("site", { port: { port: 80, scheme: "http" } }),
  service("worker", { links: ["api"] }),
];

function input(services: Service[], app = "myapp"): AppStackInput {
  const priorities: Record<string, number> = {};
  let next = 10;
  for (const s of services) {
    const kinds = s.internalRouter ? ["router"] : s.internalAndExternal ? ["internal", "external"] : s.internal ? ["internal"] : s.port ? ["external"] : [];
    for (const kind of kinds) priorities[`${s.name}:${kind}`] = next++;
  }
  return { rack: "prod", app, manifest: { file: "convox.yml", services, timers: [] } satisfies Manifest, version: "0.1.0", priorities };
}

/** An app of a fixture, rendered as the deploy will: the environment in SSM, built images as inputs. */
function rendered(fixture: string, stored: Record<string, string>): Template {
  const { manifest } = parseManifest(readFileSync(join(import.meta.dirname, "../fixtures/manifests/good", fixture), "utf8"), "convox.yml");
  if (!manifest) throw new Error(`${fixture} has problems`);
  const base = input(manifest.services);
  const images = Object.fromEntries(manifest.services.filter((s) => s.build).map((s) => [s.name, `123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/myapp:${s.name}`]));
  const environment = resolveEnvironment(manifest, { rack: "prod", app: "myapp", stored }).services;
  return renderAppStack({ ...base, manifest, images, environment }).template;
}

const variants: Record<string, Template> = {
  everyKey: rendered("every-key.yml", { SESSION_SECRET: "a", API_TOKEN: "b" }),
  timers: rendered("timers.yml", {}),
  scaled: rendered("scale-forms.yml", {}),
  built: rendered("build-forms.yml", { NPM_TOKEN: "n" }),
  yamlCompat: rendered("yaml-compat.yml", {}),
  networkLoadBalancers: rendered("nlb.yml", {}),
  everyKind: appTemplate(input(everyKind)),
  externalOnly: appTemplate(input([service("web", { port: { port: 80, scheme: "http" } })])),
  internalHttps: appTemplate(input([service("api", { port: { port: 8443, scheme: "https" }, internal: true }), service("cron", { links: ["api"] })])),
  routerOnly: appTemplate(input([service("peer", { port: { port: 9000, scheme: "http" }, internalRouter: true })])),
  workerOnly: appTemplate(input([service("worker", { command: { text: "bin/work", argv: ["bin/work"], shell: false } })])),
};
const template = variants.everyKind!;

const resourcesOfType = (t: Template, type: string): [string, Resource][] => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const containerOf = (t: Template, id: string) => (t.Resources[`${id}TaskDefinition`]?.Properties?.ContainerDefinitions as Json[])[0] as Record<string, Json>;
const environmentOf = (t: Template, id: string) =>
  Object.fromEntries((containerOf(t, id).Environment as { Name: string; Value: Json }[]).map((e) => [e.Name, e.Value]));

describe("least privilege (issue 21)", () => {
  it("the timers' role runs exactly the app's timers' task definitions: an app named <app>-timer-... is not matched", () => {
    const policy = JSON.stringify(variants.timers?.Resources.TimerSchedulerRole?.Properties?.Policies);
    const resources = [...policy.matchAll(/task-definition\/([^"]+)"/g)].map((match) => match[1]).sort();
    expect(resources).toEqual(["prod-myapp-timer-cleanup:*", "prod-myapp-timer-hourly:*", "prod-myapp-timer-monthly:*", "prod-myapp-timer-weekdays:*"]);
    expect(policy).not.toContain("timer-*");
  });
});

describe("the app template", () => {
  it("passes cfn-lint for every kind of service and app: autoscaled, timers, built images, secrets, whitelists", async () => {
    const findings = await cfnLint(variants);
    expect(findings).toEqual(Object.fromEntries(Object.keys(variants).map((name) => [name, []])));
  }, lintDeadline(distinctTemplates(variants)));

  it("gives web the most private URL of each service it links", () => {
    const environment = environmentOf(template, "Web");
    expect(environment.API_URL).toBe("https://api.myapp.prod.convox");
    expect(environment.ADMIN_URL).toBe("https://admin.myapp.prod.convox");
    expect(environment.PEER_URL).toBe("https://peer.myapp.prod.router.convox");
    expect(JSON.stringify(environment.SITE_URL)).toContain("site.myapp.${Domain}");
    // PORT and LOG_LEVEL are the app environment's: Secrets from SSM (app-keys.test.ts), never here.
    expect(environment.PORT).toBeUndefined();
  });

  it("gives every service the rack CA and its own names", () => {
    for (const id of ["Web", "Api", "Admin", "Peer", "Site", "Worker"]) {
      const environment = environmentOf(template, id);
      expect(environment.RACKNET_CA_CERT).toEqual({ Ref: "RackCaCert" });
      expect(environment.RACKNET_RACK).toBe("prod");
      expect(environment.RACKNET_APP).toBe("myapp");
      expect(environment.RACKNET_SERVICE).toBe(id.toLowerCase());
    }
  });

  it("lets only the load balancers' security groups reach the services, each on its service's port", () => {
    const group = template.Resources.ServiceSecurityGroup?.Properties ?? {};
    expect(group.SecurityGroupIngress).toEqual([
      expect.objectContaining({ FromPort: 3000, ToPort: 3000, SourceSecurityGroupId: { Ref: "ExternalLoadBalancerSecurityGroup" } }),
      expect.objectContaining({ FromPort: 4000, ToPort: 4000, SourceSecurityGroupId: { Ref: "InternalLoadBalancerSecurityGroup" } }),
      expect.objectContaining({ FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { Ref: "InternalLoadBalancerSecurityGroup" } }),
      expect.objectContaining({ FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { Ref: "ExternalLoadBalancerSecurityGroup" } }),
      expect.objectContaining({ FromPort: 9000, ToPort: 9000, SourceSecurityGroupId: { Ref: "RouterLoadBalancerSecurityGroup" } }),
      expect.objectContaining({ FromPort: 80, ToPort: 80, SourceSecurityGroupId: { Ref: "ExternalLoadBalancerSecurityGroup" } }),
    ]);
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/CidrIp|0\.0\.0\.0\/0|VpcCidr/);
  });

  it("runs every service on Fargate in the rack's service subnets with rolling deployments", () => {
    for (const [, resource] of resourcesOfType(template, "AWS::ECS::Service")) {
      const properties = resource.Properties ?? {};
      expect(properties.LaunchType).toBe("FARGATE");
      expect(properties.DeploymentConfiguration).toEqual({ MinimumHealthyPercent: 100, MaximumPercent: 200, DeploymentCircuitBreaker: { Enable: true, Rollback: true } });
      expect(properties.NetworkConfiguration).toEqual({
        AwsvpcConfiguration: {
          Subnets: { "Fn::Split": [",", { Ref: "ServiceSubnets" }] },
          AssignPublicIp: { Ref: "AssignPublicIp" },
          SecurityGroups: [{ Ref: "NetworkSecurityGroup" }, { "Fn::GetAtt": ["ServiceSecurityGroup", "GroupId"] }],
        },
      });
    }
    expect(template.Resources.WebService?.Properties?.DesiredCount).toBe(2);
    expect(containerOf(template, "Api").Command).toEqual(["bin/api", "--serve"]);
    expect(containerOf(template, "Api").LogConfiguration).toEqual({
      LogDriver: "awslogs",
      Options: { "awslogs-group": { Ref: "LogGroup" }, "awslogs-region": { Ref: "AWS::Region" }, "awslogs-stream-prefix": "myapp" },
    });
  });

  it("gives a private worker no target group, rule, record or load balancer", () => {
    expect(Object.keys(template.Resources).filter((id) => id.startsWith("Worker"))).toEqual(["WorkerTaskDefinition", "WorkerService"]);
    expect(template.Resources.WorkerService?.Properties?.LoadBalancers).toBeUndefined();
    expect(containerOf(template, "Worker").PortMappings).toBeUndefined();
  });

  it("serves internalAndExternal on both load balancers: two target groups, two rules, the private name in the rack zone", () => {
    const ids = Object.keys(template.Resources).filter((id) => id.startsWith("Admin"));
    expect(ids.sort()).toEqual([
      "AdminExternalListenerRule",
      "AdminExternalRecord",
      "AdminExternalTargetGroup",
      "AdminInternalListenerRule",
      "AdminInternalRecord",
      "AdminInternalTargetGroup",
      "AdminService",
      "AdminTaskDefinition",
    ]);
    expect(template.Resources.AdminInternalListenerRule?.Properties).toMatchObject({
      ListenerArn: { Ref: "InternalListener" },
      Priority: expect.any(Number),
      Conditions: [{ Field: "host-header", HostHeaderConfig: { Values: ["admin.myapp.prod.convox"] } }],
    });
    expect(template.Resources.AdminService?.Properties?.LoadBalancers).toHaveLength(2);
  });

  it("puts internal and router names in the rack's private zones as aliases of their load balancers", () => {
    expect(template.Resources.ApiInternalRecord?.Properties).toEqual({
      HostedZoneId: { Ref: "RackZoneId" },
      Name: "api.myapp.prod.convox.",
      Type: "A",
      AliasTarget: { DNSName: { Ref: "InternalLoadBalancerDns" }, HostedZoneId: { Ref: "InternalLoadBalancerZoneId" }, EvaluateTargetHealth: false },
    });
    expect(template.Resources.PeerRouterRecord?.Properties).toMatchObject({ HostedZoneId: { Ref: "RouterZoneId" }, Name: "peer.myapp.prod.router.convox." });
  });

  it("writes external names only in the rack's public zone (HostedZoneId), once the app's certificate is on the listener", () => {
    const records = resourcesOfType(template, "AWS::Route53::RecordSet");
    expect(records.map(([id]) => id).sort()).toEqual(["AdminExternalRecord", "AdminInternalRecord", "ApiInternalRecord", "PeerRouterRecord", "SiteExternalRecord", "WebExternalRecord"]);
    for (const [, record] of records.filter(([id]) => id.endsWith("ExternalRecord"))) {
      expect(record.Condition).toBe("HasHostedZone");
      expect(record.DependsOn).toBe("ExternalListenerCertificate");
      expect(record.Properties?.HostedZoneId).toEqual({ Ref: "HostedZoneId" });
    }
  });

  it("routes external names by <service>.<app>.<Domain>, or on the load balancer's DNS name without a Domain", () => {
    expect(template.Conditions.HasDomain).toEqual({ "Fn::Not": [{ "Fn::Equals": [{ Ref: "Domain" }, ""] }] });
    expect(template.Resources.SiteExternalListenerRule?.Properties?.Conditions).toEqual([
      {
        Field: "host-header",
        HostHeaderConfig: {
          Values: [{ "Fn::Sub": ["site.myapp.${Domain}", { Domain: { "Fn::If": ["HasDomain", { Ref: "Domain" }, { Ref: "ExternalLoadBalancerDns" }] } }] }],
        },
      },
    ]);
  });

  it("health-checks each target group on the service's port and path, over HTTPS for an https port", () => {
    expect(template.Resources.ApiInternalTargetGroup?.Properties).toMatchObject({
      TargetType: "ip",
      VpcId: { Ref: "VpcId" },
      Port: 4000,
      Protocol: "HTTPS",
      HealthCheckProtocol: "HTTPS",
      HealthCheckPath: "/health",
    });
    expect(template.Resources.WebExternalTargetGroup?.Properties).toMatchObject({ Protocol: "HTTP", Port: 3000 });
  });

  it("uses the priorities it is given", () => {
    const priorities = Object.fromEntries(
      resourcesOfType(template, "AWS::ElasticLoadBalancingV2::ListenerRule").map(([id, rule]) => [id, rule.Properties?.Priority]),
    );
    expect(priorities).toMatchObject({ WebExternalListenerRule: 10, ApiInternalListenerRule: 11, AdminInternalListenerRule: 12, AdminExternalListenerRule: 13 });
    expect(() => appTemplate({ ...input(everyKind), priorities: {} })).toThrow(/no listener rule priority for web:external/);
  });

  it("attaches no certificate to the private listeners (they carry one apps certificate for every app: an ALB takes 25), and one public certificate to the external one", () => {
    for (const variant of Object.values(variants)) {
      const attached = resourcesOfType(variant!, "AWS::ElasticLoadBalancingV2::ListenerCertificate");
      for (const [, resource] of attached) expect(resource.Properties?.ListenerArn).toEqual({ Ref: "ExternalListener" });
      expect(attached.map(([id]) => id)).toEqual(Object.keys(variant!.Parameters).includes("ExternalListener") ? ["ExternalListenerCertificate"] : []);
    }
  });

  it("labels every container with a digest of what it reads, so a new value rolls only the task definitions that read it", () => {
    const labelOf = (rendered: typeof template, id: string) => (rendered.Resources[id]?.Properties?.ContainerDefinitions as { DockerLabels?: Record<string, unknown> }[])[0]?.DockerLabels?.["racknet.environment-version"];
    const environment = { web: { secrets: { FLAG: "/racknet/prod/apps/shop/env/FLAG" }, empty: [] }, api: { secrets: {}, empty: [] } };
    const before = appTemplate({ ...input(everyKind), environment, parameterVersions: new Map([["/racknet/prod/apps/shop/env/FLAG", 1]]) });
    const after = appTemplate({ ...input(everyKind), environment, parameterVersions: new Map([["/racknet/prod/apps/shop/env/FLAG", 2]]) });
    expect(labelOf(before, "WebTaskDefinition")).toMatch(/^[0-9a-f]{16}$/);
    expect(labelOf(after, "WebTaskDefinition")).not.toEqual(labelOf(before, "WebTaskDefinition"));
    for (const id of ["ApiTaskDefinition", "AdminTaskDefinition", "WorkerTaskDefinition"]) {
      expect(before.Resources[id], id).toBeDefined();
      expect(after.Resources[id], id).toEqual(before.Resources[id]);
    }
  });

  it("outputs one value per service, its ECS service name (a stack holds 200 outputs)", () => {
    expect(Object.keys(template.Outputs)).toEqual(everyKind.map((s) => serviceNameOutput(s.name)));
    expect(template.Outputs[serviceNameOutput("worker")]?.Value).toEqual({ "Fn::GetAtt": ["WorkerService", "Name"] });
  });

  it("the endpoint `racknet services` reads from the stack's parameters is the host its listener rule matches; without a Domain an external one needs a Domain", () => {
    const hostOf = (stack: ReturnType<typeof evaluate>, id: string) =>
      ((stack.resources[id]?.Properties?.Conditions as { HostHeaderConfig: { Values: string[] } }[])[0]?.HostHeaderConfig.Values[0]);
    const rules = resourcesOfType(template, "AWS::ElasticLoadBalancingV2::ListenerRule").map(([id]) => id);
    const cases: [string, string, "external" | "internal" | "router"][] = [
      ["ApiInternalListenerRule", "api", "internal"],
      ["PeerRouterListenerRule", "peer", "router"],
      ["AdminExternalListenerRule", "admin", "external"],
      ["SiteExternalListenerRule", "site", "external"],
    ];
    expect(rules).toEqual(expect.arrayContaining(cases.map(([id]) => id)));
    for (const domain of ["apps.example.com", ""]) {
      const placeholders = Object.fromEntries(Object.keys(template.Parameters).map((name) => [name, `${name}-value`]));
      const parameters = { ...placeholders, Domain: domain, ExternalLoadBalancerDns: "ext-123.us-east-1.elb.amazonaws.com" };
      const stack = evaluate(template, parameters);
      for (const [id, name, kind] of cases) {
        const shown = deployedEndpoint(name, kind, "myapp", "prod", parameters);
        if (kind === "external" && !domain) {
          // The rule matches <service>.<app>.<load balancer DNS name>, which does not resolve: shown as needing a Domain, never as a URL.
          expect(hostOf(stack, id), id).toBe(`${name}.myapp.ext-123.us-east-1.elb.amazonaws.com`);
          expect(shown, `${id} without Domain`).toMatchObject({ needsDomain: true });
        } else {
          expect(shown.url, `${id} with Domain "${domain}"`).toBe(`https://${hostOf(stack, id)}`);
        }
      }
    }
  });

  it("declares only the parameters of the load balancers it uses", () => {
    expect(Object.keys(variants.workerOnly!.Parameters).sort()).toEqual(
      ["AssignPublicIp", "Cluster", "Exec", "LogGroup", "NetworkSecurityGroup", "RackCaCert", "ServiceSubnets", "VpcId"].sort(),
    );
    expect(Object.keys(variants.externalOnly!.Parameters)).toEqual(expect.arrayContaining(["ExternalListener", "Domain"]));
    expect(Object.keys(variants.routerOnly!.Parameters)).toEqual(expect.arrayContaining(["RouterListener", "RouterZoneId"]));
    expect(Object.keys(variants.routerOnly!.Parameters)).not.toContain("InternalListener");
  });

  it("refuses services that would share a logical id, and built services without an image", () => {
    expect(() => appTemplate(input([service("a-1b"), service("a1b")]))).toThrow(UserError);
    expect(() => appTemplate(input([service("web", { image: undefined, build: { path: ".", dockerfile: "Dockerfile", args: [] } })]))).toThrow(/no image was built for it/);
  });
});

describe("the app stack's parameter values", () => {
  const rackOutputs = {
    Cluster: "prod-cluster",
    ServiceSubnets: "subnet-a,subnet-b",
    AssignPublicIp: "DISABLED",
    VpcId: "vpc-1",
    NetworkSecurityGroup: "sg-net",
    ExecutionRoleArn: "arn:aws:iam::1:role/exec",
    LogGroup: "prod",
    ExternalListener: "arn:listener/ext",
    ExternalLoadBalancerSecurityGroup: "sg-ext",
    ExternalLoadBalancerDns: "ext.elb.amazonaws.com",
    ExternalLoadBalancerZoneId: "Z1",
    InternalListener: "arn:listener/int",
    InternalLoadBalancerSecurityGroup: "sg-int",
    InternalLoadBalancerDns: "internal-int.elb.amazonaws.com",
    InternalLoadBalancerZoneId: "Z2",
    RackZoneId: "Z3",
    VpcCidr: "10.0.0.0/16",
  };

  it("come from the rack's outputs and the extras, for the parameters the template declares only", async () => {
    const ca = await createCa("prod");
    const values = appParameters(rackOutputs, { RackCaCert: ca.certPem, Domain: "" }, variants.internalHttps!);
    expect(values).toEqual({
      Cluster: "prod-cluster",
      ServiceSubnets: "subnet-a,subnet-b",
      AssignPublicIp: "DISABLED",
      VpcId: "vpc-1",
      NetworkSecurityGroup: "sg-net",
      LogGroup: "prod",
      RackCaCert: ca.certPem,
      InternalListener: "arn:listener/int",
      InternalLoadBalancerSecurityGroup: "sg-int",
      InternalLoadBalancerDns: "internal-int.elb.amazonaws.com",
      InternalLoadBalancerZoneId: "Z2",
      RackZoneId: "Z3",
    });
    expect(Buffer.byteLength(ca.certPem)).toBeLessThan(1024);
  });

  it("refuse a rack that lacks what the app needs, and values over 4,096 bytes", () => {
    expect(() => appParameters(rackOutputs, { RackCaCert: "pem" }, variants.routerOnly!)).toThrow(/does not provide RouterListener/);
    expect(() => appParameters(rackOutputs, { RackCaCert: "x".repeat(4097) }, variants.workerOnly!)).toThrow(/4097 bytes/);
  });
});
