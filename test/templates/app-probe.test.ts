import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parseQualifiedName } from "@swimlane/docker-reference";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { renderAppStack } from "../../src/templates/app.js";
import { PROBE_IMAGE, probeScript } from "../../src/templates/app-probe.js";
import type { Json, Template } from "../../src/templates/cfn.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";

/** liveness and startupProbe (Convox 3) as a probe sidecar's ECS container health check. */

const FILE = join(import.meta.dirname, "../fixtures/manifests/good/probes.yml");

function parsed(): Manifest {
  const { manifest, problems } = parseManifest(readFileSync(FILE, "utf8"), "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  return manifest as Manifest;
}

const manifest = parsed();
const environment = resolveEnvironment(manifest, { rack: "prod", app: "shop", stored: {} });
const priorities = Object.fromEntries(manifest.services.map((service, index) => [`${service.name}:external`, 10 + index]));
const template: Template = renderAppStack({ rack: "prod", app: "shop", manifest, version: "0.1.0", priorities, environment: environment.services }).template;
const containers = (id: string) => template.Resources[`${id}TaskDefinition`]?.Properties?.ContainerDefinitions as Record<string, Json>[];
const service = (name: string) => manifest.services.find((candidate) => candidate.name === name)!;

describe("the probe sidecar", () => {
  it("runs beside the service's container, essential, from busybox, with the check as its health check", () => {
    const [main, probe] = containers("WebCustom");
    expect(main?.Name).toBe("web-custom");
    expect(main?.HealthCheck).toBeUndefined();
    expect(probe).toMatchObject({ Name: "web-custom-probe", Image: PROBE_IMAGE, Essential: true, HealthCheck: { Interval: 5, Timeout: 11, Retries: 1 } });
    const command = (probe?.HealthCheck as { Command: string[] }).Command;
    expect(command[0]).toBe("CMD-SHELL");
    expect(command[1]).toContain("wget -q -O /dev/null -T 10 'http://127.0.0.1:8080/startup'");
    expect(command[1]).toContain("wget -q -O /dev/null -T 5 'http://127.0.0.1:8080/live'");
  });

  it("takes a startup probe's unset settings from the liveness check (Convox 3's defaults): budget grace + interval × failures", () => {
    expect(service("web-custom").probe?.startup).toMatchObject({ timeout: 10, budget: 60 + 30 * 10 });
    expect(service("web-inherited").probe).toMatchObject({ interval: 10, startup: { timeout: 3, budget: 15 + 10 * 5 }, liveness: { grace: 15, failureThreshold: 5 } });
    expect(service("web-tcp").probe?.startup).toMatchObject({ check: { tcpPort: 8080 }, budget: 30 + 5 * 20 });
  });

  it("checks liveness.port over HTTP, the path quoted for the shell", () => {
    const command = (containers("AdminPort")[1]?.HealthCheck as { Command: string[] }).Command[1];
    expect(command).toContain(`'http://127.0.0.1:8081/health?deep=1&who='\\''me'\\'''`);
  });

  it("gives a service without probes no sidecar, and a timer only the service's container", () => {
    expect(containers("Worker")).toHaveLength(2);
    const bare = renderAppStack({ rack: "prod", app: "shop", manifest: { ...manifest, services: [{ ...service("worker"), probe: undefined }] }, version: "0.1.0", priorities, environment: environment.services }).template;
    expect((bare.Resources.WorkerTaskDefinition?.Properties?.ContainerDefinitions as Json[]).length).toBe(1);
  });

  it("passes cfn-lint", async () => {
    expect(await cfnLint({ probes: template })).toEqual({ probes: [] });
  }, lintDeadline(1));
});

describe("the check script keeps Kubernetes' probe semantics (run by sh, with wget, nc and date stubbed)", () => {
  const bin = mkdtempSync(join(tmpdir(), "racknet-probe-test-"));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // `date +%s` answers $NOW; wget and nc succeed when $UP holds the URL or port they were asked for.
  stub("date", 'echo "$NOW"');
  stub("wget", 'for last; do :; done; case " $UP " in *" $last "*) exit 0;; esac; exit 1');
  stub("nc", 'for last; do :; done; case " $UP " in *" $last "*) exit 0;; esac; exit 1');
  const state = join(bin, "state");

  function check(name: string, now: number, up: string[]): number {
    const script = probeScript(service(name).probe!).replaceAll("/tmp/racknet-probe", state);
    return spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin`, NOW: String(now), UP: up.join(" ") } }).status ?? -1;
  }
  function start(): void {
    rmSync(state, { recursive: true, force: true });
    spawnSync("sh", ["-c", `mkdir -p ${state} && echo 1000 > ${state}/start`]);
  }

  it("web-custom: healthy while the startup check fails within its budget (360 s), unhealthy after it", () => {
    start();
    expect(check("web-custom", 1000 + 359, [])).toBe(0);
    expect(check("web-custom", 1000 + 360, [])).toBe(1);
  });

  it("web-custom: after the startup check passes, liveness fails only at the third failure in a row", () => {
    start();
    const live = "http://127.0.0.1:8080/live";
    expect(check("web-custom", 1010, ["http://127.0.0.1:8080/startup"])).toBe(0);
    expect(check("web-custom", 1020, [])).toBe(0);
    expect(check("web-custom", 1025, [])).toBe(0);
    expect(check("web-custom", 1030, [live])).toBe(0);
    expect(check("web-custom", 1035, [])).toBe(0);
    expect(check("web-custom", 1040, [])).toBe(0);
    expect(check("web-custom", 1045, [])).toBe(1);
  });

  it("web-tcp: the startup probe connects to the TCP port; worker (startup only) stays healthy once started", () => {
    start();
    expect(check("web-tcp", 1001, ["8080"])).toBe(0);
    start();
    expect(check("worker", 1001, ["9000"])).toBe(0);
    expect(check("worker", 5000, [])).toBe(0);
    start();
    expect(check("worker", 1000 + 10 + 5 * 3, [])).toBe(1);
  });
});

describe("the probe sidecar's image", () => {
  it("is one full reference: ECR Public's registry, Docker's official busybox, and a version tag or a full sha256 digest", () => {
    // parseQualifiedName refuses a name without its registry (docker would read "busybox" as Docker Hub's).
    const reference = parseQualifiedName(PROBE_IMAGE) as unknown as { _domain?: string; _repository?: string; _tag?: string; _digest?: string };
    expect(reference._domain).toBe("public.ecr.aws");
    expect(reference._repository).toBe("docker/library/busybox");
    if (PROBE_IMAGE.includes("@")) expect(PROBE_IMAGE).toMatch(/^[^@:]+@sha256:[0-9a-f]{64}$/);
    else expect(reference._tag).toMatch(/^1\.\d+(\.\d+)?$/);
  });
});
