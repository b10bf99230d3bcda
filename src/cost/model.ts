/**
 * What racknet says a rack or an app costs: itemised lines priced from the price book,
 * and the usage-based items it cannot know in advance, named with their rate. Pure data,
 * in USD; `--json` prints it as it is.
 */

/** A quantity or an amount that is a range when a service autoscales: min..max tasks. */
export interface Range {
  min: number;
  max: number;
}

export interface CostLine {
  /** Stable id, the same before and after a change: `nat-gateways`, `fargate-vcpu:shop/web`. */
  key: string;
  /** In words: `NAT gateways`, `Fargate vCPU, shop/web (0.25 vCPU × 1..4 tasks)`. */
  item: string;
  /** How many `unit`s: gateways, vCPUs, GB of memory, addresses, zones. */
  quantity: Range;
  unit: string;
  /** Whether `unitPrice` is per hour (billed hourly, a month is `hoursPerMonth` hours) or per month. */
  per: "hour" | "month";
  /** USD per unit per `per`. */
  unitPrice: number;
  /** USD per month, rounded to cents. */
  monthly: Range;
}

/** Billed by use (traffic, requests, build minutes): named, with its rate where the book has it. */
export interface UsageItem {
  key: string;
  item: string;
  /** USD per `unit`, when the book has a price for the region. */
  unitPrice?: number;
  unit?: string;
  /** The pricing page, for items without a price in the book. */
  source?: string;
  /** Billed by the hour, but not priced by racknet (a database or cache, issue 29): why, instead of "usage-based". */
  notPriced?: string;
}

export interface PricedCost {
  priced: true;
  region: string;
  currency: "USD";
  /** The date the prices were read (data/prices.json). */
  pricesDate: string;
  hoursPerMonth: number;
  lines: CostLine[];
  usage: UsageItem[];
  monthly: Range;
}

/** A region the price book has no prices for: said, never guessed. */
export interface UnpricedCost {
  priced: false;
  region: string;
  /** `no prices for xx-nowhere-9` */
  message: string;
}

export type CostEstimate = PricedCost | UnpricedCost;

export interface CostChange {
  key: string;
  item: string;
  /** Absent when the line is new. */
  before?: Range;
  /** Absent when the line goes away. */
  after?: Range;
  /** after - before, at the lowest scale (min) and at the highest (max). */
  difference: Range;
}

export interface PricedPlanCost {
  priced: true;
  region: string;
  currency: "USD";
  pricesDate: string;
  hoursPerMonth: number;
  before: { lines: CostLine[]; monthly: Range };
  after: { lines: CostLine[]; monthly: Range };
  /** after - before, at the lowest scale (min) and at the highest (max). */
  difference: Range;
  /** Only the lines whose monthly amount changes. */
  changes: CostChange[];
  /** Usage-based items of what exists after the change (or before, when nothing does after). */
  usage: UsageItem[];
}

export type PlanCost = PricedPlanCost | UnpricedCost;
