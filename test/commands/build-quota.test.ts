import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run as build } from "../../src/operations/build.js";
import { awsHarness, resourceWrites, type AwsHarness, type Outcome } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";
import { buildApp } from "./build-fixtures.js";

/**
 * Builds in a new account (issue 20, item 2): CodeBuild's quota on builds running at once
 * (codebuild L-9D07B6EF for the rack's default small builds) is read, at most that many run,
 * a StartBuild refused with AccountLimitExceededException is tried again, and when the
 * refusals last the error names the quota to raise.
 */

const SMALL_BUILDS = "codebuild/L-9D07B6EF";

/** Three services, three images (their build args differ, so do their content tags). */
const THREE_IMAGES = `services:
  web:
    build:
      path: .
      args: [MODE=web]
    port: 3000
  worker:
    build:
      path: .
      args: [MODE=worker]
  cron:
    build:
      path: .
      args: [MODE=cron]
`;

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  Object.assign(h.options, { rack: "prod", app: "shop" });
});
afterEach(() => {
  vi.useRealTimers();
  h.restore();
});

describe("racknet build in an account with few concurrent builds", () => {
  it("a quota of 1: the three images are built one after another, and the output says why", async () => {
    h.quotas[SMALL_BUILDS] = 1;
    h.builds.accountLimit = 1;
    const result = await h.run(build, { file: buildApp(THREE_IMAGES) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.builds.builds).toHaveLength(3);
    expect(h.builds.mostRunning).toBe(1);
    expect(result.stderr).toContain("CodeBuild runs at most 1 build(s) at once in this account (Concurrently running builds for Linux/Small environment, L-9D07B6EF): building the 3 images 1 at a time");
  });

  it("the quota of the rack's build size is the one read (BuildInstance=BUILD_GENERAL1_LARGE: L-4DDC4A99)", async () => {
    const rack = h.cloudFormation.stack("prod");
    if (rack) rack.parameters.BuildInstance = "BUILD_GENERAL1_LARGE";
    h.quotas["codebuild/L-4DDC4A99"] = 2;
    const result = await h.run(build, { file: buildApp(THREE_IMAGES) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.calls.filter((call) => call.operation === "ServiceQuotas.GetServiceQuota").map((call) => call.input)).toEqual([{ ServiceCode: "codebuild", QuotaCode: "L-4DDC4A99" }]);
    expect(result.stderr).toContain("building the 3 images 2 at a time");
  });

  it("a quota of 0: refused before anything is uploaded or built, naming the quota and the command that raises it", async () => {
    h.quotas[SMALL_BUILDS] = 0;
    const result = await h.run(build, { file: buildApp(THREE_IMAGES) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("this account may run no CodeBuild builds of the rack's size in us-east-1 (Concurrently running builds for Linux/Small environment, L-9D07B6EF: 0); nothing was built or changed");
    expect(result.stderr).toContain("aws service-quotas request-service-quota-increase --service-code codebuild --quota-code L-9D07B6EF --desired-value 3 --region us-east-1");
    expect(resourceWrites(result)).toEqual([]);
  });

  it("the account's other builds hold every slot for a while: racknet waits, says so, and builds", async () => {
    h.builds.accountLimit = 1;
    h.builds.otherBuildsRunning = 1;
    const result = await runWithFakeClock(() => h.run(build, { file: buildApp(THREE_IMAGES) }), () => {
      // The other build ends after racknet's second try.
      if (h.calls().filter((call) => call.operation === "CodeBuild.StartBuild").length >= 2) h.builds.otherBuildsRunning = 0;
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/CodeBuild refused to start the build for the account's limit on builds \(Cannot have more than 0 builds in queue for the account\); trying again in 5s/);
    expect(h.builds.builds.filter((one) => one.status === "SUCCEEDED")).toHaveLength(3);
  });

  it("refused for as long as racknet waits: exit 3 naming the quota to raise, and no change set", async () => {
    h.builds.accountLimit = 1;
    h.builds.otherBuildsRunning = 1;
    const result = await runWithFakeClock(() => h.run(build, { file: buildApp(THREE_IMAGES) }));
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain("CodeBuild refused for 10 minutes to start the build of");
    expect(result.stderr).toContain("(Concurrently running builds for Linux/Small environment, L-9D07B6EF: 5; CodeBuild said: Cannot have more than 0 builds in queue for the account); nothing was deployed");
    expect(result.stderr).toContain("raise the quota: aws service-quotas request-service-quota-increase --service-code codebuild --quota-code L-9D07B6EF --desired-value 8 --region us-east-1");
    expect(h.builds.builds).toHaveLength(0);
    expect(result.calls.some((call) => call.operation.startsWith("CloudFormation.Create"))).toBe(false);
  });
});

/** Runs the command with setTimeout on a fake clock moved on whenever the command waits. */
async function runWithFakeClock(step: () => Promise<Outcome>, onTick: () => void = () => undefined): Promise<Outcome> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  let done = false;
  const running = step().finally(() => (done = true));
  while (!done) {
    onTick();
    await vi.advanceTimersByTimeAsync(1000);
  }
  return running;
}
