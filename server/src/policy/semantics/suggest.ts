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
 * Suggestions memoised per (kind, name): one model asks for the same unknown
 * name at every place it is written, and the candidate lists are large.
 * `candidates` is called only on a miss.
 */
export class SuggestionCache {
  private readonly cache = new Map<string, string[]>();

  get(kind: string, name: string, candidates: () => Iterable<string>): string[] {
    const key = `${kind}\0${name}`;
    let hit = this.cache.get(key);
    if (!hit) this.cache.set(key, (hit = suggest(name, candidates())));
    return hit;
  }
}
