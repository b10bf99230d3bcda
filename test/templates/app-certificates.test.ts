import { describe, expect, it } from "vitest";
import type { Manifest, Service } from "../../src/manifest/model.js";
import { appTemplate, type AppStackInput } from "../../src/templates/app.js";
import type { Template } from "../../src/templates/cfn.js";
import { evaluate } from "../support/cfn-eval.js";
import { cfnLint } from "../support/cfn-lint.js";
import { service } from "../support/service.js";

/** The public side of the app stack: certificates a browser accepts, host rules for domain:, names in the rack's zone. */

const ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555";
const RACK_FACTS = {
  Cluster: "c",
  ServiceSubnets: "subnet-1,subnet-2",
  AssignPublicIp: "ENABLED",
  VpcId: "vpc-1",
  NetworkSecurityGroup: "sg-1",
  LogGroup: "lg",
  RackCaCert: "pem",
  ExternalListener: "arn:listener",
  ExternalLoadBalancerSecurityGroup: "sg-2",
  ExternalLoadBalancerDns: "prod-external-1.us-east-1.elb.amazonaws.com",
  ExternalLoadBalancerZoneId: "Z35SXDOTRQ7X7K",
};

const web = service("web", { port: { port: 3000, scheme: "http" } });
const shop = service("shop", { port: { port: 8080, scheme: "http" }, domains: ["shop.example.com", "www.shop.example.com"] });

function input(services: Service[], domainValidation: AppStackInput["domainValidation"] = {}): AppStackInput {
  const priorities: Record<string, number> = {};
  let next = 10;
  for (const s of services) {
    priorities[`${s.name}:external`] = next++;
    for (const name of s.domains) priorities[`${s.name}:domain:${name}`] = next++;
  }
  return { rack: "prod", app: "myapp", manifest: { file: "convox.yml", services, timers: [] } satisfies Manifest, version: "0.1.0", priorities, domainValidation };
}

const withDomains = appTemplate(input([web, shop], { shop: "stack" }));
const outside = appTemplate(input([web, shop], { shop: "outside" }));
const stack = (template: Template, parameters: Record<string, string>) => evaluate(template, { ...RACK_FACTS, ...parameters }, { stackName: "prod-myapp" });

describe("public certificates in the app stack", () => {
  it("passes cfn-lint, with domain: certificates made in the stack and outside it", async () => {
    const findings = await cfnLint({ withDomains, outside });
    expect(findings).toEqual({ withDomains: [], outside: [] });
  }, 120_000);

  it("with the rack's zone: an ACM certificate for *.<app>.<Domain> validated through the zone, on the external listener, and each service's alias record after it", () => {
    const evaluated = stack(withDomains, { Domain: "apps.example.com", HostedZoneId: "Z0123456789ABC" });
    expect(evaluated.resources.ExternalCertificate?.Properties).toEqual({
      DomainName: "*.myapp.apps.example.com",
      ValidationMethod: "DNS",
      DomainValidationOptions: [{ DomainName: "*.myapp.apps.example.com", HostedZoneId: "Z0123456789ABC" }],
      Tags: [
        { Key: "racknet:rack", Value: "prod" },
        { Key: "racknet:app", Value: "myapp" },
        { Key: "racknet:cert", Value: "external" },
      ],
    });
    expect(evaluated.resources.ExternalListenerCertificate?.Properties).toEqual({ ListenerArn: "arn:listener", Certificates: [{ CertificateArn: { Ref: "ExternalCertificate" } }] });
    expect(evaluated.resources.WebExternalRecord?.Properties).toEqual({
      HostedZoneId: "Z0123456789ABC",
      Name: "web.myapp.apps.example.com.",
      Type: "A",
      AliasTarget: { DNSName: RACK_FACTS.ExternalLoadBalancerDns, HostedZoneId: RACK_FACTS.ExternalLoadBalancerZoneId, EvaluateTargetHealth: false },
    });
    expect(evaluated.resources.WebExternalRecord?.DependsOn).toBe("ExternalListenerCertificate");
  });

  it("without a zone: no certificate resource (the stack never waits on a record a person must create); the issued one racknet requested is attached once passed in", () => {
    const pending = stack(withDomains, { Domain: "apps.example.com" });
    expect(Object.keys(pending.resources).filter((id) => /Certificate|Record/.test(id))).toEqual([]);
    const issued = stack(withDomains, { Domain: "apps.example.com", ExternalCertificateArn: ARN });
    expect(issued.resources.ExternalCertificate).toBeUndefined();
    expect(issued.resources.ExternalListenerCertificate?.Properties).toEqual({ ListenerArn: "arn:listener", Certificates: [{ CertificateArn: ARN }] });
    expect(Object.keys(issued.resources).filter((id) => id.endsWith("Record"))).toEqual([]);
  });

  it("without a Domain: no public certificate at all (the names are not known)", () => {
    const none = stack(withDomains, { HostedZoneId: "" });
    expect(Object.keys(none.resources).filter((id) => id.startsWith("External"))).toEqual([]);
  });

  it("domain: a host rule per name to the service's external target group, and one certificate for its names, validated through the zone", () => {
    const evaluated = stack(withDomains, { Domain: "example.com", HostedZoneId: "Z0123456789ABC" });
    const hostOf = (id: string) => (evaluated.resources[id]?.Properties?.Conditions as { HostHeaderConfig: { Values: string[] } }[])[0]?.HostHeaderConfig.Values;
    expect([hostOf("ShopDomain1ListenerRule"), hostOf("ShopDomain2ListenerRule")]).toEqual([["shop.example.com"], ["www.shop.example.com"]]);
    expect(evaluated.resources.ShopDomain1ListenerRule?.Properties?.Actions).toEqual([{ Type: "forward", TargetGroupArn: { Ref: "ShopExternalTargetGroup" } }]);
    expect(evaluated.resources.ShopDomainCertificate?.Properties).toMatchObject({
      DomainName: "shop.example.com",
      SubjectAlternativeNames: ["www.shop.example.com"],
      DomainValidationOptions: [
        { DomainName: "shop.example.com", HostedZoneId: "Z0123456789ABC" },
        { DomainName: "www.shop.example.com", HostedZoneId: "Z0123456789ABC" },
      ],
    });
    expect(evaluated.resources.ShopDomainListenerCertificate?.Properties?.Certificates).toEqual([{ CertificateArn: { Ref: "ShopDomainCertificate" } }]);
    expect([evaluated.resources.ShopDomain1Record?.Properties?.Name, evaluated.resources.ShopDomain2Record?.Properties?.Name]).toEqual(["shop.example.com.", "www.shop.example.com."]);
  });

  it("domain: names outside the zone get their rules now and their certificate once racknet passes it in, issued", () => {
    expect(outside.Parameters.ShopDomainCertificateArn).toMatchObject({ Default: "" });
    const pending = stack(outside, { Domain: "apps.example.com" });
    expect(pending.resources.ShopDomain1ListenerRule).toBeDefined();
    expect(pending.resources.ShopDomainListenerCertificate).toBeUndefined();
    expect(pending.resources.ShopDomainCertificate).toBeUndefined();
    const issued = stack(outside, { Domain: "apps.example.com", ShopDomainCertificateArn: ARN });
    expect(issued.resources.ShopDomainListenerCertificate?.Properties?.Certificates).toEqual([{ CertificateArn: ARN }]);
    expect(Object.keys(issued.resources).filter((id) => id.startsWith("ShopDomain") && id.endsWith("Record"))).toEqual([]);
  });
});
