import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Stack } from "@aws-sdk/client-cloudformation";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";

/** Issue 25, item 1: without VPCCIDR, install picks a /16 no rack of the account (any Region) and no VPC of the Region uses. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
  h.options.yes = true;
});
afterEach(() => h.restore());

const args = (name: string, params: string[] = []): InstallArgs => ({ name, params, private: false });

/** A rack stack as DescribeStacks answers it in another Region. */
function rackStackElsewhere(rack: string, cidr: string): Stack {
  return {
    StackName: rack,
    StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${rack}/1`,
    StackStatus: "CREATE_COMPLETE",
    CreationTime: new Date(0),
    Tags: [
      { Key: "racknet:kind", Value: "rack" },
      { Key: "racknet:rack", Value: rack },
    ],
    Parameters: [{ ParameterKey: "VPCCIDR", ParameterValue: cidr }],
    Outputs: [{ OutputKey: "VpcCidr", OutputValue: cidr }],
  };
}

describe("rack install: the VPC's address range", () => {
  it("two racks installed without VPCCIDR get disjoint ranges; the pick is said, and `rack` shows it", async () => {
    const first = await h.run(install, args("one"));
    const second = await h.run(install, args("two"));
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(h.cloudFormation.stack("one")?.parameters.VPCCIDR).toBe("10.0.0.0/16");
    expect(h.cloudFormation.stack("two")?.parameters.VPCCIDR).toBe("10.1.0.0/16");
    expect(second.stdout).toMatch(/^VPC range\s+10\.1\.0\.0\/16$/m);
    expect(second.stderr).toContain("VPCCIDR=10.1.0.0/16: chosen to overlap no other rack of the account (any Region) and no VPC of us-east-1");
  });

  it("a rack of another Region and a VPC of this one are left out too", async () => {
    h.regions = ["us-east-1", "eu-west-1", "ap-south-1"];
    h.elsewhere["eu-west-1"] = [rackStackElsewhere("dublin", "10.0.0.0/16")];
    h.vpcs = [{ VpcId: "vpc-default", CidrBlock: "172.31.0.0/16" }, { VpcId: "vpc-team", CidrBlock: "10.1.0.0/16", CidrBlockAssociationSet: [{ CidrBlock: "10.2.0.0/16", CidrBlockState: { State: "associated" } }] }];
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.VPCCIDR).toBe("10.3.0.0/16");
  });

  it("only the Regions that hold a racknet bucket are read (one ListBuckets sees every Region); without the list, every Region is", async () => {
    h.regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"];
    h.elsewhere["eu-west-1"] = [rackStackElsewhere("dublin", "10.0.0.0/16")];
    const listings = (calls: { operation: string; input: unknown }[]) => calls.filter((call) => call.operation === "CloudFormation.DescribeStacks" && !(call.input as { StackName?: string }).StackName).length;
    const result = await h.run(install, args("prod"));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.VPCCIDR).toBe("10.1.0.0/16");
    // This Region and eu-west-1 (dublin's bucket); not ap-south-1 nor sa-east-1.
    expect(listings(result.calls)).toBe(2);

    h.stubs.S3?.on(ListBucketsCommand).rejects(Object.assign(new Error("not authorized to perform: s3:ListAllMyBuckets"), { name: "AccessDenied" }));
    const without = await h.run(install, args("stage"));
    expect(without.exitCode, without.stderr).toBe(0);
    expect(listings(without.calls)).toBe(4);
    expect(h.cloudFormation.stack("stage")?.parameters.VPCCIDR).toBe("10.2.0.0/16");
  });

  it("an explicit VPCCIDR that overlaps a rack is kept, with a warning naming the rack it can never be peered with", async () => {
    h.regions = ["us-east-1", "eu-west-1"];
    h.elsewhere["eu-west-1"] = [rackStackElsewhere("dublin", "10.8.0.0/16")];
    const result = await h.run(install, args("prod", ["VPCCIDR=10.8.0.0/20"]));
    expect(result.exitCode).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.VPCCIDR).toBe("10.8.0.0/20");
    expect(result.stderr).toContain("VPCCIDR=10.8.0.0/20 overlaps rack dublin (eu-west-1), which uses 10.8.0.0/16: rack prod can never be peered with it");
  });

  it("a Region whose racks cannot be read is named, never skipped in silence", async () => {
    h.regions = ["us-east-1", "eu-west-1"];
    h.elsewhere["eu-west-1"] = Object.assign(new Error("User is not authorized to perform: cloudformation:DescribeStacks"), { name: "AccessDenied" });
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/racks in these Regions could not be read, so 10\.0\.0\.0\/16 may overlap one there: eu-west-1 \(.*not authorized/);
  });

  it("no private /16 left: refused before anything is written, naming VPCCIDR", async () => {
    h.vpcs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((CidrBlock, index) => ({ VpcId: `vpc-${index}`, CidrBlock }));
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("no private /16 is left");
    expect(result.stderr).toContain("VPCCIDR=<CIDR>");
    expect(resourceWrites(result).filter((write) => !write.startsWith("S3."))).toEqual([]);
  });
});
