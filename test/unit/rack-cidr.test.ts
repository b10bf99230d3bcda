import { describe, expect, it } from "vitest";
import { blockContains, blocksOverlap, formatBlock, isAnywhere, isPublicRange, overlapsWith, parseCidr, pickVpcCidr, reservedRangeOf } from "../../src/rack/cidr.js";

const block = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(text);
  return parsed;
};

describe("CIDR arithmetic", () => {
  it("parses to the network address, and refuses what is not an IPv4 CIDR", () => {
    expect(formatBlock(block("10.1.2.3/16"))).toBe("10.1.0.0/16");
    expect(formatBlock(block("0.0.0.0/0"))).toBe("0.0.0.0/0");
    expect(formatBlock(block("255.255.255.255/32"))).toBe("255.255.255.255/32");
    for (const bad of ["10.0.0.0", "256.0.0.0/8", "10.0.0.0/33", "::/0", " /8"]) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it("contains and overlaps", () => {
    expect(blockContains(block("10.0.0.0/8"), block("10.20.0.0/16"))).toBe(true);
    expect(blockContains(block("10.20.0.0/16"), block("10.0.0.0/8"))).toBe(false);
    expect(blockContains(block("0.0.0.0/0"), block("203.0.113.7/32"))).toBe(true);
    expect(blocksOverlap(block("192.0.0.0/16"), block("192.0.2.0/24"))).toBe(true);
    expect(blocksOverlap(block("10.0.0.0/16"), block("10.1.0.0/16"))).toBe(false);
  });
});

describe("isPublicRange", () => {
  it("RFC 1918 and 100.64.0.0/10 are private; anything reaching past them is public", () => {
    for (const cidr of ["10.0.0.0/8", "10.3.0.0/16", "172.16.0.0/12", "172.31.255.0/24", "192.168.1.0/24", "100.64.0.0/10"]) expect(isPublicRange(cidr), cidr).toBe(false);
    for (const cidr of ["0.0.0.0/0", "8.8.8.8/32", "172.32.0.0/16", "10.0.0.0/7", "192.168.0.0/15", "100.128.0.0/16"]) expect(isPublicRange(cidr), cidr).toBe(true);
    expect(isPublicRange("not a cidr")).toBe(true);
  });

  it("anyone is 0.0.0.0/0 or ::/0", () => {
    expect(isAnywhere("0.0.0.0/0")).toBe(true);
    expect(isAnywhere("::/0")).toBe(true);
    expect(isAnywhere("0.0.0.0/1")).toBe(false);
  });
});

describe("reservedRangeOf", () => {
  it("names the range AWS refuses for a VPC, or the special-purpose range, a block overlaps", () => {
    expect(reservedRangeOf(block("169.254.0.0/16"))?.name).toContain("link-local");
    expect(reservedRangeOf(block("224.10.0.0/16"))?.name).toContain("multicast");
    expect(reservedRangeOf(block("127.0.0.0/16"))?.name).toContain("loopback");
    expect(reservedRangeOf(block("0.0.0.0/16"))?.name).toContain("this network");
    expect(reservedRangeOf(block("250.0.0.0/16"))?.name).toContain("240.0.0.0/4");
    expect(reservedRangeOf(block("198.18.0.0/16"))?.name).toContain("benchmarking");
    expect(reservedRangeOf(block("10.0.0.0/16"))).toBeUndefined();
    expect(reservedRangeOf(block("52.10.0.0/16"))).toBeUndefined();
  });
});

describe("the VPC range install picks", () => {
  const used = (...cidrs: string[]) => cidrs.map((cidr, index) => ({ cidr, owner: `rack r${index}` }));

  it("10.0.0.0/16 in an empty account, then the first /16 that overlaps nothing used", () => {
    expect(pickVpcCidr([])).toBe("10.0.0.0/16");
    expect(pickVpcCidr(used("10.0.0.0/16"))).toBe("10.1.0.0/16");
    // A smaller range inside a /16 takes the whole /16 out; a larger one takes every /16 it holds.
    expect(pickVpcCidr(used("10.0.0.0/16", "10.1.4.0/24", "10.2.0.0/15"))).toBe("10.4.0.0/16");
  });

  it("past 10/8: 172.16/12 without 172.17.0.0/16 (AWS advises against it), then 192.168.0.0/16, then nothing", () => {
    expect(pickVpcCidr(used("10.0.0.0/8"))).toBe("172.16.0.0/16");
    expect(pickVpcCidr(used("10.0.0.0/8", "172.16.0.0/16"))).toBe("172.18.0.0/16");
    expect(pickVpcCidr(used("10.0.0.0/8", "172.16.0.0/12"))).toBe("192.168.0.0/16");
    expect(pickVpcCidr(used("10.0.0.0/8", "172.16.0.0/12", "192.168.10.0/24"))).toBeUndefined();
  });

  it("overlapsWith names every used range a CIDR overlaps, and ignores text that is no range", () => {
    expect(overlapsWith("10.0.0.0/16", used("10.0.128.0/17", "10.1.0.0/16", "garbage", "10.0.0.0/8")).map((range) => range.owner)).toEqual(["rack r0", "rack r3"]);
  });
});
