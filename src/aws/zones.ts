import { UserError } from "../core/errors.js";
import type { Context } from "../core/context.js";
import { sdk } from "./sdk.js";

/**
 * How many AZs a new rack spans: three where the region offers them, else two.
 * Asked once, at install (the only command that loads the EC2 client for it).
 */
export async function availabilityZoneCount(context: Context): Promise<2 | 3> {
  const { DescribeAvailabilityZonesCommand } = sdk.ec2();
  const ec2 = await context.aws.ec2();
  const result = await ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: "state", Values: ["available"] },
        { Name: "zone-type", Values: ["availability-zone"] },
      ],
    }),
  );
  const count = result.AvailabilityZones?.length ?? 0;
  if (count < 2) {
    throw new UserError(`region ${await context.aws.region()} offers ${count} availability zone(s); a rack needs at least two`, {
      fix: "install the rack in another region with --region",
    });
  }
  return count >= 3 ? 3 : 2;
}
