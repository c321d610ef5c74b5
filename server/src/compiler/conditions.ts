/**
 * Lowers resolved conditions to BPF, kafel style: `and`/`or` thread the
 * true/false targets, `not` swaps them, and each comparison becomes checks
 * on 32-bit words. A 32-bit argument is compared on its low word only, so
 * garbage in the upper half of the register cannot change the outcome; a
 * 64-bit value split over two registers on a 32-bit ABI is compared on the
 * low words of both.
 */
import { BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET, argHighOffset, argLowOffset } from '../bpf/instructions';
import { holds, type Compare, type CompareOp, type Cond } from '../policy/semantics/condition';
import { sameTarget, type Emitter, type Label, type Target } from './emitter';
import type { InstructionSource } from './sourcemap';

const U32 = 0xffff_ffff;
const U32N = 0xffff_ffffn;
const U64N = 0xffff_ffff_ffff_ffffn;

/**
 * A 32-bit mask as a number. Most masks are all ones, and comparing a
 * bigint costs less than converting it (this runs once per comparison).
 */
function word(mask: bigint): number {
  return mask === U32N ? U32 : Number(mask);
}

/** Emits `cond` so that it continues at `t` when true and `f` when false; returns its entry. */
export function emitCondition(e: Emitter, cond: Cond, t: Target, f: Target, src: InstructionSource): Target {
  if (sameTarget(t, f)) return t;
  switch (cond.kind) {
    case 'true': return t;
    case 'false': return f;
    case 'not': return emitCondition(e, cond.item, f, t, src);
    case 'and': {
      let next = t;
      for (let i = cond.items.length - 1; i >= 0; i--) next = emitCondition(e, cond.items[i]!, next, f, src);
      return next;
    }
    case 'or': {
      let next = f;
      for (let i = cond.items.length - 1; i >= 0; i--) next = emitCondition(e, cond.items[i]!, t, next, src);
      return next;
    }
    case 'cmp':
      return cond.width === 32 ? emitWord(e, argLowOffset(cond.arg), word(cond.mask), cond.op, Number(cond.value), t, f, src)
        : emitWide(e, cond, t, f, src);
  }
}

/** `(word & mask) OP value` on one 32-bit word of seccomp_data. */
function emitWord(e: Emitter, offset: number, mask: number, op: CompareOp, value: number, t: Target, f: Target, src: InstructionSource): Target {
  if (sameTarget(t, f)) return t;
  mask >>>= 0;
  value >>>= 0;
  // Outcomes fixed at compile time: a zero mask, or bounds no word can cross.
  if (mask === 0) return holds(op, 0, value) ? t : f;
  if ((op === '==' || op === '!=') && (value & ~mask) >>> 0 !== 0) return op === '!=' ? t : f;
  if (op === '>=' && value === 0) return t;
  if (op === '<' && value === 0) return f;
  if (op === '>' && value >= mask) return f;
  if (op === '<=' && value >= mask) return t;
  if (op === '<' && value > mask) return t;
  if (op === '>=' && value > mask) return f;
  let next: Label;
  const bit = mask !== U32 && (mask & (mask - 1)) === 0;
  const jset = mask !== U32 && (op === '==' || op === '!=') && (value === 0 || (bit && value === mask));
  if (mask === U32 || jset) {
    // A still holds the whole word after the jump: a target that starts by loading it again can be entered past that load.
    t = pastReload(e, t, offset);
    f = pastReload(e, f, offset);
  }
  if (jset) {
    // A bit test needs no `and`: jset jumps when any masked bit is set.
    const setMeansTrue = (op === '!=') === (value === 0);
    next = e.jump(BPF_JSET, mask, setMeansTrue ? t : f, setMeansTrue ? f : t, src);
  } else {
    switch (op) {
      case '==': next = e.jump(BPF_JEQ, value, t, f, src); break;
      case '!=': next = e.jump(BPF_JEQ, value, f, t, src); break;
      case '>': next = e.jump(BPF_JGT, value, t, f, src); break;
      case '>=': next = e.jump(BPF_JGE, value, t, f, src); break;
      case '<': next = e.jump(BPF_JGE, value, f, t, src); break;
      default: next = e.jump(BPF_JGT, value, f, t, src); break;
    }
    if (mask !== U32) next = e.and(mask, next, src);
  }
  return { label: e.load(offset, next, src) };
}

/** `target` entered past its own reload of word `offset`, if it starts with one (a new object only then). */
function pastReload(e: Emitter, target: Target, offset: number): Target {
  const label = e.skipReload(target.label, offset);
  return label === target.label ? target : { ...target, label };
}

/** A 64-bit comparison: the high words decide unless equal, then the low words. */
function emitWide(e: Emitter, c: Compare, t: Target, f: Target, src: InstructionSource): Target {
  const full = c.mask === U64N;
  const hiMask = full ? U32 : Number(c.mask >> 32n);
  const loMask = full ? U32 : Number(c.mask & 0xffff_ffffn);
  // Most values fit one word: no bigint shifts for them.
  const small = c.value <= U32N;
  const hi = small ? 0 : Number(c.value >> 32n);
  const lo = small ? Number(c.value) : Number(c.value & 0xffff_ffffn);
  // A value split over two registers (32-bit ABIs) has its high word in the low word of `hi`.
  const hiOff = c.hi !== undefined ? argLowOffset(c.hi) : argHighOffset(c.arg);
  const loOff = argLowOffset(c.arg);
  switch (c.op) {
    case '==': {
      const low = emitWord(e, loOff, loMask, '==', lo, t, f, src);
      return emitWord(e, hiOff, hiMask, '==', hi, low, f, src);
    }
    case '!=': {
      const low = emitWord(e, loOff, loMask, '==', lo, f, t, src);
      return emitWord(e, hiOff, hiMask, '==', hi, low, t, src);
    }
    case '>': case '>=':
      return emitOrdered(e, hiOff, hiMask, hi, loOff, loMask, lo, c.op, t, f, src);
    case '<':
      return emitOrdered(e, hiOff, hiMask, hi, loOff, loMask, lo, '>=', f, t, src);
    case '<=':
      return emitOrdered(e, hiOff, hiMask, hi, loOff, loMask, lo, '>', f, t, src);
  }
}

/** `x > v` / `x >= v` on 64 bits: hi > vh → t; hi == vh → compare lo; else f. */
function emitOrdered(e: Emitter, hiOff: number, hiMask: number, hi: number, loOff: number, loMask: number, lo: number,
  op: '>' | '>=', t: Target, f: Target, src: InstructionSource): Target {
  if (sameTarget(t, f)) return t;
  if (hiMask === 0 && hi !== 0) return f; // the high word is always 0: below any bound with a high part
  if (hi > hiMask) return f; // the high word can never reach the bound
  const low = emitWord(e, loOff, loMask, op, lo, t, f, src);
  if (hiMask === 0) return low; // the high word is 0 and so is the bound's: the low words decide
  // A still holds the (masked) high word after the first jump, so no reload between them.
  const before = e.here;
  const eqLabel = e.jump(BPF_JEQ, hi, low, f, src);
  // When the jump folded away, its "label" is one of the targets: keep that target's origin.
  const eq: Target = eqLabel >= before ? { label: eqLabel } : eqLabel === low.label ? low : f;
  let entry = eq.label;
  if (hi < hiMask) entry = e.jump(BPF_JGT, hi, t, eq, src);
  // Every jump folded away: nothing to load.
  if (entry < before) return eq;
  if (hiMask !== U32) entry = e.and(hiMask, entry, src);
  return { label: e.load(hiOff, entry, src) };
}
