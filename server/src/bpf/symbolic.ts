/**
 * Classic BPF run on every input at once: instead of one `struct
 * seccomp_data`, each of its 16 words is unknown, and a conditional jump on a
 * word splits the run in two, each side remembering the test it passed. A
 * path ends at a RET with the tests that lead there; the inputs that take it
 * are exactly the words that pass those tests. Each test reads one word, so
 * a set of tests is satisfiable when each word's tests are, and a word's
 * tests are solved exactly (`solveWord`) by a search over its 32 bits.
 *
 * This covers the instructions seccomp filters are made of: `ld [k]` of a
 * word, `ld #k`, `and #k`, `ja` and the four conditional jumps against a
 * constant, `ret #k`. Anything else (X, scratch memory, other arithmetic)
 * throws: an exact answer would need more than per-word tests.
 *
 * This layer knows nothing about policies.
 */
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W,
  bpfClass, bpfMode, bpfOp, bpfSize, type Instruction,
} from './instructions';

/** Number of 32-bit words in struct seccomp_data (`ld [4*i]` reads word i). */
export const WORDS = 16;

/** One test a path passed: `(word & mask) OP value` is `holds`. */
export interface WordTest {
  /** Index of the word in seccomp_data (0 nr, 1 arch, 2-3 instruction pointer, 4+2i / 5+2i args[i] low / high). */
  readonly word: number;
  readonly mask: number;
  readonly op: '==' | '>' | '>=';
  readonly value: number;
  readonly holds: boolean;
}

/** Whether `word` (a u32) passes `t`. */
export function passes(t: WordTest, word: number): boolean {
  const v = (word & t.mask) >>> 0;
  const r = t.op === '==' ? v === t.value : t.op === '>' ? v > t.value : v >= t.value;
  return r === t.holds;
}

const FULL = 0xffffffff;

/**
 * The smallest word that passes every test in `tests` (all on one word), or
 * undefined when none does. A search over the bits from the top, as digit
 * DP: what is left of each test once the high bits are fixed is only how the
 * masked word compares with the test's value so far (below, equal, above),
 * so a subtree that failed for one such state fails for every prefix that
 * reaches it, and is remembered. Full-mask "!= v" tests, which only exclude
 * single values, are kept aside as a sorted set: a subtree whose values are
 * all excluded is cut at once, and failures they cause are not remembered.
 */
export function solveWord(tests: readonly WordTest[]): number | undefined {
  const excluded: number[] = [];
  const rest: WordTest[] = [];
  let relevant = 0;
  for (const t of tests) {
    relevant = (relevant | t.mask) >>> 0;
    const value = t.value >>> 0;
    if (t.op === '==' && (value & ~t.mask) >>> 0 !== 0) {
      if (t.holds) return undefined; // the masked word never has bits outside the mask
      continue;
    }
    if (t.op === '==' && !t.holds && t.mask >>> 0 === FULL) excluded.push(value);
    else rest.push(t);
  }
  excluded.sort((a, b) => a - b);
  const unique = excluded.filter((v, i) => i === 0 || excluded[i - 1] !== v);
  const fast = solveBounds(rest, unique);
  if (fast !== SLOW) return fast;
  const search = new BitSearch(rest, unique, relevant);
  return search.run(31, 0, new Int8Array(rest.length));
}

const SLOW = -1;

/**
 * The common case without a search: whole-word bounds and equalities (a
 * syscall number's dispatch) and single-bit tests (the x32 bit, a flag)
 * make an interval and a pattern of fixed bits; the answer is the smallest
 * value in the interval with that pattern that is not excluded. SLOW when
 * some test masks several bits but not all.
 */
function solveBounds(tests: readonly WordTest[], excluded: readonly number[]): number | undefined | typeof SLOW {
  let lo = 0;
  let hi = FULL;
  let fixedMask = 0;
  let fixedBits = 0;
  for (const t of tests) {
    const mask = t.mask >>> 0;
    const v = t.value >>> 0;
    if (mask === FULL) {
      if (t.op === '==') { lo = Math.max(lo, v); hi = Math.min(hi, v); } // only `holds` gets here
      else if (t.op === '>') { if (t.holds) lo = Math.max(lo, v + 1); else hi = Math.min(hi, v); }
      else if (t.holds) lo = Math.max(lo, v); else hi = Math.min(hi, v - 1);
      continue;
    }
    if (mask === 0 || (mask & (mask - 1)) !== 0) {
      if (mask === 0 && passes(t, 0)) continue;
      if (mask === 0) return undefined;
      return SLOW;
    }
    // One bit b: the test fixes it, leaves it free, or cannot pass.
    const whenSet = passes(t, mask);
    const whenClear = passes(t, 0);
    if (whenSet && whenClear) continue;
    if (!whenSet && !whenClear) return undefined;
    const bit = whenSet ? mask : 0;
    if ((fixedMask & mask) !== 0 && (fixedBits & mask) !== bit) return undefined;
    fixedMask = (fixedMask | mask) >>> 0;
    fixedBits = (fixedBits | bit) >>> 0;
  }
  let x: number | undefined = lo;
  while (x !== undefined && x <= hi) {
    x = nextWithBits(x, fixedMask, fixedBits);
    if (x === undefined || x > hi) return undefined;
    if (countIn(excluded, x, x) === 0) return x;
    x = x === FULL ? undefined : x + 1;
  }
  return undefined;
}

