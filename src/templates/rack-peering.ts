/**
 * One side of a peering between two racks (docs/peering.md): a stack in the rack's Region with
 * a route to the peer's range in each of the rack's route tables, public and private. The side
 * that asks also makes the peering connection (AWS::EC2::VPCPeeringConnection: in one account
 * it is accepted without a role); the other side routes through it by id. Across two accounts
 * the other side first holds the role CloudFormation assumes to accept the connection ("If the
 * VPCs belong to different accounts, the acceptor account must have a role that allows the
 * requester account to accept the VPC peering connection"), then its routes beside it. Pure.
 */
import { KIND_TAG, PEER_TAG, RACK_TAG } from "../names/index.js";
import { getAtt, ref, sub, tags, type Json, type Resource, type Template } from "./cfn.js";

export const PeeringResource = { Connection: "PeeringConnection", AcceptRole: "PeeringAcceptRole" } as const;
export const PeeringOutput = {
  ConnectionId: "PeeringConnectionId",
  PeerCidr: "PeerCidr",
  PeerRegion: "PeerRegion",
  PeerVpc: "PeerVpcId",
  /** Only across two accounts: the peer's account id. */
  PeerAccount: "PeerAccountId",
  /** Only on the accepter's side across two accounts: the role CloudFormation in the requester's account assumes. */
  AcceptRoleArn: "PeeringAcceptRoleArn",
} as const;

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
  /** The peer's account, when it is not the side's. */
  account?: string;
}

/**
 * Make the connection (the side that asks; across accounts with the accepter's role), route
 * through one made by the other side, or (the accepter across accounts, before the connection
 * exists) only hold the role that accepts it.
 */
export type Connection = { make: { peerRegion?: string; peerRoleArn?: string } } | { id: string } | { acceptOnly: true };

export function peeringTemplate(side: PeeringSide, peer: PeerFacts, connection: Connection): Template {
  const connectionId: Json | undefined = "id" in connection ? connection.id : "make" in connection ? ref(PeeringResource.Connection) : undefined;
  const resources: Record<string, Resource> = {};
  if ("make" in connection) {
    resources[PeeringResource.Connection] = {
      Type: "AWS::EC2::VPCPeeringConnection",
      Properties: {
        VpcId: side.vpcId,
        PeerVpcId: peer.vpcId,
        ...(connection.make.peerRegion ? { PeerRegion: connection.make.peerRegion } : {}),
        ...(peer.account ? { PeerOwnerId: peer.account } : {}),
        ...(connection.make.peerRoleArn ? { PeerRoleArn: connection.make.peerRoleArn } : {}),
        Tags: tags({ Name: `racknet ${side.rack} to ${peer.rack}`, [RACK_TAG]: side.rack, [PEER_TAG]: peer.rack }),
      },
    };
  } else if (peer.account) {
    resources[PeeringResource.AcceptRole] = acceptRole(side, peer, peer.account);
  }
  if (connectionId !== undefined) {
    for (const table of side.routeTables) {
      resources[routeToPeerId(table.logicalId)] = {
        Type: "AWS::EC2::Route",
        Properties: { RouteTableId: table.id, DestinationCidrBlock: peer.cidr, VpcPeeringConnectionId: connectionId },
      };
    }
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `racknet: rack ${side.rack} peered with rack ${peer.rack} (${peer.region}), routes to ${peer.cidr}`,
    Metadata: { [KIND_TAG]: "peering" },
    Parameters: {},
    Conditions: {},
    Resources: resources,
    Outputs: {
      ...(connectionId === undefined ? {} : { [PeeringOutput.ConnectionId]: { Description: "the VPC peering connection", Value: connectionId } }),
      ...(peer.account ? { [PeeringOutput.PeerAccount]: { Description: "the peer's account", Value: peer.account } } : {}),
      ...(PeeringResource.AcceptRole in resources ? { [PeeringOutput.AcceptRoleArn]: { Description: "the role that accepts the peer's connection", Value: getAtt(PeeringResource.AcceptRole, "Arn") } } : {}),
      [PeeringOutput.PeerCidr]: { Description: "the peer's address range, routed through the connection", Value: peer.cidr },
      [PeeringOutput.PeerRegion]: { Description: "the peer's Region", Value: peer.region },
      [PeeringOutput.PeerVpc]: { Description: "the peer's VPC", Value: peer.vpcId },
    },
  };
}

/**
 * The accepter's role across two accounts, as the CloudFormation walkthrough makes it ("Peer
 * with a VPC in another AWS account"): trusted by the requester's account, allowed only to
 * accept a peering with this side's VPC.
 */
function acceptRole(side: PeeringSide, peer: PeerFacts, requester: string): Resource {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `racknet: lets account ${requester} (rack ${peer.rack}) accept its peering with rack ${side.rack}'s VPC`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::${requester}:root`) }, Action: "sts:AssumeRole" }],
      },
      Policies: [
        {
          PolicyName: "accept-peering",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "ec2:AcceptVpcPeeringConnection",
                Resource: [sub(`arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:vpc/${side.vpcId}`), sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-peering-connection/*")],
              },
            ],
          },
        },
      ],
      Tags: tags({ [RACK_TAG]: side.rack, [PEER_TAG]: peer.rack }),
    },
  };
}

/** The logical id of the peering stack's route to the peer in the rack's route table `tableLogicalId`. */
export function routeToPeerId(tableLogicalId: string): string {
  return `RouteToPeerFrom${tableLogicalId}`;
}
