/** A transit gateway's state, read by id in one Region (DescribeTransitGateways). Reads only. */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { sdk } from "./sdk.js";

/** The gateway's state (available, pending, deleting, …); undefined when the Region has no gateway of that id. */
export async function transitGatewayState(ec2: EC2Client, id: string): Promise<string | undefined> {
  const { DescribeTransitGatewaysCommand } = sdk.ec2();
  try {
    const result = await ec2.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] }));
    return result.TransitGateways?.find((gateway) => gateway.TransitGatewayId === id)?.State;
  } catch (error) {
    // EC2 answers an id it does not know in this Region with an error, not an empty list.
    if (error instanceof Error && /NotFound|InvalidTransitGatewayID/i.test(error.name)) return undefined;
    throw error;
  }
}
