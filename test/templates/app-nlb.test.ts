import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack } from "../../src/templates/app.js";
import type { Json, Template } from "../../src/templates/cfn.js";

/** nlb: and balancers: as the app's network load balancers (cfn-lint: the networkLoadBalancers variant of app.test.ts). */

function rendered(text: string): Template {
  const { manifest, problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  const parsed = manifest as Manifest;
  const environment = resolveEnvironment(parsed, { rack: "prod", app: "shop", stored: {} });
  const priorities = Object.fromEntries(parsed.services.map((service, index) => [`${service.name}:internal`, 10 + index]));
  return renderAppStack({ rack: "prod", app: "shop", manifest: parsed, version: "0.1.0", priorities, environment: environment.services }).template;
}

const template = rendered(readFileSync(join(import.meta.dirname, "../fixtures/manifests/good/nlb.yml"), "utf8"));
const properties = (id: string) => template.Resources[id]?.Properties ?? {};
const ingressOf = (id: string) => (properties(id).SecurityGroupIngress as Record<string, Json>[]).map((rule) => `${String(rule.FromPort)} ${JSON.stringify(rule.CidrIp ?? rule.SourceSecurityGroupId)}`).sort();

describe("network load balancers", () => {
  it("are one public and one internal load balancer of type network, each where its scheme belongs", () => {
    expect(properties("NetworkLoadBalancerPublic")).toMatchObject({ Type: "network", Scheme: "internet-facing", Subnets: { "Fn::Split": [",", { Ref: "PublicSubnets" }] } });
    expect(properties("NetworkLoadBalancerInternal")).toMatchObject({ Type: "network", Scheme: "internal", Subnets: { "Fn::Split": [",", { Ref: "ServiceSubnets" }] } });
    expect(Object.values(template.Resources).filter((resource) => resource.Type === "AWS::ElasticLoadBalancingV2::LoadBalancer")).toHaveLength(2);
    expect(template.Parameters).toHaveProperty("PublicSubnets");
    expect(template.Parameters).toHaveProperty("VpcCidr");
  });

  it("makes no network load balancer and no new parameter for an app without nlb ports", () => {
    const plain = rendered("services:\n  web:\n    image: a:1\n    port: 3000\n    internal: true\n");
    expect(Object.keys(plain.Resources).filter((id) => id.startsWith("NetworkLoadBalancer"))).toEqual([]);
    expect(plain.Parameters).not.toHaveProperty("PublicSubnets");
  });

  it("listens with TCP, or TLS with the port's certificate and a TLS 1.3 policy, forwarding to an ip target group on the container port", () => {
    expect(properties("DbProxyNlb6432Listener")).toMatchObject({ Port: 6432, Protocol: "TCP", LoadBalancerArn: { Ref: "NetworkLoadBalancerPublic" } });
    expect(properties("DbProxyNlb6432TargetGroup")).toMatchObject({ TargetType: "ip", Protocol: "TCP", Port: 6543 });
    expect(properties("ApiNlb443Listener")).toMatchObject({
      Port: 443,
      Protocol: "TLS",
      SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      Certificates: [{ CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001" }],
      LoadBalancerArn: { Ref: "NetworkLoadBalancerInternal" },
    });
    expect(properties("ApiNlb443TargetGroup")).toMatchObject({ TargetType: "ip", Protocol: "TCP", Port: 8443 });
    expect(JSON.stringify(properties("ApiNlb443TargetGroup").TargetGroupAttributes)).toContain('"load_balancing.cross_zone.enabled","Value":"true"');
    expect(JSON.stringify(properties("DbProxyNlb6432TargetGroup").TargetGroupAttributes)).toContain('"preserve_client_ip.enabled","Value":"true"');
  });

  it("admits each listener port from exactly its allow_cidr, else anyone (public) or the VPC (internal)", () => {
    expect(ingressOf("NetworkLoadBalancerPublicSecurityGroup")).toEqual(['1883 "192.0.2.0/24"', '6432 "198.51.100.0/24"', '6432 "203.0.113.0/24"', '8883 "192.0.2.0/24"']);
    expect(ingressOf("NetworkLoadBalancerInternalSecurityGroup")).toEqual(['443 {"Ref":"VpcCidr"}', '5432 {"Ref":"VpcCidr"}']);
  });

  it("opens each container port of the tasks to its load balancer's security group only", () => {
    const fromNlb = (properties("ServiceSecurityGroup").SecurityGroupIngress as Record<string, Json>[]).filter((rule) => JSON.stringify(rule.SourceSecurityGroupId).includes("NetworkLoadBalancer"));
    expect(fromNlb.map((rule) => `${String(rule.FromPort)} ${JSON.stringify(rule.SourceSecurityGroupId)}`).sort()).toEqual([
      '1883 {"Fn::GetAtt":["NetworkLoadBalancerPublicSecurityGroup","GroupId"]}',
      '5432 {"Fn::GetAtt":["NetworkLoadBalancerInternalSecurityGroup","GroupId"]}',
      '6543 {"Fn::GetAtt":["NetworkLoadBalancerPublicSecurityGroup","GroupId"]}',
      '8443 {"Fn::GetAtt":["NetworkLoadBalancerInternalSecurityGroup","GroupId"]}',
      '8883 {"Fn::GetAtt":["NetworkLoadBalancerPublicSecurityGroup","GroupId"]}',
    ]);
    expect(fromNlb.every((rule) => rule.CidrIp === undefined)).toBe(true);
  });

  it("registers the tasks in every target group, after its listener exists, with the container ports mapped", () => {
    const service = template.Resources.DbProxyService;
    expect(service?.DependsOn).toEqual(["DbProxyNlb5432Listener", "DbProxyNlb6432Listener"]);
    expect((service?.Properties?.LoadBalancers as Record<string, Json>[]).map((entry) => entry.ContainerPort)).toEqual([5432, 6543]);
    const container = (properties("DbProxyTaskDefinition").ContainerDefinitions as Record<string, Json>[])[0];
    expect(container?.PortMappings).toEqual([{ ContainerPort: 5432, Protocol: "tcp" }, { ContainerPort: 6543, Protocol: "tcp" }]);
    const api = template.Resources.ApiService?.Properties?.LoadBalancers as Record<string, Json>[];
    expect(api.map((entry) => entry.ContainerPort)).toEqual([3000, 8443]);
  });

  it("sets each TCP listener's idle timeout to the service's timeout (at least 60), and leaves TLS listeners at AWS's fixed 350", () => {
    expect(properties("DbProxyNlb5432Listener").ListenerAttributes).toEqual([{ Key: "tcp.idle_timeout.seconds", Value: "900" }]);
    expect(properties("ApiNlb443Listener").ListenerAttributes).toBeUndefined();
    expect(properties("MqttNlb1883Listener").ListenerAttributes).toBeUndefined();
    const short = rendered("services:\n  db:\n    image: a:1\n    timeout: 30\n    nlb:\n      - port: 5432\n        scheme: internal\n");
    expect(short.Resources.DbNlb5432Listener?.Properties?.ListenerAttributes).toEqual([{ Key: "tcp.idle_timeout.seconds", Value: "60" }]);
  });

  it("records each service's listeners in the stack's Metadata, for rack changes and the plan", () => {
    const services = (template.Metadata?.Racknet as { services: { name: string; nlb?: Json }[] }).services;
    expect(services.find((service) => service.name === "mqtt")?.nlb).toEqual([
      { port: 1883, protocol: "tcp", scheme: "public", containerPort: 1883 },
      { port: 8883, protocol: "tcp", scheme: "public", containerPort: 8883 },
    ]);
  });
});
