/**
 * Resolved conditions: what a rule's `if` means for one syscall on one ABI,
 * after names became argument indexes and constants became numbers. This is
 * the form the compiler lowers and the simulator evaluates (§6, §7).
 */

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * `(args[arg] & mask) OP value`, all unsigned, on `width` bits. With `hi`, a
 * 64-bit value split over two 32-bit registers (a loff_t on i386 or arm):
 * its low word is the low word of `args[arg]` and its high word the low
 * word of `args[hi]`.
 */
export interface Compare {
  readonly kind: 'cmp';
  /** The register (for a split value: the one holding the low word). */
  readonly arg: number;
  /** The register holding the high word of a split 64-bit value. */
  readonly hi?: number;
  readonly width: 32 | 64;
  /** Already reduced to `width` bits; all ones when there is no mask. */
  readonly mask: bigint;
  readonly op: CompareOp;
  /** Already reduced to `width` bits (negative constants wrapped). */
  readonly value: bigint;
}

export type Cond =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | Compare
  | { readonly kind: 'and'; readonly items: readonly Cond[] }
  | { readonly kind: 'or'; readonly items: readonly Cond[] }
  | { readonly kind: 'not'; readonly item: Cond };

export const TRUE: Cond = { kind: 'true' };
export const FALSE: Cond = { kind: 'false' };

export function maxOf(width: 32 | 64): bigint {
  return width === 32 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
}

/** Reduces a (possibly negative) integer to `width` bits, two's complement. */
export function wrap(value: bigint, width: 32 | 64): bigint {
  return BigInt.asUintN(width, value);
}

/** `a OP b` for two numbers of the same kind (the one definition of the six operators). */
export function holds<T extends number | bigint>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

/** The value a comparison reads from the six raw 64-bit argument registers. */
export function operand(c: Compare, args: readonly bigint[]): bigint {
  if (c.hi !== undefined) return (wrap(args[c.hi] ?? 0n, 32) << 32n) | wrap(args[c.arg] ?? 0n, 32);
  return wrap(args[c.arg] ?? 0n, c.width);
}

/** Evaluates a condition on the six raw 64-bit argument registers. */
export function evaluate(cond: Cond, args: readonly bigint[]): boolean {
  switch (cond.kind) {
    case 'true': return true;
    case 'false': return false;
    case 'and': return cond.items.every((c) => evaluate(c, args));
    case 'or': return cond.items.some((c) => evaluate(c, args));
    case 'not': return !evaluate(cond.item, args);
    case 'cmp': {
      return holds(cond.op, operand(cond, args) & cond.mask, cond.value);
    }
  }
}

/** Decides a comparison at compile time when its operands allow it. */
function foldCompare(c: Compare): Cond {
  const max = c.mask; // the largest value `arg & mask` can take is bounded by the mask
  // The usual comparison: the whole argument with a value of its width. `==` and `!=` keep
  // it (no bit of the value lies outside a mask of all ones), without bigint arithmetic.
  if ((c.op === '==' || c.op === '!=') && c.mask === maxOf(c.width) && c.value >= 0n && c.value <= c.mask) return c;
  switch (c.op) {
    case '==': return (c.value & ~c.mask) !== 0n ? FALSE : c.mask === 0n ? (c.value === 0n ? TRUE : FALSE) : c;
    case '!=': return (c.value & ~c.mask) !== 0n ? TRUE : c.mask === 0n ? (c.value === 0n ? FALSE : TRUE) : c;
    case '<': return c.value === 0n ? FALSE : c.value > max ? TRUE : c;
    case '<=': return c.value >= max ? TRUE : c;
    case '>': return c.value >= max ? FALSE : c;
    case '>=': return c.value === 0n ? TRUE : c.value > max ? FALSE : c;
  }
}

/**
 * Simplifies a condition: folds comparisons whose outcome is fixed and
 * flattens and/or. Never changes the meaning (a property test checks it).
 */
export function simplify(cond: Cond): Cond {
  switch (cond.kind) {
    case 'true':
    case 'false':
      return cond;
    case 'cmp':
      return foldCompare(cond);
    case 'not': {
      const inner = simplify(cond.item);
      if (inner.kind === 'true') return FALSE;
      if (inner.kind === 'false') return TRUE;
      if (inner.kind === 'not') return inner.item;
      // Conditions are immutable: one that is already simple is returned as it is, not copied.
      return inner === cond.item ? cond : { kind: 'not', item: inner };
    }
    case 'and':
    case 'or': {
      const absorbing = cond.kind === 'and' ? 'false' : 'true';
      const neutral = cond.kind === 'and' ? 'true' : 'false';
      const items: Cond[] = [];
      let changed = false;
      for (const item of cond.items) {
        const s = simplify(item);
        if (s.kind === absorbing) return s;
        if (s.kind === neutral) { changed = true; continue; }
        if (s.kind === cond.kind) { changed = true; items.push(...s.items); }
        else {
          if (s !== item) changed = true;
          items.push(s);
        }
      }
      if (items.length === 0) return cond.kind === 'and' ? TRUE : FALSE;
      if (items.length === 1) return items[0]!;
      return changed ? { kind: cond.kind, items } : cond;
    }
  }
}

/** Structural equality, for duplicate-rule detection. */
export function sameCondition(a: Cond, b: Cond): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'true':
    case 'false':
      return true;
    case 'cmp': {
      const c = b as Compare;
      return a.arg === c.arg && a.hi === c.hi && a.width === c.width && a.mask === c.mask && a.op === c.op && a.value === c.value;
    }
    case 'not':
      return sameCondition(a.item, (b as { item: Cond }).item);
    case 'and':
    case 'or': {
      const items = (b as { items: readonly Cond[] }).items;
      return a.items.length === items.length && a.items.every((x, i) => sameCondition(x, items[i]!));
    }
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** A compact text form, for tests, disassembly comments and hovers. */
export function conditionToString(cond: Cond): string {
  switch (cond.kind) {
    case 'true': return 'true';
    case 'false': return 'false';
    case 'not': return `!(${conditionToString(cond.item)})`;
    case 'and': return cond.items.map((c) => (c.kind === 'or' ? `(${conditionToString(c)})` : conditionToString(c))).join(' && ');
    case 'or': return cond.items.map(conditionToString).join(' || ');
    case 'cmp': {
      const arg = cond.hi !== undefined ? `arg${cond.hi}.lo:arg${cond.arg}.lo` : `arg${cond.arg}${cond.width === 32 ? '.lo' : ''}`;
      const lhs = cond.mask === maxOf(cond.width) ? arg : `(${arg} & ${hex(cond.mask)})`;
      return `${lhs} ${cond.op} ${hex(cond.value)}`;
    }
  }
}
