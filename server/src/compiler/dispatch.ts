/**
 * Dispatch on the syscall number. The number space [0, 2^32) is cut into
 * segments that each lead to one target (a shared RET or a condition
 * block); neighbours with the same RET merge. A search tree over the
 * segments is then chosen by dynamic programming to minimise a weighted
 * sum of size and path length: `jge` splits, or short `jeq` chains that
 * peel single-number holes off a run with one target. With a profile, a
 * few very hot numbers may also be tested first, before the tree: a hot
 * syscall inside a long run of allowed ones is otherwise as deep as the
 * run, since the tree only splits where the target changes.
 */

export type LeafTarget =
  | { readonly kind: 'ret'; readonly value: number }
  | { readonly kind: 'block'; readonly id: number }
  /** One `jset`: numbers with `bit` set get `set`, the others `clear` (x32 calls on an x86_64-only filter). */
  | { readonly kind: 'bit'; readonly bit: number; readonly set: number; readonly clear: number };

export interface Segment {
  readonly first: number;
  readonly last: number;
  readonly target: LeafTarget;
  /** How much reaching this segment quickly matters (known, allowed syscalls). */
  readonly weight: number;
}

export type Tree =
  | { readonly kind: 'leaf'; readonly target: LeafTarget }
  | { readonly kind: 'split'; readonly at: number; readonly below: Tree; readonly above: Tree }
  /** `jeq` tests for single numbers, in order, then `otherwise`. */
  | { readonly kind: 'chain'; readonly tests: readonly { readonly nr: number; readonly target: LeafTarget }[]; readonly otherwise: LeafTarget }
  /** `jeq` tests for hot numbers before a whole subtree (which still decides them correctly). */
  | { readonly kind: 'hot'; readonly tests: readonly { readonly nr: number; readonly target: LeafTarget }[]; readonly then: Tree };

/** One number the profile found hot, with its share of its segment's weight. */
export interface Hot {
  readonly nr: number;
  readonly weight: number;
}

export function sameTarget(a: LeafTarget, b: LeafTarget): boolean {
  return keyOf(a) === keyOf(b);
}

/**
 * Merges neighbours with the same RET (condition blocks never merge). A
 * run of `clear` numbers just below a bit-test segment joins it: those
 * numbers have the bit clear, so the test sends them to `clear` anyway.
 */
export function mergeSegments(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 === s.first && prev.target.kind === 'ret') {
      if (sameTarget(prev.target, s.target)) {
        out[out.length - 1] = { first: prev.first, last: s.last, target: prev.target, weight: prev.weight + s.weight };
        continue;
      }
      if (s.target.kind === 'bit' && s.target.clear === prev.target.value && (prev.first & s.target.bit) === 0 && (prev.last & s.target.bit) === 0 && prev.first >= 0 && prev.last < s.target.bit) {
        out[out.length - 1] = { first: prev.first, last: s.last, target: s.target, weight: prev.weight + s.weight };
        continue;
      }
    }
    out.push(s);
  }
  return out;
}

/** Longest `jeq` chain considered: longer ones cost more path than they save. */
const MAX_CHAIN = 6;
/** Above this many segments the cubic search gives way to weighted halving. */
const MAX_DP_SEGMENTS = 160;
/** Most hot numbers tested before the tree: each one costs every other call a step. */
const MAX_HOT = 4;

/**
 * Chooses the tree. `sizeWeight` trades one instruction against one step
 * of path length weighted by segment weights (larger favours smaller code).
 * `hot` (numbers inside `segs`, whose weight their segments include) are
 * candidates for tests before the tree, taken hottest first while they pay.
 */
export function buildTree(segs: readonly Segment[], sizeWeight: number, hot: readonly Hot[] = []): Tree {
  if (segs.length === 0) throw new Error('no segments');
  if (segs.length > MAX_DP_SEGMENTS) return halvingTree(segs, 0, segs.length - 1);
  const best = optimalTree(segs, sizeWeight);
  if (hot.length === 0) return best.tree;
  const candidates = [...hot].sort((a, b) => b.weight - a.weight || a.nr - b.nr).slice(0, MAX_HOT);
  const total = segs.reduce((s, x) => s + x.weight, 0);
  let pick = { cost: best.cost, tree: best.tree };
  for (let k = 1; k <= candidates.length; k++) {
    const peeled = candidates.slice(0, k);
    // A peeled number never reaches the tree: its weight leaves its segment.
    const reduced = segs.map((s) => {
      let weight = s.weight;
      for (const h of peeled) if (h.nr >= s.first && h.nr <= s.last) weight -= h.weight;
      return { ...s, weight: Math.max(0, weight) };
    });
    const rest = optimalTree(reduced, sizeWeight);
    let cost = sizeWeight * k + rest.cost;
    let peeledWeight = 0;
    peeled.forEach((h, i) => { cost += h.weight * (i + 1); peeledWeight += h.weight; });
    cost += Math.max(0, total - peeledWeight) * k;
    if (cost < pick.cost) {
      const tests = peeled.map((h) => ({ nr: h.nr, target: segs[segmentOf(segs, h.nr)]!.target }));
      pick = { cost, tree: { kind: 'hot', tests, then: rest.tree } };
    }
  }
  return pick.tree;
}

