import { describe, expect, it } from "vitest";
import { appCost, combineCosts, costView, nothing, planCost, rackCost, type CostEstimate, type CostService, type PricedCost } from "../../src/cost/index.js";
import { defaultParams, type RackParams } from "../../src/rack/params.js";

const rack = (changes: Partial<RackParams> = {}): RackParams => ({ ...defaultParams(), ...changes });
const service = (name: string, changes: Partial<CostService> = {}): CostService => ({ name, cpu: 256, memory: 512, count: { min: 1, max: 1 }, publicIp: true, ...changes });

function pricedOf(estimate: CostEstimate): PricedCost {
  if (!estimate.priced) throw new Error(estimate.message);
  return estimate;
}

const line = (estimate: CostEstimate, key: string) => pricedOf(estimate).lines.find((candidate) => candidate.key === key);

describe("rackCost", () => {
  it("a default rack (public, external ALB, 3 AZs): one ALB, its 3 public addresses, 2 private zones; no NAT", () => {
    const cost = pricedOf(rackCost(rack(), { region: "us-east-1", azCount: 3 }));
    expect(cost.lines.map((entry) => entry.key)).toEqual(["load-balancers", "rack-public-ipv4", "hosted-zones"]);
    expect(line(cost, "load-balancers")?.monthly).toEqual({ min: 16.43, max: 16.43 }); // 0.0225 × 730
    expect(line(cost, "rack-public-ipv4")?.monthly).toEqual({ min: 10.95, max: 10.95 }); // 3 × 0.005 × 730
    expect(line(cost, "hosted-zones")).toMatchObject({ per: "month", unitPrice: 0.5, monthly: { min: 1, max: 1 } });
    expect(cost.monthly).toEqual({ min: 28.38, max: 28.38 });
    expect(cost.usage.map((item) => item.key)).toEqual(["alb-lcu", "privnet-lambda", "logs"]);
  });

  it("Private=Yes: a NAT gateway and an Elastic IP per AZ, and the per-GB rate named as usage", () => {
    const cost = pricedOf(rackCost(rack({ Private: "Yes" }), { region: "us-east-1", azCount: 3 }));
    expect(line(cost, "nat-gateways")).toMatchObject({ quantity: { min: 3, max: 3 }, unitPrice: 0.045, monthly: { min: 98.55, max: 98.55 } });
    expect(line(cost, "rack-public-ipv4")?.quantity).toEqual({ min: 6, max: 6 });
    expect(cost.usage[0]).toEqual(expect.objectContaining({ key: "nat-data", unitPrice: 0.045, unit: "GB" }));
    expect(line(cost, "s3-gateway-endpoint")).toMatchObject({ item: "S3 gateway endpoint (no charge)", monthly: { min: 0, max: 0 } });
  });

  it("NatGateways=One: one NAT gateway and one Elastic IP for every AZ, and the other zones' traffic to it named at the inter-zone rate", () => {
    const cost = pricedOf(rackCost(rack({ Private: "Yes", NatGateways: "One" }), { region: "us-east-1", azCount: 3 }));
    expect(line(cost, "nat-gateways")).toMatchObject({ quantity: { min: 1, max: 1 }, monthly: { min: 32.85, max: 32.85 } });
    expect(line(cost, "rack-public-ipv4")?.quantity).toEqual({ min: 4, max: 4 });
    expect(cost.usage.map((item) => item.key)).toContain("nat-cross-zone");
    expect(cost.usage.find((item) => item.key === "nat-cross-zone")).toMatchObject({ unitPrice: 0.01, unit: "GB each way" });
  });

  it("NatGateways=None with VpcEndpoints=Yes: no NAT gateway; six interface endpoints in each AZ by the zone-hour, their per-GB rate as usage", () => {
    const cost = pricedOf(rackCost(rack({ Private: "Yes", NatGateways: "None", VpcEndpoints: "Yes" }), { region: "us-east-1", azCount: 3 }));
    expect(line(cost, "nat-gateways")).toBeUndefined();
    expect(line(cost, "vpc-endpoints")).toMatchObject({ item: "VPC interface endpoints (6 services × 3 zones)", quantity: { min: 18, max: 18 }, unitPrice: 0.01, monthly: { min: 131.4, max: 131.4 } });
    expect(line(cost, "rack-public-ipv4")?.quantity).toEqual({ min: 3, max: 3 });
    expect(cost.usage.map((item) => item.key)).toEqual(["vpc-endpoint-data", "alb-lcu", "privnet-lambda", "logs"]);
  });

  it("InternalOnly with Internal and the router: two internal ALBs, no public address, three zones, the KMS key", () => {
    const cost = pricedOf(rackCost(rack({ Internal: "Yes", InternalOnly: "Yes", internal_router: "true" }), { region: "eu-west-1", azCount: 2, customerManagedKey: true }));
    expect(line(cost, "load-balancers")).toMatchObject({ item: "Application load balancers (internal, router)", quantity: { min: 2, max: 2 }, unitPrice: 0.0252 });
    expect(line(cost, "rack-public-ipv4")).toBeUndefined();
    expect(line(cost, "hosted-zones")?.quantity).toEqual({ min: 3, max: 3 });
    expect(line(cost, "kms-key")?.monthly).toEqual({ min: 1, max: 1 });
  });

  it("a region without prices says so", () => {
    expect(rackCost(rack(), { region: "xx-nowhere-9", azCount: 2 })).toEqual({ priced: false, region: "xx-nowhere-9", message: "no prices for xx-nowhere-9" });
  });
});

