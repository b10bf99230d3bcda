import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { awsClients, awsEnv, describeTestStack, startMoto } from "../support/moto.js";
import { hasStackTrace, runCli, spawnCli } from "../support/cli.js";
import { violations } from "../json/schemas.js";

/**
 * `racknet apps cancel` and `deploy --timeout` on the patched moto (issue 24), whose updates
 * run for a while here (MOTO_CLOUDFORMATION_UPDATE_SECONDS) so that there is one to cancel.
 */
const UPDATE_SECONDS = 8;
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const dir = mkdtempSync(join(tmpdir(), "racknet-cancel-"));
const manifest = join(dir, "convox.yml");
const web = (image: string) => `services:\n  web:\n    image: ${image}\n    port: 80\n`;

async function runningImage(): Promise<string> {
  const rack = await describeTestStack(aws.cloudFormation, "slow");
  const app = await describeTestStack(aws.cloudFormation, "slow-shop");
  const service = (await aws.ecs.send(new DescribeServicesCommand({ cluster: rack.outputs.Cluster ?? "", services: [app.outputs.ServiceWebName ?? ""] }))).services?.find((one) => one.status === "ACTIVE");
  const definition = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition ?? "" }));
  return definition.taskDefinition?.containerDefinitions?.[0]?.image ?? "";
}

beforeAll(async () => {
  process.env.MOTO_CLOUDFORMATION_UPDATE_SECONDS = String(UPDATE_SECONDS);
  // A server of its own: slow updates are this file's setting, and the worker's shared server
  // may already run without it (or would slow every later file's updates).
  moto = await startMoto({ own: true });
  delete process.env.MOTO_CLOUDFORMATION_UPDATE_SECONDS;
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  writeFileSync(manifest, web("nginx:1.27"));
  for (const args of [
    ["rack", "install", "slow", "--yes"],
    ["deploy", "-a", "shop", "-r", "slow", "-f", manifest, "--yes"],
  ]) {
    const result = await runCli(args, { env });
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe("an update that is cancelled is rolled back", () => {
  it("apps cancel during a deploy: the update ends UPDATE_ROLLBACK_COMPLETE, both commands say so, the deploy exits 3", async () => {
    writeFileSync(manifest, web("nginx:1.28"));
    const deploy = spawnCli(["deploy", "-a", "shop", "-r", "slow", "-f", manifest, "--yes"], { env });
    await deploy.waitForStderr(/updating app shop/);
    const dry = await runCli(["apps", "cancel", "shop", "-r", "slow", "--dry-run", "--json"], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(violations("apps-cancel", JSON.parse(dry.stdout))).toBe("");
    expect(JSON.parse(dry.stdout)).toMatchObject({ outcome: "dry-run", status: "UPDATE_IN_PROGRESS" });
    const cancelled = await runCli(["apps", "cancel", "shop", "-r", "slow", "--yes", "--json"], { env });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(violations("apps-cancel", JSON.parse(cancelled.stdout))).toBe("");
    expect(JSON.parse(cancelled.stdout)).toEqual({ app: "shop", rack: "slow", outcome: "cancelled", status: "UPDATE_ROLLBACK_COMPLETE", stillRunning: expect.arrayContaining(["WebService"]) });
    expect(cancelled.stderr).toContain("the update of app shop on rack slow was cancelled and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs");
    const deployed = await deploy.done;
    expect(deployed.code).toBe(3);
    expect(deployed.stderr).toContain("the update of app shop on rack slow was cancelled (CancelUpdateStack: `racknet apps cancel` or by hand) and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs");
    expect(hasStackTrace(deployed.stderr)).toBe(false);
    expect((await describeTestStack(aws.cloudFormation, "slow-shop")).status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(await runningImage()).toBe("nginx:1.27");
    const releases = JSON.parse((await runCli(["releases", "-a", "shop", "-r", "slow", "--json"], { env })).stdout) as { releases: { release: number; outcome: string; current: boolean }[] };
    expect(releases.releases.map((row) => [row.release, row.outcome, row.current])).toEqual([
      [2, "rolled-back", false],
      [1, "succeeded", true],
    ]);
  });

  it("apps cancel with no update running is refused: nothing to cancel", async () => {
    const result = await runCli(["apps", "cancel", "shop", "-r", "slow", "--yes"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not being updated (UPDATE_ROLLBACK_COMPLETE): there is nothing to cancel");
  });

  it("deploy --timeout 2s: the update still running is cancelled and rolled back, exit 3, the message says so", async () => {
    writeFileSync(manifest, web("nginx:1.29"));
    const result = await runCli(["deploy", "-a", "shop", "-r", "slow", "-f", manifest, "--yes", "--timeout", "2s"], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("still updating after --timeout 2s: racknet cancels the update (CancelUpdateStack)");
    expect(result.stderr).toContain("not done within --timeout 2s: the update of app shop on rack slow was cancelled and rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version runs");
    expect(result.stderr).toContain("WebService");
    expect(await runningImage()).toBe("nginx:1.27");
  });
});
