/**
 * What a change set will do, as racknet shows it. Pure data: the change-set engine
 * fills it from DescribeChangeSet (or ListStackResources for a delete), the deploy
 * printer renders it.
 */

/** One resource change, in CloudFormation's words, without the SDK's types. */
export interface ResourceChange {
  /** Add, Modify, Remove, Import, Dynamic. */
  action: string;
  logicalId: string;
  resourceType: string;
  /** "True", "False", "Conditional"; absent for Add and Remove. */
  replacement?: string;
  physicalId?: string;
  /**
   * DescribeChangeSet's BeforeContext / AfterContext (with IncludePropertyValues): the
   * resource's properties before and after, as the encoded JSON CloudFormation returns.
   * Absent where the engine does not give them (moto): classifiers then rely on the models.
   */
  beforeContext?: string;
  afterContext?: string;
}

export interface PlanRow {
  action: string;
  logicalId: string;
  resourceType: string;
  /** "yes", "no", "maybe" or "" (not applicable). */
  replacement: string;
  /** A replacement or removal the user must see before saying yes (SPEC section 4). */
  dangerous: boolean;
}

export interface Plan {
  rows: PlanRow[];
  /** What the change means, in words: the engine's reading of the changes, then the caller's notes. */
  sentences: string[];
  /** The dangerous items in words; repeated in the confirmation question. */
  dangers: string[];
}
