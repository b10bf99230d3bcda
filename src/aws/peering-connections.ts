/** VPC peering connections' states, read by id (DescribeVpcPeeringConnections). */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { sdk } from "./sdk.js";

/** Each id's status code (active, pending-acceptance, failed, deleted, …); an id EC2 does not know is absent. */
export async function peeringStates(ec2: EC2Client, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { DescribeVpcPeeringConnectionsCommand } = sdk.ec2();
  const states = new Map<string, string>();
  for (const id of ids) {
    try {
      const result = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
      const found = result.VpcPeeringConnections?.[0];
      if (found?.VpcPeeringConnectionId && found.Status?.Code) states.set(found.VpcPeeringConnectionId, found.Status.Code);
    } catch (error) {
      // EC2 answers an unknown id with an error, not an empty list.
      if (!(error instanceof Error && /NotFound/.test(error.name))) throw error;
    }
  }
  return states;
}
