import type { CostEstimate, CostLine, PricedCost, Range, UnpricedCost, UsageItem } from "./model.js";
import { PRICE_BOOK, noPricesMessage, type Prices } from "./prices.js";

/** Building blocks the rack and app cost models share. Pure. */

export function range(min: number, max = min): Range {
  return { min, max };
}

export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export function hourlyLine(prices: Prices, key: string, item: string, quantity: Range, unit: string, unitPrice: number): CostLine {
  const month = (count: number) => cents(count * unitPrice * prices.hoursPerMonth);
  return { key, item, quantity, unit, per: "hour", unitPrice, monthly: range(month(quantity.min), month(quantity.max)) };
}

export function monthlyLine(key: string, item: string, quantity: Range, unit: string, unitPrice: number): CostLine {
  const month = (count: number) => cents(count * unitPrice);
  return { key, item, quantity, unit, per: "month", unitPrice, monthly: range(month(quantity.min), month(quantity.max)) };
}

export function sumMonthly(lines: readonly CostLine[]): Range {
  return lines.reduce((total, line) => range(cents(total.min + line.monthly.min), cents(total.max + line.monthly.max)), range(0));
}

export function priced(prices: Prices, lines: CostLine[], usage: UsageItem[]): PricedCost {
  const kept = lines.filter((line) => line.quantity.max > 0);
  return {
    priced: true,
    region: prices.region,
    currency: "USD",
    pricesDate: prices.date,
    hoursPerMonth: prices.hoursPerMonth,
    lines: kept,
    usage,
    monthly: sumMonthly(kept),
  };
}

export function unpriced(region: string): UnpricedCost {
  return { priced: false, region, message: noPricesMessage(region) };
}

/** What nothing costs: the side of a plan where the rack or app does not exist. */
export function nothing(region: string): PricedCost {
  return { priced: true, region, currency: "USD", pricesDate: PRICE_BOOK.date, hoursPerMonth: PRICE_BOOK.hoursPerMonth, lines: [], usage: [], monthly: range(0) };
}

/** Rack and apps together, as one estimate; unpriced as soon as one part is. */
export function combineCosts(region: string, parts: readonly CostEstimate[]): CostEstimate {
  const base = nothing(region);
  const lines: CostLine[] = [];
  const usage = new Map<string, UsageItem>();
  for (const part of parts) {
    if (!part.priced) return part;
    lines.push(...part.lines);
    for (const item of part.usage) if (!usage.has(item.key)) usage.set(item.key, item);
    base.pricesDate = part.pricesDate;
  }
  return { ...base, lines, usage: [...usage.values()], monthly: sumMonthly(lines) };
}
