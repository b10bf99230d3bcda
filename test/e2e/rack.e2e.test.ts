import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeAddressesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeListenersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startMoto, awsEnv, awsClients, describeTestStack, allLoadBalancers } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * The rack lifecycle of SPEC sections 2 and 4, end to end: the built CLI as a subprocess
 * against moto_server, then what exists in AWS afterwards.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

async function stackParameters(name: string): Promise<Record<string, string>> {
  return (await describeTestStack(aws.cloudFormation, name)).parameters;
}

async function stackOutputs(name: string): Promise<Record<string, string>> {
  return (await describeTestStack(aws.cloudFormation, name)).outputs;
}

async function changeSetsOf(name: string): Promise<string[]> {
  const result = await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: name }));
  return (result.Summaries ?? []).filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE").map((s) => s.ChangeSetName ?? "");
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("rack install", () => {
  it("installs a public rack: public subnets, no NAT gateway", async () => {
    const result = await cli("rack", "install", "pub", "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    const outputs = await stackOutputs("pub");
    expect(outputs.VpcId).toMatch(/^vpc-/);
    const nats = await aws.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [outputs.VpcId ?? ""] }] }));
    expect(nats.NatGateways ?? []).toHaveLength(0);
    expect(outputs.AssignPublicIp).toBe("ENABLED");
  });

  it("installs a private rack: one NAT per AZ, private route tables to them, private subnets without public IPs", async () => {
    const result = await cli("rack", "install", "priv", "--private", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const outputs = await stackOutputs("priv");
    const vpc = outputs.VpcId ?? "";
    const publicSubnets = (outputs.PublicSubnets ?? "").split(",");
    const privateSubnets = (outputs.PrivateSubnets ?? "").split(",");
    expect(privateSubnets.length).toBeGreaterThanOrEqual(2);

    const nats = (await aws.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpc] }] }))).NatGateways ?? [];
    expect(nats).toHaveLength(privateSubnets.length);
    expect(new Set(nats.map((nat) => nat.SubnetId))).toEqual(new Set(publicSubnets));

    const subnets = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: privateSubnets }))).Subnets ?? [];
    expect(subnets.every((subnet) => subnet.MapPublicIpOnLaunch === false)).toBe(true);

    for (const subnet of subnets) {
      const tables = (await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnet.SubnetId ?? ""] }] }))).RouteTables ?? [];
      expect(tables, `route table of ${subnet.SubnetId}`).toHaveLength(1);
      const defaultRoute = tables[0]?.Routes?.find((route) => route.DestinationCidrBlock === "0.0.0.0/0");
      const nat = nats.find((candidate) => candidate.NatGatewayId === defaultRoute?.NatGatewayId);
      expect(nat, `NAT of ${subnet.SubnetId}`).toBeDefined();
      const natSubnet = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [nat?.SubnetId ?? ""] }))).Subnets?.[0];
      expect(natSubnet?.AvailabilityZone).toBe(subnet.AvailabilityZone);
    }
    expect(outputs.AssignPublicIp).toBe("DISABLED");
  });

  it("shows the NAT Elastic IPs as the rack's outbound IPs", async () => {
    const result = await cli("rack", "-r", "priv", "--json");
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { outboundIps: string[]; parameters: Record<string, string> };
    const addresses = (await aws.ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
    const natIps = addresses.filter((address) => address.AssociationId || address.NetworkInterfaceId || address.AllocationId).map((a) => a.PublicIp);
    expect(summary.outboundIps.length).toBeGreaterThanOrEqual(2);
    for (const ip of summary.outboundIps) expect(natIps).toContain(ip);
    expect(summary.parameters.Private).toBe("Yes");
    const human = await cli("rack", "-r", "priv");
    expect(human.stdout).toContain("Outbound IPs");
    expect(human.stdout).toContain(summary.outboundIps[0] ?? "none");
  });

  it("refuses to install over an existing rack with other parameters (the same ones finish an earlier run: exit 0)", async () => {
    const result = await cli("rack", "install", "pub", "Internal=Yes", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("already exists");
    const same = await cli("rack", "install", "pub", "--yes");
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain("nothing is left to do");
  });

  it("lists the racks", async () => {
    const result = await cli("racks", "--json");
    const racks = JSON.parse(result.stdout) as { name: string }[];
    // The account is shared with other test files: this file's racks are among those listed.
    expect(racks.map((rack) => rack.name).filter((name) => ["priv", "pub"].includes(name)).sort()).toEqual(["priv", "pub"]);
  });

  it("prints the rack CA, the one kept in SSM", async () => {
    const result = await cli("rack", "ca", "-r", "pub");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("-----BEGIN CERTIFICATE-----");
    const stored = await aws.ssm.send(new GetParameterCommand({ Name: "/racknet/pub/ca/cert" }));
    expect(result.stdout.trim()).toBe(stored.Parameter?.Value?.trim());
  });
});

