import type { EC2Client } from "@aws-sdk/client-ec2";
import { sdk } from "./sdk.js";

/** The region's Availability Zones that are available to this account now, by name, sorted. */
export async function availableZoneNames(ec2: EC2Client): Promise<string[]> {
  const { DescribeAvailabilityZonesCommand } = sdk.ec2();
  const result = await ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: "state", Values: ["available"] },
        { Name: "zone-type", Values: ["availability-zone"] },
      ],
    }),
  );
  return (result.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName ? [zone.ZoneName] : [])).sort();
}
