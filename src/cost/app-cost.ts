import { cents, hourlyLine, priced, range, unpriced } from "./lines.js";
import type { CostEstimate, CostLine, Range, UsageItem } from "./model.js";
import { pricesFor, type CodeBuildComputeType, type Prices } from "./prices.js";
import { logsUsage } from "./rack-cost.js";

/**
 * What an app's services cost a month on Fargate (Linux/x86): vCPU and memory of each task
 * times its count, a range when the service autoscales, plus a public IPv4 address per
 * task on a public rack. Pure.
 */

export interface CostService {
  name: string;
  /** Fargate CPU units: 256 is 0.25 vCPU. */
  cpu: number;
  /** MiB: 512 is 0.5 GB. */
  memory: number;
  /** Desired tasks; min < max when the service autoscales. */
  count: Range;
  /** Tasks get a public IPv4 address (the rack is not Private). */
  publicIp: boolean;
  /** The image is built by CodeBuild, with this compute type. */
  build?: CodeBuildComputeType;
}

export interface AppCostOptions {
  region: string;
  /** The app's name, to keep line keys apart when apps are combined. */
  app?: string;
  /**
   * Its databases and caches (issue 29). The price book has no RDS or ElastiCache prices
   * (per class, engine, zone count and storage: docs/decisions.md), so each is named in the
   * cost with its pricing page, never left out as if it were free.
   */
  resources?: readonly CostResource[];
  /** Its network load balancers (`nlb:`, `balancers:`): how many, and whether one faces the internet. */
  networkLoadBalancers?: { count: number; public: boolean };
}

export interface CostResource {
  name: string;
  engine: string;
  class: string;
  /** GiB of gp3 storage (RDS), 0 for a cache. */
  storage: number;
  durable: boolean;
  nodes: number;
}

export function appCost(services: readonly CostService[], options: AppCostOptions): CostEstimate {
  const prices = pricesFor(options.region);
  if (!prices) return unpriced(options.region);
  const lines = services.flatMap((service) => serviceLines(service, options.app ?? "", prices));
  const balancers = networkLoadBalancerCost(options, prices);
  return priced(prices, [...lines, ...balancers.lines], [...(options.resources ?? []).map((resource) => resourceItem(resource, options.app ?? "")), ...balancers.usage, ...appUsage(services, prices)]);
}

const ELB_PRICING = "https://aws.amazon.com/elasticloadbalancing/pricing/";

/**
 * An app's network load balancers: each billed by the hour and by NLCU (the ELB pricing page's
 * "Network Load Balancer" section); the public one also holds a public IPv4 address per zone.
 */
function networkLoadBalancerCost(options: AppCostOptions, prices: Prices): { lines: CostLine[]; usage: UsageItem[] } {
  const balancers = options.networkLoadBalancers;
  if (!balancers || balancers.count === 0) return { lines: [], usage: [] };
  const app = options.app ?? "";
  const item = `Network load balancers of ${app === "" ? "the app" : app}`;
  const { nlbHour, nlbLcuHour } = prices.regional;
  const lines = nlbHour === undefined ? [] : [hourlyLine(prices, `nlb:${app}`, item, range(balancers.count), "load balancer", nlbHour)];
  const usage: UsageItem[] = [
    ...(nlbHour === undefined ? [{ key: `nlb:${app}`, item: `${item} (${balancers.count})`, source: ELB_PRICING }] : []),
    nlbLcuHour === undefined ? { key: "nlb-lcu", item: "Network load balancer capacity units (NLCU), by traffic", source: ELB_PRICING } : { key: "nlb-lcu", item: "Network load balancer capacity units (NLCU), by traffic", unitPrice: nlbLcuHour, unit: "NLCU-hour" },
    ...(balancers.public ? [{ key: `nlb-public-ipv4:${app}`, item: `Public IPv4 addresses of ${app === "" ? "the app" : app}'s public network load balancer (one per zone)`, unitPrice: prices.global.publicIpv4Hour, unit: "address-hour" }] : []),
  ];
  return { lines, usage };
}

function serviceLines(service: CostService, app: string, prices: Prices): CostLine[] {
  const id = app === "" ? service.name : `${app}/${service.name}`;
  const vcpu = service.cpu / 1024;
  const gb = service.memory / 1024;
  const tasks = countText(service.count);
  const times = (each: number): Range => range(cents4(each * service.count.min), cents4(each * service.count.max));
  const { regional, global } = prices;
  return [
    hourlyLine(prices, `fargate-vcpu:${id}`, `Fargate vCPU, ${id} (${vcpu} vCPU × ${tasks})`, times(vcpu), "vCPU", regional.fargateVcpuHour),
    hourlyLine(prices, `fargate-memory:${id}`, `Fargate memory, ${id} (${gb} GB × ${tasks})`, times(gb), "GB", regional.fargateGbHour),
    hourlyLine(prices, `task-public-ipv4:${id}`, `Public IPv4 addresses of ${id}'s tasks`, service.publicIp ? service.count : range(0), "address", global.publicIpv4Hour),
  ];
}

const RDS_ENGINES = new Set(["postgres", "mysql", "mariadb"]);

function resourceItem(resource: CostResource, app: string): UsageItem {
  const id = app === "" ? resource.name : `${app}/${resource.name}`;
  const rds = RDS_ENGINES.has(resource.engine);
  const size = rds
    ? `${resource.class}${resource.durable ? " Multi-AZ" : ""}, ${resource.storage} GiB gp3`
    : `${resource.nodes} × ${resource.class}`;
  return {
    key: `resource:${id}`,
    item: `${rds ? "RDS" : "ElastiCache"} ${resource.engine}, ${id} (${size})`,
    notPriced: "billed by the hour, not in racknet's price book",
    source: rds ? "https://aws.amazon.com/rds/pricing/" : "https://aws.amazon.com/elasticache/pricing/",
  };
}

/** Quantities like 0.25 × 3 stay exact to four places, so lines never show 0.7500000001. */
function cents4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function countText(count: Range): string {
  const noun = (n: number) => (n === 1 ? "task" : "tasks");
  return count.min === count.max ? `${count.min} ${noun(count.min)}` : `${count.min}..${count.max} tasks`;
}

function appUsage(services: readonly CostService[], prices: Prices): UsageItem[] {
  const usage: UsageItem[] = [logsUsage(prices)];
  const computeTypes = [...new Set(services.flatMap((service) => (service.build ? [service.build] : [])))];
  for (const computeType of computeTypes) {
    const rate = prices.regional.codebuildMinute?.[computeType];
    const item = `CodeBuild build minutes (${computeType})`;
    usage.push(rate === undefined ? { key: `codebuild:${computeType}`, item, source: "https://aws.amazon.com/codebuild/pricing/" } : { key: `codebuild:${computeType}`, item, unitPrice: rate, unit: "build minute" });
  }
  return usage;
}
