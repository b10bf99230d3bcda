import type { ResourceChange } from "../../plan/model.js";

/**
 * DescribeChangeSet's `Changes`, in the API's own spelling, to racknet's ResourceChange.
 * Structural types: the SDK's `Change` fits them, and recorded change sets (tests) too.
 */
export interface DescribedChange {
  ResourceChange?: {
    Action?: string;
    LogicalResourceId?: string;
    ResourceType?: string;
    Replacement?: string;
    PhysicalResourceId?: string;
    BeforeContext?: string;
    AfterContext?: string;
  };
}

export function resourceChangesOf(changes: readonly DescribedChange[]): ResourceChange[] {
  return changes.flatMap((change) => {
    const resource = change.ResourceChange;
    if (!resource) return [];
    return [
      {
        action: resource.Action ?? "Modify",
        logicalId: resource.LogicalResourceId ?? "",
        resourceType: resource.ResourceType ?? "",
        ...(resource.Replacement !== undefined ? { replacement: resource.Replacement } : {}),
        ...(resource.PhysicalResourceId !== undefined ? { physicalId: resource.PhysicalResourceId } : {}),
        ...(resource.BeforeContext !== undefined ? { beforeContext: resource.BeforeContext } : {}),
        ...(resource.AfterContext !== undefined ? { afterContext: resource.AfterContext } : {}),
      },
    ];
  });
}
