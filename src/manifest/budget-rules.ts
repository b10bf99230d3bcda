/**
 * The checks Convox makes on `budget:` (convox/convox pkg/manifest/validate.go,
 * validateBudget, rules 1–10a), each at its key, so a budget is judged as Convox judges it
 * even though racknet refuses the key itself (keys.ts: it builds no budget yet). Pure.
 */
import type { Problem } from "../core/errors.js";
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
  if (autoShutdown && services.length > 0) {
    const exempt = new Set(Array.isArray(budget.neverAutoShutdown) ? budget.neverAutoShutdown.filter((name): name is string => typeof name === "string") : []);
    if (services.every((name) => exempt.has(name))) {
      note(problems, at("neverAutoShutdown"), "budget.neverAutoShutdown lists every service, so auto-shutdown could stop none (Convox's rule 10)", "remove a service from neverAutoShutdown, or write atCapAction: block-new-deploys");
    }
  }
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
