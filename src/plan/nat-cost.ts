/**
 * NAT gateway prices (USD, on-demand, per hour and per GB processed) for the regions
 * racks are most often in. A region not listed uses DEFAULT_PRICE, a typical price;
 * the estimate says so.
 */
export interface NatPrice {
  hourly: number;
  perGb: number;
}

const PRICES: Readonly<Record<string, NatPrice>> = {
  "us-east-1": { hourly: 0.045, perGb: 0.045 },
  "us-east-2": { hourly: 0.045, perGb: 0.045 },
  "us-west-1": { hourly: 0.048, perGb: 0.048 },
  "us-west-2": { hourly: 0.045, perGb: 0.045 },
  "ca-central-1": { hourly: 0.05, perGb: 0.05 },
  "eu-west-1": { hourly: 0.048, perGb: 0.048 },
  "eu-west-2": { hourly: 0.05, perGb: 0.05 },
  "eu-west-3": { hourly: 0.05, perGb: 0.05 },
  "eu-central-1": { hourly: 0.052, perGb: 0.052 },
  "eu-north-1": { hourly: 0.046, perGb: 0.046 },
  "ap-south-1": { hourly: 0.056, perGb: 0.056 },
  "ap-southeast-1": { hourly: 0.059, perGb: 0.059 },
  "ap-southeast-2": { hourly: 0.059, perGb: 0.059 },
  "ap-northeast-1": { hourly: 0.062, perGb: 0.062 },
  "ap-northeast-2": { hourly: 0.059, perGb: 0.059 },
  "sa-east-1": { hourly: 0.093, perGb: 0.093 },
};

export const DEFAULT_PRICE: NatPrice = { hourly: 0.06, perGb: 0.06 };

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;

export function natPrice(region: string): { price: NatPrice; known: boolean } {
  const price = PRICES[region];
  return price ? { price, known: true } : { price: DEFAULT_PRICE, known: false };
}

export function natMonthlyCost(count: number, region: string): number {
  return Math.round(count * natPrice(region).price.hourly * HOURS_PER_MONTH * 100) / 100;
}

/** "about $98.55/month plus $0.045/GB processed" for three gateways in us-east-1. */
export function natCostPhrase(count: number, region: string): string {
  const { price, known } = natPrice(region);
  const phrase = `about $${natMonthlyCost(count, region).toFixed(2)}/month plus $${price.perGb.toFixed(3)}/GB processed`;
  return known ? phrase : `${phrase} (a typical region's price; ${region} may differ)`;
}

/** "3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed". */
export function natCreatedSentence(count: number, region: string): string {
  const noun = count === 1 ? "1 NAT gateway" : `${count} NAT gateways`;
  return `${noun} will be created: ${natCostPhrase(count, region)}`;
}
