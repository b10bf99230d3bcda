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

  it(
    "both pass cfn-lint",
    async () => {
      const findings = await cfnLint({ asks: peeringTemplate(side, peer, { make: {} }), routes: peeringTemplate(side, peer, { id: "pcx-0123456789abcdef0" }) }, { includeWarnings: true });
      expect(findings).toEqual({ asks: [], routes: [] });
    },
    lintDeadline(2),
  );
});
