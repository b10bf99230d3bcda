import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";
import { violations } from "../json/schemas.js";

/**
 * Issue 29, item 5: a database that a deploy removes, or that `apps delete` takes with its app,
 * keeps a final snapshot (DeletionPolicy Snapshot), and racknet prints the name CloudFormation
 * gave it, read back from RDS after the stack operation.
 */

const WITH_DB = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: [db]\nresources:\n  db:\n    type: postgres\n";
const WITHOUT_DB = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n";

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  await deployedApp(h, "prod", "shop", WITH_DB);
});
afterEach(() => h.restore());

const instanceOf = () => h.cloudFormation.stack("prod-shop")?.physicalIds.ResourceDb ?? "";

describe("the final snapshot of a database racknet deletes", () => {
  it("removed from convox.yml with --allow-destroy: the snapshot's name is printed and in --json, in the contract", async () => {
    const instance = instanceOf();
    expect(instance).not.toBe("");
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true, allowDestroy: true, json: true }, () => h.run(deploy, { file: manifestFile(WITHOUT_DB) }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const [kept] = h.dbSnapshots;
    expect(kept?.DBInstanceIdentifier).toBe(instance);
    const name = kept?.DBSnapshotIdentifier ?? "";
    expect(name).toMatch(/^prod-shop-snapshot-resourcedb-/);
    expect(outcome.stderr).toContain(`database ResourceDb (${instance}) deleted; its final snapshot is ${name}`);
    const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
    expect(result.snapshots).toEqual([{ resource: "ResourceDb", instance, engine: "rds", snapshot: name }]);
    expect(violations("deploy", result)).toBe("");
  });

  it("the instance's other manual snapshots (taken later by hand) and another instance's are not taken for its final one", async () => {
    const instance = instanceOf();
    h.cloudFormation.whenDeleted(() => {
      const later = new Date(Date.now() + 3_600_000);
      h.dbSnapshots.push({ DBSnapshotIdentifier: "by-hand-after", DBInstanceIdentifier: instance, SnapshotType: "manual", SnapshotCreateTime: later });
      h.dbSnapshots.push({ DBSnapshotIdentifier: "prod-shop-snapshot-resourcedb-other", DBInstanceIdentifier: "another-instance", SnapshotType: "manual", SnapshotCreateTime: later });
    });
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true, allowDestroy: true }, () => h.run(deploy, { file: manifestFile(WITHOUT_DB) }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const final = h.dbSnapshots.find((snapshot) => snapshot.DBInstanceIdentifier === instance && snapshot.DBSnapshotIdentifier?.startsWith("prod-shop-snapshot-resourcedb-"))?.DBSnapshotIdentifier ?? "";
    expect(final).not.toBe("");
    expect(outcome.stderr).toContain(`its final snapshot is ${final}`);
  });

  it("a deploy that deletes no database reads no snapshot", async () => {
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(deploy, { file: manifestFile(WITH_DB.replace("nginx:1.27", "nginx:1.28")) }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.calls.some((call) => call.operation.startsWith("RDS."))).toBe(false);
    expect(outcome.stderr).not.toContain("final snapshot");
  });

  it("no snapshot found after the removal: said, with the command that lists them; the deploy still succeeded", async () => {
    const instance = instanceOf();
    h.cloudFormation.whenDeleted(() => h.dbSnapshots.splice(0));
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true, allowDestroy: true }, () => h.run(deploy, { file: manifestFile(WITHOUT_DB) }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain(`no final snapshot of it was found yet: \`aws rds describe-db-snapshots --db-instance-identifier ${instance} --snapshot-type manual\``);
  });

  it("apps delete --allow-destroy: the database goes with the app, and its final snapshot is named", async () => {
    const instance = instanceOf();
    const outcome = await withOptions(h, { rack: "prod", yes: true, allowDestroy: true, json: true }, () => h.run(appsDelete, { app: "shop" }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const name = h.dbSnapshots[0]?.DBSnapshotIdentifier ?? "";
    expect(name).toMatch(/^prod-shop-snapshot-resourcedb-/);
    expect(outcome.stderr).toContain(`its final snapshot is ${name}`);
    const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
    expect(result.snapshots).toEqual([{ resource: "ResourceDb", instance, engine: "rds", snapshot: name }]);
    expect(violations("apps-delete", result)).toBe("");
  });
});

describe("the final snapshot of a Redis cache racknet deletes", () => {
  const WITH_CACHE = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: [cache]\nresources:\n  cache:\n    type: redis\n";

  it("removed with --allow-destroy: the name CloudFormation gave its final snapshot is read from ElastiCache, printed and in --json", async () => {
    const cache = awsHarness();
    try {
      await installedRack(cache, "prod");
      await deployedApp(cache, "prod", "shop", WITH_CACHE);
      const group = cache.cloudFormation.stack("prod-shop")?.physicalIds.ResourceCache ?? "";
      expect(group).not.toBe("");
      // Another group's snapshot, and one of this group taken before the change, are not its final one.
      cache.cacheSnapshots.push({ SnapshotName: "other-group-final", ReplicationGroupId: "another-group", SnapshotSource: "manual", NodeSnapshots: [{ SnapshotCreateTime: new Date(Date.now() + 60_000) }] });
      cache.cacheSnapshots.push({ SnapshotName: "by-hand-last-year", ReplicationGroupId: group, SnapshotSource: "manual", NodeSnapshots: [{ SnapshotCreateTime: new Date(Date.now() - 365 * 86_400_000) }] });
      const outcome = await withOptions(cache, { rack: "prod", app: "shop", yes: true, allowDestroy: true, json: true }, () => cache.run(deploy, { file: manifestFile(WITHOUT_DB) }));
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      const name = cache.cacheSnapshots.find((snapshot) => snapshot.ReplicationGroupId === group && snapshot.SnapshotName !== "by-hand-last-year")?.SnapshotName ?? "";
      expect(name).toMatch(/^prod-shop-resourcecache-final-/);
      expect(outcome.stderr).toContain(`Redis cache ResourceCache (${group}) deleted; its final snapshot is ${name}`);
      const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
      expect(result.snapshots).toEqual([{ resource: "ResourceCache", instance: group, engine: "redis", snapshot: name }]);
      expect(violations("deploy", result)).toBe("");
    } finally {
      cache.restore();
    }
  });
});
