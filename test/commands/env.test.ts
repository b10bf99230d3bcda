import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as envSet } from "../../src/operations/env-set.js";
import { run as envUnset } from "../../src/operations/env-unset.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, withOptions } from "../support/workflows.js";

/** `racknet env set` and `env unset` on the in-memory AWS: issue 21's env items. */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  await deployedApp(h, "prod", "shop", PUBLIC_WEB);
});
afterEach(() => h.restore());

describe("every change to AWS needs --yes off a terminal (issue 21, item 5)", () => {
  it("env set of a variable no running service reads, without a terminal and without --yes, is refused naming --yes; nothing stored", async () => {
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: false }, () => h.run(envSet, { assignments: ["NEW_SETTING=1"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.stderr).toContain("--yes");
    expect(outcome.stderr).toContain("nothing was changed");
    expect(resourceWrites(outcome)).toEqual([]);
  });

  it("env unset too", async () => {
    await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["OLD_SETTING=1"] }));
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: false }, () => h.run(envUnset, { names: ["OLD_SETTING"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.stderr).toContain("--yes");
    expect(resourceWrites(outcome)).toEqual([]);
  });

  it("with --yes it is stored", async () => {
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["NEW_SETTING=1"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(resourceWrites(outcome)).toContain("SSM.PutParameter");
  });
});

describe("env set always wins over a convox.yml default (issue 21; docs/manifest.md)", () => {
  const WITH_DEFAULT = `services:
  web:
    image: nginx:1.27
    port: 80
    environment:
      - DATABASE_PASSWORD=changeme
`;

  it("a variable the running app reads from its manifest default: the app is rolled onto the value set, and its task definition reads it", async () => {
    await deployedApp(h, "prod", "site", WITH_DEFAULT);
    const outcome = await withOptions(h, { rack: "prod", app: "site", yes: true }, () => h.run(envSet, { assignments: ["DATABASE_PASSWORD=s3cr3t-value"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).not.toContain("no running service reads DATABASE_PASSWORD");
    expect(outcome.stderr).toContain("app site now runs with the new DATABASE_PASSWORD");
    const template = JSON.stringify(h.cloudFormation.stacks.find((stack) => stack.name === "prod-site" && stack.status !== "DELETE_COMPLETE")?.templateBody);
    expect(template).toContain(":parameter/racknet/prod/apps/site/env/DATABASE_PASSWORD");
    expect(template).not.toContain(":parameter/racknet/prod/apps/site/defaults/web/DATABASE_PASSWORD");
    expect(template).not.toContain("s3cr3t-value");
  });
});

describe("a rotation is never lost (issue 21)", () => {
  const READS_IT = `services:
  web:
    image: nginx:1.27
    port: 80
    environment:
      - API_TOKEN
`;

  it("env set whose update failed after the value was stored: the plain rerun rolls the app onto the stored value, it does not say 'no changes'", async () => {
    const first = await withOptions(h, { rack: "prod", app: "site", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=old-token-1"] }));
    expect(first.exitCode, first.stderr).toBe(0);
    await deployedApp(h, "prod", "site", READS_IT);
    // The new value is stored before the change set runs; the update then fails and rolls back.
    h.cloudFormation.failNext("prod-site", { logicalId: "WebService", reason: "Resource handler returned message: \"Rate exceeded\"" });
    const failed = await withOptions(h, { rack: "prod", app: "site", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=new-token-2"] }));
    expect(failed.exitCode, failed.stderr).toBe(3);
    const rerun = await withOptions(h, { rack: "prod", app: "site", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=new-token-2"] }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("app site now runs with the new API_TOKEN");
    expect(rerun.writes).toContain("CloudFormation.ExecuteChangeSet");
  });
});