/** The smallest v >= x whose bits under `mask` are `bits`, if any. */
function nextWithBits(x: number, mask: number, bits: number): number | undefined {
  if (((x & mask) >>> 0) === bits) return x;
  let i = 31;
  while (((mask & 2 ** i) === 0) || ((x & 2 ** i) !== 0) === ((bits & 2 ** i) !== 0)) i--;
  const above = (b: number) => (b >= 31 ? 0 : Math.floor(x / 2 ** (b + 1)) * 2 ** (b + 1));
  const below = (b: number) => (bits & (2 ** b - 1)) >>> 0;
  // x has 0 where a 1 is wanted: set it, and the lowest pattern below.
  if ((bits & 2 ** i) !== 0) return above(i) + 2 ** i + below(i);
  // x has 1 where a 0 is wanted: carry into the lowest free 0 bit above.
  for (let j = i + 1; j <= 31; j++) {
    if ((mask & 2 ** j) === 0 && (x & 2 ** j) === 0) return above(j) + 2 ** j + below(j);
  }
  return undefined;
}

/** How many of the sorted `values` lie in [lo, hi]. */
function countIn(values: readonly number[], lo: number, hi: number): number {
  const lower = (x: number) => {
    let a = 0, b = values.length;
    while (a < b) { const m = (a + b) >> 1; if (values[m]! < x) a = m + 1; else b = m; }
    return a;
  };
  return lower(hi + 1) - lower(lo);
}

/** Whether a test passes, given how its masked word compares with its value (-1, 0, 1). */
function passesWith(t: WordTest, cmp: number): boolean {
  const r = t.op === '==' ? cmp === 0 : t.op === '>' ? cmp > 0 : cmp >= 0;
  return r === t.holds;
}

class BitSearch {
  private readonly failed = new Set<string>();
  /** Set while a subtree was cut by excluded values: its failure depends on the prefix, not just the state. */
  private cutByExclusion = false;

  constructor(private readonly tests: readonly WordTest[], private readonly excluded: readonly number[], private readonly relevant: number) {}

  run(bit: number, prefix: number, cmp: Int8Array): number | undefined {
    if (bit < 0) {
      if (this.excluded.length && countIn(this.excluded, prefix >>> 0, prefix >>> 0) > 0) { this.cutByExclusion = true; return undefined; }
      return this.tests.every((t, i) => passesWith(t, cmp[i]!)) ? prefix >>> 0 : undefined;
    }
    // A test already decided (not equal so far) passes or fails whatever the low bits are.
    for (let i = 0; i < this.tests.length; i++) if (cmp[i] !== 0 && !passesWith(this.tests[i]!, cmp[i]!)) return undefined;
    const free = bit === 31 ? FULL : 2 ** (bit + 1) - 1;
    if (this.excluded.length) {
      const lo = prefix >>> 0;
      const hi = (prefix | free) >>> 0;
      if (countIn(this.excluded, lo, hi) === hi - lo + 1) { this.cutByExclusion = true; return undefined; }
    }
    const key = `${bit}:${cmp.join('')}`;
    if (this.failed.has(key)) return undefined;
    const outer = this.cutByExclusion;
    this.cutByExclusion = false;
    const b = 2 ** bit;
    // Bits no test reads stay 0: branching on them would only repeat the same answers.
    for (const choice of (this.relevant & b) !== 0 ? [0, 1] : [0]) {
      const next = cmp.slice();
      for (let i = 0; i < this.tests.length; i++) {
        if (next[i] !== 0) continue;
        const t = this.tests[i]!;
        const wb = choice & ((t.mask & b) !== 0 ? 1 : 0);
        const vb = (t.value & b) !== 0 ? 1 : 0;
        if (wb !== vb) next[i] = wb > vb ? 1 : -1;
      }
      const found = this.run(bit - 1, choice ? (prefix | b) >>> 0 : prefix, next);
      if (found !== undefined) return found;
    }
    if (!this.cutByExclusion) this.failed.add(key);
    this.cutByExclusion ||= outer;
    return undefined;
  }
}

