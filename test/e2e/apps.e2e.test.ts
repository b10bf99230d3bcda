import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { DescribeListenersCommand, DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/** Apps on racks (SPEC section 3), end to end on moto: what the built CLI leaves in AWS. */
const root = join(__dirname, "..", "..");
const example = join(root, "examples", "shop", "convox.yml");
const fixture = (name: string) => join(root, "test", "fixtures", "apps", name);

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

async function outputs(stack: string): Promise<Record<string, string>> {
  return (await describeTestStack(aws.cloudFormation, stack)).outputs;
}

async function activeServices(cluster: string) {
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  if (arns.length === 0) return [];
  const described = (await aws.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? [];
  return described.filter((service) => service.status === "ACTIVE");
}

async function zoneRecords(zoneName: string) {
  // By name: the shared account holds other files' zones, more than one page of ListHostedZones.
  const zones = (await aws.route53.send(new ListHostedZonesByNameCommand({ DNSName: zoneName }))).HostedZones ?? [];
  const zone = zones.find((candidate) => candidate.Name?.replace(/\.$/, "") === zoneName);
  expect(zone, `zone ${zoneName}`).toBeDefined();
  return (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone?.Id ?? "" }))).ResourceRecordSets ?? [];
}

async function stackNames(): Promise<string[]> {
  const result = await aws.cloudFormation.send(new ListStacksCommand({}));
  return (result.StackSummaries ?? []).filter((s) => s.StackStatus !== "DELETE_COMPLETE").map((s) => s.StackName ?? "");
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  for (const args of [
    ["rack", "install", "corp", "--private", "Internal=Yes", "internal_router=true", "--yes"],
    ["rack", "install", "open", "--yes"],
  ]) {
    const result = await runCli(args, { env });
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("deploy on a private rack with Internal=Yes", () => {
  it("deploys the example: internal DNS name, host rule on the internal HTTPS listener, API_URL, private subnets", async () => {
    const result = await cli("deploy", "-a", "shop", "-f", example, "-r", "corp", "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    const rack = await outputs("corp");

    const records = await zoneRecords("corp.convox");
    const api = records.find((record) => record.Name?.replace(/\.$/, "") === "api.shop.corp.convox");
    expect(api?.AliasTarget?.DNSName?.replace(/\.$/, "").toLowerCase()).toBe(rack.InternalLoadBalancerDns?.toLowerCase());

    const rules = (await aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: rack.InternalListener }))).Rules ?? [];
    const hosts = rules.flatMap((rule) => rule.Conditions ?? []).flatMap((c) => c.HostHeaderConfig?.Values ?? c.Values ?? []);
    expect(hosts).toContain("api.shop.corp.convox");
    const listener = (await aws.elbv2.send(new DescribeListenersCommand({ ListenerArns: [rack.InternalListener ?? ""] }))).Listeners?.[0];
    expect(listener?.Protocol).toBe("HTTPS");

    const services = await activeServices(rack.Cluster ?? "");
    const app = await outputs("corp-shop");
    const web = services.find((service) => service.serviceName === app.ServiceWebName);
    const definition = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: web?.taskDefinition ?? "" }))).taskDefinition;
    const environment = definition?.containerDefinitions?.[0]?.environment ?? [];
    expect(environment).toContainEqual({ name: "API_URL", value: "https://api.shop.corp.convox" });
    expect(environment.find((entry) => entry.name === "RACKNET_CA_CERT")?.value).toContain("BEGIN CERTIFICATE");

    const privateSubnets = (rack.PrivateSubnets ?? "").split(",").sort();
    expect(services.length).toBe(3);
    for (const service of services) {
      const vpc = service.networkConfiguration?.awsvpcConfiguration;
      expect(vpc?.assignPublicIp, service.serviceName).toBe("DISABLED");
      expect([...(vpc?.subnets ?? [])].sort(), service.serviceName).toEqual(privateSubnets);
    }
  });

  it("services --json shows each endpoint", async () => {
    const result = await cli("services", "-a", "shop", "-r", "corp", "--json");
    expect(result.code, result.stderr).toBe(0);
    const services = JSON.parse(result.stdout) as { service: string; visibility: string; endpoints: { kind: string; url: string }[] }[];
    const byName = Object.fromEntries(services.map((service) => [service.service, service]));
    expect(byName.api?.visibility).toBe("internal");
    expect(byName.api?.endpoints).toContainEqual({ kind: "internal", url: "https://api.shop.corp.convox" });
    expect(byName.worker?.endpoints).toEqual([]);
    const human = await cli("services", "-a", "shop", "-r", "corp");
    expect(human.stdout).toMatch(/SERVICE\s+VISIBILITY\s+DOMAIN\s+PORTS/);
  });

  it("internalAndExternal gets both names, internalRouter the router name", async () => {
    const result = await cli("deploy", "-a", "kinds", "-f", fixture("every-kind.yml"), "-r", "corp", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const services = JSON.parse((await cli("services", "-a", "kinds", "-r", "corp", "--json")).stdout) as { service: string; endpoints: { kind: string; url: string }[] }[];
    const admin = services.find((service) => service.service === "admin");
    expect(admin?.endpoints.map((endpoint) => endpoint.kind).sort()).toEqual(["external", "internal"]);
    const peer = services.find((service) => service.service === "peer");
    expect(peer?.endpoints).toContainEqual({ kind: "router", url: "https://peer.kinds.corp.router.convox" });
    const routerRecords = await zoneRecords("corp.router.convox");
    expect(routerRecords.map((record) => record.Name?.replace(/\.$/, ""))).toContain("peer.kinds.corp.router.convox");
  });

  it("apps lists both apps", async () => {
    const apps = JSON.parse((await cli("apps", "-r", "corp", "--json")).stdout) as { name: string }[];
    expect(apps.map((app) => app.name).sort()).toEqual(["kinds", "shop"]);
  });

  it("InternalOnly=Yes is refused while web is external, naming app and service", async () => {
    const result = await cli("rack", "params", "set", "InternalOnly=Yes", "-r", "corp", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("shop/web");
    expect(result.stderr).toContain("kinds/admin");
  });

  it("uninstall is refused while the rack has apps", async () => {
    const result = await cli("rack", "uninstall", "corp", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("shop");
  });
});

describe("rack-aware manifest rules refuse before any AWS write", () => {
  it("an internal service on a rack without Internal=Yes: exit 1, the fix, nothing created", async () => {
    const before = await stackNames();
    const result = await cli("deploy", "-a", "intl", "-f", fixture("internal-api.yml"), "-r", "open", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("racknet rack params set Internal=Yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(await stackNames()).toEqual(before);
  });

  it("a port: service's timeout above the rack's LoadBalancerIdleTimeout: exit 1 naming it; rack params set raises it on the load balancer", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "racknet-idle-")), "convox.yml");
    writeFileSync(manifest, "services:\n  slow:\n    image: nginx:1.27\n    port: 80\n    timeout: 300\n");
    const refused = await cli("deploy", "-a", "slow", "-f", manifest, "-r", "open", "--yes");
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("services.slow.timeout is 300 seconds; the rack's HTTPS load balancers close a connection idle for 60 (LoadBalancerIdleTimeout=60)");
    expect(refused.stderr).toContain("racknet rack params set LoadBalancerIdleTimeout=300");
    expect(await stackNames()).not.toContain("open-slow");

    // The rack's own external load balancer, by its DNS name (the shared moto holds other files' balancers).
    const dns = (await outputs("open")).ExternalLoadBalancerDns ?? "";
    const external = ((await aws.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).find((balancer) => balancer.DNSName === dns)?.LoadBalancerArn ?? "";
    expect(external).not.toBe("");
    const idle = async () => (await aws.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: external }))).Attributes?.find((attribute) => attribute.Key === "idle_timeout.timeout_seconds")?.Value;
    expect(await idle()).toBe("60");
    const raised = await cli("rack", "params", "set", "LoadBalancerIdleTimeout=300", "-r", "open", "--yes");
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stderr).toContain("close a connection idle for 300 s (was 60 s)");
    expect(await idle()).toBe("300");
    const bad = await cli("rack", "params", "set", "LoadBalancerIdleTimeout=4001", "-r", "open", "--yes");
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toContain("from 1 to 4000");

    // Deployed with its timeout, the service keeps the rack from going below it.
    const deployed = await cli("deploy", "-a", "slow", "-f", manifest, "-r", "open", "--yes");
    expect(deployed.code, deployed.stderr).toBe(0);
    const lowered = await cli("rack", "params", "set", "LoadBalancerIdleTimeout=60", "-r", "open", "--yes");
    expect(lowered.code, lowered.stderr).toBe(1);
    expect(lowered.stderr).toContain("slow/slow (timeout: 300)");
    expect(await idle()).toBe("300");
    const removed = await cli("apps", "delete", "slow", "-r", "open", "--yes");
    expect(removed.code, removed.stderr).toBe(0);
    const back = await cli("rack", "params", "set", "LoadBalancerIdleTimeout=60", "-r", "open", "--yes");
    expect(back.code, back.stderr).toBe(0);
    expect(await idle()).toBe("60");
  });

  it("internalRouter on a rack without internal_router: exit 1, the fix", async () => {
    const result = await cli("deploy", "-a", "kinds", "-f", fixture("every-kind.yml"), "-r", "open", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("internal_router=true");
  });
});

