import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { AuthorizeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { hasStackTrace, runCli } from "../support/cli.js";

/**
 * `racknet rack drift` on moto (the launcher restores drift detection: docs/moto.md): nothing
 * drifted after install and deploy (exit 0); then the test opens ports by hand with the SDK,
 * one on a group whose rules CloudFormation compares (the external load balancer's) and one
 * on a group it does not (the private network's, whose rules are separate resources), and
 * both are reported, security first (exit 4); `racknet rack` then shows the last verdict.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

interface DriftJson {
  rack: string;
  drifted: boolean;
  stacks: { what: string; status: string; resources: { logicalId: string; foundBy: string; security: boolean; differences: { rule?: string }[] }[] }[];
}

async function groupId(stack: string, logicalId: string): Promise<string> {
  const resources = (await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: stack }))).StackResourceSummaries ?? [];
  return resources.find((resource) => resource.LogicalResourceId === logicalId)?.PhysicalResourceId ?? "";
}

async function openPort(group: string, port: number): Promise<void> {
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: "tcp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const manifest = join(mkdtempSync(join(tmpdir(), "racknet-drift-")), "convox.yml");
  writeFileSync(manifest, "services:\n  web:\n    image: nginx:1.27\n    port: 80\n");
  for (const args of [
    ["rack", "install", "dr", "--yes"],
    ["deploy", "-a", "site", "-f", manifest, "-r", "dr", "--yes"],
  ]) {
    const result = await cli(...args);
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("racknet rack drift", () => {
  it("after install and deploy: every stack IN_SYNC, exit 0", async () => {
    const result = await cli("rack", "drift", "-r", "dr", "--json");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    const drift = JSON.parse(result.stdout) as DriftJson;
    expect(drift.drifted).toBe(false);
    expect(drift.stacks.map((stack) => [stack.what, stack.status])).toEqual([
      ["rack dr", "IN_SYNC"],
      ["app site", "IN_SYNC"],
    ]);
  });

  it("ports opened by hand with the SDK: both found, the one CloudFormation cannot see by racknet, exit 4", async () => {
    await openPort(await groupId("dr", "ExternalBalancerSecurityGroup"), 8080);
    await openPort(await groupId("dr", "NetworkSecurityGroup"), 22);
    const result = await cli("rack", "drift", "-r", "dr", "--json");
    expect(result.code, result.stderr).toBe(4);
    const drift = JSON.parse(result.stdout) as DriftJson;
    expect(drift.drifted).toBe(true);
    const rack = drift.stacks.find((stack) => stack.what === "rack dr");
    expect(rack?.status).toBe("DRIFTED");
    expect(rack?.resources.map((resource) => [resource.logicalId, resource.foundBy, resource.security, resource.differences.map((difference) => difference.rule)])).toEqual([
      ["ExternalBalancerSecurityGroup", "cloudformation", true, ["tcp 8080 from 0.0.0.0/0"]],
      ["NetworkSecurityGroup", "racknet", true, ["tcp 22 from 0.0.0.0/0"]],
    ]);
    expect(drift.stacks.find((stack) => stack.what === "app site")?.status).toBe("IN_SYNC");

    const human = await cli("rack", "drift", "-r", "dr");
    expect(human.code).toBe(4);
    expect(human.stdout).toContain("rule added: tcp 22 from 0.0.0.0/0 (open to every address)");
  });

  it("racknet rack shows the last detection's verdict without starting one", async () => {
    const result = await cli("rack", "-r", "dr", "--json");
    expect(result.code, result.stderr).toBe(0);
    const rack = JSON.parse(result.stdout) as { drift: { status: string; drifted: { logicalId: string; type: string; status: string }[] } };
    expect(rack.drift.status).toBe("DRIFTED");
    expect(rack.drift.drifted).toEqual([{ logicalId: "ExternalBalancerSecurityGroup", type: "AWS::EC2::SecurityGroup", status: "MODIFIED" }]);
  });
});
