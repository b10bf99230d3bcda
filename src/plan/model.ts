import type { PlanCost } from "../cost/model.js";
import type { Widening } from "./exposure-model.js";

/**
 * What a change set will do, as racknet shows it. Pure data: the change-set engine
 * fills it from DescribeChangeSet (or ListStackResources for a delete), the deploy
 * printer renders it. Its sections: changes (`rows`), destroys or replaces, widens
 * exposure, cost, notes (`sentences`); `planJson` gives them under those names.
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
  /** A Modify's changed properties (or attributes: Tags, Metadata), by name, from the change's details; absent where none are given. */
  properties?: string[];
}

/** What a resource holds that a removal or replacement would lose. */
export type Holds = "data" | "identity" | "running work";

/** A removal or replacement of something that holds data, identity or running work (src/plan/destructive.ts). */
export interface DestroyItem {
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  noun: string;
  holds: Holds;
  /** `delete` (Remove), `replace` (Replacement True), `may replace` (Replacement Conditional). */
  action: "delete" | "replace" | "may replace";
  sentence: string;
}

export interface PlanRow {
  action: string;
  logicalId: string;
  resourceType: string;
  /** "yes", "no", "maybe" or "" (not applicable). */
  replacement: string;
  /** A replacement or removal the user must see before saying yes (SPEC section 4). */
  dangerous: boolean;
  /** What a Modify changes, by property name (`DesiredCount`, `ContainerDefinitions`); absent when CloudFormation does not say. */
  properties?: string[];
}

export interface Plan {
  /** Section "changes": one row per resource change. */
  rows: PlanRow[];
  /** App plans: the services whose running tasks are replaced (a rolling deployment), by name; absent where the caller did not name services. */
  rolls?: string[];
  /** Section "destroys or replaces": what holds data, identity or running work and goes or is recreated. */
  destroysOrReplaces: DestroyItem[];
  /** Section "widens exposure": who can reach what already exists, widened. */
  widensExposure: Widening[];
  /** Section "cost": monthly cost before and after, when the caller priced the plan. */
  cost?: PlanCost;
  /** Section "notes": the engine's reading of the changes, then the caller's notes. */
  sentences: string[];
  /** `destroysOrReplaces` in words; repeated in the confirmation question. */
  dangers: string[];
}
