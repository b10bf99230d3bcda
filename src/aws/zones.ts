import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ZoneShape } from "../rack/zones.js";
import { sdk } from "./sdk.js";

/** Every zone of the region as DescribeAvailabilityZones lists it (opt-in zones too), for the install's choice. */
export async function describeZones(ec2: EC2Client): Promise<ZoneShape[]> {
  const { DescribeAvailabilityZonesCommand } = sdk.ec2();
  const result = await ec2.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }));
  return result.AvailabilityZones ?? [];
}

/** The zones of these subnets, in the order given (a rack installed before its zones were stored). */
export async function subnetZones(ec2: EC2Client, subnetIds: readonly string[]): Promise<string[]> {
  const { DescribeSubnetsCommand } = sdk.ec2();
  const result = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...subnetIds] }));
  const byId = new Map((result.Subnets ?? []).map((subnet) => [subnet.SubnetId, subnet.AvailabilityZone ?? ""]));
  return subnetIds.map((id) => byId.get(id) ?? "");
}
