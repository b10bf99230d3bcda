import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandContext, GlobalOptions } from "../../src/runtime/context.js";
import { ValidationErrors } from "../../src/errors/index.js";
import { run as checkWorkflow } from "../../src/operations/manifest-check.js";
import { printing } from "../support/printing.js";
import { splitRackParams } from "../../src/rack/param-list.js";
import { buildProgram } from "../../src/cli.js";
import { checkManifest, parseManifest } from "../../src/manifest/index.js";
import { applyAssignments, defaultParams } from "../../src/rack/params.js";
import { Printer } from "../../src/ui/printer.js";
import { Capture, noAws as offlineAws } from "../support/offline.js";
import { testPorts } from "../support/ports.js";
const run = printing(checkWorkflow);

const fixtures = join(import.meta.dirname, "../fixtures/manifests");


const noAws = offlineAws("manifest check");

function context(options: Partial<GlobalOptions> = {}): { context: CommandContext; stdout: Capture; stderr: Capture } {
  const stdout = new Capture();
  const stderr = new Capture();
  const global: GlobalOptions = { json: false, color: false, debug: false, yes: false, dryRun: false, app: "shop", ...options };
  const printer = new Printer({ json: global.json, color: false, debug: false, stdout, stderr });
  return { context: { options: global, printer, aws: noAws, ...testPorts(global), awsCalls: () => 0 }, stdout, stderr };
}

describe("racknet manifest check", () => {
  it("runs through the real command line: -f, --rack-params, -a, -r and --json reach the command", async () => {
    let stdout: Capture | undefined;
    const program = buildProgram(async (declaration, args, globals) => {
      const made = context({ json: globals.json, app: globals.app, rack: globals.rack });
      stdout = made.stdout;
      const workflow = printing(await declaration.load());
      await workflow(made.context, args);
    });
    await program.parseAsync(["manifest", "check", "-f", join(fixtures, "good/every-kind.yml"), "--rack-params", "Internal=Yes,internal_router=true", "-a", "shop", "-r", "prod", "--json"], { from: "user" });
    const result = JSON.parse(stdout?.text ?? "") as { app: string; rack: string; params: { Internal: string }; services: { service: string; links: { name: string; value: string }[] }[] };
    expect([result.app, result.rack, result.params.Internal]).toEqual(["shop", "prod", "Yes"]);
    expect(result.services.find((entry) => entry.service === "web")?.links[0]).toMatchObject({ name: "API_URL", value: "https://api.shop.prod.convox" });
  });

  it("prints each service's visibility, endpoints, ports and link variables", async () => {
    const { context: ctx, stdout, stderr } = context({ rack: "prod" });
    await run(ctx, { file: join(fixtures, "good/every-kind.yml"), rackParams: "Internal=Yes,internal_router=true,Domain=example.com" });
    expect(stdout.text).toContain("SERVICE  VISIBILITY");
    expect(stdout.text).toMatch(/web\s+external\s+https:\/\/web\.shop\.example\.com\s+443:3000\s+API_URL=https:\/\/api\.shop\.prod\.convox PEER_URL=/);
    expect(stdout.text).toMatch(/worker\s+private\s+private network only/);
    expect(stderr.text).toContain("is valid: 5 services (app shop, rack prod)");
  });

  it("--json gives the summary on stdout and nothing else", async () => {
    const { context: ctx, stdout } = context({ json: true });
    await run(ctx, { file: join(fixtures, "good/ignored-keys.yml"), rackParams: undefined });
    const result = JSON.parse(stdout.text) as { rack: string; services: { service: string; endpoints: { url: string | null; needsDomain?: boolean; host?: string }[] }[]; warnings: unknown[] };
    expect(result.rack).toBe("rack");
    expect(result.services[0]?.endpoints[0]).toEqual({ kind: "external", url: null, needsDomain: true, host: "web.shop.<Domain>" });
    expect(result.warnings).toHaveLength(6);
  });

  it("prints warnings with file:line and key path", async () => {
    const { context: ctx, stderr } = context();
    await run(ctx, { file: join(fixtures, "good/ignored-keys.yml"), rackParams: undefined });
    expect(stderr.text).toMatch(/warning: .*ignored-keys\.yml:14:5 services\.web\.annotations: racknet does not act on services\.web\.annotations/);
  });

  it("fails with every problem: the rack-aware rules run with --rack-params", async () => {
    const { context: ctx } = context();
    const error = await run(ctx, { file: join(fixtures, "good/every-kind.yml"), rackParams: "InternalOnly=Yes,Internal=Yes" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationErrors);
    expect((error as ValidationErrors).message).toMatch(/every-kind\.yml has 3 problems$/);
    expect((error as ValidationErrors).problems.map((problem) => problem.path)).toEqual(["services.web.port", "services.admin.internalAndExternal", "services.peer.internalRouter"]);
  });

  it("rejects bad --rack-params through the rack's own rules", async () => {
    const { context: ctx } = context();
    const error = await run(ctx, { file: join(fixtures, "good/every-kind.yml"), rackParams: "Internl=Yes,InternalOnly=Yes" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationErrors);
    expect((error as ValidationErrors).problems.map((problem) => problem.message)).toEqual([
      'unknown parameter "Internl"; did you mean Internal?',
      "InternalOnly=Yes removes the external load balancer and needs the internal one",
    ]);
  });

  it("a CIDR list keeps its commas", () => {
    expect(splitRackParams("Internal=Yes,internal_router_cidrs=10.1.0.0/16,10.2.0.0/16, Domain=example.com")).toEqual(["Internal=Yes", "internal_router_cidrs=10.1.0.0/16,10.2.0.0/16", "Domain=example.com"]);
  });

  it("a missing file names the path and -f", async () => {
    const { context: ctx } = context();
    const error = (await run(ctx, { file: "nowhere/convox.yml", rackParams: undefined }).catch((caught: unknown) => caught)) as Error & { fix?: string };
    expect(error.message).toBe("nowhere/convox.yml not found");
    expect(error.fix).toContain("-f");
  });
});

describe("big manifests (their speed is measured by npm run bench)", () => {
  it("a 500-service manifest parses and checks without problems", () => {
    const lines = ["services:"];
    for (let index = 0; index < 500; index += 1) {
      lines.push(`  service-${index}:`, `    image: example/service:${index}`, `    port: ${3000 + index}`, `    environment: [INDEX=${index}, LOG_LEVEL]`);
      if (index % 3 === 0) lines.push("    internal: true");
      if (index > 0) lines.push(`    links: [service-${index - 1}]`);
    }
    const text = `${lines.join("\n")}\n`;
    const params = applyAssignments(defaultParams(), ["Internal=Yes"], "install").params;
    const { manifest, problems } = parseManifest(text, "convox.yml", { app: "shop", rack: "prod", params });
    const rackProblems = manifest ? checkManifest(manifest, { app: "shop", rack: "prod", params }) : [];
    expect(problems).toEqual([]);
    expect(rackProblems).toEqual([]);
    expect(manifest?.services).toHaveLength(500);
  });
});
