/**
 * A rack's parameters carried to a newer rack template (`racknet rack update`): every
 * parameter the stack stores keeps its value; one the new template adds gets the value
 * racknet would give it at install (its default, or the value racknet derives from the
 * rack's other facts); one the new template no longer declares is dropped, and the plan
 * says so. Pure.
 */
import { PARAMS } from "./params.js";

export interface CarriedParameter {
  /** As the user knows it: the rack parameter's name (`internal_router`), else the template's (`SyncReservedConcurrency`). */
  name: string;
  value: string;
}

export interface CarriedParameters {
  /** What the update passes: every parameter the new template declares, with its value. */
  values: Record<string, string>;
  /** Declared by the new template, not stored by the stack: given their default. */
  added: CarriedParameter[];
  /** Stored by the stack, not declared by the new template: dropped. */
  dropped: CarriedParameter[];
}

/**
 * `stored`: the stack's parameters as DescribeStacks gives them; `declared`: the new
 * template's Parameters; `computed`: what racknet passes at install for the rack's
 * parameters (`toCfnParameters`), which gives a parameter the stack does not have yet its
 * default (or derived) value. A declared parameter with neither a value nor a Default is a
 * bug in racknet (the template asks for something racknet does not know how to give).
 */
export function carryParameters(
  stored: Readonly<Record<string, string>>,
  declared: Readonly<Record<string, { Default?: unknown }>>,
  computed: Readonly<Record<string, string>>,
): CarriedParameters {
  const values: Record<string, string> = {};
  const added: CarriedParameter[] = [];
  for (const [name, declaration] of Object.entries(declared)) {
    const kept = stored[name];
    if (kept !== undefined) {
      values[name] = kept;
      continue;
    }
    const value = computed[name] ?? (declaration.Default === undefined ? undefined : String(declaration.Default));
    if (value === undefined) throw new Error(`the rack template declares parameter ${name} with no default, and racknet has no value for it`);
    values[name] = value;
    added.push({ name: displayName(name), value });
  }
  const dropped = Object.entries(stored)
    .filter(([name]) => !(name in declared))
    .map(([name, value]) => ({ name: displayName(name), value }));
  return { values, added, dropped };
}

function displayName(cfnName: string): string {
  return PARAMS.find((spec) => spec.cfnName === cfnName)?.name ?? cfnName;
}

/** The plan's sentences about the parameters (empty when every one is carried as it was). */
export function carriedNotes(carried: Pick<CarriedParameters, "added" | "dropped">): string[] {
  const shown = (parameter: CarriedParameter) => `${parameter.name}=${parameter.value === "" ? '""' : parameter.value}`;
  return [
    ...(carried.added.length > 0 ? [`parameters new in this racknet's rack template, given their defaults: ${carried.added.map(shown).join(", ")}`] : []),
    ...(carried.dropped.length > 0 ? [`parameters this racknet's rack template no longer has, dropped with their values: ${carried.dropped.map(shown).join(", ")}`] : []),
  ];
}
