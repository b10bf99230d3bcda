/**
 * The address ranges an account already uses, for the VPC range install picks
 * (docs/peering.md, "Address ranges"): the Regions enabled for the account, the VPCs of one
 * Region, and the VPCCIDR of each rack stack of a Region. Reads only.
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { S3Client } from "@aws-sdk/client-s3";
import { KIND_TAG, RACK_TAG } from "../names/index.js";
import { listRacknetStacks } from "./stacks.js";
import { sdk } from "./sdk.js";
import { RackParameter } from "../names/rack-parameters.js";
import { RackOutput } from "../names/rack-outputs.js";

/** The Regions enabled for the account (DescribeRegions without AllRegions lists only those). */
export async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const { DescribeRegionsCommand } = sdk.ec2();
  const result = await ec2.send(new DescribeRegionsCommand({}));
  return (result.Regions ?? []).flatMap((region) => (region.RegionName ? [region.RegionName] : [])).sort();
}

export interface VpcRange {
  vpcId: string;
  name?: string;
  cidr: string;
}

/** Every IPv4 range of every VPC of the Region (a VPC may hold secondary ranges: each counts). */
export async function vpcRanges(ec2: EC2Client): Promise<VpcRange[]> {
  const { paginateDescribeVpcs } = sdk.ec2();
  const ranges: VpcRange[] = [];
  for await (const page of paginateDescribeVpcs({ client: ec2 }, {})) {
    for (const vpc of page.Vpcs ?? []) {
      const name = vpc.Tags?.find((tag) => tag.Key === "Name")?.Value;
      const blocks = new Set([vpc.CidrBlock, ...(vpc.CidrBlockAssociationSet ?? []).filter((set) => set.CidrBlockState?.State !== "disassociated").map((set) => set.CidrBlock)]);
      for (const cidr of blocks) if (cidr && vpc.VpcId) ranges.push({ vpcId: vpc.VpcId, ...(name ? { name } : {}), cidr });
    }
  }
  return ranges;
}

export interface RackRange {
  rack: string;
  cidr: string;
  vpcId?: string;
}

/** The racks of the Region and their VPC ranges (the VpcCidr output, else the VPCCIDR parameter, else the template's old default). */
export async function rackRanges(cfn: CloudFormationClient): Promise<RackRange[]> {
  const stacks = (await listRacknetStacks(cfn)).filter((stack) => stack.tags[KIND_TAG] === "rack");
  return stacks.map((stack) => ({
    rack: stack.tags[RACK_TAG] ?? stack.name,
    cidr: stack.outputs[RackOutput.VpcCidr] || stack.parameters[RackParameter.VPCCIDR] || "10.0.0.0/16",
    ...(stack.outputs[RackOutput.VpcId] ? { vpcId: stack.outputs[RackOutput.VpcId] } : {}),
  }));
}

/**
 * The Regions where the account keeps a racknet bucket, from one call that sees every Region
 * (ListBuckets names each bucket's Region, BucketRegion): a rack's template bucket, which every
 * rack stack has for as long as it exists (CloudFormation names it `<stack>-templatebucket-<id>`,
 * lowercase; a rack name of at most 24 characters is never cut short), or the template staging
 * bucket (`racknet-staging-<account>-<region>`). A Region with a rack is among them. Undefined
 * when a bucket that may be a rack's comes without its Region: then every Region must be read.
 */
export async function regionsWithRacknetBuckets(s3: S3Client): Promise<Set<string> | undefined> {
  const { ListBucketsCommand } = sdk.s3();
  const regions = new Set<string>();
  let token: string | undefined;
  do {
    // Paginated, as S3 asks of every caller (an unpaginated call is refused above 10,000 buckets).
    const page = await s3.send(new ListBucketsCommand({ MaxBuckets: 10_000, ...(token ? { ContinuationToken: token } : {}) }));
    for (const bucket of page.Buckets ?? []) {
      const name = bucket.Name ?? "";
      const staging = /^racknet-staging-\d{12}-([a-z0-9-]+?)(-an)?$/.exec(name);
      if (staging?.[1]) regions.add(staging[1]);
      else if (name.includes("-templatebucket-")) {
        if (!bucket.BucketRegion) return undefined;
        regions.add(bucket.BucketRegion);
      }
    }
    token = page.ContinuationToken;
  } while (token);
  return regions;
}