describe("appCost", () => {
  it("vCPU and memory of each task times its count, and a public address per task on a public rack", () => {
    const cost = pricedOf(appCost([service("web", { cpu: 512, memory: 1024, count: { min: 2, max: 2 } })], { region: "us-east-1", app: "shop" }));
    expect(line(cost, "fargate-vcpu:shop/web")).toMatchObject({ item: "Fargate vCPU, shop/web (0.5 vCPU × 2 tasks)", quantity: { min: 1, max: 1 }, monthly: { min: 29.55, max: 29.55 } });
    expect(line(cost, "fargate-memory:shop/web")?.monthly).toEqual({ min: 6.49, max: 6.49 }); // 2 GB × 0.004445 × 730
    expect(line(cost, "task-public-ipv4:shop/web")?.monthly).toEqual({ min: 7.3, max: 7.3 });
  });

  it("an autoscaled service is a range min..max; a private rack's tasks have no public address", () => {
    const cost = pricedOf(appCost([service("worker", { count: { min: 1, max: 4 }, publicIp: false })], { region: "us-east-1" }));
    expect(line(cost, "fargate-vcpu:worker")).toMatchObject({ item: "Fargate vCPU, worker (0.25 vCPU × 1..4 tasks)", quantity: { min: 0.25, max: 1 }, monthly: { min: 7.39, max: 29.55 } });
    expect(line(cost, "task-public-ipv4:worker")).toBeUndefined();
    expect(cost.monthly.min).toBeLessThan(cost.monthly.max);
  });

  it("names CodeBuild minutes as usage-based, priced per compute type where the book has it", () => {
    expect(pricedOf(appCost([service("web", { build: "BUILD_GENERAL1_MEDIUM" })], { region: "us-east-1" })).usage).toContainEqual(
      expect.objectContaining({ key: "codebuild:BUILD_GENERAL1_MEDIUM", unitPrice: 0.01, unit: "build minute" }),
    );
    expect(pricedOf(appCost([service("web", { build: "BUILD_GENERAL1_SMALL" })], { region: "eu-west-1" })).usage).toContainEqual(
      expect.objectContaining({ key: "codebuild:BUILD_GENERAL1_SMALL", source: "https://aws.amazon.com/codebuild/pricing/" }),
    );
  });
});

