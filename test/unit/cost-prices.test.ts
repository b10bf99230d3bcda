import { describe, expect, it } from "vitest";
import { PRICE_BOOK, priceBookAgeDays, pricesFor } from "../../src/cost/prices.js";

describe("the price book (data/prices.json)", () => {
  it(`is at most ${PRICE_BOOK.maxAgeDays} days old: when this fails, re-read every price at its source and move "date"`, () => {
    const age = priceBookAgeDays(new Date());
    expect(age, `data/prices.json is dated ${PRICE_BOOK.date}, ${age} days ago`).toBeLessThanOrEqual(PRICE_BOOK.maxAgeDays);
    expect(age, "a price book dated in the future").toBeGreaterThanOrEqual(0);
  });

  it("counts its age in whole days from its own date", () => {
    expect(priceBookAgeDays(new Date("2026-12-01T23:59:00Z"), { ...PRICE_BOOK, date: "2026-12-01" })).toBe(0);
    expect(priceBookAgeDays(new Date("2027-05-31T00:00:00Z"), { ...PRICE_BOOK, date: "2026-12-01" })).toBe(181);
  });

  it("names a source for every price of every region, and only plausible prices", () => {
    for (const [region, prices] of Object.entries(PRICE_BOOK.regions)) {
      for (const topic of ["natGateway", "loadBalancers", "fargate"]) expect(prices.sources[topic], `${region} ${topic}`).toMatch(/^https:\/\//);
      if (prices.codebuildMinute) expect(prices.sources.codebuild, `${region} codebuild`).toMatch(/^https:\/\//);
      if (prices.logsIngestionGb !== undefined) expect(prices.sources.logs, `${region} logs`).toMatch(/^https:\/\//);
      const hourly = [prices.natGatewayHour, prices.albHour, prices.fargateVcpuHour, prices.fargateGbHour, prices.nlbHour ?? 0.02];
      for (const price of hourly) expect(price).toBeGreaterThan(0.001), expect(price).toBeLessThan(0.2);
    }
    for (const key of ["publicIpv4Hour", "route53HostedZoneMonth", "kmsKeyMonth"]) expect(PRICE_BOOK.global.sources[key], key).toMatch(/^https:\/\//);
  });

  it("has no prices for a region it was not given, rather than a typical one", () => {
    expect(pricesFor("xx-nowhere-9")).toBeUndefined();
    expect(pricesFor("toString")).toBeUndefined();
    expect(pricesFor("us-east-1")?.regional.natGatewayHour).toBe(0.045);
  });
});