/** Index of the segment holding `nr` (segments are sorted and cover the numbers they are asked about). */
function segmentOf(segs: readonly Segment[], nr: number): number {
  let lo = 0, hi = segs.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (segs[mid]!.first <= nr) lo = mid; else hi = mid - 1; }
  return lo;
}

function keyOf(t: LeafTarget): string {
  return t.kind === 'ret' ? `r${t.value}` : t.kind === 'block' ? `b${t.id}` : `s${t.bit}:${t.set}:${t.clear}`;
}

interface Chain { cost: number; tests: number[]; otherwise: number }

/** The best `jeq` chain for segs[i..j], if all but one target are single numbers. */
function chainFor(segs: readonly Segment[], i: number, j: number, lambda: number): Chain | undefined {
  let wide: string | undefined;
  const weightByKey = new Map<string, number>();
  for (let k = i; k <= j; k++) {
    const s = segs[k]!;
    const key = keyOf(s.target);
    weightByKey.set(key, (weightByKey.get(key) ?? 0) + s.weight);
    if (s.first !== s.last) {
      if (wide !== undefined && wide !== key) return undefined;
      wide = key;
    }
  }
  let main = wide;
  if (main === undefined) {
    let best = -1;
    for (const [key, w] of weightByKey) if (w > best) { best = w; main = key; }
  }
  const tests: number[] = [];
  let mainIndex = -1;
  for (let k = i; k <= j; k++) {
    if (keyOf(segs[k]!.target) === main) { if (mainIndex < 0) mainIndex = k; } else tests.push(k);
  }
  if (tests.length > MAX_CHAIN) return undefined;
  tests.sort((a, b) => segs[b]!.weight - segs[a]!.weight);
  let cost = lambda * tests.length;
  tests.forEach((k, n) => { cost += segs[k]!.weight * (n + 1); });
  cost += weightByKey.get(main!)! * tests.length;
  return { cost, tests, otherwise: mainIndex };
}

/** The tree of least cost (λ·jumps + Σ weight·depth), and that cost. */
function optimalTree(segs: readonly Segment[], lambda: number): { tree: Tree; cost: number } {
  const n = segs.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + segs[i]!.weight;
  const cost = new Float64Array(n * n);
  // choice: -1 leaf, -2 chain, k > i split at k.
  const choice = new Int32Array(n * n);
  const chains = new Map<number, Chain>();
  for (let len = 1; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      const at = i * n + j;
      if (len === 1) { cost[at] = 0; choice[at] = -1; continue; }
      let best = Infinity;
      let pick = 0;
      const chain = len <= 2 * MAX_CHAIN + 1 ? chainFor(segs, i, j, lambda) : undefined;
      if (chain) { best = chain.cost; pick = -2; chains.set(at, chain); }
      const w = prefix[j + 1]! - prefix[i]!;
      for (let k = i + 1; k <= j; k++) {
        const c = lambda + w + cost[i * n + k - 1]! + cost[k * n + j]!;
        if (c < best) { best = c; pick = k; }
      }
      cost[at] = best;
      choice[at] = pick;
    }
  }
  const build = (i: number, j: number): Tree => {
    const c = choice[i * n + j]!;
    if (c === -1) return { kind: 'leaf', target: segs[i]!.target };
    if (c === -2) {
      const chain = chains.get(i * n + j)!;
      return { kind: 'chain', tests: chain.tests.map((k) => ({ nr: segs[k]!.first, target: segs[k]!.target })), otherwise: segs[chain.otherwise]!.target };
    }
    return { kind: 'split', at: segs[c]!.first, below: build(i, c - 1), above: build(c, j) };
  };
  return { tree: build(0, n - 1), cost: cost[n - 1]! };
}

/** For very large policies: split where the weight halves (linearithmic). */
function halvingTree(segs: readonly Segment[], i: number, j: number): Tree {
  if (i === j) return { kind: 'leaf', target: segs[i]!.target };
  let total = 0;
  for (let k = i; k <= j; k++) total += segs[k]!.weight + 1;
  let acc = 0;
  let k = i + 1;
  for (let m = i; m < j; m++) {
    acc += segs[m]!.weight + 1;
    k = m + 1;
    if (acc * 2 >= total) break;
  }
  return { kind: 'split', at: segs[k]!.first, below: halvingTree(segs, i, k - 1), above: halvingTree(segs, k, j) };
}
