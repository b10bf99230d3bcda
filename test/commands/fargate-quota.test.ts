import type { Task } from "@aws-sdk/client-ecs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * The Fargate On-Demand vCPU quota (fargate L-3032A538), checked before a deploy's change set:
 * the rollout's peak (count × cpu × deployment.maximum / 100 of each service that changes)
 * plus what the account runs now (issue 20, item 8).
 */

const FARGATE_VCPUS = "fargate/L-3032A538";

/** web: 2 tasks of 1 vCPU, rolled at 200%: 4 vCPUs at the peak. */
const TWO_BIG = (image = "nginx:1.27") => `services:
  web:
    image: ${image}
    port: 80
    scale:
      count: 2
      cpu: 1024
      memory: 2048
    deployment:
      minimum: 50
      maximum: 200
`;

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
});
afterEach(() => h.restore());

const deployShop = (manifest: string) => withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(deploy, { file: manifestFile(manifest) }));

/** Tasks running in the account now: `count` Fargate tasks of `cpu` units in another cluster. */
function running(count: number, cpu: string): void {
  const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/other";
  for (let index = 0; index < count; index++) {
    h.privateNetwork.tasks.push({ taskArn: `${cluster.replace(":cluster/", ":task/")}/t${index}`, clusterArn: cluster, cpu, launchType: "FARGATE", lastStatus: "RUNNING" } as Task);
  }
}

describe("deploy and the account's Fargate vCPU quota", () => {
  it("a rollout that needs more vCPUs than the quota: refused before anything is written, with the numbers and the command that raises it", async () => {
    h.quotas[FARGATE_VCPUS] = 2;
    const result = await deployShop(TWO_BIG());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "app shop on rack prod: its rollout runs up to 4 vCPUs of Fargate at once (web: 4 task(s) × 1 vCPU at deployment.maximum 200%), beside the 0 vCPUs the account runs now in us-east-1: 4 in all, over the account's 2 (Fargate On-Demand vCPU resource count, L-3032A538); nothing was changed",
    );
    expect(result.stderr).toContain("aws service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 --desired-value 4 --region us-east-1");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
  });

  it("what the account runs now counts: 3 vCPUs running and a peak of 4 do not fit in 6", async () => {
    h.quotas[FARGATE_VCPUS] = 6;
    running(3, "1024");
    const result = await deployShop(TWO_BIG());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("beside the 3 vCPUs the account runs now in us-east-1: 7 in all, over the account's 6");
    expect(result.stderr).toContain("--desired-value 7");
  });

  it("a rollout that fits is deployed", async () => {
    h.quotas[FARGATE_VCPUS] = 6;
    running(2, "1024");
    const result = await deployShop(TWO_BIG());
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it("the rolling service's own old tasks are in the peak already, not counted twice; a service that does not change starts nothing", async () => {
    h.quotas[FARGATE_VCPUS] = 4;
    await deployedApp(h, "prod", "shop", TWO_BIG());
    // Its 2 tasks run now: a new image rolls them to 4 at the peak, 4 in all.
    running(2, "1024");
    const rolled = await deployShop(TWO_BIG("nginx:1.28"));
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    // Nothing changes: no rollout, whatever the quota.
    h.quotas[FARGATE_VCPUS] = 1;
    const same = await deployShop(TWO_BIG("nginx:1.28"));
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stderr).toContain("no changes");
  });
});
