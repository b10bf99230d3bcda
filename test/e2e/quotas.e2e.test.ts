import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { AllocateAddressCommand, CreateVpcCommand, DescribeAddressesCommand, DescribeVpcsCommand, ReleaseAddressCommand } from "@aws-sdk/client-ec2";
import { ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Quotas are checked before anything is created (issue 9 item 3), against an account with
 * AWS's default quotas: 5 Elastic IPs a region, and a private rack takes one per zone. The
 * emulator enforces the same quotas as EC2 does (AddressLimitExceeded, VpcLimitExceeded), so
 * the check's arithmetic is proven at the boundary: what it lets through is made, and where
 * it refuses, EC2 would have refused too.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  moto = await startMoto({ accountQuotas: {} });
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("an account at AWS's default quotas", () => {
  it("takes one private rack (3 of its 5 Elastic IPs)", async () => {
    const result = await cli("rack", "install", "first", "--private", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("did not answer");
  });

  it("refuses a second before anything is made, saying what is used, the limit and how to raise it", async () => {
    const result = await cli("rack", "install", "second", "--private", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rack second does not fit in the account's quotas in us-east-1; nothing was changed");
    expect(result.stderr).toContain("the account uses 3 of its 5");
    expect(result.stderr).toContain("--quota-code L-0263D0A3");
    const stacks = (await aws.cloudFormation.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(stacks.filter((stack) => stack.StackName === "second" && stack.StackStatus !== "DELETE_COMPLETE")).toEqual([]);
    await expect(aws.ssm.send(new GetParameterCommand({ Name: "/racknet/second/ca/cert" }))).rejects.toThrow();
  });

  it("takes a public rack (no Elastic IP of its own)", async () => {
    const result = await cli("rack", "install", "third", "--yes");
    expect(result.code, result.stderr).toBe(0);
  });

  it("where it refused the second private rack, EC2 would have: 2 more Elastic IPs fit, not 3", async () => {
    const allocated: string[] = [];
    for (let index = 0; index < 2; index += 1) allocated.push((await aws.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "");
    await expect(aws.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).rejects.toThrow(/maximum number of addresses/);
    for (const id of allocated) await aws.ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
    expect((await aws.ec2.send(new DescribeAddressesCommand({}))).Addresses).toHaveLength(3);
  });

  it("Private=Yes on the public rack is refused the same way (3 more Elastic IPs), and nothing changes", async () => {
    const result = await cli("rack", "params", "set", "Private=Yes", "-r", "third", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the account uses 3 of its 5");
    expect((await aws.ec2.send(new DescribeAddressesCommand({}))).Addresses).toHaveLength(3);
  });

  it("fills the VPCs per Region quota (the default VPC counts): every rack the check lets through is made, the one past it is refused as EC2 would", async () => {
    // The default VPC, first and third: 3 of 5.
    expect((await aws.ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(3);
    for (const name of ["fourth", "fifth"]) {
      const made = await cli("rack", "install", name, "--yes");
      expect(made.code, made.stderr).toBe(0);
    }
    const refused = await cli("rack", "install", "sixth", "--yes");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a rack takes its own VPC: 1 VPC, but the account uses 5 of its 5");
    expect(refused.stderr).toContain("--quota-code L-F678F1CE");
    await expect(aws.ec2.send(new CreateVpcCommand({ CidrBlock: "10.99.0.0/16" }))).rejects.toThrow(/maximum number of VPCs/);
  });
});
