import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { DescribeServicesCommand, DescribeTasksCommand, ListServicesCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { startMoto, awsEnv, awsClients, describeTestStack, keepEcsTasksRunning } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Private network names (SPEC section 5) on moto: the zone on the VPC, names whose ids are
 * the stacks' UUIDs, records that follow the running tasks, and security groups that admit
 * exactly the private network and the load balancers.
 */
const root = join(__dirname, "..", "..");
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

function stack(name: string) {
  return describeTestStack(aws.cloudFormation, name);
}

const uuidOf = (stackId: string) => stackId.split("/").at(-1) ?? "";

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  await keepEcsTasksRunning(moto.endpoint);
  for (const args of [
    ["rack", "install", "net", "--private", "Internal=Yes", "--yes"],
    ["deploy", "-a", "shop", "-f", join(root, "examples", "shop", "convox.yml"), "-r", "net", "--yes"],
  ]) {
    const result = await runCli(args, { env });
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("private network names", () => {
  it("the rack's pn-<uuid>.private-network.internal zone is private, on the rack's VPC", async () => {
    const rack = await stack("net");
    const zoneName = `pn-${uuidOf(rack.id)}.private-network.internal.`;
    const zones = (await aws.route53.send(new ListHostedZonesByNameCommand({ DNSName: zoneName }))).HostedZones ?? [];
    const zone = zones.find((candidate) => candidate.Name === zoneName);
    expect(zone?.Config?.PrivateZone).toBe(true);
    const detail = await aws.route53.send(new GetHostedZoneCommand({ Id: zone?.Id ?? "" }));
    expect(detail.VPCs?.map((vpc) => vpc.VPCId)).toEqual([rack.outputs.VpcId]);
  });

  it("names the running containers with the stacks' ids, and reconciliation writes their records", async () => {
    const rack = await stack("net");
    const app = await stack("net-shop");
    const pn = `pn-${uuidOf(rack.id)}`;
    const ap = `ap-${uuidOf(app.id)}`;
    const cluster = rack.outputs.Cluster ?? "";
    const serviceArns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    const services = (await aws.ecs.send(new DescribeServicesCommand({ cluster, services: serviceArns }))).services ?? [];
    const serviceName = { web: app.outputs.ServiceWebName, worker: app.outputs.ServiceWorkerName };
    const taskDefinition = (name: "web" | "worker") => services.find((service) => service.status === "ACTIVE" && service.serviceName === serviceName[name])?.taskDefinition ?? "";

    // moto's ECS services start no tasks: start them as the services would, with the tags ECS propagates.
    const started: Record<string, string[]> = { web: [], worker: [] };
    for (const [service, count] of [["web", 2], ["worker", 1]] as const) {
      const run = await aws.ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: taskDefinition(service),
          count,
          launchType: "FARGATE",
          networkConfiguration: { awsvpcConfiguration: { subnets: (rack.outputs.PrivateSubnets ?? "").split(","), securityGroups: [rack.outputs.NetworkSecurityGroup ?? ""], assignPublicIp: "DISABLED" } },
          tags: [
            { key: "racknet:app-id", value: ap },
            { key: "racknet:service", value: service },
          ],
        }),
      );
      const arns = (run.tasks ?? []).map((task) => task.taskArn ?? "");
      const described = (await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
      started[service] = described.map((task) => task.attachments?.[0]?.details?.find((detail) => detail.name === "privateIPv4Address")?.value ?? "");
    }

    const redeploy = await cli("deploy", "-a", "shop", "-f", join(root, "examples", "shop", "convox.yml"), "-r", "net", "--yes");
    expect(redeploy.code, redeploy.stderr).toBe(0);

    const listed = await cli("private-networks-domain-names", "-a", "shop", "-r", "net", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const names = (JSON.parse(listed.stdout) as { data: { type: string; domain_name: string }[] }).data.map((entry) => entry.domain_name);
    const zone = `${pn}.private-network.internal.`;
    expect(names).toEqual(
      expect.arrayContaining([`${ap}.${zone}`, `web.${ap}.${zone}`, `1.web.${ap}.${zone}`, `2.web.${ap}.${zone}`, `worker.${ap}.${zone}`, `1.worker.${ap}.${zone}`]),
    );

    const records = (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: rack.outputs.PrivateNetworkZoneId ?? "" }))).ResourceRecordSets ?? [];
    const a = (name: string) => records.find((record) => record.Type === "A" && record.Name === name)?.ResourceRecords?.map((value) => value.Value).sort();
    expect(a(`web.${ap}.${zone}`)).toEqual([...(started.web ?? [])].sort());
    expect(a(`${ap}.${zone}`)).toEqual([...(started.web ?? [])].sort());
    expect(a(`worker.${ap}.${zone}`)).toEqual(started.worker);
    expect(started.web).toContain(a(`1.web.${ap}.${zone}`)?.[0]);
    expect(records.find((record) => record.Name === `web.${ap}.${zone}`)?.TTL).toBe(5);
  });

  it("a rack or app that does not exist is a clear error", async () => {
    const noApp = await cli("private-networks-domain-names", "-a", "ghost", "-r", "net");
    expect(noApp.code).toBe(1);
    expect(noApp.stderr).toContain('app "ghost" not found');
    const noRack = await cli("private-networks-domain-names", "-a", "shop", "-r", "ghost");
    expect(noRack.code).toBe(1);
    expect(noRack.stderr).toContain('rack "ghost" not found');
  });
});

describe("the private network's security groups", () => {
  it("members reach each other on every TCP and UDP port; nothing else gets in", async () => {
    const rack = await stack("net");
    const group = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [rack.outputs.NetworkSecurityGroup ?? ""] }))).SecurityGroups?.[0];
    const rules = group?.IpPermissions ?? [];
    expect(rules.map((rule) => `${rule.IpProtocol}:${rule.FromPort}-${rule.ToPort}`).sort()).toEqual(["tcp:0-65535", "udp:0-65535"]);
    for (const rule of rules) {
      expect(rule.IpRanges ?? []).toEqual([]);
      expect(rule.UserIdGroupPairs?.map((pair) => pair.GroupId)).toEqual([group?.GroupId]);
    }
  });

  it("the app's tasks admit only the load balancers, on the service's port", async () => {
    const rack = await stack("net");
    const cluster = rack.outputs.Cluster ?? "";
    const serviceArns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    const services = ((await aws.ecs.send(new DescribeServicesCommand({ cluster, services: serviceArns }))).services ?? []).filter((s) => s.status === "ACTIVE");
    const groupIds = new Set(services.flatMap((service) => service.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? []));
    groupIds.delete(rack.outputs.NetworkSecurityGroup ?? "");
    expect(groupIds.size).toBe(1);
    const appGroup = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [...groupIds] }))).SecurityGroups?.[0];
    const balancers = new Set([rack.outputs.ExternalLoadBalancerSecurityGroup, rack.outputs.InternalLoadBalancerSecurityGroup]);
    const rules = appGroup?.IpPermissions ?? [];
    expect(rules.map((rule) => rule.FromPort).sort()).toEqual([5678, 80]);
    for (const rule of rules) {
      expect(rule.IpRanges ?? []).toEqual([]);
      for (const pair of rule.UserIdGroupPairs ?? []) expect(balancers.has(pair.GroupId)).toBe(true);
    }
  });
});
