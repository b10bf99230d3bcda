import { describe, expect, it } from "vitest";
import { deletedDatabases } from "../../src/app-steps/final-snapshots.js";

/** Which changes leave a database's final snapshot behind (issue 29): read from the change set's rows. */
describe("the databases a change deletes or replaces", () => {
  it("a removal and a replacement surely; a conditional replacement maybe; an in-place change, an addition and other types not at all", () => {
    const changes = [
      { action: "Remove", logicalId: "ResourceDb", resourceType: "AWS::RDS::DBInstance", physicalId: "shop-db-1" },
      { action: "Modify", logicalId: "ResourceOld", resourceType: "AWS::RDS::DBInstance", physicalId: "shop-old-1", replacement: "True" },
      { action: "Modify", logicalId: "ResourceMaybe", resourceType: "AWS::RDS::DBInstance", physicalId: "shop-maybe-1", replacement: "Conditional" },
      { action: "Modify", logicalId: "ResourceResized", resourceType: "AWS::RDS::DBInstance", physicalId: "shop-resized-1", replacement: "False" },
      { action: "Add", logicalId: "ResourceNew", resourceType: "AWS::RDS::DBInstance" },
      { action: "Remove", logicalId: "ResourceCache", resourceType: "AWS::ElastiCache::ReplicationGroup", physicalId: "shop-cache" },
      { action: "Remove", logicalId: "ResourceMemcached", resourceType: "AWS::ElastiCache::CacheCluster", physicalId: "shop-memcached" },
    ];
    expect(deletedDatabases(changes)).toEqual([
      { resource: "ResourceDb", instance: "shop-db-1", engine: "rds", surely: true, replaced: false },
      { resource: "ResourceOld", instance: "shop-old-1", engine: "rds", surely: true, replaced: true },
      { resource: "ResourceMaybe", instance: "shop-maybe-1", engine: "rds", surely: false, replaced: true },
      { resource: "ResourceCache", instance: "shop-cache", engine: "redis", surely: true, replaced: false },
    ]);
  });
});
