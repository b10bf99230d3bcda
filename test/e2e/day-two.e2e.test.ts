import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, StopTaskCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { awsClients, awsEnv, describeTestStack, startMoto } from "../support/moto.js";
import { hasStackTrace, runCli } from "../support/cli.js";

/**
 * Day two on the patched moto (issue 24): releases and rollback, `scale` kept across a deploy,
 * a service autoscaling scaled out keeping its count through an env change, `run` on a private
 * rack, and `exec` refused on an app without Exec=Yes. The built CLI, as a subprocess.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const dir = mkdtempSync(join(tmpdir(), "racknet-day-two-"));
const manifest = join(dir, "convox.yml");
const cli = (...args: string[]) => runCli([...args, "-r", "two", "-a", "shop"], { env });
const text = (webImage: string) => `services:
  web:
    image: ${webImage}
    port: 80
  worker:
    image: busybox:1.36
    environment:
      - LOG_LEVEL
    scale:
      count: 1-6
`;

async function service(name: "web" | "worker") {
  const rack = await describeTestStack(aws.cloudFormation, "two");
  const app = await describeTestStack(aws.cloudFormation, "two-shop");
  const cluster = rack.outputs.Cluster ?? "";
  const serviceName = app.outputs[name === "web" ? "ServiceWebName" : "ServiceWorkerName"] ?? "";
  const found = (await aws.ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }))).services?.find((one) => one.status === "ACTIVE");
  return { cluster, serviceName, found };
}

async function webImage(): Promise<string> {
  const { found } = await service("web");
  const definition = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: found?.taskDefinition ?? "" }));
  return definition.taskDefinition?.containerDefinitions?.[0]?.image ?? "";
}

async function releases(): Promise<{ release: number; kind: string; current: boolean; images: Record<string, string> }[]> {
  const result = await cli("releases", "--json");
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { releases: { release: number; kind: string; current: boolean; images: Record<string, string> }[] }).releases;
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  writeFileSync(manifest, text("nginx:1.27"));
  for (const args of [
    ["rack", "install", "two", "--private", "--yes"],
    ["env", "set", "LOG_LEVEL=info", "-a", "shop", "-r", "two", "--yes"],
    ["deploy", "-a", "shop", "-r", "two", "-f", manifest, "--yes"],
  ]) {
    const result = await runCli(args, { env });
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("day two on a private rack", () => {
  it("a service autoscaling scaled out to 4 keeps 4 through an env change; the change is release 2", async () => {
    const worker = await service("worker");
    expect(worker.found?.desiredCount).toBe(1);
    // What Application Auto Scaling does when the service's CPU climbs.
    await aws.ecs.send(new UpdateServiceCommand({ cluster: worker.cluster, service: worker.serviceName, desiredCount: 4 }));
    const changed = await cli("env", "set", "LOG_LEVEL=debug", "--yes");
    expect(changed.code, changed.stderr).toBe(0);
    const after = await service("worker");
    expect(after.found?.taskDefinition).not.toBe(worker.found?.taskDefinition);
    expect(after.found?.desiredCount).toBe(4);
    expect((await releases()).map((row) => [row.release, row.kind])).toEqual([
      [2, "env"],
      [1, "deploy"],
    ]);
  });

  it("scale web --count 3 survives a following deploy that does not change scale", async () => {
    const scaled = await cli("scale", "web", "--count", "3", "--yes");
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(scaled.stderr).toMatch(/cost/i);
    expect((await service("web")).found?.desiredCount).toBe(3);
    writeFileSync(manifest, text("nginx:1.28"));
    const deployed = await cli("deploy", "-f", manifest, "--yes");
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await webImage()).toBe("nginx:1.28");
    expect((await service("web")).found?.desiredCount).toBe(3);
  });

  it("releases lists each change; releases rollback 1 puts release 1's image back in the task definition, as a new release", async () => {
    expect((await releases()).map((row) => [row.release, row.kind, row.images.web])).toEqual([
      [4, "deploy", "nginx:1.28"],
      [3, "scale", "nginx:1.27"],
      [2, "env", "nginx:1.27"],
      [1, "deploy", "nginx:1.27"],
    ]);
    const rolled = await cli("releases", "rollback", "1", "--yes");
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stderr).toContain("app shop rolled back to release 1's manifest and images, as release 5");
    expect(await webImage()).toBe("nginx:1.27");
    expect((await releases())[0]).toMatchObject({ release: 5, kind: "rollback", current: true });
  });

  it("run web -- echo hi: a task from web's task definition in the private subnets, its output, its exit code", async () => {
    const run = (...command: string[]) => runCli(["run", "web", "-r", "two", "-a", "shop", "--", ...command], { env });
    const hi = await run("echo", "hi");
    expect(hi.code, hi.stderr).toBe(0);
    expect(hi.stdout).toBe("hi\n");
    const failing = await run("sh", "-c", "echo about to fail && exit 3");
    expect(failing.code, failing.stderr).toBe(3);
    expect(failing.stdout).toBe("about to fail\n");
    expect(hasStackTrace(failing.stderr)).toBe(false);

    const rack = await describeTestStack(aws.cloudFormation, "two");
    const { cluster, found } = await service("web");
    const arns = (await aws.ecs.send(new ListTasksCommand({ cluster, startedBy: "racknet-run" }))).taskArns ?? [];
    const tasks = (await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
    expect(tasks).toHaveLength(2);
    const privateSubnets = (rack.outputs.ServiceSubnets ?? "").split(",");
    expect(privateSubnets.length).toBeGreaterThan(0);
    expect(rack.parameters.Private).toBe("Yes");
    for (const task of tasks) {
      expect(task.group).toBe("racknet-run:shop");
      expect(task.taskDefinitionArn).toBe(found?.taskDefinition);
      const details = Object.fromEntries((task.attachments?.[0]?.details ?? []).map((detail) => [detail.name, detail.value]));
      expect(privateSubnets).toContain(details.subnetId);
    }

    // A detached task runs on: its network interface, in a private subnet, has no public IP.
    const detached = await runCli(["run", "web", "-r", "two", "-a", "shop", "--detach", "--json"], { env });
    expect(detached.code, detached.stderr).toBe(0);
    const taskArn = (JSON.parse(detached.stdout) as { taskArn: string }).taskArn;
    const [running] = (await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks ?? [];
    const details = Object.fromEntries((running?.attachments?.[0]?.details ?? []).map((detail) => [detail.name, detail.value]));
    expect(privateSubnets).toContain(details.subnetId);
    const eni = (await aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [details.networkInterfaceId ?? ""] }))).NetworkInterfaces?.[0];
    expect(eni?.SubnetId).toBe(details.subnetId);
    expect(eni?.Association?.PublicIp).toBeUndefined();
    await aws.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: "the test is done with it" }));
  });

  it("exec on an app without Exec=Yes is refused, naming the command that turns it on; without the plugin, how to install it", async () => {
    const bin = mkdtempSync(join(tmpdir(), "racknet-plugin-"));
    const plugin = join(bin, "session-manager-plugin");
    writeFileSync(plugin, "#!/bin/sh\nexit 0\n");
    chmodSync(plugin, 0o755);
    const refused = await runCli(["exec", "web", "-r", "two", "-a", "shop", "--", "sh"], { env: { ...env, PATH: `${bin}:${env.PATH ?? ""}` } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("exec is off for app shop");
    expect(refused.stderr).toContain("racknet apps params set Exec=Yes -a shop");
    const noPlugin = await runCli(["exec", "web", "-r", "two", "-a", "shop", "--", "sh"], { env: { ...env, PATH: "/usr/bin:/bin" } });
    expect(noPlugin.code).toBe(1);
    expect(noPlugin.stderr).toContain("session-manager-plugin");
    expect(noPlugin.stderr).toContain("session-manager-working-with-install-plugin.html");
  });
});
