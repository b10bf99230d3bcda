import { readFileSync } from "node:fs";
import { resourceChangesOf, type DescribedChange } from "../../src/aws/changeset/changes.js";
import type { ResourceChange } from "../../src/plan/model.js";

/** A change set in DescribeChangeSet's shape (IncludePropertyValues) from test/fixtures/change-sets, as racknet's ResourceChanges. */
export function changeSet(name: string): ResourceChange[] {
  const described = JSON.parse(readFileSync(new URL(`../fixtures/change-sets/${name}`, import.meta.url), "utf8")) as { Changes: DescribedChange[] };
  return resourceChangesOf(described.Changes);
}
