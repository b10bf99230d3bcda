import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationErrors, UserError } from "../../src/errors/index.js";
import { loadManifest } from "../../src/files/manifest.js";
import { parseManifest, type Manifest, type Service } from "../../src/manifest/index.js";

const fixtures = join(import.meta.dirname, "../fixtures/manifests");

function parsed(text: string): Manifest {
  const result = parseManifest(text, "convox.yml");
  expect(result.problems).toEqual([]);
  if (!result.manifest) throw new Error("no manifest");
  return result.manifest;
}

function service(manifest: Manifest, name: string): Service {
  const found = manifest.services.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

describe("parseManifest: the typed model", () => {
  it("reads port in all three forms", () => {
    const manifest = parsed(readFileSync(join(fixtures, "good/port-forms.yml"), "utf8"));
    expect(manifest.services.map((entry) => [entry.name, entry.port])).toEqual([
      ["plain", { port: 3000, scheme: "http" }],
      ["text-http", { port: 3001, scheme: "http" }],
      ["text-https", { port: 3002, scheme: "https" }],
      ["map-form", { port: 3003, scheme: "https" }],
      ["map-default-scheme", { port: 3004, scheme: "http" }],
    ]);
  });

  it("reads environment as a list and as a map, values as written", () => {
    const manifest = parsed(readFileSync(join(fixtures, "good/environment-forms.yml"), "utf8"));
    // The top-level entries first (every service gets them), then the service's own.
    const app = [{ key: "COMPANY", value: "Convox" }, { key: "SESSION_SECRET" }];
    expect(service(manifest, "listed").environment).toEqual([...app, { key: "PORT", value: "3000" }, { key: "LOG_LEVEL" }, { key: "GREETING", value: "a=b" }, { key: "DATABASE_URL", value: "postgres://${DB_HOST}/shop" }]);
    expect(service(manifest, "everything")).toMatchObject({ environment: app, environmentAll: true });
    expect(service(manifest, "mapped").environment).toEqual([
      ...app,
      { key: "PORT", value: "3000" },
      { key: "RATIO", value: "1.50" },
      { key: "DEBUG", value: "false" },
      { key: "LOG_LEVEL" },
      { key: "NAME", value: "racknet" },
    ]);
  });

  it("applies Convox's defaults in one place", () => {
    const web = service(parsed("services:\n  web:\n    image: nginx:1.27\n"), "web");
    expect(web).toMatchObject({
      scale: { min: 1, max: 1, cpu: 256, memory: 512, targets: {}, cooldown: { up: 60, down: 60 } },
      health: { path: "/", interval: 5, grace: 5, timeout: 4 },
      deployment: { minimum: 100, maximum: 200 },
      drain: 30,
      sticky: true,
      whitelist: [],
      init: false,
      links: [],
      environment: [],
      environmentAll: false,
    });
    expect(web.terminationGrace).toBeUndefined();
    expect(web.build).toBeUndefined();
    expect(web.port).toBeUndefined();
    expect(web.internal || web.internalAndExternal || web.internalRouter).toBe(false);
  });

  it("reads scale, health and command in their forms", () => {
    const manifest = parsed(`services:
  a:
    image: example/a:1
    scale: 3
    health: /ready
    command: bin/web --port 3000
  b:
    image: example/b:1
    scale: {count: 2, cpu: 1024}
    health: {path: /health, interval: 10, grace: 30}
    command: ["bin/web", "--name", "two words"]
`);
    expect(service(manifest, "a")).toMatchObject({ scale: { min: 3, max: 3, cpu: 256, memory: 512 }, health: { path: "/ready" } });
    expect(service(manifest, "a").command).toEqual({ text: "bin/web --port 3000", argv: ["bin/web", "--port", "3000"], shell: false });
    // cpu 1024 without memory: the smallest memory Fargate allows with it, not Convox's 512.
    expect(service(manifest, "b")).toMatchObject({ scale: { min: 2, max: 2, cpu: 1024, memory: 2048 }, health: { path: "/health", interval: 10, grace: 30, timeout: 9 } });
    expect(service(manifest, "b").command?.argv).toEqual(["bin/web", "--name", "two words"]);
  });

  it("keeps services in file order, with the positions of their keys", () => {
    const manifest = parsed("services:\n  web:\n    image: nginx:1.27\n    links: [api]\n  api:\n    image: a:1\n    port: 80\n");
    expect(manifest.services.map((entry) => entry.name)).toEqual(["web", "api"]);
    expect(manifest.positions?.get("services.api.port")).toEqual({ line: 7, column: 5 });
    expect(manifest.positions?.get("services.web.links[0]")).toEqual({ line: 4, column: 13 });
  });

  it("an empty file (zero bytes) is one problem naming line 1", () => {
    const { manifest, problems } = parseManifest("", "convox.yml");
    expect(manifest).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:1:1", message: "convox.yml is empty" })]);
  });

  it("services: with nothing under it says what services must be", () => {
    const { problems } = parseManifest("services:\n", "convox.yml");
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:1:1", path: "services", message: expect.stringContaining("services must be a map of service names to services") })]);
  });

  it("problems come in the order of the file's lines", () => {
    const { problems } = parseManifest("services:\n  b:\n    image: x\n    port: 0\n  a:\n    image: y\n    port: -1\n    links: [zz]\n", "convox.yml");
    expect(problems.map((problem) => problem.where)).toEqual(["convox.yml:4:11", "convox.yml:7:11", "convox.yml:8:13"]);
  });
});

describe("loadManifest", () => {
  it("a missing file is a clear error naming the path and -f", async () => {
    const error = await loadManifest("/nonexistent/convox.yml").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe("/nonexistent/convox.yml not found");
    expect((error as UserError).fix).toContain("-f");
  });

  it("throws ValidationErrors with every problem and a summary", async () => {
    const error = await loadManifest(join(fixtures, "bad/internal-without-port.yml")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationErrors);
    expect((error as ValidationErrors).message).toMatch(/internal-without-port\.yml has 3 problems$/);
    expect((error as ValidationErrors).problems).toHaveLength(3);
  });

  it("returns the model and its warnings", async () => {
    const { manifest, warnings } = await loadManifest(join(fixtures, "good/ignored-keys.yml"));
    expect(manifest.services.map((entry) => entry.name)).toEqual(["web", "worker"]);
    expect(warnings.map((warning) => warning.path)).toContain("services.web.annotations");
    expect(warnings.map((warning) => warning.path)).not.toContain("services.web.domain");
  });

  it("with a context, the rack-aware rules run too", async () => {
    const error = await loadManifest(join(fixtures, "good/every-kind.yml"), { app: "shop", rack: "prod", params: { Private: "No", Internal: "No", InternalOnly: "No", internal_router: "false", internal_router_cidrs: "", internal_router_vpcs: "", Domain: "", HostedZoneId: "", VPCCIDR: "10.0.0.0/16", BuildInstance: "BUILD_GENERAL1_SMALL", NatGateways: "PerZone", VpcEndpoints: "No", ExistingVpc: "", ExistingPublicSubnets: "", ExistingPrivateSubnets: "", TransitGatewayId: "", TransitGatewayCidrs: "", LoadBalancerIdleTimeout: "60" } }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ValidationErrors).problems.map((problem) => problem.path)).toEqual(["services.api.internal", "services.admin.internalAndExternal", "services.peer.internalRouter"]);
  });
});
