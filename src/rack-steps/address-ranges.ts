/**
 * The address ranges the account uses, read for install's VPC range (docs/peering.md,
 * "Address ranges"): every rack of the account in every enabled Region, and every VPC of the
 * target Region. A Region that cannot be read is named, never silently skipped.
 */
import type { Context } from "../runtime/context.js";
import { enabledRegions, rackRanges, regionsWithRacknetBuckets, vpcRanges, type RackRange, type VpcRange } from "../aws/address-ranges.js";
import { describeFailure } from "../runtime/handle-errors.js";
import type { UsedRange } from "../rack/cidr.js";

/** DescribeStacks in this many Regions at once: every Region an account can enable (about 35 in 2026) in one wave. */
export const REGIONS_AT_ONCE = 40;

export interface AccountRack extends RackRange {
  region: string;
}

export interface AccountRanges {
  racks: AccountRack[];
  /** Ranges of the target Region's VPCs, racks' included. */
  vpcs: UsedRange[];
  /** Regions whose racks could not be read, and why. */
  unreadable: { region: string; reason: string }[];
}

/**
 * Everything that decides the pick, read once. The target Region's racks, its VPCs, the list
 * of Regions and the account's buckets go out together; the racks of the other Regions that
 * hold a racknet bucket (none holds a rack without one) follow, all at once (CloudFormation's
 * request rate is per Region, so they do not share one budget). When the buckets cannot be
 * listed (no s3:ListAllMyBuckets), every Region's racks are read, as before. `regionVpcs`:
 * the target Region's VPCs when the caller has them on the way (one DescribeVpcs a run).
 */
export async function readAccountRanges(context: Context, region: string, regionVpcs?: Promise<VpcRange[]>): Promise<AccountRanges> {
  const ec2 = await context.aws.ec2();
  const [regions, vpcs, home, withBuckets] = await Promise.all([
    enabledRegions(ec2).catch(async (error: unknown) => ({ error: await reasonOf(error) })),
    // Install reads the Region's VPCs once, for their ranges here and their count in the quota check.
    regionVpcs ?? vpcRanges(ec2),
    // The target Region's own read failing is a failure of the install, not a gap to warn about.
    context.aws.cloudFormation().then(rackRanges),
    // Which Regions can hold a rack at all (one call for all of them); not known: every Region is read.
    context.aws
      .s3()
      .then(regionsWithRacknetBuckets)
      .catch(() => undefined),
  ]);
  const unreadable: AccountRanges["unreadable"] = [];
  const racks: AccountRack[] = home.map((rack) => ({ ...rack, region }));
  if ("error" in regions) {
    // Without the list, only the target Region is known: every other one counts as unread.
    unreadable.push({ region: "every other Region", reason: `the account's Regions could not be listed (${regions.error})` });
  } else {
    await eachBounded(
      regions.filter((name) => name !== region && (!withBuckets || withBuckets.has(name))),
      REGIONS_AT_ONCE,
      async (name) => {
        try {
          for (const rack of await rackRanges(await context.aws.inRegion(name).cloudFormation())) racks.push({ ...rack, region: name });
        } catch (error) {
          unreadable.push({ region: name, reason: await reasonOf(error) });
        }
      },
    );
  }
  racks.sort((a, b) => a.region.localeCompare(b.region) || a.rack.localeCompare(b.rack));
  unreadable.sort((a, b) => a.region.localeCompare(b.region));
  return { racks, vpcs: vpcs.map((vpc) => ({ cidr: vpc.cidr, owner: `VPC ${vpc.vpcId}${vpc.name ? ` (${vpc.name})` : ""}` })), unreadable };
}

/** The ranges a new rack's VPC must not overlap: the account's racks, then the Region's VPCs. */
export function usedRanges(ranges: AccountRanges): UsedRange[] {
  return [...ranges.racks.map((rack) => ({ cidr: rack.cidr, owner: `rack ${rack.rack} (${rack.region})` })), ...ranges.vpcs];
}

async function reasonOf(error: unknown): Promise<string> {
  return (await describeFailure(error)).message.split("\n")[0] ?? "unknown error";
}

async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}
