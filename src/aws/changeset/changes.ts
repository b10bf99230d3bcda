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
    /** What triggers the change, one entry per property or attribute (ResourceChangeDetail). */
    Details?: readonly { Target?: { Attribute?: string; Name?: string } }[];
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
        ...(resource.Action === "Modify" && resource.Details ? { properties: changedNames(resource.Details) } : {}),
      },
    ];
  });
}

/**
 * The names of what a Modify changes, from its details' targets: a property's name
 * (`Target.Name`, set when `Attribute` is Properties) or another attribute (Tags, Metadata).
 * Only names: a detail's BeforeValue/AfterValue are never read.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
function changedNames(details: readonly { Target?: { Attribute?: string; Name?: string } }[]): string[] {
  const names = details.map((detail) => (detail.Target?.Attribute === "Properties" ? detail.Target.Name : detail.Target?.Attribute)).filter((name): name is string => Boolean(name));
  return [...new Set(names)];
}
