import { closest, distance } from "fastest-levenshtein";

/** The candidate the user most likely meant, when it is close enough to be a typo. */
export function didYouMean(typed: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = typed.toLowerCase();
  const byLower = new Map(candidates.map((candidate) => [candidate.toLowerCase(), candidate]));
  const best = closest(lower, [...byLower.keys()]);
  const budget = Math.max(2, Math.floor(best.length / 3));
  return distance(lower, best) <= budget ? byLower.get(best) : undefined;
}
