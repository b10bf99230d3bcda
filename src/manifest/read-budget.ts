/**
 * `budget:` (Convox 3) with Convox's defaults (pkg/structs/budget.go): alerts at 80%,
 * alert-only at the cap, shutdown largest-cost first after 30 minutes' notice, recovered when
 * the month resets. One default differs: without `shutdownGracePeriod` a task gets its own
 * stop timeout (`termination.grace`), because Fargate's ceiling (120 s) is below Convox's
 * 5m. Tolerant: what the rules refuse keeps its default. Pure.
 */
import type { AtCapAction, Budget } from "./model.js";

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const finite = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

export const BUDGET_DEFAULTS = { alertThresholdPercent: 80, atCapAction: "alert-only", shutdownOrder: "largest-cost", notifyBeforeMinutes: 30, recoveryMode: "auto-on-reset" } as const;

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

export function readBudget(budget: unknown, services: readonly string[]): Budget | undefined {
  if (!isRecord(budget)) return undefined;
  const action = budget.atCapAction;
  const grace = typeof budget.shutdownGracePeriod === "string" ? goDuration(budget.shutdownGracePeriod) : undefined;
  const known = new Set(services);
  return {
    monthlyCapUsd: finite(budget.monthlyCapUsd) ?? 0,
    alertThresholdPercent: finite(budget.alertThresholdPercent) || BUDGET_DEFAULTS.alertThresholdPercent,
    atCapAction: action === "block-new-deploys" || action === "auto-shutdown" ? (action satisfies AtCapAction) : BUDGET_DEFAULTS.atCapAction,
    ...(typeof budget.atCapWebhookUrl === "string" && budget.atCapWebhookUrl.trim() !== "" ? { atCapWebhookUrl: budget.atCapWebhookUrl.trim() } : {}),
    // Convox: a name that is not a service is skipped at run time (with a warning at parse time).
    neverAutoShutdown: Array.isArray(budget.neverAutoShutdown) ? budget.neverAutoShutdown.filter((name): name is string => typeof name === "string" && known.has(name)) : [],
    shutdownOrder: budget.shutdownOrder === "newest" ? "newest" : BUDGET_DEFAULTS.shutdownOrder,
    notifyBeforeMinutes: finite(budget.notifyBeforeMinutes) || BUDGET_DEFAULTS.notifyBeforeMinutes,
    ...(grace !== undefined && grace >= 0 ? { shutdownGraceSeconds: Math.ceil(grace) } : {}),
    recoveryMode: budget.recoveryMode === "manual" ? "manual" : BUDGET_DEFAULTS.recoveryMode,
  };
}
