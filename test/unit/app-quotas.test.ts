import { describe, expect, it } from "vitest";
import type { Service } from "../../src/manifest/model.js";
import { appTemplate } from "../../src/templates/app.js";
import { STACK_QUOTAS, checkAppQuotas, quotaUse } from "../../src/templates/app-quotas.js";
import { renderTemplate } from "../../src/templates/cfn.js";
import { UserError } from "../../src/errors/index.js";
import { service } from "../support/service.js";

/** An app stack must fit CloudFormation's quotas; one that does not is refused before any AWS write. */

function services(count: number, prefix: string, extra: Partial<Service> = {}): Service[] {
  return Array.from({ length: count }, (_, index) => service(`${prefix}${index + 1}`, { image: "example/app:1", ...extra }));
}

const internal = (count: number) => services(count, "api", { port: { port: 8080, scheme: "http" }, internal: true });
const external = (count: number) => services(count, "web", { port: { port: 3000, scheme: "http" } });
const workers = (count: number) => services(count, "worker");

function app(list: Service[]) {
  const priorities: Record<string, number> = {};
  list.forEach((service, index) => {
    priorities[`${service.name}:internal`] = index + 1;
    priorities[`${service.name}:external`] = index + 1;
  });
  const manifest = { file: "convox.yml", services: list, timers: [] };
  const template = appTemplate({ rack: "prod", app: "big", manifest, version: "0.1.0", priorities });
  return { manifest, template, check: () => checkAppQuotas("big", manifest, template) };
}

const used = (list: Service[]) => Object.fromEntries(quotaUse(app(list).template).map((entry) => [entry.quota, entry.used]));

function refusal(list: Service[]): UserError {
  try {
    app(list).check();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("the app was not refused");
}

describe("CloudFormation quotas of an app stack", () => {
  it("an app costs 3 resources (security group, execution role, the ECS Exec task role, made only with Exec=Yes but counted by CloudFormation); a service 2 and 1 output; an internal endpoint 3 more, an external one 3 (its public DNS record too) and the app's public certificate 2 (issue 23)", () => {
    expect(used(workers(1))).toMatchObject({ resources: 3 + 2, outputs: 1 });
    expect(used(internal(1))).toMatchObject({ resources: 3 + 5, outputs: 1 });
    expect(used(external(1))).toMatchObject({ resources: 3 + 2 + 5, outputs: 1 });
  });

  it("150 services (45 internal, 20 external, 85 private workers) fit every quota", () => {
    const big = [...internal(45), ...external(20), ...workers(85)];
    const use = used(big);
    expect(use).toMatchObject({ resources: 500, outputs: 150 });
    expect(use.parameters).toBeLessThanOrEqual(STACK_QUOTAS.parameters);
    expect(use.templateBytes).toBeGreaterThan(51_200);
    expect(use.templateBytes).toBeLessThan(STACK_QUOTAS.templateBytes);
    expect(() => app(big).check()).not.toThrow();
  });

  it("500 resources exactly is accepted; one service more is refused with both numbers", () => {
    const atLimit = [...internal(39), ...workers(151)];
    expect(used(atLimit).resources).toBe(500);
    expect(() => app(atLimit).check()).not.toThrow();

    const error = refusal([...internal(39), ...workers(152)]);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain("app big needs 502 CloudFormation resources (a stack allows 500)");
    expect(error.message).not.toContain("stack outputs");
    expect(error.message).toContain("39 internal endpoints at 3 resources");
    expect(error.message).toContain("nothing was changed");
    expect(error.fix).toBe("split big into smaller apps (each its own convox.yml and -a name), or give fewer services a port");
  });

  it("100 internal services need 503 resources: refused, though the listener would hold their 100 rules", () => {
    expect(refusal(internal(100)).message).toContain("503 CloudFormation resources");
  });

  it("more than 200 services are refused for their outputs, even when the resources fit", () => {
    const error = refusal(workers(201));
    expect(error.message).toContain("201 stack outputs (a stack allows 200)");
    expect(error.message).not.toContain("resources (a stack");
    expect(error.fix).toBe("split big into smaller apps (each its own convox.yml and -a name)");
  });

  it("names every quota an app exceeds", () => {
    const error = refusal(workers(251));
    expect(error.message).toContain("505 CloudFormation resources (a stack allows 500), 251 stack outputs (a stack allows 200)");
  });

  it("a template over 1 MB, even through S3, is refused with its size", () => {
    // Environment values live in SSM, not the template: long commands make it heavy instead.
    // Each task definition stays under ECS's 64 KiB; together they pass 1 MB.
    const argument = "x".repeat(50_000);
    const heavy = services(22, "fat", { command: { text: argument, argv: [argument], shell: false } });
    const { template } = app(heavy);
    const bytes = Buffer.byteLength(renderTemplate(template));
    expect(bytes).toBeGreaterThan(STACK_QUOTAS.templateBytes);
    expect(refusal(heavy).message).toContain(`${bytes} bytes of template (a stack allows 1048576)`);
  });
});

describe("ECS's task definition size (issue 21, item 11)", () => {
  /** The app environment as the deploy resolves it: every name from SSM, as in `environment: ["*"]` with 1,000 variables. */
  function withEnvironment(count: number) {
    const web = service("web", { image: "example/app:1" });
    const manifest = { file: "convox.yml", services: [web], timers: [] };
    const names = Array.from({ length: count }, (_, index) => `SETTING_NUMBER_${String(index).padStart(4, "0")}_OF_THE_APP`);
    const secrets = Object.fromEntries(names.map((name) => [name, `/racknet/prod/apps/big/env/${name}`]));
    const template = appTemplate({ rack: "prod", app: "big", manifest, version: "0.1.0", priorities: {}, environment: { web: { secrets, empty: [] } } });
    return () => checkAppQuotas("big", manifest, template);
  }

  it("1,000 environment variables (over 64 KiB of Secrets) are refused before any write, naming the service and the limit", () => {
    expect(() => withEnvironment(1000)()).toThrow(UserError);
    expect(() => withEnvironment(1000)()).toThrow(/task definition prod-big-web would be about \d+ KB \(100\d environment variables\); ECS takes at most 64 KiB/);
  });

  it("a few hundred fit", () => {
    expect(() => withEnvironment(200)()).not.toThrow();
  });
});
