import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImportCertificateCommand } from "@aws-sdk/client-acm";
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { DescribeListenerAttributesCommand, DescribeListenersCommand, DescribeTargetGroupsCommand, type LoadBalancer } from "@aws-sdk/client-elastic-load-balancing-v2";
import { createCa, issueServerCertificate } from "../../src/ca/index.js";
import { startMoto, awsEnv, awsClients, describeTestStack, allLoadBalancers } from "../support/moto.js";
import { runCli } from "../support/cli.js";
import { violations } from "../json/schemas.js";

/**
 * Network load balancers end to end on the patched moto (issue 28): an app with nlb: ports gets
 * its own network load balancers, public and internal, with a TCP listener (its idle timeout
 * from timeout:) and a TLS listener with the ACM certificate the manifest names, each forwarding
 * to an ip target group on the container port, behind security groups that admit the listener
 * ports from the manifest's sources only. Each is read back from AWS after the deploy.
 */
const dir = mkdtempSync(join(tmpdir(), "racknet-nlb-"));
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
let deployOutput = "";
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const ca = await createCa("tcp");
  const server = await issueServerCertificate(ca, { commonName: "db.tcp.convox", dnsNames: ["db.tcp.convox"] });
  const imported = await aws.acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(server.certPem), PrivateKey: Buffer.from(server.keyPem), CertificateChain: Buffer.from(server.chainPem) }));
  writeFileSync(
    join(dir, "convox.yml"),
    `services:
  db:
    image: example/db:1
    timeout: 300
    nlb:
      - port: 5432
        scheme: public
        allow_cidr: [203.0.113.0/24]
      - port: 443
        protocol: tls
        containerPort: 8443
        scheme: internal
        certificate: ${imported.CertificateArn}
`,
  );
  const install = await cli("rack", "install", "tcp", "--yes");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  const deploy = await cli("deploy", "-a", "shop", "-r", "tcp", "--yes");
  if (deploy.code !== 0) throw new Error(`setup deploy failed: ${deploy.stdout}\n${deploy.stderr}`);
  deployOutput = deploy.stdout + deploy.stderr;
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function networkLoadBalancers(): Promise<LoadBalancer[]> {
  // The shared moto may hold other files' racks: only this rack's VPC counts.
  const vpc = (await describeTestStack(aws.cloudFormation, "tcp")).outputs.VpcId;
  const all = await allLoadBalancers(aws.elbv2);
  return all.filter((balancer) => balancer.Type === "network" && balancer.VpcId === vpc);
}

describe("an app with nlb: ports", () => {
  it("gets a public and an internal network load balancer, each with its security group", async () => {
    const balancers = await networkLoadBalancers();
    expect(balancers.map((balancer) => balancer.Scheme).sort()).toEqual(["internal", "internet-facing"]);
    for (const balancer of balancers) expect(balancer.SecurityGroups?.length).toBe(1);
  });

  it("listens with TCP on 5432 (idle timeout 300 from timeout:) and TLS on 443 with the certificate, forwarding to ip target groups on the container ports", async () => {
    const balancers = await networkLoadBalancers();
    const listeners = (await Promise.all(balancers.map(async (balancer) => (await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: balancer.LoadBalancerArn }))).Listeners ?? []))).flat();
    const tcp = listeners.find((listener) => listener.Port === 5432);
    const tls = listeners.find((listener) => listener.Port === 443);
    expect(tcp).toMatchObject({ Protocol: "TCP" });
    expect(tls).toMatchObject({ Protocol: "TLS", SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    expect(tls?.Certificates?.[0]?.CertificateArn).toMatch(/^arn:aws:acm:/);
    const idle = (await aws.elbv2.send(new DescribeListenerAttributesCommand({ ListenerArn: tcp?.ListenerArn }))).Attributes ?? [];
    expect(idle).toContainEqual({ Key: "tcp.idle_timeout.seconds", Value: "300" });
    const groups = (await aws.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
    const target = (listener: typeof tcp) => groups.find((group) => group.TargetGroupArn === listener?.DefaultActions?.[0]?.TargetGroupArn);
    expect(target(tcp)).toMatchObject({ TargetType: "ip", Protocol: "TCP", Port: 5432 });
    expect(target(tls)).toMatchObject({ TargetType: "ip", Protocol: "TCP", Port: 8443 });
  });

  it("admits 5432 from the allow_cidr only on the public load balancer, and 443 from the VPC only on the internal one", async () => {
    const balancers = await networkLoadBalancers();
    const groupIds = balancers.flatMap((balancer) => balancer.SecurityGroups ?? []);
    const groups = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }))).SecurityGroups ?? [];
    const rules = groups.flatMap((group) => (group.IpPermissions ?? []).flatMap((permission) => (permission.IpRanges ?? []).map((range) => `${permission.FromPort} ${range.CidrIp}`))).sort();
    // The rack's range is chosen at install to overlap no other rack of the (shared) emulator.
    const vpcs = (await aws.ec2.send(new DescribeVpcsCommand({ VpcIds: [balancers[0]?.VpcId ?? ""] }))).Vpcs ?? [];
    expect(rules).toEqual([`443 ${vpcs[0]?.CidrBlock}`, "5432 203.0.113.0/24"].sort());
  });

  it("racknet services names each listener at its load balancer's DNS name", async () => {
    const listed = await cli("services", "-a", "shop", "-r", "tcp", "--json");
    expect(listed.code).toBe(0);
    expect(violations("services", JSON.parse(listed.stdout))).toBe("");
    const [db] = JSON.parse(listed.stdout) as { nlb: { host: string; port: number; container: number; protocol: string; scheme: string }[] }[];
    const balancers = await networkLoadBalancers();
    const dns = (scheme: string) => balancers.find((balancer) => balancer.Scheme === scheme)?.DNSName;
    expect(db?.nlb).toEqual([
      { host: dns("internet-facing"), port: 5432, container: 5432, protocol: "tcp", scheme: "public" },
      { host: dns("internal"), port: 443, container: 8443, protocol: "tls", scheme: "internal" },
    ]);
  });

  it("says in the plan each listener, who may connect, how long a connection may idle, and what the load balancers cost", () => {
    expect(deployOutput).toContain("the app's public (internet-facing) network load balancer: 5432/tcp → db:5432 from 203.0.113.0/24 (idle 300 s)");
    expect(deployOutput).toContain("the app's internal network load balancer: 443/tls → db:8443 from the VPC (idle 350 s, fixed for TLS)");
    expect(deployOutput).toMatch(/Network load balancers of shop\s+2\s+\$0\.0225\/hour per load balancer\s+-\s+\$32\.85/);
  });
});
