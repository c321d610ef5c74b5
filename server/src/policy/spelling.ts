/** How far apart two spellings are: the one measure behind every did-you-mean. */

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap of
 * neighbours), giving up early once every cell of a row exceeds `limit`
 * (then the result is `limit + 1`). Case-sensitive: callers that ignore
 * case lower both sides.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rows reused across calls: a did-you-mean compares one name with ~1,000 candidates.
  if (rows.length < 3 * (b.length + 1)) rows = new Int32Array(6 * (b.length + 1));
  const w = b.length + 1;
  let before = 0;
  let prev = w;
  let cur = 2 * w;
  for (let j = 0; j < w; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(rows[prev + j]! + 1, rows[cur + j - 1]! + 1, rows[prev + j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, rows[before + j - 2]! + 1);
      }
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = before;
    before = prev;
    prev = cur;
    cur = t;
  }
  return rows[prev + b.length]!;
}

let rows = new Int32Array(3 * 64);