describe("planCost", () => {
  const region = "us-east-1";

  it("params set Private=Yes on a 3-AZ rack with one app: NAT gateways and EIPs come, task addresses go", () => {
    const before = combineCosts(region, [rackCost(rack(), { region, azCount: 3 }), appCost([service("web")], { region, app: "shop" })]);
    const after = combineCosts(region, [rackCost(rack({ Private: "Yes" }), { region, azCount: 3 }), appCost([service("web", { publicIp: false })], { region, app: "shop" })]);
    const cost = planCost(before, after);
    if (!cost.priced) throw new Error(cost.message);
    expect(cost.changes).toEqual([
      { key: "nat-gateways", item: "NAT gateways (one per AZ)", after: { min: 98.55, max: 98.55 }, difference: { min: 98.55, max: 98.55 } },
      expect.objectContaining({ key: "rack-public-ipv4", before: { min: 10.95, max: 10.95 }, after: { min: 21.9, max: 21.9 } }),
      { key: "task-public-ipv4:shop/web", item: "Public IPv4 addresses of shop/web's tasks", before: { min: 3.65, max: 3.65 }, difference: { min: -3.65, max: -3.65 } },
    ]);
    expect(cost.difference).toEqual({ min: 105.85, max: 105.85 });
    expect(cost.usage.map((item) => item.key)).toContain("nat-data");
  });

  it("install is nothing -> the rack; uninstall is the rack -> nothing", () => {
    const installed = rackCost(rack(), { region, azCount: 2 });
    const install = planCost(nothing(region), installed);
    const uninstall = planCost(installed, nothing(region));
    if (!install.priced || !uninstall.priced) throw new Error("priced");
    expect(install.difference).toEqual(pricedOf(installed).monthly);
    expect(uninstall.difference).toEqual({ min: -pricedOf(installed).monthly.min, max: -pricedOf(installed).monthly.max });
    expect(uninstall.usage).toEqual(pricedOf(installed).usage);
  });

  it("a deploy that autoscales: the difference is a range, at the lowest and the highest scale", () => {
    const cost = planCost(appCost([service("web")], { region }), appCost([service("web", { count: { min: 1, max: 3 } })], { region }));
    if (!cost.priced) throw new Error(cost.message);
    expect(cost.difference.min).toBe(0);
    expect(cost.difference.max).toBeGreaterThan(0);
  });

  it("is unpriced when either side is", () => {
    expect(planCost(nothing("xx-nowhere-9"), rackCost(rack(), { region: "xx-nowhere-9", azCount: 2 }))).toMatchObject({ priced: false, message: "no prices for xx-nowhere-9" });
  });
});

describe("costView", () => {
  it("rows ready to print: before, after, difference, and the usage items with their rates", () => {
    const region = "us-east-1";
    const view = costView(planCost(rackCost(rack(), { region, azCount: 2 }), rackCost(rack({ Private: "Yes" }), { region, azCount: 2 })));
    expect(view.headline).toBe("monthly cost: $24.73 -> $97.73 (+$73.00), plus usage; us-east-1 prices read 2026-12-01");
    expect(view.rows).toContainEqual({ item: "NAT gateways (one per AZ)", quantity: "2", unitPrice: "$0.045/hour per NAT gateway", before: "-", after: "$65.70", difference: "+$65.70" });
    expect(view.rows.find((row) => row.item.startsWith("Route 53"))?.difference).toBe("");
    expect(view.usage[0]).toBe("NAT gateway data processed (outbound traffic of private services, except to S3): $0.045 per GB");
    expect(view.usage).toContain("Lambda: the private-network sync function (per request and GB-second): usage-based, see https://aws.amazon.com/lambda/pricing/");
  });

  it("ranges read min..max", () => {
    const view = costView(planCost(nothing("us-east-1"), appCost([service("web", { count: { min: 1, max: 4 }, publicIp: false })], { region: "us-east-1" })));
    expect(view.headline).toMatch(/^monthly cost: \$0\.00 -> \$9\.01\.\.\$36\.04 \(\+\$9\.01\.\.\+\$36\.04\)/);
  });

  it("a region without prices: one headline, no rows", () => {
    expect(costView(planCost(nothing("xx-nowhere-9"), rackCost(rack(), { region: "xx-nowhere-9", azCount: 2 })))).toEqual({ headline: "monthly cost: no prices for xx-nowhere-9, not estimated", rows: [], usage: [] });
  });
});

describe("resources in the cost (issue 29)", () => {
  it("each database or cache is named with its pricing page, never priced as free", () => {
    const cost = appCost([], { region: "us-east-1", app: "shop", resources: [{ name: "db", engine: "postgres", class: "db.t4g.micro", storage: 20, durable: true, nodes: 1 }, { name: "cache", engine: "redis", class: "cache.t4g.micro", storage: 0, durable: false, nodes: 1 }] });
    if (!cost.priced) throw new Error("us-east-1 is priced");
    expect(cost.usage.slice(0, 2)).toEqual([
      { key: "resource:shop/db", item: "RDS postgres, shop/db (db.t4g.micro Multi-AZ, 20 GiB gp3)", notPriced: "billed by the hour, not in racknet's price book", source: "https://aws.amazon.com/rds/pricing/" },
      { key: "resource:shop/cache", item: "ElastiCache redis, shop/cache (1 × cache.t4g.micro)", notPriced: "billed by the hour, not in racknet's price book", source: "https://aws.amazon.com/elasticache/pricing/" },
    ]);
    expect(costView(planCost(nothing("us-east-1"), cost)).headline).toContain("plus resources not priced, plus usage");
  });
});
