import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTransitGatewayCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeTransitGatewayVpcAttachmentsCommand } from "@aws-sdk/client-ec2";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients, describeTestStack, allLoadBalancers } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * TransitGatewayId end to end (issue 25, item 4): the built CLI against the patched moto, then
 * what exists in AWS. A transit gateway the "network team" made; the rack attached in its
 * private subnets, a route to each range through it in every route table, the router admitting
 * the ranges; detached again by params set; a gateway that is not there refused before any write.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

async function attachmentsOf(vpcId: string): Promise<{ gateway: string; subnets: string[] }[]> {
  const found = await aws.ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
  return (found.TransitGatewayVpcAttachments ?? []).filter((attachment) => attachment.State !== "deleted").map((attachment) => ({ gateway: attachment.TransitGatewayId ?? "", subnets: [...(attachment.SubnetIds ?? [])].sort() }));
}

async function routeTargets(rack: string, cidr: string): Promise<(string | undefined)[]> {
  const resources = (await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: rack }))).StackResourceSummaries ?? [];
  const tables = resources.filter((resource) => resource.ResourceType === "AWS::EC2::RouteTable").map((resource) => resource.PhysicalResourceId ?? "");
  const described = await aws.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: tables }));
  return (described.RouteTables ?? []).map((table) => table.Routes?.find((route) => route.DestinationCidrBlock === cidr)?.TransitGatewayId);
}

describe("a rack on a transit gateway", () => {
  it("install attaches the private subnets and routes the ranges from every route table; the router admits them; params set detaches", async () => {
    const gateway = (await aws.ec2.send(new CreateTransitGatewayCommand({ Description: "the network team's" }))).TransitGateway?.TransitGatewayId ?? "";
    const installed = await cli("rack", "install", "tg", "Private=Yes", "internal_router=true", `TransitGatewayId=${gateway}`, "TransitGatewayCidrs=10.90.0.0/16,10.91.0.0/16", "--yes");
    expect(installed.stderr).not.toSatisfy(hasStackTrace);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).toContain("a transit gateway attachment is charged per hour");
    const stack = await describeTestStack(aws.cloudFormation, "tg");
    const vpc = stack.outputs.VpcId ?? "";
    expect(await attachmentsOf(vpc)).toEqual([{ gateway, subnets: (stack.outputs.PrivateSubnets ?? "").split(",").sort() }]);
    for (const cidr of ["10.90.0.0/16", "10.91.0.0/16"]) {
      const targets = await routeTargets("tg", cidr);
      expect(targets.length).toBeGreaterThanOrEqual(3);
      expect(targets).toEqual(targets.map(() => gateway));
    }
    const balancers = await allLoadBalancers(aws.elbv2);
    const router = balancers.find((balancer) => balancer.VpcId === vpc && balancer.Scheme === "internal");
    const groups = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: router?.SecurityGroups ?? [] }));
    const admitted = (groups.SecurityGroups ?? []).flatMap((group) => (group.IpPermissions ?? []).flatMap((permission) => (permission.IpRanges ?? []).map((range) => `${range.CidrIp}:${permission.FromPort}`)));
    expect(admitted).toEqual(expect.arrayContaining(["10.90.0.0/16:443", "10.91.0.0/16:443", "10.90.0.0/16:80"]));

    const detached = await cli("rack", "params", "set", "TransitGatewayId=", "TransitGatewayCidrs=", "-r", "tg", "--yes");
    expect(detached.code, detached.stderr).toBe(0);
    expect(await attachmentsOf(vpc)).toEqual([]);
    expect(await routeTargets("tg", "10.90.0.0/16")).toEqual((await routeTargets("tg", "10.90.0.0/16")).map(() => undefined));
  });

  it("a transit gateway that does not exist: refused before any write, exit 1, saying racknet never creates one", async () => {
    const refused = await cli("rack", "params", "set", "TransitGatewayId=tgw-0123456789abcdef0", "TransitGatewayCidrs=10.90.0.0/16", "-r", "tg", "--yes");
    expect(refused.stderr).not.toSatisfy(hasStackTrace);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("transit gateway tgw-0123456789abcdef0 does not exist in us-east-1");
    expect(refused.stderr).toContain("racknet never creates a transit gateway");
    expect((await describeTestStack(aws.cloudFormation, "tg")).parameters.TransitGatewayId).toBe("");
  });
});
