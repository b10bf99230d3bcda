import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkManifest, exposureSummary, parseManifest, type Manifest } from "../../src/manifest/index.js";
import { applyAssignments, defaultParams, type RackParams } from "../../src/rack/params.js";
import { service } from "../support/service.js";

const everyKindText = readFileSync(join(import.meta.dirname, "../fixtures/manifests/good/every-kind.yml"), "utf8");

function everyKind(): Manifest {
  const { manifest } = parseManifest(everyKindText, "convox.yml");
  if (!manifest) throw new Error("every-kind.yml should parse");
  return manifest;
}

function params(...assignments: string[]): RackParams {
  const result = applyAssignments(defaultParams(), assignments, "install");
  expect(result.problems).toEqual([]);
  return result.params;
}

describe("rack-aware rules (SPEC section 3)", () => {
  it("a rack with every feature accepts every kind of service", () => {
    expect(checkManifest(everyKind(), { app: "shop", rack: "prod", params: params("Internal=Yes", "internal_router=true") })).toEqual([]);
  });

  it("an internal service on a rack without Internal=Yes: the fix is the command", () => {
    const problems = checkManifest(everyKind(), { app: "shop", rack: "prod", params: params("internal_router=true") });
    expect(problems.map((problem) => [problem.where, problem.path, problem.fix])).toEqual([
      ["convox.yml:11:5", "services.api.internal", "racknet rack params set Internal=Yes"],
      ["convox.yml:15:5", "services.admin.internalAndExternal", "racknet rack params set Internal=Yes"],
    ]);
  });

  it("InternalOnly=Yes names each service that is not internal, with the fix", () => {
    const problems = checkManifest(everyKind(), { app: "shop", rack: "prod", params: params("Internal=Yes", "InternalOnly=Yes", "internal_router=true") });
    expect(problems.map((problem) => problem.path)).toEqual(["services.web.port", "services.admin.internalAndExternal"]);
    expect(problems[0]?.message).toContain("services.web is external, and the rack is InternalOnly=Yes");
    expect(problems[0]?.fix).toBe("mark it internal: true under services.web");
    expect(problems[1]?.fix).toContain("replace internalAndExternal: true with internal: true");
  });

  it("internalRouter without internal_router=true: the fix is the command", () => {
    const problems = checkManifest(everyKind(), { app: "shop", rack: "prod", params: params("Internal=Yes") });
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:19:5", path: "services.peer.internalRouter", fix: "racknet rack params set internal_router=true" })]);
  });

  it("without parameters only the rules of the file and the DNS limits run", () => {
    expect(checkManifest(everyKind(), { app: "shop" })).toEqual([]);
  });

  it("DNS limits use the app and rack names", () => {
    const manifest: Manifest = { file: "convox.yml", timers: [], services: [service("api", { port: { port: 80, scheme: "http" }, internal: true })] };
    const app = "a".repeat(30);
    expect(checkManifest(manifest, { app, rack: "prod" })).toEqual([]);
    const problems = checkManifest(manifest, { app: `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}`, rack: "prod" });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(/DNS names are limited to 253/);
  });

  it("works on a model built by hand (no positions): problems name the file", () => {
    const manifest: Manifest = { file: "convox.yml", timers: [], services: [service("web", { links: ["worker"] }), service("worker")] };
    expect(checkManifest(manifest, { app: "shop" })).toEqual([expect.objectContaining({ where: "convox.yml", path: "services.web.links[0]" })]);
  });
});

describe("exposure summary and link variables", () => {
  it("each service's visibility, endpoints and ports", () => {
    const summary = exposureSummary(everyKind(), { app: "shop", rack: "prod", domain: "example.com" });
    expect(summary.map((entry) => [entry.service, entry.visibility, entry.endpoints.map((endpoint) => endpoint.url), entry.ports])).toEqual([
      ["web", "external", ["https://web.shop.example.com"], "443:3000"],
      ["api", "internal", ["https://api.shop.prod.convox"], "443:4000"],
      ["admin", "internal-and-external", ["https://admin.shop.prod.convox", "https://admin.shop.example.com"], "443:8080"],
      ["peer", "internal-router", ["https://peer.shop.prod.router.convox"], "443:9000"],
      ["worker", "private", [], ""],
    ]);
  });

  it("a link gives the target's most private endpoint: internal, then router, then external", () => {
    const [web] = exposureSummary(everyKind(), { app: "shop", rack: "prod", domain: "example.com" });
    expect(web?.links.map((link) => `${link.name}=${link.value}`)).toEqual([
      "API_URL=https://api.shop.prod.convox",
      "PEER_URL=https://peer.shop.prod.router.convox",
      "ADMIN_URL=https://admin.shop.prod.convox",
    ]);
  });

  it("without a Domain, external names show <Domain> and say they need it", () => {
    const manifest: Manifest = { file: "convox.yml", timers: [], services: [service("web", { port: { port: 80, scheme: "http" }, links: ["billing-api"] }), service("billing-api", { port: { port: 443, scheme: "https" } })] };
    const [web, billing] = exposureSummary(manifest, { app: "shop", rack: "prod" });
    expect(web?.endpoints).toEqual([{ kind: "external", host: "web.shop.<Domain>", url: "https://web.shop.<Domain>", needsDomain: true }]);
    expect(web?.links).toEqual([{ name: "BILLING_API_URL", target: "billing-api", kind: "external", value: "https://billing-api.shop.<Domain>", needsDomain: true }]);
    expect(billing?.ports).toBe("443:443 (https)");
  });
});

describe("environment in list form", () => {
  it("a variable set twice is refused at the second entry's line", async () => {
    const { parseManifest } = await import("../../src/manifest/index.js");
    const text = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      - A=1\n      - B=2\n      - A=3\n";
    const { problems } = parseManifest(text, "convox.yml");
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toBe("convox.yml:7:9");
    expect(problems[0]?.message).toContain("sets A twice (entries 1 and 3)");
    expect(problems[0]?.message).not.toContain("A=3");
  });
});
