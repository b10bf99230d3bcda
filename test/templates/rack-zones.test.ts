/**
 * Issue 9, item 2. Fn::GetAZs "returns only Availability Zones that have a default subnet
 * unless none of the Availability Zones has a default subnet", and its order "isn't
 * guaranteed and can change when new Availability Zones are added" (CloudFormation Template
 * Reference, Fn::GetAZs). A subnet whose AvailabilityZone changes is replaced. So the rack's
 * zones are chosen once at install and passed as the AvailabilityZones parameter.
 */
import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import type { RackParams } from "../../src/rack/params.js";
import { chooseAvailabilityZones, type ZoneShape } from "../../src/rack/zones.js";
import { fullTemplate, idsOfType, propertiesOf, rack, template } from "./rack-fixture.js";

function findGetAZs(value: Json, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => findGetAZs(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "Fn::GetAZs" ? [path] : findGetAZs(item, `${path}.${key}`)));
}

const subnets = (params: Partial<RackParams>, azCount: 2 | 3, zones: string[]) => {
  const stack = rack(params, azCount, { zones });
  return Object.fromEntries(idsOfType(stack, "AWS::EC2::Subnet").map((id) => [id, propertiesOf(stack, id)]));
};

describe("Availability Zones (Fn::GetAZs lists only zones with a default subnet, in an order that may change)", () => {
  it("no part of the rack template calls Fn::GetAZs", () => {
    expect(findGetAZs(fullTemplate as unknown as Json, "template")).toEqual([]);
  });

  it("each subnet's zone is the AZ-th entry of AvailabilityZones, a parameter with no default that racknet must pass", () => {
    expect(template.Parameters.AvailabilityZones).toMatchObject({ Type: "String" });
    expect(template.Parameters.AvailabilityZones?.Default).toBeUndefined();
    const zones = ["eu-west-3c", "eu-west-3a", "eu-west-3b"];
    const layout = Object.entries(subnets({ Private: "Yes" }, 3, zones)).map(([id, properties]) => `${id} ${String(properties.AvailabilityZone)}`);
    expect(layout.sort()).toEqual([
      "PrivateSubnet1 eu-west-3c",
      "PrivateSubnet2 eu-west-3a",
      "PrivateSubnet3 eu-west-3b",
      "PublicSubnet1 eu-west-3c",
      "PublicSubnet2 eu-west-3a",
      "PublicSubnet3 eu-west-3b",
    ]);
  });

  it("an update with the same zones changes no subnet, whatever else changes", () => {
    const zones = ["us-east-1a", "us-east-1b", "us-east-1d"];
    const installed = subnets({ Private: "Yes" }, 3, zones);
    const updates: Partial<RackParams>[] = [
      { Private: "Yes", Internal: "Yes" },
      { Private: "Yes", internal_router: "true", internal_router_cidrs: "10.1.0.0/16" },
      { Private: "No" },
      { Private: "Yes", Domain: "apps.example.com" },
    ];
    for (const update of updates) {
      const after = subnets(update, 3, zones);
      for (const [id, properties] of Object.entries(after)) expect(properties, `${id} after ${JSON.stringify(update)}`).toEqual(installed[id]);
    }
  });

  it("the zone names are checked by the parameter's pattern: two or three, comma-separated", () => {
    const pattern = new RegExp(String(template.Parameters.AvailabilityZones?.AllowedPattern));
    expect(pattern.test("us-east-1a,us-east-1b")).toBe(true);
    expect(pattern.test("us-east-1a,us-east-1b,us-east-1c")).toBe(true);
    expect(pattern.test("us-east-1a")).toBe(false);
    expect(pattern.test("")).toBe(false);
    expect(pattern.test("us-east-1a,us-east-1b,us-east-1c,us-east-1d")).toBe(false);
  });
});

describe("choosing the zones at install (available, no opt-in, Fargate runs there)", () => {
  const zone = (ZoneName: string, ZoneId: string, extra: Partial<ZoneShape> = {}): ZoneShape => ({ ZoneName, ZoneId, State: "available", OptInStatus: "opt-in-not-required", ZoneType: "availability-zone", ...extra });

  it("takes three zones in name order, skipping unavailable, opt-in and Local Zones", () => {
    const zones = [
      zone("us-east-1f", "use1-az5"),
      zone("us-east-1b", "use1-az1"),
      zone("us-east-1a", "use1-az6", { State: "impaired" }),
      zone("us-east-1-bos-1a", "use1-bos1-az1", { ZoneType: "local-zone", OptInStatus: "opted-in" }),
      zone("us-east-1c", "use1-az2"),
      zone("us-east-1d", "use1-az4"),
    ];
    expect(chooseAvailabilityZones("us-east-1", zones)).toEqual({ zones: ["us-east-1b", "us-east-1c", "us-east-1d"] });
  });

  it("keeps to the zone ids Fargate supports where it runs in some zones only", () => {
    const zones = [zone("ap-northeast-1a", "apne1-az4"), zone("ap-northeast-1b", "apne1-az3"), zone("ap-northeast-1c", "apne1-az1"), zone("ap-northeast-1d", "apne1-az2")];
    expect(chooseAvailabilityZones("ap-northeast-1", zones)).toEqual({ zones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"] });
    expect(chooseAvailabilityZones("us-west-1", [zone("us-west-1a", "usw1-az1"), zone("us-west-1b", "usw1-az3")])).toEqual({ zones: ["us-west-1a", "us-west-1b"] });
  });

  it("refuses a region with fewer than two usable zones", () => {
    expect(chooseAvailabilityZones("us-west-1", [zone("us-west-1a", "usw1-az1"), zone("us-west-1c", "usw1-az2")])).toMatchObject({ problem: expect.stringContaining("a rack needs at least two") });
  });
});
