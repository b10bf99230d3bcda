import { cents } from "../cost/lines.js";
import { noPricesMessage, pricesFor } from "../cost/prices.js";

/**
 * NAT gateway cost in words (SPEC section 2: count × hourly price × 730 h, plus the price per
 * GB processed), from the price book. A region without prices says so: no typical price.
 */

export interface NatPrice {
  hourly: number;
  perGb: number;
  hoursPerMonth: number;
}

export function natPrice(region: string): NatPrice | undefined {
  const prices = pricesFor(region);
  return prices ? { hourly: prices.regional.natGatewayHour, perGb: prices.regional.natGatewayGb, hoursPerMonth: prices.hoursPerMonth } : undefined;
}

/** USD per month for `count` gateways, or undefined without prices for the region. */
export function natMonthlyCost(count: number, region: string): number | undefined {
  const price = natPrice(region);
  return price ? cents(count * price.hourly * price.hoursPerMonth) : undefined;
}

/** "about $98.55/month plus $0.045/GB processed" for three gateways in us-east-1. */
export function natCostPhrase(count: number, region: string): string {
  const price = natPrice(region);
  if (!price) return `${noPricesMessage(region)}: cost not estimated`;
  return `about $${cents(count * price.hourly * price.hoursPerMonth).toFixed(2)}/month plus $${price.perGb.toFixed(3)}/GB processed`;
}

/** "3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed". */
export function natCreatedSentence(count: number, region: string): string {
  return `${natNoun(count)} will be created: ${natCostPhrase(count, region)}`;
}

export function natNoun(count: number): string {
  return count === 1 ? "1 NAT gateway" : `${count} NAT gateways`;
}
