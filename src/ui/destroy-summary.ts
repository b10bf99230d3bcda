import type { DestroyItem } from "../plan/model.js";

/**
 * `1 VPC, 3 subnets, 2 hosted zones and 1 bucket`: what a deletion by name destroys, counted
 * by kind, for its one question. The plan above the question lists each of them in full;
 * a prompt of forty sentences on one line is read by nobody.
 */
export function destroyedSummary(items: readonly DestroyItem[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.noun, (counts.get(item.noun) ?? 0) + 1);
  const parts = [...counts].map(([noun, count]) => `${count} ${count === 1 ? noun : plural(noun)}`);
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

function plural(noun: string): string {
  if (noun.endsWith("records")) return noun;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|sh|ch|x)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}
