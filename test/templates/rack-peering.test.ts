import { describe, expect, it } from "vitest";
import { peeringTemplate } from "../../src/templates/rack-peering.js";
import { cfnLint, lintDeadline } from "../support/cfn-lint.js";

const side = { rack: "a", vpcId: "vpc-0a0a0a0a0a0a0a0a0", routeTables: [{ logicalId: "PublicRouteTable", id: "rtb-01" }, { logicalId: "PrivateRouteTable1", id: "rtb-02" }] };
const peer = { rack: "b", vpcId: "vpc-0b0b0b0b0b0b0b0b0", cidr: "10.1.0.0/16", region: "eu-west-1" };

describe("a rack's side of a peering", () => {
  it("the side that asks makes the connection (PeerRegion for another Region) and routes the peer's range in every route table through it", () => {
    const template = peeringTemplate(side, peer, { make: { peerRegion: "eu-west-1" } });
    expect(template.Resources.PeeringConnection?.Properties).toMatchObject({ VpcId: side.vpcId, PeerVpcId: peer.vpcId, PeerRegion: "eu-west-1" });
    expect(template.Resources.RouteToPeerFromPublicRouteTable?.Properties).toEqual({ RouteTableId: "rtb-01", DestinationCidrBlock: "10.1.0.0/16", VpcPeeringConnectionId: { Ref: "PeeringConnection" } });
    expect(template.Resources.RouteToPeerFromPrivateRouteTable1?.Properties).toMatchObject({ RouteTableId: "rtb-02", DestinationCidrBlock: "10.1.0.0/16" });
  });

  it("the other side routes through the connection by id and makes none", () => {
    const template = peeringTemplate(side, peer, { id: "pcx-0123456789abcdef0" });
    expect(template.Resources.PeeringConnection).toBeUndefined();
    expect(template.Resources.RouteToPeerFromPublicRouteTable?.Properties?.VpcPeeringConnectionId).toBe("pcx-0123456789abcdef0");
    expect(template.Outputs.PeeringConnectionId?.Value).toBe("pcx-0123456789abcdef0");
  });

  it("across two accounts: the accepter's side first holds only the role, trusted by the requester's account and allowed only to accept with its VPC; the asker names PeerOwnerId and PeerRoleArn", () => {
    const requester = { ...peer, account: "111111111111" };
    const roleOnly = peeringTemplate(side, requester, { acceptOnly: true });
    expect(Object.keys(roleOnly.Resources)).toEqual(["PeeringAcceptRole"]);
    const role = roleOnly.Resources.PeeringAcceptRole?.Properties as { AssumeRolePolicyDocument: unknown; Policies: { PolicyDocument: { Statement: { Action: string; Resource: unknown[] }[] } }[] };
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain(":iam::111111111111:root");
    expect(role.Policies[0]?.PolicyDocument.Statement.map((statement) => statement.Action)).toEqual(["ec2:AcceptVpcPeeringConnection"]);
    expect(JSON.stringify(role.Policies[0]?.PolicyDocument.Statement[0]?.Resource)).toContain(`vpc/${side.vpcId}`);
    expect(roleOnly.Outputs.PeeringConnectionId).toBeUndefined();
    expect(roleOnly.Outputs.PeerAccountId?.Value).toBe("111111111111");
    expect(roleOnly.Outputs.PeeringAcceptRoleArn?.Value).toEqual({ "Fn::GetAtt": ["PeeringAcceptRole", "Arn"] });
    const routes = peeringTemplate(side, requester, { id: "pcx-0123456789abcdef0" });
    expect(Object.keys(routes.Resources).sort()).toEqual(["PeeringAcceptRole", "RouteToPeerFromPrivateRouteTable1", "RouteToPeerFromPublicRouteTable"]);
    const asks = peeringTemplate(side, { ...peer, account: "222222222222" }, { make: { peerRegion: "eu-west-1", peerRoleArn: "arn:aws:iam::222222222222:role/accept" } });
    expect(asks.Resources.PeeringConnection?.Properties).toMatchObject({ PeerOwnerId: "222222222222", PeerRoleArn: "arn:aws:iam::222222222222:role/accept", PeerRegion: "eu-west-1" });
    expect(asks.Resources.PeeringAcceptRole).toBeUndefined();
  });

  it(
    "both pass cfn-lint",
    async () => {
      const across = { ...peer, account: "111111111111" };
      const findings = await cfnLint(
        {
          asks: peeringTemplate(side, peer, { make: {} }),
          routes: peeringTemplate(side, peer, { id: "pcx-0123456789abcdef0" }),
          acrossRole: peeringTemplate(side, across, { acceptOnly: true }),
          acrossRoutes: peeringTemplate(side, across, { id: "pcx-0123456789abcdef0" }),
          acrossAsks: peeringTemplate(side, across, { make: { peerRoleArn: "arn:aws:iam::111111111111:role/accept" } }),
        },
        { includeWarnings: true },
      );
      expect(findings).toEqual({ asks: [], routes: [], acrossRole: [], acrossRoutes: [], acrossAsks: [] });
    },
    lintDeadline(5),
  );
});
