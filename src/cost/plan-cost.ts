import { cents, range } from "./lines.js";
import type { CostChange, CostEstimate, CostLine, PlanCost, Range } from "./model.js";

/**
 * The cost of a plan: what exists before and after, line by line, and the difference.
 * Pass `nothing(region)` for the side where the rack or app does not exist (install,
 * first deploy, apps delete, uninstall). Pure.
 */
export function planCost(before: CostEstimate, after: CostEstimate): PlanCost {
  if (!after.priced) return after;
  if (!before.priced) return before;
  const difference = minus(after.monthly, before.monthly);
  return {
    priced: true,
    region: after.region,
    currency: "USD",
    pricesDate: after.pricesDate,
    hoursPerMonth: after.hoursPerMonth,
    before: { lines: before.lines, monthly: before.monthly },
    after: { lines: after.lines, monthly: after.monthly },
    difference,
    changes: lineChanges(before.lines, after.lines),
    usage: after.lines.length > 0 || before.lines.length === 0 ? after.usage : before.usage,
  };
}

function minus(a: Range, b: Range): Range {
  return range(cents(a.min - b.min), cents(a.max - b.max));
}

function lineChanges(before: readonly CostLine[], after: readonly CostLine[]): CostChange[] {
  const old = new Map(before.map((line) => [line.key, line]));
  const changes: CostChange[] = [];
  for (const line of after) {
    const was = old.get(line.key);
    old.delete(line.key);
    const difference = minus(line.monthly, was?.monthly ?? range(0));
    if (difference.min === 0 && difference.max === 0) continue;
    changes.push({ key: line.key, item: line.item, ...(was ? { before: was.monthly } : {}), after: line.monthly, difference });
  }
  for (const line of old.values()) changes.push({ key: line.key, item: line.item, before: line.monthly, difference: minus(range(0), line.monthly) });
  return changes;
}
