/**
 * `budget:`: the checks Convox makes (convox/convox pkg/manifest/validate.go, validateBudget,
 * rules 1–10a), each at its key, then the model racknet builds from it (an AWS Budgets budget,
 * and the app's budget function for the webhook and auto-shutdown: src/templates/app-budget.ts),
 * and the parts racknet refuses because it cannot do them faithfully. Pure.
 */
import type { Problem } from "../errors/index.js";
import type { AppBudget, Service } from "./model.js";
import type { PathSegment } from "./source.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");

export const AT_CAP_ACTIONS = ["alert-only", "block-new-deploys", "auto-shutdown"] as const;
export const SHUTDOWN_ORDERS = ["largest-cost", "newest"] as const;
export const RECOVERY_MODES = ["auto-on-reset", "manual"] as const;
/** Convox: the warning goes out 5 minutes to a day before the shutdown. */
export const NOTIFY_BEFORE_MINUTES = { min: 5, max: 1440 } as const;
/** Convox: between SIGTERM and SIGKILL, at most an hour. */
export const SHUTDOWN_GRACE_MAX_SECONDS = 3600;

/** Convox's defaults (pkg/structs/budget.go). */
export const BUDGET_DEFAULTS = { alertThresholdPercent: 80, pricingAdjustment: 1, notifyBeforeMinutes: 30, shutdownOrder: "largest-cost", recoveryMode: "auto-on-reset" } as const;
/** Convox's range for pricingAdjustment (docs/reference/primitives/app/budget.md). */
export const PRICING_ADJUSTMENT = { min: 0.1, max: 1.5 } as const;
/** Fargate: at most 120 seconds between SIGTERM and SIGKILL (ContainerDefinition stopTimeout). */
export const FARGATE_STOP_TIMEOUT_MAX = 120;

export function budgetRules(budget: unknown, services: readonly string[], note: Note, problems: Problem[]): void {
  if (!isRecord(budget)) return;
  const at = (key: string) => ["budget", key];
  const action = text(budget.atCapAction);
  if (action !== "" && !(AT_CAP_ACTIONS as readonly string[]).includes(action)) note(problems, at("atCapAction"), `budget.atCapAction must be ${AT_CAP_ACTIONS.join(", ")}`, "write atCapAction: alert-only");
  const autoShutdown = action === "auto-shutdown";
  if (autoShutdown && text(budget.atCapWebhookUrl) === "") {
    note(problems, at("atCapAction"), "budget.atCapAction auto-shutdown needs budget.atCapWebhookUrl: services are never stopped without a notice (Convox's rule 1)", "add atCapWebhookUrl: https://... (where the notice goes)");
  }
  const cap = budget.monthlyCapUsd;
  if (autoShutdown && !(typeof cap === "number" && cap > 0)) {
    note(problems, "monthlyCapUsd" in budget ? at("monthlyCapUsd") : at("atCapAction"), "budget.atCapAction auto-shutdown needs budget.monthlyCapUsd above 0: there is no cap to shut down at (Convox's rule 2)", "add monthlyCapUsd: 500 (US dollars a month)");
  }
  const notify = budget.notifyBeforeMinutes;
  if (typeof notify === "number" && notify !== 0 && (notify < NOTIFY_BEFORE_MINUTES.min || notify > NOTIFY_BEFORE_MINUTES.max)) {
    note(problems, at("notifyBeforeMinutes"), `budget.notifyBeforeMinutes must be from ${NOTIFY_BEFORE_MINUTES.min} to ${NOTIFY_BEFORE_MINUTES.max} (got ${notify})`, "write notifyBeforeMinutes: 30");
  }
  const grace = text(budget.shutdownGracePeriod);
  if (grace !== "") {
    const seconds = goDuration(grace);
    if (seconds === undefined) note(problems, at("shutdownGracePeriod"), "budget.shutdownGracePeriod must be a duration such as 5m or 30s", "write shutdownGracePeriod: 5m");
    else if (seconds < 0 || seconds > SHUTDOWN_GRACE_MAX_SECONDS) note(problems, at("shutdownGracePeriod"), `budget.shutdownGracePeriod must be from 0s to 1h (got ${grace})`, "write shutdownGracePeriod: 5m");
  }
  const order = text(budget.shutdownOrder);
  if (order === "priority-annotation") note(problems, at("shutdownOrder"), "budget.shutdownOrder priority-annotation is reserved by Convox for a later release", `write shutdownOrder: ${SHUTDOWN_ORDERS.join(" or ")}`);
  else if (order !== "" && !(SHUTDOWN_ORDERS as readonly string[]).includes(order)) note(problems, at("shutdownOrder"), `budget.shutdownOrder must be ${SHUTDOWN_ORDERS.join(" or ")}`, "write shutdownOrder: largest-cost");
  const recovery = text(budget.recoveryMode);
  if (recovery === "scheduled") note(problems, at("recoveryMode"), "budget.recoveryMode scheduled is reserved by Convox for a later release", `write recoveryMode: ${RECOVERY_MODES.join(" or ")}`);
  else if (recovery !== "" && !(RECOVERY_MODES as readonly string[]).includes(recovery)) note(problems, at("recoveryMode"), `budget.recoveryMode must be ${RECOVERY_MODES.join(" or ")}`, "write recoveryMode: auto-on-reset");
  if (autoShutdown && services.length === 0) {
    note(problems, at("atCapAction"), "budget.atCapAction auto-shutdown needs at least one service: a timer-only app has nothing to shut down (Convox's rule 10a)", "write atCapAction: alert-only, or add a service");
  }
  if (autoShutdown && services.length > 0) {
    const exempt = new Set(Array.isArray(budget.neverAutoShutdown) ? budget.neverAutoShutdown.filter((name): name is string => typeof name === "string") : []);
    if (services.every((name) => exempt.has(name))) {
      note(problems, at("neverAutoShutdown"), "budget.neverAutoShutdown lists every service, so auto-shutdown could stop none (Convox's rule 10)", "remove a service from neverAutoShutdown, or write atCapAction: block-new-deploys");
    }
  }
}