describe("converting a public rack with a deployed app to Private=Yes", () => {
  it("moves the app's services to private subnets without public IPs", async () => {
    const deploy = await cli("deploy", "-a", "site", "-f", fixture("public-web.yml"), "-r", "open", "--yes");
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).not.toContain("s3cr3t-value");
    let rack = await outputs("open");
    for (const service of await activeServices(rack.Cluster ?? "")) {
      expect(service.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("ENABLED");
    }

    const result = await cli("rack", "params", "set", "Private=Yes", "-r", "open", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("site");
    rack = await outputs("open");
    const privateSubnets = (rack.PrivateSubnets ?? "").split(",").sort();
    expect(privateSubnets.length).toBeGreaterThanOrEqual(2);
    const subnets = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: privateSubnets }))).Subnets ?? [];
    expect(subnets.every((subnet) => subnet.MapPublicIpOnLaunch === false)).toBe(true);
    const services = await activeServices(rack.Cluster ?? "");
    expect(services.length).toBe(2);
    for (const service of services) {
      const vpc = service.networkConfiguration?.awsvpcConfiguration;
      expect(vpc?.assignPublicIp, service.serviceName).toBe("DISABLED");
      expect([...(vpc?.subnets ?? [])].sort(), service.serviceName).toEqual(privateSubnets);
    }
  });
});
