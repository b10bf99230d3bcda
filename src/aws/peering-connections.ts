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

/** An active peering connection of a VPC, as either side: its id and the two VPCs it joins. */
export interface ActivePeering {
  id: string;
  requesterVpc: string;
  accepterVpc: string;
}

/**
 * The VPC's active peering connections, as requester or accepter, in the Region of `ec2`. The
 * filters narrow what EC2 sends; the answer is checked again, so an endpoint that ignores them
 * (the emulator) counts the same.
 */
export async function activePeeringsOf(ec2: EC2Client, vpcId: string): Promise<ActivePeering[]> {
  const { paginateDescribeVpcPeeringConnections } = sdk.ec2();
  const found = new Map<string, ActivePeering>();
  for (const side of ["requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id"]) {
    const pages = paginateDescribeVpcPeeringConnections({ client: ec2 }, { Filters: [{ Name: side, Values: [vpcId] }, { Name: "status-code", Values: ["active"] }] });
    for await (const page of pages) {
      for (const connection of page.VpcPeeringConnections ?? []) {
        const id = connection.VpcPeeringConnectionId;
        const requesterVpc = connection.RequesterVpcInfo?.VpcId ?? "";
        const accepterVpc = connection.AccepterVpcInfo?.VpcId ?? "";
        if (id && connection.Status?.Code === "active" && (requesterVpc === vpcId || accepterVpc === vpcId)) found.set(id, { id, requesterVpc, accepterVpc });
      }
    }
  }
  return [...found.values()];
}
