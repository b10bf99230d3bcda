/**
 * IPv4 CIDR arithmetic and the address ranges racknet treats specially. Pure.
 * Addresses are unsigned 32-bit numbers; a block is its network address and prefix.
 * Whitelists also hold IPv6 ranges: `rangeCoveredBy` compares both families.
 */
import { BlockList, isIP } from "node:net";

export interface Block {
  network: number;
  prefix: number;
}

/** `10.1.2.3/16` -> the block 10.1.0.0/16; undefined when the text is not an IPv4 CIDR. */
export function parseCidr(text: string): Block | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  return { network: (address & mask(prefix)) >>> 0, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatBlock(block: Block): string {
  return `${[24, 16, 8, 0].map((shift) => (block.network >>> shift) & 255).join(".")}/${block.prefix}`;
}

/** True when every address of `inner` is in `outer`. */
export function blockContains(outer: Block, inner: Block): boolean {
  return outer.prefix <= inner.prefix && ((inner.network & mask(outer.prefix)) >>> 0) === outer.network;
}

export function blocksOverlap(a: Block, b: Block): boolean {
  return blockContains(a, b) || blockContains(b, a);
}

/** True when `inner` lies inside one of `outers` (blocks never partly overlap, so one is enough). */
/**
 * Whether every address of `inner` (IPv4 or IPv6 CIDR text, as a whitelist holds them) is in
 * one of `outers`: an outer range of the same family, no longer a prefix, that holds inner's
 * first address. False for text that is no range, so anything unreadable counts as new.
 */
export function rangeCoveredBy(inner: string, outers: readonly string[]): boolean {
  const range = readRange(inner);
  if (!range) return false;
  return outers.some((text) => {
    const outer = readRange(text);
    if (!outer || outer.family !== range.family || outer.prefix > range.prefix) return false;
    const list = new BlockList();
    list.addSubnet(outer.address, outer.prefix, outer.family);
    return list.check(range.address, range.family);
  });
}

function readRange(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  const prefix = prefixText === undefined ? (version === 4 ? 32 : 128) : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return Number.isInteger(prefix) && prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : undefined;
}

export function coveredBy(inner: Block, outers: readonly Block[]): boolean {
  return outers.some((outer) => blockContains(outer, inner));
}

export interface NamedRange {
  cidr: string;
  block: Block;
  name: string;
}

function named(cidr: string, name: string): NamedRange {
  const block = parseCidr(cidr);
  if (!block) throw new Error(`bad range ${cidr}`);
  return { cidr, block, name };
}

/** RFC 1918 private ranges, and RFC 6598 shared address space, which AWS allows in VPCs. */
export const PRIVATE_RANGES: readonly NamedRange[] = [
  named("10.0.0.0/8", "RFC 1918 private range"),
  named("172.16.0.0/12", "RFC 1918 private range"),
  named("192.168.0.0/16", "RFC 1918 private range"),
  named("100.64.0.0/10", "RFC 6598 shared address space"),
];

/**
 * Ranges a VPC may not use. The first four AWS refuses for a VPC (VPC User Guide, "VPC CIDR
 * blocks"); the rest are IANA special-purpose ranges (RFC 6890) that are not routed as
 * ordinary unicast, so a VPC in them could not reach, or be reached by, the hosts it expects.
 */
export const RESERVED_RANGES: readonly NamedRange[] = [
  named("0.0.0.0/8", "\"this network\" (0.0.0.0/8), which AWS does not allow for a VPC"),
  named("127.0.0.0/8", "the loopback range (127.0.0.0/8), which AWS does not allow for a VPC"),
  named("169.254.0.0/16", "the link-local range (169.254.0.0/16), which AWS does not allow for a VPC"),
  named("224.0.0.0/4", "the multicast range (224.0.0.0/4), which AWS does not allow for a VPC"),
  named("240.0.0.0/4", "the reserved range 240.0.0.0/4 (RFC 1112, with the broadcast address)"),
  named("192.0.0.0/24", "the IETF protocol assignments range (192.0.0.0/24)"),
  named("192.0.2.0/24", "the documentation range TEST-NET-1 (192.0.2.0/24)"),
  named("198.51.100.0/24", "the documentation range TEST-NET-2 (198.51.100.0/24)"),
  named("203.0.113.0/24", "the documentation range TEST-NET-3 (203.0.113.0/24)"),
  named("198.18.0.0/15", "the benchmarking range (198.18.0.0/15)"),
];

/** The reserved range a block overlaps, if any. */
export function reservedRangeOf(block: Block): NamedRange | undefined {
  return RESERVED_RANGES.find((range) => blocksOverlap(range.block, block));
}

/**
 * True when the CIDR reaches beyond the private ranges: `0.0.0.0/0`, a public block, or a
 * block only partly private. Text that is not a CIDR counts as public: never silently narrow.
 */
export function isPublicRange(cidr: string): boolean {
  const block = parseCidr(cidr);
  return block === undefined || !coveredBy(block, PRIVATE_RANGES.map((range) => range.block));
}

/** `0.0.0.0/0` and `::/0`: anyone. */
export function isAnywhere(cidr: string): boolean {
  const text = cidr.trim();
  return text === "0.0.0.0/0" || /^(::|0:0:0:0:0:0:0:0)\/0$/.test(text);
}

/**
 * A VPC range AWS refuses (0.0.0.0/8, loopback, link-local, multicast: VPC User Guide, "VPC
 * CIDR blocks") or another special-purpose range (RFC 6890) that is not ordinary unicast.
 */
export function vpcRangeProblem(value: string): string | undefined {
  const block = parseCidr(value);
  const reserved = block ? reservedRangeOf(block) : undefined;
  if (!block || !reserved) return undefined;
  const where = blockContains(reserved.block, block) ? "is in" : "overlaps";
  return `"${value}" (${formatBlock(block)}) ${where} ${reserved.name}`;
}

/** A peer CIDR wholly inside a reserved range admits no real network (0.0.0.0/0 contains them and is accepted). */
export function peerRangeProblem(value: string): string | undefined {
  const block = parseCidr(value);
  const reserved = block ? RESERVED_RANGES.find((range) => blockContains(range.block, block)) : undefined;
  return block && reserved ? `"${value}" is in ${reserved.name}: no peered network has such addresses` : undefined;
}

/** An address range already in use, and whose it is, for the words of a warning or a refusal: `rack prod (eu-west-1)`. */
export interface UsedRange {
  cidr: string;
  owner: string;
}

/** The used ranges a CIDR overlaps (unreadable entries are left out: they cannot be compared). */
export function overlapsWith(cidr: string, used: readonly UsedRange[]): UsedRange[] {
  const block = parseCidr(cidr);
  if (!block) return [];
  return used.filter((range) => {
    const other = parseCidr(range.cidr);
    return other !== undefined && blocksOverlap(block, other);
  });
}

/**
 * The /16s install picks from, in order: 10.0.0.0/16 first (the old default), then the rest of
 * 10/8, 172.16/12 without 172.17.0.0/16 (AWS advises against it: some AWS services use it), and
 * 192.168/16.
 */
function* candidateVpcRanges(): Generator<string> {
  for (let second = 0; second < 256; second += 1) yield `10.${second}.0.0/16`;
  for (let second = 16; second < 32; second += 1) if (second !== 17) yield `172.${second}.0.0/16`;
  yield "192.168.0.0/16";
}

/**
 * The first RFC 1918 /16 that overlaps none of the used ranges (other racks of the account, any
 * region; the VPCs of the target region), or undefined when all 272 are taken. Deterministic:
 * the same account state gives the same pick.
 */
export function pickVpcCidr(used: readonly UsedRange[]): string | undefined {
  for (const candidate of candidateVpcRanges()) if (overlapsWith(candidate, used).length === 0) return candidate;
  return undefined;
}