/** The tests a path has passed so far, per word; `push`/`pop` follow a depth-first walk. */
export class PathTests {
  private readonly perWord: WordTest[][] = Array.from({ length: WORDS }, () => []);

  push(t: WordTest): void { this.perWord[t.word]!.push(t); }
  pop(word: number): void { this.perWord[word]!.pop(); }
  of(word: number): readonly WordTest[] { return this.perWord[word]!; }

  /** Whether some value of `word` passes its tests (the other words are unaffected by a test on it). */
  satisfiable(word: number): boolean { return solveWord(this.perWord[word]!) !== undefined; }

  /** A copy of the tests, as a path's end keeps them. */
  snapshot(): WordTest[][] { return this.perWord.map((ts) => ts.slice()); }
}

/** What the accumulator holds: a known number, or a word of the input under a mask. */
type Accumulator = { readonly known: number } | { readonly word: number; readonly mask: number };

/**
 * Walks every path of `insns` that inputs passing `tests` can take, calling
 * `onReturn(ret)` at each RET with `tests` extended by that path's tests
 * (and restored afterwards). Paths no input can take are not walked.
 */
export function walkPaths(insns: readonly Instruction[], tests: PathTests, onReturn: (ret: number) => void): void {
  walk(insns, tests, 0, { known: 0 }, onReturn);
}

function walk(insns: readonly Instruction[], tests: PathTests, pc: number, a: Accumulator, onReturn: (ret: number) => void): void {
  for (;;) {
    const ins = insns[pc];
    if (!ins) throw new Error(`symbolic run: pc ${pc} is past the end of the program`);
    const cls = bpfClass(ins.code);
    if (cls === BPF_LD && bpfSize(ins.code) === BPF_W && bpfMode(ins.code) === BPF_ABS && ins.k % 4 === 0 && ins.k < 4 * WORDS) {
      a = { word: ins.k / 4, mask: FULL };
      pc++;
    } else if (cls === BPF_LD && bpfMode(ins.code) === BPF_IMM) {
      a = { known: ins.k >>> 0 };
      pc++;
    } else if (ins.code === (BPF_ALU | BPF_AND | BPF_K)) {
      a = 'known' in a ? { known: (a.known & ins.k) >>> 0 } : { word: a.word, mask: (a.mask & ins.k) >>> 0 };
      pc++;
    } else if (ins.code === (BPF_JMP | BPF_JA | BPF_K)) {
      pc += 1 + ins.k;
    } else if (cls === BPF_JMP && (ins.code & 0x08) === BPF_K && [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET].includes(bpfOp(ins.code))) {
      const t = pc + 1 + ins.jt;
      const f = pc + 1 + ins.jf;
      if ('known' in a) {
        pc = jumpHolds(bpfOp(ins.code), a.known, ins.k) ? t : f;
        continue;
      }
      const test = testOf(bpfOp(ins.code), a, ins.k);
      for (const [holds, next] of [[true, t], [false, f]] as const) {
        tests.push({ ...test, holds });
        if (tests.satisfiable(test.word)) walk(insns, tests, next, a, onReturn);
        tests.pop(test.word);
      }
      return;
    } else if (ins.code === (BPF_RET | BPF_K)) {
      onReturn(ins.k >>> 0);
      return;
    } else {
      throw new Error(`symbolic run: instruction ${pc} (code 0x${ins.code.toString(16)}) is not one a seccomp filter of ours uses`);
    }
  }
}

function jumpHolds(op: number, a: number, k: number): boolean {
  switch (op) {
    case BPF_JEQ: return a === k >>> 0;
    case BPF_JGT: return a > k >>> 0;
    case BPF_JGE: return a >= k >>> 0;
    default: return ((a & k) >>> 0) !== 0;
  }
}

/** The test a conditional jump makes on `(word & mask)`, as "holds" (the true branch). */
function testOf(op: number, a: { word: number; mask: number }, k: number): Omit<WordTest, 'holds'> {
  switch (op) {
    case BPF_JEQ: return { word: a.word, mask: a.mask, op: '==', value: k >>> 0 };
    case BPF_JGT: return { word: a.word, mask: a.mask, op: '>', value: k >>> 0 };
    case BPF_JGE: return { word: a.word, mask: a.mask, op: '>=', value: k >>> 0 };
    // jset: some bit of mask & k set, i.e. NOT ((word & mask & k) == 0). Expressed as `>` 0 on the masked word.
    default: return { word: a.word, mask: (a.mask & k) >>> 0, op: '>', value: 0 };
  }
}
