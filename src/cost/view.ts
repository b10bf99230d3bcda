import type { CostLine, PlanCost, Range, UsageItem } from "./model.js";

/**
 * The cost section in words, for whatever renders it (a table on a terminal, plain lines
 * in CI): every string is ready to print, nothing is styled. `--json` prints the PlanCost
 * itself, with numbers.
 */

export interface CostRow {
  item: string;
  /** After the change (before, for a line that goes away): `3`, `0.5..2`. */
  quantity: string;
  /** `$0.045/hour per NAT gateway` */
  unitPrice: string;
  /** `$98.55`, `$10.00..$40.00`, or `-` when the line does not exist on that side. */
  before: string;
  after: string;
  /** `+$32.85`, `-$65.70`, or `` when unchanged. */
  difference: string;
}

export interface CostView {
  /** `monthly cost: $32.85 -> $131.40 (+$98.55), plus usage; us-east-1 prices read 2026-12-01` */
  headline: string;
  rows: CostRow[];
  /** `NAT gateway data processed (...): $0.045 per GB`, one per usage-based item. */
  usage: string[];
}

export function costView(cost: PlanCost): CostView {
  if (!cost.priced) return { headline: `monthly cost: ${cost.message}, not estimated`, rows: [], usage: [] };
  const before = new Map(cost.before.lines.map((line) => [line.key, line]));
  const after = new Map(cost.after.lines.map((line) => [line.key, line]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const rows = keys.map((key) => row(before.get(key), after.get(key)));
  const notPriced = cost.usage.some((item) => item.notPriced !== undefined) ? ", plus resources not priced" : "";
  const usage = cost.usage.some((item) => item.notPriced === undefined) ? ", plus usage" : "";
  return {
    headline: `monthly cost: ${money(cost.before.monthly)} -> ${money(cost.after.monthly)} (${signed(cost.difference)})${notPriced}${usage}; ${cost.region} prices read ${cost.pricesDate}`,
    rows,
    usage: cost.usage.map(usageText),
  };
}

function row(was: CostLine | undefined, now: CostLine | undefined): CostRow {
  const line = now ?? was;
  if (!line) throw new Error("a cost row needs a line on one side");
  const zero: Range = { min: 0, max: 0 };
  return {
    item: line.item,
    quantity: amount(line.quantity),
    unitPrice: `$${line.unitPrice}/${line.per} per ${line.unit}`,
    before: was ? money(was.monthly) : "-",
    after: now ? money(now.monthly) : "-",
    difference: differenceText(was?.monthly ?? zero, now?.monthly ?? zero),
  };
}

function differenceText(was: Range, now: Range): string {
  const change = { min: round(now.min - was.min), max: round(now.max - was.max) };
  return change.min === 0 && change.max === 0 ? "" : signed(change);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function amount(quantity: Range): string {
  return quantity.min === quantity.max ? `${quantity.min}` : `${quantity.min}..${quantity.max}`;
}

export function money(value: Range): string {
  const one = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;
  return value.min === value.max ? one(value.min) : `${one(value.min)}..${one(value.max)}`;
}

function signed(value: Range): string {
  const one = (n: number) => `${n < 0 ? "-" : "+"}$${Math.abs(n).toFixed(2)}`;
  return value.min === value.max ? one(value.min) : `${one(value.min)}..${one(value.max)}`;
}

function usageText(item: UsageItem): string {
  if (item.unitPrice !== undefined) return `${item.item}: $${item.unitPrice} per ${item.unit ?? "unit"}`;
  return `${item.item}: ${item.notPriced ?? "usage-based"}${item.source ? `, see ${item.source}` : ""}`;
}