/**
 * What racknet builds from a budget that passed Convox's checks, or the problems of the parts it
 * cannot do faithfully (each named, at its key); warnings for what Convox only warns about.
 */
export function readBudget(budget: unknown, services: readonly Service[], note: Note, problems: Problem[], warnings: Problem[]): AppBudget | undefined {
  if (!isRecord(budget)) return undefined;
  const at = (key: string) => ["budget", key];
  const before = problems.length;
  const cap = budget.monthlyCapUsd;
  if (!(typeof cap === "number" && cap > 0)) {
    if (text(budget.atCapAction) !== "auto-shutdown") note(problems, "monthlyCapUsd" in budget ? at("monthlyCapUsd") : ["budget"], "budget needs monthlyCapUsd above 0: an AWS Budgets budget alerts at a share of its limit, and without a cap there is nothing to alert at", "add monthlyCapUsd: 500 (US dollars a month)");
  }
  const action = text(budget.atCapAction) || "alert-only";
  if (action === "block-new-deploys") {
    note(problems, at("atCapAction"), "racknet cannot do budget.atCapAction block-new-deploys yet: a deploy does not read the app's spend, so deploys would go on past the cap", "write atCapAction: alert-only (alerts at the cap) or auto-shutdown (stops the services at the cap)");
  }
  const webhook = text(budget.atCapWebhookUrl);
  if (webhook === "" && action !== "auto-shutdown") {
    note(problems, "atCapAction" in budget ? at("atCapAction") : ["budget"], "budget has no atCapWebhookUrl, and racknet has no other place to send its alerts (Convox also sends them to the rack's webhooks and the Console)", "add atCapWebhookUrl: https://... (where the alerts go)");
  }
  if (webhook !== "" && !/^https?:\/\/[^\s/]+/.test(webhook)) {
    note(problems, at("atCapWebhookUrl"), "budget.atCapWebhookUrl must be an http(s) URL: the budget function POSTs each notice to it", "write atCapWebhookUrl: https://hooks.example.com/budget");
  } else if (webhook.includes("${")) {
    note(problems, at("atCapWebhookUrl"), "budget.atCapWebhookUrl cannot take ${NAME}: the URL is written into the app's template (the budget function's settings), where a value of the app's environment must not appear", "write the URL itself");
  }
  const adjustment = budget.pricingAdjustment;
  if (adjustment !== undefined && adjustment !== 0 && !(typeof adjustment === "number" && adjustment >= PRICING_ADJUSTMENT.min && adjustment <= PRICING_ADJUSTMENT.max)) {
    note(problems, at("pricingAdjustment"), `budget.pricingAdjustment must be from ${PRICING_ADJUSTMENT.min} to ${PRICING_ADJUSTMENT.max}, as Convox takes it`, "write pricingAdjustment: 1");
  }
  const threshold = budget.alertThresholdPercent;
  if (threshold !== undefined && threshold !== 0 && !(typeof threshold === "number" && threshold > 0 && threshold <= 100)) {
    note(problems, at("alertThresholdPercent"), "budget.alertThresholdPercent must be a percentage of the cap from 1 to 100, as Convox takes it", "write alertThresholdPercent: 80");
  }
  const exempt = Array.isArray(budget.neverAutoShutdown) ? budget.neverAutoShutdown.filter((name): name is string => typeof name === "string") : [];
  const known = new Set(services.map((service) => service.name));
  exempt.forEach((name, index) => {
    // Convox's rule 3: a warning, and the name is skipped at runtime.
    if (!known.has(name)) note(warnings, ["budget", "neverAutoShutdown", index], `budget.neverAutoShutdown names ${name}, which is not a service of this manifest; it is skipped`, `remove ${name} from neverAutoShutdown`);
  });
  const grace = text(budget.shutdownGracePeriod);
  const graceSeconds = grace === "" ? undefined : goDuration(grace);
  if (action === "auto-shutdown" && graceSeconds !== undefined && graceSeconds > FARGATE_STOP_TIMEOUT_MAX) {
    // Convox sets the pod's terminationGracePeriod at shutdown; ECS stops a task with its task
    // definition's stopTimeout, at most 120 s on Fargate, set by termination.grace.
    note(warnings, at("shutdownGracePeriod"), `budget.shutdownGracePeriod is ${grace}, and Fargate gives a container at most ${FARGATE_STOP_TIMEOUT_MAX} seconds between SIGTERM and SIGKILL: tasks auto-shutdown stops get their service's termination.grace (ECS stopTimeout, default 30 s)`, `write shutdownGracePeriod: 2m or less, and set each service's termination.grace`);
  }
  const eligible = services.filter((service) => !exempt.includes(service.name));
  if (action === "auto-shutdown") {
    for (const service of eligible) {
      if (service.scale.max > service.scale.min) {
        note(problems, ["services", service.name, "scale"], `racknet cannot auto-shutdown services.${service.name}: it autoscales, and its scalable target would start tasks again after the budget function stops them (Convox pauses KEDA; racknet does not change a scalable target outside its stack)`, `list ${service.name} under budget.neverAutoShutdown, or give it a fixed count`);
      }
    }
  }
  if (problems.length > before || !(typeof cap === "number" && cap > 0)) return undefined;
  const order = (text(budget.shutdownOrder) || BUDGET_DEFAULTS.shutdownOrder) as AppBudget["shutdownOrder"];
  const recovery = (text(budget.recoveryMode) || BUDGET_DEFAULTS.recoveryMode) as AppBudget["recoveryMode"];
  return {
    monthlyCapUsd: cap,
    alertThresholdPercent: typeof threshold === "number" && threshold > 0 ? threshold : BUDGET_DEFAULTS.alertThresholdPercent,
    pricingAdjustment: typeof adjustment === "number" && adjustment > 0 ? adjustment : BUDGET_DEFAULTS.pricingAdjustment,
    atCapAction: action === "auto-shutdown" ? "auto-shutdown" : "alert-only",
    ...(webhook !== "" ? { webhookUrl: webhook } : {}),
    neverAutoShutdown: exempt.filter((name) => known.has(name)),
    shutdownOrder: order,
    notifyBeforeMinutes: typeof budget.notifyBeforeMinutes === "number" && budget.notifyBeforeMinutes > 0 ? budget.notifyBeforeMinutes : BUDGET_DEFAULTS.notifyBeforeMinutes,
    recoveryMode: recovery,
  };
}

/** Go's time.ParseDuration, as Convox reads `shutdownGracePeriod` ("5m", "30s", "1h30m", "1.5s"): seconds, or undefined. */
export function goDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(trimmed);
  if (!match) return undefined;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let seconds = 0;
  for (const part of trimmed.replace(/^[+-]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) seconds += Number(part[1]) * (units[part[2] ?? "s"] ?? 1);
  return match[1] === "-" ? -seconds : seconds;
}
