import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzOptions } from "../fuzz/budget.js";
import { classifyBroadening } from "../../src/plan/broadening.js";
import type { ExposedService, ExposureModel } from "../../src/plan/exposure-model.js";
import { defaultParams, type RackParams } from "../../src/rack/params.js";
import { changeSet } from "../support/change-sets.js";


const rack = (changes: Partial<RackParams> = {}): RackParams => ({ ...defaultParams(), ...changes });
const web = (changes: Partial<ExposedService> = {}): ExposedService => ({ name: "web", reach: "internal", publicIp: false, ...changes });
const model = (params: RackParams | undefined, services: ExposedService[] | undefined): ExposureModel => ({
  ...(params ? { rack: params } : {}),
  apps: services ? [{ name: "shop", services }] : [],
});
const kinds = (before: ExposureModel, after: ExposureModel) => classifyBroadening(before, after).map((widening) => widening.kind);

describe("classifyBroadening: services", () => {
  const params = rack({ Private: "Yes", Internal: "Yes" });

  it("an internal service becoming internal-and-external gains the internet (the recorded deploy adds its external rule)", () => {
    const widenings = classifyBroadening(model(params, [web()]), model(params, [web({ reach: "internal-and-external" })]), changeSet("app-web-gains-external.json"));
    expect(widenings).toEqual([{ kind: "service-reach", subject: "shop/web", sentence: "shop/web becomes reachable from the internet through the external load balancer (was internal)" }]);
  });

  it("private -> internal gains a load balancer; internal -> internal-router gains peered networks; external -> internal-and-external gains the VPC", () => {
    expect(kinds(model(params, [web({ reach: "private" })]), model(params, [web({ reach: "internal" })]))).toEqual(["service-reach"]);
    expect(kinds(model(params, [web()]), model(params, [web({ reach: "internal-router" })]))).toEqual(["service-reach"]);
    expect(kinds(model(params, [web({ reach: "external" })]), model(params, [web({ reach: "internal-and-external" })]))).toEqual(["service-reach"]);
  });

  it("narrowing is never listed: external -> internal or router, internal-and-external -> internal, anything -> private", () => {
    expect(kinds(model(params, [web({ reach: "external" })]), model(params, [web({ reach: "internal" })]))).toEqual([]);
    expect(kinds(model(params, [web({ reach: "internal-and-external" })]), model(params, [web({ reach: "internal-router" })]))).toEqual([]);
    expect(kinds(model(params, [web({ reach: "internal-and-external" })]), model(params, [web()]))).toEqual([]);
    expect(kinds(model(params, [web({ reach: "internal-router" })]), model(params, [web({ reach: "private" })]))).toEqual([]);
  });

  it("creating an app or adding a service is not broadening", () => {
    expect(kinds(model(params, undefined), model(params, [web({ reach: "external", publicIp: true })]))).toEqual([]);
    expect(kinds(model(params, [web()]), model(params, [web(), web({ name: "admin", reach: "external", publicIp: true })]))).toEqual([]);
  });

  it("tasks getting public IPs they did not have", () => {
    expect(classifyBroadening(model(params, [web()]), model(params, [web({ publicIp: true })]))).toEqual([{ kind: "public-ip", subject: "shop/web", sentence: "shop/web: its tasks get public IPv4 addresses" }]);
    expect(kinds(model(params, [web({ publicIp: true })]), model(params, [web()]))).toEqual([]);
  });

  it("a whitelist removed or widened; narrowed or added is fine", () => {
    const listed = (whitelist?: string[]) => web({ reach: "external", ...(whitelist ? { whitelist } : {}) });
    expect(classifyBroadening(model(params, [listed(["10.1.0.0/16"])]), model(params, [listed()]))[0]?.sentence).toBe("shop/web: its whitelist (10.1.0.0/16) is removed");
    expect(classifyBroadening(model(params, [listed(["10.1.0.0/16"])]), model(params, [listed(["10.1.0.0/16", "203.0.113.0/24"])]))[0]?.sentence).toBe("shop/web: its whitelist admits 203.0.113.0/24 too");
    expect(kinds(model(params, [listed(["10.0.0.0/8"])]), model(params, [listed(["10.1.0.0/16"])]))).toEqual([]);
    expect(kinds(model(params, [listed()]), model(params, [listed(["10.1.0.0/16"])]))).toEqual([]);
  });

  it("an IPv6 whitelist kept as it was is no widening; an IPv6 range it did not cover is (issue 21, item 12)", () => {
    const listed = (whitelist: string[]) => web({ reach: "external", whitelist });
    expect(kinds(model(params, [listed(["2001:db8::/32", "10.0.0.0/8"])]), model(params, [listed(["2001:db8::/32", "10.0.0.0/8"])]))).toEqual([]);
    expect(kinds(model(params, [listed(["2001:db8::/32"])]), model(params, [listed(["2001:db8:1::/48", "2001:db8::7/128"])]))).toEqual([]);
    expect(classifyBroadening(model(params, [listed(["2001:db8::/32"])]), model(params, [listed(["2001:db8::/31"])]))[0]?.sentence).toBe("shop/web: its whitelist admits 2001:db8::/31 too");
    // An IPv4 range never covers an IPv6 one, nor the other way round (::ffff:0:0/96 aside, which ALB does not match).
    expect(classifyBroadening(model(params, [listed(["0.0.0.0/0"])]), model(params, [listed(["0.0.0.0/0", "::/0"])]))[0]?.sentence).toBe("shop/web: its whitelist admits ::/0 too");
  });

  it("fuzzed: any whitelist (IPv4 and IPv6) kept as it was, or narrowed to a sub-range, is no widening", () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => `${address}/${prefix}`);
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([address, prefix]) => `${address}/${prefix}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 3 }), (whitelist) => {
        const listed = (ranges: string[]) => web({ reach: "external", whitelist: ranges });
        expect(kinds(model(params, [listed(whitelist)]), model(params, [listed(whitelist)]))).toEqual([]);
        const narrower = whitelist.map((range) => range.replace(/\/(\d+)$/, (_, prefix: string) => `/${Math.min(Number(prefix) + 1, range.includes(":") ? 128 : 32)}`));
        expect(kinds(model(params, [listed(whitelist)]), model(params, [listed(narrower)]))).toEqual([]);
      }),
      fuzzOptions(500),
    );
  });
});

describe("classifyBroadening: the rack", () => {
  it("InternalOnly=No on a rack that had none", () => {
    expect(kinds(model(rack({ Internal: "Yes", InternalOnly: "Yes" }), []), model(rack({ Internal: "Yes" }), []))).toEqual(["internal-only"]);
    expect(kinds(model(rack({ Internal: "Yes" }), []), model(rack({ Internal: "Yes", InternalOnly: "Yes" }), []))).toEqual([]);
  });

  it("Private=No: one rack item naming the apps, not one per service (the recorded change set releases the NAT gateways)", () => {
    const before = model(rack({ Private: "Yes" }), [web()]);
    const after = model(rack(), [web({ publicIp: true })]);
    const widenings = classifyBroadening(before, after, changeSet("rack-private-off.json"));
    expect(widenings).toEqual([{ kind: "private", subject: "rack", sentence: "Private=No: the tasks of every app (shop) get public IPv4 addresses and leave the NAT gateways" }]);
  });

  it("the internal router admitting 0.0.0.0/0 (recorded change set): the parameter and each rule opened to anyone", () => {
    const router = rack({ internal_router: "true" });
    const widenings = classifyBroadening(model(router, []), model(rack({ internal_router: "true", internal_router_cidrs: "0.0.0.0/0" }), []), changeSet("rack-router-admits-anyone.json"));
    expect(widenings.map((widening) => widening.sentence)).toEqual([
      "internal_router_cidrs: the internal router admits 0.0.0.0/0, outside the private ranges: anything routed to the VPC (peering, VPN, transit gateway) from there (was 10.0.0.0/16)",
      "security group rule RouterFromCidr1Http opens tcp 80 to 0.0.0.0/0",
      "security group rule RouterFromCidr1Https opens tcp 443 to 0.0.0.0/0",
    ]);
  });

  it("more peered CIDRs or VPCs on an existing router widen; fewer or contained ones do not", () => {
    const router = (cidrs: string, vpcs = "") => rack({ internal_router: "true", internal_router_cidrs: cidrs, internal_router_vpcs: vpcs });
    expect(kinds(model(router("10.1.0.0/16"), []), model(router("10.1.0.0/16,10.2.0.0/16"), []))).toEqual(["router-cidrs"]);
    expect(kinds(model(router("10.1.0.0/16,10.2.0.0/16"), []), model(router("10.1.0.0/16"), []))).toEqual([]);
    expect(kinds(model(router("10.0.0.0/8"), []), model(router("10.3.0.0/16"), []))).toEqual([]);
    expect(kinds(model(router("", "vpc-0123456789abcdef0"), []), model(router("", "vpc-0123456789abcdef0,vpc-0fedcba9876543210"), []))).toEqual(["router-vpcs"]);
    // Said in words that are true as printed: no placeholder such as <rack> (issue 12).
    const [widening] = classifyBroadening(model(router("", "vpc-0123456789abcdef0"), []), model(router("", "vpc-0123456789abcdef0,vpc-0fedcba9876543210"), []));
    expect(widening?.sentence).toBe("internal_router_vpcs: VPC vpc-0fedcba9876543210 is associated with the rack's router zone and resolves the names of its internal-router services");
    expect(widening?.sentence).not.toMatch(/<\w+>/);
  });

  it("creating a rack or a router with private CIDRs is not broadening; a public CIDR is listed even then", () => {
    expect(kinds(model(undefined, []), model(rack({ internal_router: "true", internal_router_cidrs: "10.1.0.0/16" }), []))).toEqual([]);
    expect(kinds(model(rack(), []), model(rack({ internal_router: "true", internal_router_cidrs: "10.1.0.0/16" }), []))).toEqual([]);
    expect(kinds(model(undefined, []), model(rack({ internal_router: "true", internal_router_cidrs: "0.0.0.0/0" }), []))).toEqual(["router-cidrs"]);
    expect(kinds(model(undefined, []), model(rack({ internal_router: "true", VPCCIDR: "52.10.0.0/16" }), []))).toEqual([]);
  });
});

describe("classifyBroadening: security group rules from the change set", () => {
  const params = rack({ Internal: "Yes" });

  it("a group whose inline rules gain ::/0", () => {
    expect(classifyBroadening(model(params, []), model(params, []), changeSet("security-group-opened-inline.json"))).toEqual([
      { kind: "security-group", subject: "InternalBalancerSecurityGroup", sentence: "security group rule InternalBalancerSecurityGroup opens tcp 443 to ::/0" },
    ]);
  });

  it("removing rules that admitted anyone narrows: nothing listed", () => {
    expect(classifyBroadening(model(params, []), model(params, []), changeSet("security-group-narrowed.json"))).toEqual([]);
  });

  it("on a stack being created, or without property values (moto), nothing is read from the change set", () => {
    expect(classifyBroadening(model(params, []), model(params, []), changeSet("rack-router-admits-anyone.json"), { stackExists: false })).toEqual([]);
    const withoutValues = changeSet("security-group-opened-inline.json").map(({ beforeContext: _before, afterContext: _after, ...change }) => change);
    expect(classifyBroadening(model(params, []), model(params, []), withoutValues)).toEqual([]);
  });
});