describe("rack params set", () => {
  it("Internal=Yes creates the internal ALB, VPC-CIDR-only on 80 and 443, HTTPS with an ACM certificate", async () => {
    const result = await cli("rack", "params", "set", "Internal=Yes", "-r", "pub", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect((await stackParameters("pub")).Internal).toBe("Yes");
    const outputs = await stackOutputs("pub");
    const balancers = await allLoadBalancers(aws.elbv2);
    const internal = balancers.find((lb) => lb.DNSName === outputs.InternalLoadBalancerDns);
    expect(internal?.Scheme).toBe("internal");

    const groups = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: internal?.SecurityGroups ?? [] }))).SecurityGroups ?? [];
    const rules = groups.flatMap((group) => group.IpPermissions ?? []);
    expect(rules.map((rule) => rule.FromPort).sort()).toEqual([443, 80]);
    for (const rule of rules) {
      expect(rule.IpRanges?.map((range) => range.CidrIp)).toEqual([outputs.VpcCidr]);
      expect(rule.UserIdGroupPairs ?? []).toEqual([]);
    }

    const listeners = (await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: internal?.LoadBalancerArn }))).Listeners ?? [];
    const https = listeners.find((listener) => listener.Port === 443);
    expect(https?.Protocol).toBe("HTTPS");
    const certificateArn = https?.Certificates?.[0]?.CertificateArn ?? "";
    const certificate = await aws.acm.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }));
    expect(certificate.Certificate?.Type).toBe("IMPORTED");
    const http = listeners.find((listener) => listener.Port === 80);
    expect(http?.DefaultActions?.[0]?.Type).toBe("redirect");
    expect(http?.DefaultActions?.[0]?.RedirectConfig?.Port).toBe("443");
  });

  it("says 'no changes' and exits 0 when nothing changes", async () => {
    const result = await cli("rack", "params", "set", "internal=yes", "-r", "pub", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("no changes");
  });

  const refusals: Array<[string, string[], string]> = [
    ["an unknown name, with a suggestion", ["Privat=Yes"], "did you mean Private?"],
    ["a bad Yes/No value", ["Private=maybe"], "Private must be Yes or No"],
    ["an install-only parameter", ["VPCCIDR=10.9.0.0/16"], "VPCCIDR can only be set at install"],
    ["InternalOnly without the internal ALB", ["InternalOnly=Yes", "Internal=No"], "needs the internal one"],
    ["a bad CIDR", ["internal_router_cidrs=10.0.0.0/33"], "internal_router_cidrs"],
    ["a bad VPC id", ["internal_router_vpcs=vpc-nope"], "is not a VPC id"],
    ["a bad domain", ["Domain=exa mple"], "is not a host name"],
    ["no = sign", ["Private"], "is not a parameter assignment"],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what}: exit 1, stack parameters unchanged, no change set`, async () => {
      const before = await stackParameters("pub");
      const result = await cli("rack", "params", "set", ...args, "-r", "pub", "--yes");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toSatisfy(hasStackTrace);
      expect(await stackParameters("pub")).toEqual(before);
      expect(await changeSetsOf("pub")).toEqual([]);
    });
  }

  it("refuses without a terminal and without --yes, naming --yes, leaving no change set", async () => {
    const before = await stackParameters("pub");
    const result = await cli("rack", "params", "set", "Private=Yes", "-r", "pub");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(await stackParameters("pub")).toEqual(before);
    expect(await changeSetsOf("pub")).toEqual([]);
  });

  it("--dry-run shows the plan with the NAT cost and leaves no change set behind", async () => {
    const before = await stackParameters("pub");
    const result = await cli("rack", "params", "set", "Private=Yes", "-r", "pub", "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/NAT gateways? will be created: about \$\d+\.\d\d\/month/);
    expect(await changeSetsOf("pub")).toEqual([]);
    expect(await stackParameters("pub")).toEqual(before);
  });

  it("--dry-run --exit-code exits 4 when changes are pending and 0 when there are none, for CI diff steps", async () => {
    const pending = await cli("rack", "params", "set", "Domain=diff.example.com", "-r", "pub", "--dry-run", "--exit-code");
    expect(pending.code, pending.stderr).toBe(4);
    expect(await changeSetsOf("pub")).toEqual([]);
    const none = await cli("rack", "params", "set", "Internal=Yes", "-r", "pub", "--dry-run", "--exit-code");
    expect(none.code, none.stderr).toBe(0);
  });

  it("a usage error exits 2", async () => {
    const result = await cli("rack", "params", "set");
    expect(result.code).toBe(2);
  });
});

describe("rack uninstall", () => {
  it("deletes a rack, its CA, and its bucket even with a template upload left in it", async () => {
    const bucket = (await stackOutputs("priv")).TemplateBucket ?? "";
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: "racknet/templates/priv-app/leftover.json", Body: "{}" }));
    const result = await cli("rack", "uninstall", "priv", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const racks = JSON.parse((await cli("racks", "--json")).stdout) as { name: string }[];
    expect(racks.map((rack) => rack.name).filter((name) => ["priv", "pub"].includes(name))).toEqual(["pub"]);
    await expect(aws.ssm.send(new GetParameterCommand({ Name: "/racknet/priv/ca/cert" }))).rejects.toThrow();
    await expect(aws.s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow();
  });

  it("a rack that does not exist is a clear error", async () => {
    const result = await cli("rack", "-r", "nope");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rack "nope" not found');
  });
});
