/** "Did you mean" suggestions: the closest names by edit distance. */

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap of
 * neighbours), giving up early once every cell of a row exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, before[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[b.length]!;
}

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
