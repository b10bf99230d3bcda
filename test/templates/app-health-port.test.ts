import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack } from "../../src/templates/app.js";
import type { Json, Template } from "../../src/templates/cfn.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";

/** health.port (Convox 3): the target group checks another port of the task, which the load balancer may then reach. */

function rendered(text: string): Template {
  const { manifest, problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  const parsed = manifest as Manifest;
  const environment = resolveEnvironment(parsed, { rack: "prod", app: "shop", stored: {} });
  const priorities = Object.fromEntries(parsed.services.map((service, index) => [`${service.name}:external`, 10 + index]));
  return renderAppStack({ rack: "prod", app: "shop", manifest: parsed, version: "0.1.0", priorities, environment: environment.services }).template;
}

const template = rendered(
  ["services:", "  web:", "    image: a:1", "    port: https:3000", "    health: {path: /ready, port: 8081}", "  api:", "    image: b:1", "    port: 4000", "    health:", "      path: /health", '      port: "https:9443"', "  plain:", "    image: c:1", "    port: 5000"].join("\n"),
);
const properties = (id: string) => template.Resources[id]?.Properties ?? {};

describe("health.port", () => {
  it("is the target group's HealthCheckPort; the scheme is the service port's unless health.port says", () => {
    expect(properties("WebExternalTargetGroup")).toMatchObject({ Port: 3000, Protocol: "HTTPS", HealthCheckPort: "8081", HealthCheckProtocol: "HTTPS", HealthCheckPath: "/ready" });
    expect(properties("ApiExternalTargetGroup")).toMatchObject({ Port: 4000, Protocol: "HTTP", HealthCheckPort: "9443", HealthCheckProtocol: "HTTPS" });
    expect(properties("PlainExternalTargetGroup")).toMatchObject({ HealthCheckPort: "traffic-port", HealthCheckProtocol: "HTTP" });
  });

  it("opens the health port to the service's load balancer, and nothing more", () => {
    const ingress = (properties("ServiceSecurityGroup").SecurityGroupIngress as Record<string, Json>[]).map((rule) => `${String(rule.FromPort)}-${String(rule.ToPort)}`);
    expect(ingress.sort()).toEqual(["3000-3000", "4000-4000", "5000-5000", "8081-8081", "9443-9443"]);
  });

  it("passes cfn-lint", async () => {
    expect(await cfnLint({ healthPort: template })).toEqual({ healthPort: [] });
  }, lintDeadline(1));
});
