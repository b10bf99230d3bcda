/**
 * The zones a new rack spans, chosen once at install from DescribeAvailabilityZones and
 * stored in the rack stack's AvailabilityZones parameter; updates pass the stored value
 * unchanged. Pure. Sources in docs/rack-template.md, "Zones".
 */
import { Flag } from "../names/flags.js";

/** What DescribeAvailabilityZones returns for a zone (the fields racknet reads). */
export interface ZoneShape {
  ZoneName?: string;
  ZoneId?: string;
  State?: string;
  OptInStatus?: string;
  ZoneType?: string;
}

/**
 * Regions where Fargate runs Linux tasks in some zones only, by zone id (ECS Developer Guide,
 * "Supported Regions for Amazon ECS on AWS Fargate"). Zone names map to different ids in
 * each account; ids do not.
 */
export const FARGATE_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
  "us-west-1": ["usw1-az1", "usw1-az3"],
  "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az4"],
  "cn-north-1": ["cnn1-az1", "cnn1-az2"],
};

export const MAX_ZONES = 3;

/**
 * Availability Zones (not Local or Wavelength Zones) that are available, need no opt-in and
 * run Fargate; three of them where the region has three, in name order so a repeated choice
 * is the same. Fewer than two is a problem: a rack spans two zones at least.
 */
export function chooseAvailabilityZones(region: string, zones: readonly ZoneShape[]): { zones: string[] } | { problem: string; fix: string } {
  const fargate = FARGATE_ZONE_IDS[region];
  const usable = zones
    .filter((zone) => zone.ZoneType === undefined || zone.ZoneType === "availability-zone")
    .filter((zone) => zone.State === "available" && (zone.OptInStatus === undefined || zone.OptInStatus === "opt-in-not-required"))
    .filter((zone) => !fargate || (zone.ZoneId !== undefined && fargate.includes(zone.ZoneId)))
    .map((zone) => zone.ZoneName ?? "")
    .filter((name) => name !== "")
    .sort();
  if (usable.length < 2) {
    return {
      problem: `region ${region} offers ${usable.length} Availability Zone(s) that are available, need no opt-in and run Fargate; a rack needs at least two`,
      fix: `install the rack in another region with ${Flag.region}`,
    };
  }
  return { zones: usable.slice(0, MAX_ZONES) };
}
