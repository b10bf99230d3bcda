/**
 * The price book: on-demand list prices per region from data/prices.json, with the date
 * they were read. Pure: the JSON is part of the program (an import), not read at run time.
 */
import book from "../../data/prices.json" with { type: "json" };

/** CodeBuild's on-demand compute types racknet can name. */
export type CodeBuildComputeType = "BUILD_GENERAL1_SMALL" | "BUILD_GENERAL1_MEDIUM" | "BUILD_GENERAL1_LARGE";

export interface RegionPrices {
  natGatewayHour: number;
  /** Per GB processed by a NAT gateway, in either direction. */
  natGatewayGb: number;
  albHour: number;
  albLcuHour: number;
  /** Absent where no source was found; racknet creates no NLB today. */
  nlbHour?: number;
  nlbLcuHour?: number;
  /** Linux/x86. */
  fargateVcpuHour: number;
  fargateGbHour: number;
  codebuildMinute?: Partial<Record<CodeBuildComputeType, number>>;
  logsIngestionGb?: number;
  /** An interface VPC endpoint, per endpoint per AZ it has an interface in. */
  vpcEndpointHour: number;
  /** Per GB processed by interface endpoints (the first PB of the month). */
  vpcEndpointGb: number;
  /** Data transfer between Availability Zones of the region, per GB in each direction. */
  interAzGb: number;
  sources: Readonly<Record<string, string>>;
}

/** Prices that are the same in every commercial region. */
export interface GlobalPrices {
  publicIpv4Hour: number;
  route53HostedZoneMonth: number;
  kmsKeyMonth: number;
  sources: Readonly<Record<string, string>>;
}

export interface PriceBook {
  date: string;
  maxAgeDays: number;
  currency: string;
  hoursPerMonth: number;
  global: GlobalPrices;
  usageOnly: Readonly<Record<string, string>>;
  regions: Readonly<Record<string, RegionPrices>>;
}

/** Checked against PriceBook when compiled: a field missing from the file breaks the build. */
export const PRICE_BOOK: PriceBook = book;

/** Everything the cost model needs for one region, or undefined when the book has no prices for it. */
export interface Prices {
  region: string;
  date: string;
  hoursPerMonth: number;
  regional: RegionPrices;
  global: GlobalPrices;
  usageOnly: Readonly<Record<string, string>>;
}

export function pricesFor(region: string, priceBook: PriceBook = PRICE_BOOK): Prices | undefined {
  const regional = Object.hasOwn(priceBook.regions, region) ? priceBook.regions[region] : undefined;
  if (!regional) return undefined;
  return { region, date: priceBook.date, hoursPerMonth: priceBook.hoursPerMonth, regional, global: priceBook.global, usageOnly: priceBook.usageOnly };
}

export function noPricesMessage(region: string): string {
  return `no prices for ${region}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from the book's own date to `now`. */
export function priceBookAgeDays(now: Date, priceBook: PriceBook = PRICE_BOOK): number {
  return Math.floor((now.getTime() - Date.parse(`${priceBook.date}T00:00:00Z`)) / DAY_MS);
}
