import { closest, distance } from "fastest-levenshtein";

/**
 * The one did-you-mean of racknet: the candidate the user most likely meant, when it is
 * close enough to be a typo (Levenshtein distance within a third of its length, at least 2),
 * matched case-insensitively and returned in its own spelling.
 */
export interface ClosestNameOptions {
  /**
   * Also accept a candidate that contains what was typed, or is contained in it, from 3
   * characters on ("router" -> internal_router). A letter or two is in many names; a real
   * fragment is worth suggesting from.
   */
  fragments?: boolean;
}

export function closestName(typed: string, candidates: readonly string[], options: ClosestNameOptions = {}): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = typed.toLowerCase();
  const byLower = new Map(candidates.map((candidate) => [candidate.toLowerCase(), candidate]));
  const best = closest(lower, [...byLower.keys()]);
  const budget = Math.max(2, Math.floor(best.length / 3));
  const fragment = options.fragments === true && lower.length >= 3 && (best.includes(lower) || lower.includes(best));
  return distance(lower, best) <= budget || fragment ? byLower.get(best) : undefined;
}
