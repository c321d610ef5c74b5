/** "Did you mean" suggestions: the closest names by edit distance. */
import { editDistance } from '../spelling';

/**
 * Up to `max` candidates within an edit distance that grows with the
 * name's length, best first; ties keep the candidates' order.
 */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  const lower = name.toLowerCase();
  const scored: { name: string; d: number }[] = [];
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase(), limit);
    if (d <= limit) scored.push({ name: c, d });
  }
  scored.sort((x, y) => x.d - y.d);
  return scored.slice(0, max).map((s) => s.name);
}

/**
 * How many distinct names one cache computes suggestions for. Editors show
 * the first 1,000 problems (`maxNumberOfProblems`), and problems are
 * reported in about document order, so the names past this many are not on
 * screen: a suggestion costs a pass over up to ~1,000 candidates (0.3-1 ms),
 * and 60,000 unknown names cost a minute. Names past the budget get none.
 */
export const SUGGESTION_BUDGET = 1000;

/**
 * Suggestions memoised per (kind, name): one model asks for the same unknown
 * name at every place it is written, and the candidate lists are large.
 * `candidates` is called only on a miss, and only for the first `budget`
 * distinct names; later misses answer no suggestion.
 */
export class SuggestionCache {
  private readonly cache = new Map<string, string[]>();
  private computed = 0;

  constructor(private readonly budget = SUGGESTION_BUDGET) {}

  get(kind: string, name: string, candidates: () => Iterable<string>): string[] {
    const key = `${kind}\0${name}`;
    let hit = this.cache.get(key);
    if (hit) return hit;
    if (this.computed >= this.budget) return [];
    this.computed++;
    this.cache.set(key, (hit = suggest(name, candidates())));
    return hit;
  }
}
