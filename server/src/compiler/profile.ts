/**
 * Profile-guided weights. Without a profile every known syscall counts the
 * same (denied ones a quarter), which minimises the mean path over the
 * syscall table. With one (call counts from a traced run, per ABI), a
 * syscall weighs what it was really called, so the dispatch tree puts the
 * hot ones near its root; syscalls the run never made keep a small floor
 * weight, so they still get a place in the tree, only a deeper one.
 *
 * The same counts order the checks inside one rule: the items of an `or`
 * (or an `and`) can be tested in any order without changing what the rule
 * decides, so the ones that settle the question most often for the
 * arguments seen in the run go first.
 */
import type { Abi } from '../kernel/abi';
import type { Hot } from './dispatch';
import { syscallNames, syscallNumber } from '../kernel/syscalls';
import { evaluate, type Cond } from '../policy/semantics/condition';

export interface ArgSample {
  /** The six argument registers. */
  readonly args: readonly bigint[];
  /** How many calls had exactly these. */
  readonly count: number;
}

export interface SyscallProfile {
  /** Calls per ABI and syscall number (x32 numbers with their 0x40000000 bit). */
  readonly calls: ReadonlyMap<Abi, ReadonlyMap<number, number>>;
  /** Some of the argument vectors seen, per ABI and number, with their counts. */
  readonly args?: ReadonlyMap<Abi, ReadonlyMap<number, readonly ArgSample[]>>;
}

/** How much reaching syscall numbers quickly matters, for one ABI's part of the dispatch tree. */
export interface Weights {
  /** Numbers [from, to], all leading to one action; `permits`: allow or log. */
  range(from: number, to: number, permits: boolean): number;
  /** One number with a rule of its own (known or not), leading to one action. */
  single(nr: number, permits: boolean): number;
  /** One number with a condition block. */
  block(nr: number): number;
  /** The numbers the profile saw, with the weight it gives each (none without a profile). */
  readonly hot: readonly Hot[];
}

/** Weight of a known syscall that is denied, next to 1 for one that is allowed: denials are rarely hot. */
const DENIED = 0.25;
/**
 * The weight of a syscall the run never made. The profile is scaled to
 * weigh 1 per syscall of the ABI in total, so this is 3% of an average
 * syscall's share: small enough that the run's calls decide the tree's
 * shape, large enough that unseen syscalls are not all pushed down one
 * side (bench/profile.mjs: 0.003–0.03 give the same hot paths; 0.1 and up
 * start to lengthen them).
 */
const FLOOR = 0.03;

/**
 * The weights for one ABI. With no profile, or one without calls for this
 * ABI, they are exactly the unweighted ones (so compiling without
 * `--profile` is unchanged).
 */
export function weightsFor(abi: Abi, profile: SyscallProfile | undefined): Weights {
  const known = knownNumbers(abi);
  const count = (from: number, to: number) => lowerBound(known, to + 1) - lowerBound(known, from);
  const calls = profile?.calls.get(abi);
  let total = 0;
  for (const c of calls?.values() ?? []) total += c;
  if (!calls || total === 0) {
    return {
      range: (from, to, permits) => count(from, to) * (permits ? 1 : DENIED),
      single: (_nr, permits) => (permits ? 1 : DENIED),
      block: () => 1,
      hot: [],
    };
  }
  // Scaled so the profile weighs as much in total as the unweighted table:
  // the size-against-path trade-off (sizeWeight) keeps its meaning.
  const scale = known.length / total;
  const nrs = [...calls.keys()].sort((a, b) => a - b);
  const prefix = new Float64Array(nrs.length + 1);
  nrs.forEach((nr, i) => { prefix[i + 1] = prefix[i]! + calls.get(nr)! * scale; });
  const mass = (from: number, to: number) => prefix[lowerBound(nrs, to + 1)]! - prefix[lowerBound(nrs, from)]!;
  return {
    range: (from, to, permits) => count(from, to) * FLOOR * (permits ? 1 : DENIED) + mass(from, to),
    single: (nr, permits) => FLOOR * (permits ? 1 : DENIED) + mass(nr, nr),
    block: (nr) => FLOOR + mass(nr, nr),
    hot: nrs.map((nr) => ({ nr, weight: calls.get(nr)! * scale })),
  };
}

/** Relative cost of one comparison: its load, maybe an `and`, the jump; 64-bit ones two words. */
function costOf(c: Cond): number {
  switch (c.kind) {
    case 'true': case 'false': return 0;
    case 'cmp': return c.width === 64 ? 4 : 2.5;
    case 'not': return costOf(c.item);
    case 'and': case 'or': return c.items.reduce((s, i) => s + costOf(i), 0);
  }
}

/**
 * Reorders the items of every `and` and `or` so that, on the sampled
 * arguments, the ones that settle the result soonest for their cost come
 * first: greedily, the item with the lowest cost per call it decides among
 * the calls not yet decided. `and` and `or` have no side effects, so any
 * order means the same; items no sample decides keep their source order,
 * and so does everything when there are no samples.
 */
export function orderCondition(cond: Cond, samples: readonly ArgSample[] | undefined): Cond {
  if (!samples || samples.length === 0) return cond;
  switch (cond.kind) {
    case 'not': {
      const item = orderCondition(cond.item, samples);
      return item === cond.item ? cond : { kind: 'not', item };
    }
    case 'and': case 'or': {
      const items = cond.items.map((i) => orderCondition(i, samples));
      // `or` stops at the first true item, `and` at the first false one.
      const settles = cond.kind === 'or';
      const values = items.map((i) => samples.map((s) => evaluate(i, s.args)));
      let open = samples.map(() => true);
      const left = items.map((_, k) => k);
      const order: number[] = [];
      while (left.length > 0) {
        let best = 0;
        let bestRatio = Infinity;
        left.forEach((k, at) => {
          let decided = 0;
          samples.forEach((s, n) => { if (open[n] && values[k]![n] === settles) decided += s.count; });
          const ratio = decided > 0 ? costOf(items[k]!) / decided : Infinity;
          if (ratio < bestRatio) { bestRatio = ratio; best = at; }
        });
        const k = left.splice(best, 1)[0]!;
        order.push(k);
        open = open.map((o, n) => o && values[k]![n] !== settles);
      }
      const changed = order.some((k, i) => k !== i || items[k] !== cond.items[k]);
      return changed ? { kind: cond.kind, items: order.map((k) => items[k]!) } : cond;
    }
    default: return cond;
  }
}

const knownCache = new Map<Abi, number[]>();
/** The syscall numbers an ABI has, sorted (x32's include the x32 bit). */
function knownNumbers(abi: Abi): number[] {
  let list = knownCache.get(abi);
  if (!list) {
    // By name and number only: the kernel table makes a syscall's record when first asked, and a check needs few of them.
    list = syscallNames().map((name) => syscallNumber(abi, name)).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
    knownCache.set(abi, list);
  }
  return list;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < value) lo = mid + 1; else hi = mid; }
  return lo;
}
