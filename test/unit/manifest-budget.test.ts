import { describe, expect, it } from "vitest";
import { parseManifest, type Manifest } from "../../src/manifest/index.js";

/**
 * `budget:` (issue 28, item 5): every rule Convox checks (convox/convox pkg/manifest/validate.go,
 * validateBudget; its auto_shutdown_test.go names them), each refused at its key and line with a
 * fix, as Convox's eleven invalid fixtures are; the parts racknet cannot do faithfully refused by
 * name; what a valid budget builds.
 */

const SERVICES = "services:\n  api:\n    image: example/api:1\n  worker:\n    image: example/worker:1\n";
const HOOK = "https://hooks.example.com/budget";

function check(budget: string, services = SERVICES) {
  return parseManifest(`${services}budget:\n${budget}`, "convox.yml", { app: "shop", rack: "prod" });
}

function refusal(budget: string, services?: string) {
  const { problems } = check(budget, services);
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) expect(problem.fix).toBeTruthy();
  return problems;
}

describe("budget: Convox's rules, each at its key", () => {
  it("rule 1: auto-shutdown without atCapWebhookUrl", () => {
    const [problem] = refusal("  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n");
    expect(problem).toMatchObject({ path: "budget.atCapAction", where: "convox.yml:8:3" });
    expect(problem?.message).toContain("needs budget.atCapWebhookUrl");
  });

  it("rule 2: auto-shutdown without monthlyCapUsd above 0", () => {
    const [problem] = refusal(`  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n`);
    expect(problem?.message).toContain("needs budget.monthlyCapUsd above 0");
  });

  it("rule 3: a name in neverAutoShutdown that is no service is a warning, and skipped", () => {
    const { problems, warnings, manifest } = check(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n  neverAutoShutdown: [api, nope]\n`);
    expect(problems).toEqual([]);
    expect(warnings.map((warning) => warning.path)).toEqual(["budget.neverAutoShutdown[1]"]);
    expect((manifest as Manifest).budget?.neverAutoShutdown).toEqual(["api"]);
  });

  it.each([
    ["rule 4: notifyBeforeMinutes outside 5–1440", "  notifyBeforeMinutes: 2000\n", "budget.notifyBeforeMinutes", "must be from 5 to 1440"],
    ["rule 5: shutdownGracePeriod outside 0s–1h", "  shutdownGracePeriod: 2h\n", "budget.shutdownGracePeriod", "must be from 0s to 1h"],
    ["rule 6: shutdownGracePeriod not a Go duration", "  shutdownGracePeriod: five minutes\n", "budget.shutdownGracePeriod", "must be a duration"],
    ["rule 7: shutdownOrder not an order", "  shutdownOrder: random\n", "budget.shutdownOrder", "must be largest-cost or newest"],
    ["rule 7a: shutdownOrder priority-annotation is reserved", "  shutdownOrder: priority-annotation\n", "budget.shutdownOrder", "reserved by Convox"],
    ["rule 8: recoveryMode scheduled is reserved", "  recoveryMode: scheduled\n", "budget.recoveryMode", "reserved by Convox"],
    ["rule 9: recoveryMode not a mode", "  recoveryMode: sometimes\n", "budget.recoveryMode", "must be auto-on-reset or manual"],
    ["rule 10: neverAutoShutdown lists every service", "  neverAutoShutdown: [api, worker]\n", "budget.neverAutoShutdown", "lists every service"],
  ])("%s", (_name, extra, path, words) => {
    const problems = refusal(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n${extra}`);
    expect(problems.map((problem) => problem.path)).toEqual([path]);
    expect(problems[0]?.where).toBe("convox.yml:10:3");
    expect(problems[0]?.message).toContain(words);
  });

  it("rule 10a: auto-shutdown in an app with no service", () => {
    const problems = refusal(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n`, "services: {}\n");
    expect(problems.find((problem) => problem.path === "budget.atCapAction")?.message).toContain("needs at least one service");
  });

  it("atCapAction must be one of Convox's", () => {
    const problems = refusal(`  monthlyCapUsd: 100\n  atCapAction: panic\n  atCapWebhookUrl: ${HOOK}\n`);
    expect(problems[0]).toMatchObject({ path: "budget.atCapAction" });
  });
});

describe("budget: the parts racknet cannot do faithfully are refused by name", () => {
  it("block-new-deploys: a deploy does not read the spend yet", () => {
    const [problem] = refusal(`  monthlyCapUsd: 100\n  atCapAction: block-new-deploys\n  atCapWebhookUrl: ${HOOK}\n`);
    expect(problem).toMatchObject({ path: "budget.atCapAction" });
    expect(problem?.message).toContain("block-new-deploys");
  });

  it("alerts with nowhere to go: no atCapWebhookUrl", () => {
    const [problem] = refusal("  monthlyCapUsd: 100\n  atCapAction: alert-only\n");
    expect(problem?.message).toContain("no atCapWebhookUrl");
  });

  it("no cap: nothing to alert at", () => {
    const [problem] = refusal(`  atCapWebhookUrl: ${HOOK}\n`);
    expect(problem?.message).toContain("monthlyCapUsd above 0");
  });

  it("an eligible service that autoscales (its scalable target would start it again)", () => {
    const services = "services:\n  api:\n    image: example/api:1\n  worker:\n    image: example/worker:1\n    scale: {count: 1-3}\n";
    const [problem] = refusal(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n`, services);
    expect(problem).toMatchObject({ path: "services.worker.scale" });
    expect(check(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n  neverAutoShutdown: [worker]\n`, services).problems).toEqual([]);
  });

  it("a webhook that is not an http(s) URL, or takes ${NAME} (it would be written into the template)", () => {
    expect(refusal("  monthlyCapUsd: 100\n  atCapWebhookUrl: hooks.example.com\n")[0]).toMatchObject({ path: "budget.atCapWebhookUrl" });
    expect(refusal("  monthlyCapUsd: 100\n  atCapWebhookUrl: https://hooks.example.com/${TOKEN}\n")[0]?.message).toContain("cannot take ${NAME}");
  });

  it("a grace period longer than Fargate gives (120 s) is a warning: tasks get their termination.grace", () => {
    const { problems, warnings } = check(`  monthlyCapUsd: 100\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n  shutdownGracePeriod: 5m\n`);
    expect(problems).toEqual([]);
    expect(warnings.map((warning) => warning.path)).toEqual(["budget.shutdownGracePeriod"]);
  });
});

describe("budget: what a valid one builds", () => {
  it("Convox's full example: the cap, the threshold, auto-shutdown with its order, notice and recovery", () => {
    const { problems, manifest } = check(
      `  monthlyCapUsd: 500\n  alertThresholdPercent: 75\n  atCapAction: auto-shutdown\n  atCapWebhookUrl: ${HOOK}\n  neverAutoShutdown: [api]\n  shutdownOrder: newest\n  notifyBeforeMinutes: 15\n  recoveryMode: manual\n  pricingAdjustment: 0.5\n`,
    );
    expect(problems).toEqual([]);
    expect((manifest as Manifest).budget).toEqual({
      monthlyCapUsd: 500,
      alertThresholdPercent: 75,
      pricingAdjustment: 0.5,
      atCapAction: "auto-shutdown",
      webhookUrl: HOOK,
      neverAutoShutdown: ["api"],
      shutdownOrder: "newest",
      notifyBeforeMinutes: 15,
      recoveryMode: "manual",
    });
  });

  it("Convox's defaults: 80%, alert-only, largest-cost, 30 minutes, auto-on-reset", () => {
    const { problems, manifest } = check(`  monthlyCapUsd: 100\n  atCapWebhookUrl: ${HOOK}\n`);
    expect(problems).toEqual([]);
    expect((manifest as Manifest).budget).toMatchObject({ alertThresholdPercent: 80, pricingAdjustment: 1, atCapAction: "alert-only", shutdownOrder: "largest-cost", notifyBeforeMinutes: 30, recoveryMode: "auto-on-reset" });
  });
});
