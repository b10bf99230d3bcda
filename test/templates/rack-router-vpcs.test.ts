/**
 * Issue 9, item 6. A private hosted zone is associated with a VPC of another account only
 * after the zone's account authorizes it (CreateVPCAssociationAuthorization) and the VPC's
 * account associates it (AssociateVPCWithHostedZone); "You can't use the Route 53 console
 * either to authorize the association ... or to make the association" and CloudFormation has
 * no resource for either (Route 53 Developer Guide, "Associating an Amazon VPC and a private
 * hosted zone that you created with different AWS accounts"). A VPC of another Region is
 * named with its VPCRegion (AWS::Route53::HostedZone VPC).
 */
import { describe, expect, it } from "vitest";
import { normaliseValue, specFor } from "../../src/rack/params.js";
import { propertiesOf, rack } from "./rack-fixture.js";

const spec = specFor("internal_router_vpcs");
const routerVpcs = (value: string) => propertiesOf(rack({ internal_router: "true", internal_router_vpcs: value }), "RouterZone").VPCs;
const rackVpc = { VPCId: { Ref: "Vpc" }, VPCRegion: "us-east-1" };

describe("internal_router_vpcs (another account's VPC needs an association authorization CloudFormation cannot make)", () => {
  it("a VPC of the rack's Region is associated in that Region", () => {
    expect(routerVpcs("vpc-0a1b2c3d4e5f60718")).toEqual([rackVpc, { VPCId: "vpc-0a1b2c3d4e5f60718", VPCRegion: "us-east-1" }]);
  });

  it("<region>:vpc-… associates a VPC of another Region with that Region", () => {
    expect(routerVpcs("eu-west-1:vpc-11111111,vpc-22222222,ap-southeast-2:vpc-0a1b2c3d4e5f60718")).toEqual([
      rackVpc,
      { VPCId: "vpc-11111111", VPCRegion: "eu-west-1" },
      { VPCId: "vpc-22222222", VPCRegion: "us-east-1" },
      { VPCId: "vpc-0a1b2c3d4e5f60718", VPCRegion: "ap-southeast-2" },
    ]);
  });

  it("accepts both forms and stores them in lower case", () => {
    expect(normaliseValue(spec, "VPC-11111111, EU-West-1:vpc-22222222")).toEqual({ value: "vpc-11111111,eu-west-1:vpc-22222222" });
    expect(normaliseValue(spec, "us-gov-west-1:vpc-0a1b2c3d4e5f60718")).toEqual({ value: "us-gov-west-1:vpc-0a1b2c3d4e5f60718" });
  });

  it("refuses a VPC of another account, saying why CloudFormation cannot associate it", () => {
    for (const value of ["123456789012:vpc-11111111", "123456789012:eu-west-1:vpc-11111111"]) {
      const result = normaliseValue(spec, value);
      expect(result, value).toMatchObject({ problem: expect.stringMatching(/another AWS account.*association authorization.*CloudFormation cannot/) });
    }
  });

  it("refuses malformed entries and a VPC listed twice", () => {
    for (const value of ["vpc-1", "eu-west-1:", "eu-west-1:vpc-11111111:x", "nowhere:vpc-11111111", "subnet-11111111"]) {
      expect(normaliseValue(spec, value), value).toMatchObject({ problem: expect.stringContaining("is not a VPC id, nor <region>:<VPC id>") });
    }
    expect(normaliseValue(spec, "vpc-11111111,eu-west-1:vpc-11111111")).toMatchObject({ problem: expect.stringContaining("lists vpc-11111111 twice") });
  });
});
