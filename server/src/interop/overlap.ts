/**
 * Whether two rules for one syscall can both match the same call. A policy
 * is read first-match-wins; libseccomp, and so an OCI profile, has no rule
 * order. Import and export need this to know when the two readings agree:
 * rules with different actions agree in both readings when no call matches
 * both. The test is sound, not complete: `disjoint` says true only when a
 * pair of comparisons on the same register contradict each other.
 */
import type { CompareOp } from '../policy/semantics/condition';

/** `(args[reg] & mask) OP value` (mask all ones when there is none). */
export interface Literal {
  readonly reg: number;
  /** For a 64-bit value split over two registers: the register of its high word. */
  readonly hi?: number;
  readonly mask: bigint;
  readonly op: CompareOp;
  readonly value: bigint;
}

/** An OR of ANDs of literals; `[[]]` is always true, `[]` never. */
export type Dnf = readonly (readonly Literal[])[];

/** The values `x & mask` may take that satisfy `OP value`, as an interval plus an excluded point. */
function range(l: Literal): { lo: bigint; hi: bigint; not?: bigint } {
  const max = l.mask;
  switch (l.op) {
    case '==': return { lo: l.value, hi: l.value };
    case '!=': return { lo: 0n, hi: max, not: l.value };
    case '<': return { lo: 0n, hi: l.value - 1n };
    case '<=': return { lo: 0n, hi: l.value };
    case '>': return { lo: l.value + 1n, hi: max };
    case '>=': return { lo: l.value, hi: max };
  }
}

/** True when no value satisfies both comparisons (same register and mask, ranges that do not meet). */
export function contradict(a: Literal, b: Literal): boolean {
  if (a.reg !== b.reg || a.hi !== b.hi || a.mask !== b.mask) return false;
  const x = range(a);
  const y = range(b);
  const lo = x.lo > y.lo ? x.lo : y.lo;
  const hi = x.hi < y.hi ? x.hi : y.hi;
  if (lo > hi) return true;
  // a single value left that one side excludes
  return lo === hi && (x.not === lo || y.not === lo);
}

/** True when no call satisfies both conjunctions. */
function disjointAnd(a: readonly Literal[], b: readonly Literal[]): boolean {
  return a.some((x) => b.some((y) => contradict(x, y)));
}

/** True when no call satisfies both conditions (each an OR of ANDs). */
export function disjoint(a: Dnf, b: Dnf): boolean {
  return a.every((x) => b.every((y) => disjointAnd(x, y)));
}
