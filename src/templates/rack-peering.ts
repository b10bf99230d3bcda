/**
 * One side of a peering between two racks (docs/peering.md): a stack in the rack's Region with
 * a route to the peer's range in each of the rack's route tables, public and private. The side
 * that asks also makes the peering connection (AWS::EC2::VPCPeeringConnection: in one account
 * it is accepted without a role); the other side routes through it by id. Pure.
 */
import { KIND_TAG, PEER_TAG, RACK_TAG } from "../names/index.js";
import { ref, tags, type Json, type Resource, type Template } from "./cfn.js";

export const PeeringResource = { Connection: "PeeringConnection" } as const;
export const PeeringOutput = { ConnectionId: "PeeringConnectionId", PeerCidr: "PeerCidr", PeerRegion: "PeerRegion", PeerVpc: "PeerVpcId" } as const;

export interface PeeringSide {
  rack: string;
  /** The rack's route tables, by their logical id in the rack stack (PublicRouteTable, PrivateRouteTable1, …). */
  routeTables: readonly { logicalId: string; id: string }[];
  vpcId: string;
}

export interface PeerFacts {
  rack: string;
  vpcId: string;
  cidr: string;
  region: string;
}

/** Make the connection (the side that asks), or route through one made by the other side. */
export type Connection = { make: { peerRegion?: string } } | { id: string };

export function peeringTemplate(side: PeeringSide, peer: PeerFacts, connection: Connection): Template {
  const connectionId: Json = "id" in connection ? connection.id : ref(PeeringResource.Connection);
  const resources: Record<string, Resource> = {};
  if ("make" in connection) {
    resources[PeeringResource.Connection] = {
      Type: "AWS::EC2::VPCPeeringConnection",
      Properties: {
        VpcId: side.vpcId,
        PeerVpcId: peer.vpcId,
        ...(connection.make.peerRegion ? { PeerRegion: connection.make.peerRegion } : {}),
        Tags: tags({ Name: `racknet ${side.rack} to ${peer.rack}`, [RACK_TAG]: side.rack, [PEER_TAG]: peer.rack }),
      },
    };
  }
  for (const table of side.routeTables) {
    resources[routeToPeerId(table.logicalId)] = {
      Type: "AWS::EC2::Route",
      Properties: { RouteTableId: table.id, DestinationCidrBlock: peer.cidr, VpcPeeringConnectionId: connectionId },
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `racknet: rack ${side.rack} peered with rack ${peer.rack} (${peer.region}), routes to ${peer.cidr}`,
    Metadata: { [KIND_TAG]: "peering" },
    Parameters: {},
    Conditions: {},
    Resources: resources,
    Outputs: {
      [PeeringOutput.ConnectionId]: { Description: "the VPC peering connection", Value: connectionId },
      [PeeringOutput.PeerCidr]: { Description: "the peer's address range, routed through the connection", Value: peer.cidr },
      [PeeringOutput.PeerRegion]: { Description: "the peer's Region", Value: peer.region },
      [PeeringOutput.PeerVpc]: { Description: "the peer's VPC", Value: peer.vpcId },
    },
  };
}

/** The logical id of the peering stack's route to the peer in the rack's route table `tableLogicalId`. */
export function routeToPeerId(tableLogicalId: string): string {
  return `RouteToPeerFrom${tableLogicalId}`;
}
