/**
 * Resolves expressions: constant expressions to numbers (per ABI, since
 * constants differ between ABIs) and conditions to `Cond` for one syscall
 * on one ABI, with the type rules and width checks of §2b and §6.
 */
import { abiInfo, type Abi } from '../../kernel/abi';
import { allConstants, constantValue, getConstant } from '../../kernel/constants';
import { MAX_ERRNO, SECCOMP_RET_DATA } from '../../kernel/seccomp';
import { allSyscalls, argInRegister, findArg, getSyscall, isGenericArg, isPointerKind } from '../../kernel/syscalls';
import type { ArgPlace, SyscallArg, SyscallInfo } from '../../kernel/types';
import { SEMANTIC_CODES, type SemanticCode } from '../codes';
import type { RelatedLocation } from '../diagnostics';
import type { BinaryOperator, Expression, TextRange } from '../syntax/ast';
import { FALSE, holds, maxOf, simplify, TRUE, wrap, type Compare, type CompareOp, type Cond } from './condition';
import type { DefineSymbol, DiagnosticSink, Occurrence, SourceLocation } from './model';
import { SuggestionCache } from './suggest';
import { withArticle } from '../wording';

/** Where a condition is being resolved: one syscall of a rule on one ABI. */
export interface Scope {
  readonly abi: Abi;
  /** Undefined for `syscall(N)`: only `arg0`..`arg5` are known there. */
  readonly syscall: SyscallInfo | undefined;
  readonly syscallLabel: string;
  /** All syscalls of the rule, to explain a name that only some of them have. */
  readonly ruleSyscalls: readonly string[];
  readonly file: string;
}

export interface ResolverContext {
  readonly sink: DiagnosticSink;
  readonly defines: ReadonlyMap<string, DefineSymbol>;
  readonly abis: readonly Abi[];
  readonly occur: (o: Occurrence) => void;
  /** Whether `occur` has seen a use of this kind at this place: asked first, so a use resolved again (per ABI, per syscall) builds no record. */
  readonly recorded: (kind: Occurrence['kind'], file: string, start: number) => boolean;
}

type Value =
  | { readonly t: 'int'; readonly v: bigint; readonly node: Expression }
  | { readonly t: 'arg'; readonly index: number; readonly hi?: number; readonly name: string; readonly info: SyscallArg | undefined;
      readonly width: 32 | 64; readonly mask: bigint | undefined; readonly node: Expression }
  | { readonly t: 'bool'; readonly c: Cond; readonly node: Expression }
  | { readonly t: 'err' };

const ERR: Value = { t: 'err' };
const FLIP: Record<CompareOp, CompareOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export class ExpressionResolver {
  private readonly defineValues = new Map<string, Map<Abi, bigint | null>>();
  private readonly busy = new Set<string>();
  private readonly suggestions = new SuggestionCache();

  /** How many diagnostics were reported so far (repeats the sink drops included): a resolution that adds none is clean. */
  reports = 0;

  constructor(private readonly ctx: ResolverContext) {}

  private report(code: SemanticCode, file: string, range: TextRange, message: string,
    extra?: { related?: RelatedLocation[]; suggestions?: string[] }): void {
    this.reports++;
    this.ctx.sink.report(code, SEMANTIC_CODES[code].severity, file, range, message, extra);
  }

  /**
   * Whether the identifiers `names` of a condition mean the same on ABIs
   * `a` and `b` for `sys` (undefined: a `syscall(N)` rule): the same
   * argument at the same place with the same width, or a define or
   * constant of the same value. Then a condition resolved cleanly (no
   * diagnostic) on `a` resolves to the same on `b`, with no diagnostic and
   * no new occurrence, and the builder shares it instead of resolving again.
   */
  sameMeaning(names: readonly string[], sys: SyscallInfo | undefined, a: Abi, b: Abi): boolean {
    // Kept per ABI pair (by their places in the policy's list), syscall and name: a name is asked
    // about for every rule that uses it, and each entry of every ABI after the first asks.
    const i = this.ctx.abis.indexOf(a);
    const j = this.ctx.abis.indexOf(b);
    if (i < 0 || j < 0) return false;
    const pair = i * this.ctx.abis.length + j;
    let forPair = this.sameNames[pair];
    if (forPair === undefined) this.sameNames[pair] = forPair = abiInfo(a).registerBits === abiInfo(b).registerBits ? new Map() : null;
    if (forPair === null) return false;
    let known = forPair.get(sys);
    if (!known) forPair.set(sys, (known = new Map()));
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!;
      let same = known.get(name);
      if (same === undefined) known.set(name, (same = this.sameName(name, sys, a, b)));
      if (!same) return false;
    }
    return true;
  }

  /** `sameMeaning` for one name (after `checkDefines`, define values no longer change). */
  private sameName(name: string, sys: SyscallInfo | undefined, a: Abi, b: Abi): boolean {
    const x = sys ? findArg(sys, name, a) : undefined;
    const y = sys ? findArg(sys, name, b) : undefined;
    if (x || y) {
      return !!x && !!y && x.index === y.index && x.arg === y.arg && x.positional === y.positional
        && x.arg.width[a] === y.arg.width[b] && samePlace(x.place, y.place);
    }
    if (!sys && rawArg(name)) return true;
    if (this.ctx.defines.has(name)) return this.defineValue(name, a) === this.defineValue(name, b);
    return constantValue(name, a) === constantValue(name, b);
  }

  /** By ABI pair: per syscall and name, whether the name means the same on both; null: registers of different widths, nothing is shared. */
  private readonly sameNames: (Map<SyscallInfo | undefined, Map<string, boolean>> | null | undefined)[] = [];

  // ---- public entry points -------------------------------------------------

  /** Evaluates every define on every ABI once, so their errors show even when unused. */
  checkDefines(duplicates: readonly { first: DefineSymbol; again: DefineSymbol }[] = []): void {
    for (const [name, sym] of this.ctx.defines) {
      const [first, ...rest] = this.ctx.abis;
      const value = first === undefined ? undefined : this.defineValue(name, first);
      // A value of numbers and operators alone is the same on every ABI, with the same diagnostics (already reported).
      if (rest.length > 0 && namesNothing(sym.value)) {
        const perAbi = this.valuesOf(name);
        for (const abi of rest) perAbi.set(abi, value ?? null);
        continue;
      }
      for (const abi of rest) this.defineValue(name, abi);
    }
    for (const { first, again } of duplicates) {
      for (const abi of this.ctx.abis) {
        const a = this.defineValue(first.name, abi);
        const b = again.value ? this.constant(again.value, again.file, abi) : undefined;
        if (a !== undefined && b !== undefined && a !== b) {
          this.report('define-conflict', again.file, again.nameRange,
            `\`${again.name}\` is already defined as ${a} (here ${b})`,
            { related: [{ file: first.file, range: first.nameRange, message: 'first definition' }] });
          break;
        }
      }
      this.ctx.occur({ kind: 'define', name: again.name, file: again.file, range: again.nameRange,
        definition: { file: first.file, range: first.nameRange } });
    }
  }

  /** The value of every define on every ABI where it has one (after `checkDefines`). */
  defineValueTable(): Map<string, Map<Abi, bigint>> {
    const out = new Map<string, Map<Abi, bigint>>();
    for (const [name, perAbi] of this.defineValues) {
      let complete = true;
      for (const v of perAbi.values()) if (v === null) complete = false;
      if (complete) {
        // Nothing to leave out (the usual case): the map itself, which nothing changes after building.
        out.set(name, perAbi as Map<Abi, bigint>);
        continue;
      }
      const m = new Map<Abi, bigint>();
      for (const [abi, v] of perAbi) if (v !== null) m.set(abi, v);
      out.set(name, m);
    }
    return out;
  }

  /** A constant integer expression (define values, `trap`/`trace` data). */
  constant(expr: Expression, file: string, abi: Abi): bigint | undefined {
    const v = this.value(expr, file, abi, undefined);
    if (v.t === 'int') return v.v;
    if (v.t === 'bool') this.report('type-mismatch', file, expr, 'expected an integer, found a condition');
    if (v.t === 'arg') this.report('not-constant', file, expr, 'expected a constant expression');
    return undefined;
  }

  /** The value of `errno(E)`: an errno name, a define or a number in 0..4095. */
  errnoValue(expr: Expression, file: string, abi: Abi): number | undefined {
    if (expr.kind === 'Identifier' && !this.ctx.defines.has(expr.name)) {
      const info = getConstant(expr.name);
      if (!info || info.message === undefined) {
        const suggestions = this.suggestions.get('errno', expr.name, () => allConstants().filter((c) => c.message !== undefined).map((c) => c.name));
        this.report('unknown-errno', file, expr, `unknown errno \`${expr.name}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : ''}`, { suggestions });
        return undefined;
      }
      if (!this.ctx.recorded('errno', file, expr.start)) this.ctx.occur({ kind: 'errno', name: expr.name, file, range: expr });
      const v = info.values[abi];
      if (v === undefined) {
        this.report('unknown-errno', file, expr, `\`${expr.name}\` is not defined on ${abi}`);
        return undefined;
      }
      return Number(v);
    }
    const v = this.constant(expr, file, abi);
    if (v === undefined) return undefined;
    if (v < 0n || v > BigInt(MAX_ERRNO)) {
      this.report('action-value-out-of-range', file, expr, `errno value ${v} is out of range (0..${MAX_ERRNO})`);
      return undefined;
    }
    return Number(v);
  }

  /** The data of `trap(N)` / `trace(N)`: 0..65535. */
  actionData(expr: Expression, file: string, abi: Abi, action: 'trap' | 'trace'): number | undefined {
    const v = this.constant(expr, file, abi);
    if (v === undefined) return undefined;
    if (v < 0n || v > BigInt(SECCOMP_RET_DATA)) {
      this.report('action-value-out-of-range', file, expr, `${action} value ${v} is out of range (0..${SECCOMP_RET_DATA})`);
      return undefined;
    }
    return Number(v);
  }

  /** A rule's condition for one syscall on one ABI; undefined when it has errors (already reported). */
  condition(expr: Expression, scope: Scope): Cond | undefined {
    const v = this.value(expr, scope.file, scope.abi, scope);
    return this.toBool(v, scope.file);
  }

  // ---- defines -----------------------------------------------------------------

  private readonly definitions = new Map<DefineSymbol, SourceLocation>();
  /** Where `sym` is defined, one object shared by every use's occurrence (thousands in a large policy). */
  private definitionOf(sym: DefineSymbol): SourceLocation {
    let at = this.definitions.get(sym);
    if (!at) this.definitions.set(sym, (at = { file: sym.file, range: sym.nameRange }));
    return at;
  }

  private valuesOf(name: string): Map<Abi, bigint | null> {
    let perAbi = this.defineValues.get(name);
    if (!perAbi) this.defineValues.set(name, (perAbi = new Map()));
    return perAbi;
  }

  private defineValue(name: string, abi: Abi): bigint | undefined {
    const perAbi = this.valuesOf(name);
    const known = perAbi.get(abi);
    if (known !== undefined) return known ?? undefined;
    if (this.busy.has(`${name}\0${abi}`)) {
      const sym = this.ctx.defines.get(name)!;
      this.report('define-cycle', sym.file, sym.nameRange, `\`${name}\` is defined in terms of itself`);
      perAbi.set(abi, null);
      return undefined;
    }
    this.evaluateDefines(name, abi);
    return perAbi.get(abi) ?? undefined;
  }

  /**
   * Evaluates `name` and, first, the defines its value names, depth first
   * with an explicit stack: a chain of thousands of defines (`D0 = D1`, …)
   * must not overflow the call stack. Each define is evaluated after those
   * it names, so its evaluation finds them known and recurses one level;
   * a define still on the stack when named again is a cycle, reported by
   * `defineValue` as before.
   */
  private evaluateDefines(name: string, abi: Abi): void {
    const sym = this.ctx.defines.get(name)!;
    if (!namesADefine(sym.value, this.ctx.defines)) {
      // Most values name no other define: nothing to order, and no cycle to watch for.
      const v = sym.value ? this.constant(sym.value, sym.file, abi) : undefined;
      this.valuesOf(name).set(abi, v ?? null);
      return;
    }
    const stack: { name: string; expanded: boolean }[] = [{ name, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const key = `${top.name}\0${abi}`;
      const sym = this.ctx.defines.get(top.name)!;
      if (!top.expanded) {
        if (this.valuesOf(top.name).get(abi) !== undefined || this.busy.has(key)) {
          stack.pop();
          continue;
        }
        top.expanded = true;
        this.busy.add(key);
        for (const dep of definesNamedIn(sym.value, this.ctx.defines)) {
          if (this.valuesOf(dep).get(abi) === undefined && !this.busy.has(`${dep}\0${abi}`)) stack.push({ name: dep, expanded: false });
        }
        continue;
      }
      stack.pop();
      const v = sym.value ? this.constant(sym.value, sym.file, abi) : undefined;
      this.busy.delete(key);
      this.valuesOf(top.name).set(abi, v ?? null);
    }
  }

  // ---- values ------------------------------------------------------------------

  private value(e: Expression, file: string, abi: Abi, scope: Scope | undefined): Value {
    switch (e.kind) {
      case 'IntegerLiteral':
        // A malformed literal was reported by the lexer; its value means nothing.
        return e.malformed ? ERR : this.int(e.value, e, file);
      case 'ParenthesizedExpression': {
        if (!e.expression) return ERR;
        const inner = this.value(e.expression, file, abi, scope);
        return inner.t === 'err' ? inner : withNode(inner, e);
      }
      case 'Identifier':
        return this.identifier(e, file, abi, scope);
      case 'UnaryExpression': {
        if (!e.operand) return ERR;
        const v = this.value(e.operand, file, abi, scope);
        if (v.t === 'err') return v;
        if (e.operator === '!') {
          const c = this.toBool(v, file);
          return c ? { t: 'bool', c: { kind: 'not', item: c }, node: e } : ERR;
        }
        if (v.t === 'int') return this.int(e.operator === '-' ? -v.v : ~v.v, e, file);
        if (v.t === 'arg') {
          this.report('unsupported-expression', file, e, `seccomp cannot compute \`${e.operator}\` of an argument; only \`argument & MASK\` can be compared`);
          return ERR;
        }
        this.report('type-mismatch', file, e, `\`${e.operator}\` applies to integers, not to a condition (use \`!\`)`);
        return ERR;
      }
      case 'InExpression': {
        const subject = this.value(e.subject, file, abi, scope);
        const values = e.values.map((x) => this.value(x, file, abi, scope));
        if (subject.t === 'err' || values.some((x) => x.t === 'err')) return ERR;
        if (subject.t !== 'arg') {
          this.report(subject.t === 'bool' ? 'type-mismatch' : 'constant-condition', file, e.subject,
            subject.t === 'bool' ? '`in` needs an argument on its left, not a condition' : '`in` needs an argument on its left; this set test is constant');
          return ERR;
        }
        const items: Cond[] = [];
        for (const x of values) {
          if (x.t !== 'int') {
            this.report(x.t === 'arg' ? 'argument-comparison' : 'type-mismatch', file, (x as { node: Expression }).node,
              x.t === 'arg' ? 'seccomp cannot compare two arguments; the values of `in (…)` must be constants' : 'expected a constant');
            return ERR;
          }
          const c = this.compare(e.negated ? '!=' : '==', subject, x, false, file);
          if (!c) return ERR;
          items.push(c);
        }
        // Kept in the model: at its exact length (a pushed array keeps room for 16).
        const c: Cond = { kind: e.negated ? 'and' : 'or', items: items.slice() };
        this.warnIfConstant(c, file, e);
        return { t: 'bool', c, node: e };
      }
      case 'BinaryExpression':
        return this.binary(e.operator, e, file, abi, scope);
    }
  }

  private binary(op: BinaryOperator, e: Expression & { kind: 'BinaryExpression' }, file: string, abi: Abi, scope: Scope | undefined): Value {
    if (!e.right) return ERR;
    const l = this.value(e.left, file, abi, scope);
    const r = this.value(e.right, file, abi, scope);
    if (l.t === 'err' || r.t === 'err') return ERR;
    if (op === '&&' || op === '||') {
      const a = this.toBool(l, file);
      const b = this.toBool(r, file);
      if (!a || !b) return ERR;
      return { t: 'bool', c: { kind: op === '&&' ? 'and' : 'or', items: [a, b] }, node: e };
    }
    if (op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
      if (l.t === 'bool' || r.t === 'bool') {
        this.report('type-mismatch', file, (l.t === 'bool' ? l : r).node, 'a condition cannot be compared; compare an argument with a constant');
        return ERR;
      }
      if (l.t === 'arg' && r.t === 'arg') {
        this.report('argument-comparison', file, e, `seccomp cannot compare two arguments (\`${l.name}\` and \`${r.name}\`); compare each with a constant`);
        return ERR;
      }
      if (l.t === 'int' && r.t === 'int') {
        const always = holds(op, l.v, r.v);
        this.report('constant-condition', file, e, `this comparison of two constants is always ${always}`);
        return { t: 'bool', c: always ? TRUE : FALSE, node: e };
      }
      const c = l.t === 'arg' ? this.compare(op, l, r as Value & { t: 'int' }, false, file)
        : this.compare(op, r as Value & { t: 'arg' }, l as Value & { t: 'int' }, true, file);
      if (!c) return ERR;
      this.warnIfConstant(c, file, e);
      return { t: 'bool', c, node: e };
    }
    // Integer operators.
    if (l.t === 'bool' || r.t === 'bool') {
      this.report('type-mismatch', file, (l.t === 'bool' ? l : r).node, `\`${op}\` applies to integers, not to a condition`);
      return ERR;
    }
    if (l.t === 'int' && r.t === 'int') {
      if ((op === '<<' || op === '>>') && (r.v < 0n || r.v >= 64n)) {
        this.report('shift-out-of-range', file, e, `a shift by ${r.v < 0n ? 'a negative count' : 'more than 63'} (${formatInt(r.v)}) has no 64-bit value; shift by 0 to 63`);
        return ERR;
      }
      return this.int(intOp(op, l.v, r.v), e, file);
    }
    if (op === '&' && (l.t === 'arg') !== (r.t === 'arg')) {
      const arg = (l.t === 'arg' ? l : r) as Value & { t: 'arg' };
      const mask = (l.t === 'arg' ? r : l) as Value & { t: 'int' };
      if (!this.fits(mask, arg, file)) return ERR;
      const m = wrap(mask.v, arg.width);
      const mk = arg.mask === undefined ? m : arg.mask & m;
      return arg.hi !== undefined
        ? { t: 'arg', index: arg.index, hi: arg.hi, name: arg.name, info: arg.info, width: arg.width, mask: mk, node: e }
        : { t: 'arg', index: arg.index, name: arg.name, info: arg.info, width: arg.width, mask: mk, node: e };
    }
    if (l.t === 'arg' && r.t === 'arg') {
      this.report('argument-comparison', file, e, 'seccomp cannot combine two arguments; compare each with a constant');
      return ERR;
    }
    this.report('unsupported-expression', file, e, `seccomp cannot compute \`${op}\` on an argument; only \`argument & MASK\` can be compared`);
    return ERR;
  }

  private identifier(e: Expression & { kind: 'Identifier' }, file: string, abi: Abi, scope: Scope | undefined): Value {
    const name = e.name;
    if (scope) {
      const named = scope.syscall ? findArg(scope.syscall, name, abi) : undefined;
      const found = named ?? (scope.syscall ? undefined : rawArg(name));
      if (found) {
        const info = named && !isGenericArg(named.arg) ? named.arg : undefined;
        const place = named ? named.place : REG_PLACE[found.index]!;
        if (!this.ctx.recorded('argument', file, e.start)) {
          this.ctx.occur({ kind: 'argument', name, index: found.index, syscalls: scope.ruleSyscalls.length ? scope.ruleSyscalls : [scope.syscallLabel], file, range: e });
        }
        if (place.kind === 'none') {
          this.report('argument-not-visible', file, e, place.reason);
          return ERR;
        }
        if (named?.positional && scope.syscall) this.positionalNameHint(scope.syscall, name, file, e);
        const width = info ? info.width[abi] : abiInfo(abi).registerBits;
        if (info && isPointerKind(info.kind)) {
          this.report('pointer-argument', file, e, `\`${name}\` of \`${scope.syscallLabel}\` is a pointer: seccomp compares the address, not the ${info.kind === 'path' || info.kind === 'string' ? 'string' : 'memory'} it points to`);
        }
        const reg = place.kind === 'pair' ? place.lo : place.reg;
        return place.kind === 'pair'
          ? { t: 'arg', index: reg, hi: place.hi, name, info, width, mask: undefined, node: e }
          : { t: 'arg', index: reg, name, info, width, mask: undefined, node: e };
      }
      // A rule of this syscall alone: no other syscall of it can have the name (a name's parameter is the same on every ABI).
      const alone = scope.syscall && scope.ruleSyscalls.length === 1 && scope.ruleSyscalls[0] === scope.syscall.name;
      const owners = alone ? NO_OWNERS : this.owners(scope.ruleSyscalls, name);
      if (owners.length > 0) {
        this.report('condition-on-group-without-argument', file, e,
          `\`${name}\` is an argument of ${owners.slice(0, 3).map((o) => `\`${o}\``).join(', ')} but not of \`${scope.syscallLabel}\`; use \`argN\` or split the rule`);
        return ERR;
      }
    }
    const sym = this.ctx.defines.get(name);
    if (sym) {
      if (!this.ctx.recorded('define', file, e.start)) this.ctx.occur({ kind: 'define', name, file, range: e, definition: this.definitionOf(sym) });
      const v = this.defineValue(name, abi);
      return v === undefined ? ERR : { t: 'int', v, node: e };
    }
    const info = getConstant(name);
    if (info) {
      if (!this.ctx.recorded('constant', file, e.start)) this.ctx.occur({ kind: 'constant', name, file, range: e });
      // `constantValue(name, abi)`, from the record already at hand.
      const v = info.values[abi];
      if (v === undefined) {
        this.report('unknown-constant', file, e, `\`${name}\` is not defined on ${abi}`);
        return ERR;
      }
      return { t: 'int', v, node: e };
    }
    if (!scope && (rawArg(name) || argumentNames().has(name))) {
      this.report('not-constant', file, e, `\`${name}\` is a syscall argument; a constant is required here`);
      return ERR;
    }
    const looksLikeArg = /^[a-z]/.test(name);
    if (scope && looksLikeArg && scope.syscall) {
      const args = scope.syscall.args.flatMap((a) => [a.name, ...a.aliases]);
      const suggestions = this.suggestions.get(`arg:${scope.syscall.name}`, name, () => args);
      this.report('unknown-argument', file, e,
        `\`${scope.syscallLabel}\` has no argument \`${name}\`; its arguments are ${scope.syscall.args.map((a) => `\`${a.name}\``).join(', ') || 'none'}`, { suggestions });
      return ERR;
    }
    const suggestions = this.suggestions.get('constant', name, () => [...this.ctx.defines.keys(), ...allConstants().map((c) => c.name)]);
    this.report('unknown-constant', file, e, `unknown constant \`${name}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : ''}`, { suggestions });
    return ERR;
  }

  /**
   * The syscalls of a rule (`ruleSyscalls`, the rule's own list) that have an
   * argument `name`, kept per list and name: a constant in a condition is
   * looked up here for each syscall of its rule on each ABI.
   */
  private owners(ruleSyscalls: readonly string[], name: string): readonly string[] {
    let perName = this.ownersByList.get(ruleSyscalls);
    if (!perName) this.ownersByList.set(ruleSyscalls, (perName = new Map()));
    let owners = perName.get(name);
    if (!owners) perName.set(name, (owners = ruleSyscalls.filter((s) => { const i = getSyscall(s); return i && findArg(i, name); })));
    return owners;
  }
  private readonly ownersByList = new WeakMap<readonly string[], Map<string, readonly string[]>>();


  /**
   * A constant's value, which must fit in 64 bits (signed or unsigned): a
   * filter compares 64 bits at most, and wrapping a larger value would
   * compile a number the policy does not say.
   */
  private int(v: bigint, node: Expression, file: string): Value {
    if (v >= MIN_I64 && v <= MAX_U64) return { t: 'int', v, node };
    this.report('integer-overflow', file, node, `${formatInt(v, 40)} does not fit in 64 bits (${formatInt(MIN_I64)}..${formatInt(MAX_U64)})`);
    return ERR;
  }

  // ---- conditions ----------------------------------------------------------------

  private toBool(v: Value, file: string): Cond | undefined {
    if (v.t === 'err') return undefined;
    if (v.t === 'bool') return v.c;
    if (v.t === 'arg' && v.mask !== undefined) {
      const c: Compare = v.hi !== undefined
        ? { kind: 'cmp', arg: v.index, hi: v.hi, width: v.width, mask: v.mask, op: '!=', value: 0n }
        : { kind: 'cmp', arg: v.index, width: v.width, mask: v.mask, op: '!=', value: 0n };
      this.warnIfConstant(c, file, v.node);
      return c;
    }
    this.report('type-mismatch', file, v.node, v.t === 'arg'
      ? `\`${v.name}\` is an integer, not a condition: compare it (\`${v.name} == …\`) or test bits (\`${v.name} & FLAG\`)`
      : 'a constant is not a condition');
    return undefined;
  }

  /** Checks that a constant fits the argument's width (§6). */
  private fits(c: Value & { t: 'int' }, arg: Value & { t: 'arg' }, file: string): boolean {
    const min = arg.width === 32 ? MIN_I32 : MIN_I64;
    const max = maxOf(arg.width);
    if (c.v < min || c.v > max) {
      const type = arg.info ? withArticle(arg.info.type) : 'a 32-bit register';
      this.report('constant-out-of-range', file, c.node,
        `${formatInt(c.v)} does not fit in ${arg.width} bits: \`${arg.name}\` is ${type}, compared on its low ${arg.width} bits`);
      return false;
    }
    return true;
  }

  private compare(op: CompareOp, arg: Value & { t: 'arg' }, c: Value & { t: 'int' }, swapped: boolean, file: string): Compare | undefined {
    if (!this.fits(c, arg, file)) return undefined;
    const mask = arg.mask ?? maxOf(arg.width);
    const o = swapped ? FLIP[op] : op;
    // A value already of the width is kept as it is: no new bigint for each comparison the model keeps.
    const value = c.v >= 0n && c.v <= maxOf(arg.width) ? c.v : wrap(c.v, arg.width);
    return arg.hi !== undefined
      ? { kind: 'cmp', arg: arg.index, hi: arg.hi, width: arg.width, mask, op: o, value }
      : { kind: 'cmp', arg: arg.index, width: arg.width, mask, op: o, value };
  }

  /**
   * `argN` is always register N; where the man page names a parameter `argK`
   * (prctl's `arg2`…`arg5`), say which register that parameter is, since the
   * two readings differ.
   */
  private positionalNameHint(sys: SyscallInfo, name: string, file: string, at: TextRange): void {
    if (!namesParametersArgN(sys)) return;
    const doc = sys.args.findIndex((a) => a.name === name || a.aliases.includes(name));
    if (doc < 0) return;
    const reg = Number(name.slice(3));
    const abi = scopeAbiOf(sys);
    const place = sys.layout[abi]?.[doc];
    const docReg = place?.kind === 'reg' ? place.reg : doc;
    if (docReg === reg) return;
    const here = argInRegister(sys, reg, abi);
    this.report('positional-argument-name', file, at,
      `\`${name}\` is register ${reg} here (\`argN\` always names register N); the man page's \`${name}\` of \`${sys.name}\` is register ${docReg}, \`arg${docReg}\`${here !== undefined ? ` (register ${reg} holds the man page's \`${sys.args[here]!.name}\`)` : ''}`);
  }

  private warnIfConstant(c: Cond, file: string, at: TextRange): void {
    const s = simplify(c);
    if (s.kind === 'true' || s.kind === 'false') {
      this.report('constant-condition', file, at, `this condition is always ${s.kind}`);
    }
  }
}

const NO_OWNERS: readonly string[] = [];

/** The place of `argN` in a `syscall(N)` rule: register N, shared (places are never changed). */
const REG_PLACE: readonly ArgPlace[] = [0, 1, 2, 3, 4, 5].map((reg) => ({ kind: 'reg', reg }));

/** `v` as the value of `node` (a parenthesized expression): a copy of the same shape, not a spread, which is slow in V8's hot loops. */
function withNode(v: Exclude<Value, { t: 'err' }>, node: Expression): Value {
  switch (v.t) {
    case 'int': return { t: 'int', v: v.v, node };
    case 'bool': return { t: 'bool', c: v.c, node };
    case 'arg': return v.hi !== undefined
      ? { t: 'arg', index: v.index, hi: v.hi, name: v.name, info: v.info, width: v.width, mask: v.mask, node }
      : { t: 'arg', index: v.index, name: v.name, info: v.info, width: v.width, mask: v.mask, node };
  }
}

function samePlace(p: ArgPlace, q: ArgPlace): boolean {
  switch (p.kind) {
    case 'reg': return q.kind === 'reg' && q.reg === p.reg;
    case 'pair': return q.kind === 'pair' && q.lo === p.lo && q.hi === p.hi;
    case 'none': return q.kind === 'none' && q.reason === p.reason;
  }
}

/** Whether the man page names a parameter of `sys` `argN` (prctl's `arg2`…): asked for every `argN` a rule uses, so kept per syscall. */
function namesParametersArgN(sys: SyscallInfo): boolean {
  let known = argNNamed.get(sys);
  if (known === undefined) {
    known = sys.args.some((a) => rawArg(a.name) !== undefined || a.aliases.some((x) => rawArg(x) !== undefined));
    argNNamed.set(sys, known);
  }
  return known;
}
const argNNamed = new WeakMap<SyscallInfo, boolean>();

/** An ABI where `sys` exists, to read where its documented parameters sit (argN-named ones are never moved). */
function scopeAbiOf(sys: SyscallInfo): Abi {
  return (Object.keys(sys.numbers)[0] as Abi | undefined) ?? 'x86_64';
}

/** Whether an expression is numbers and operators only (no name of any kind), without recursion. */
function namesNothing(e: Expression | undefined): boolean {
  const todo: Expression[] = e ? [e] : [];
  while (todo.length > 0) {
    const x = todo.pop()!;
    switch (x.kind) {
      case 'IntegerLiteral': break;
      case 'Identifier': return false;
      case 'BinaryExpression': if (x.right) todo.push(x.right); todo.push(x.left); break;
      case 'UnaryExpression': if (x.operand) todo.push(x.operand); break;
      case 'ParenthesizedExpression': if (x.expression) todo.push(x.expression); break;
      case 'InExpression': return false;
      default: return false;
    }
  }
  return true;
}

/** Whether an expression names a define (`definesNamedIn` is not empty), without building the list. */
function namesADefine(e: Expression | undefined, defines: ReadonlyMap<string, DefineSymbol>): boolean {
  if (!e) return false;
  switch (e.kind) {
    case 'IntegerLiteral': return false;
    case 'Identifier': return defines.has(e.name);
    default: return definesNamedIn(e, defines).length > 0;
  }
}

/** The defines an expression names, without recursion (a value may be a long chain of operators). */
function definesNamedIn(e: Expression | undefined, defines: ReadonlyMap<string, DefineSymbol>): string[] {
  const out: string[] = [];
  const todo: Expression[] = e ? [e] : [];
  while (todo.length > 0) {
    const x = todo.pop()!;
    switch (x.kind) {
      case 'Identifier': if (defines.has(x.name)) out.push(x.name); break;
      case 'BinaryExpression': if (x.right) todo.push(x.right); todo.push(x.left); break;
      case 'UnaryExpression': if (x.operand) todo.push(x.operand); break;
      case 'ParenthesizedExpression': if (x.expression) todo.push(x.expression); break;
      case 'InExpression': todo.push(...x.values, x.subject); break;
      default: break;
    }
  }
  return out;
}

let argNames: Set<string> | undefined;
/** Every argument name and alias of every syscall, to explain an argument used where a constant must be. */
function argumentNames(): Set<string> {
  if (!argNames) {
    argNames = new Set();
    for (const s of allSyscalls()) for (const a of s.args) { argNames.add(a.name); for (const x of a.aliases) argNames.add(x); }
  }
  return argNames;
}

function rawArg(name: string): { index: number } | undefined {
  const m = /^arg([0-5])$/.exec(name);
  return m ? { index: Number(m[1]) } : undefined;
}

const MIN_I32 = -(1n << 31n);
const MIN_I64 = -(1n << 63n);
const MAX_U64 = (1n << 64n) - 1n;

/**
 * Constant arithmetic is exact (bigint) on operands that fit in 64 bits,
 * shifts by 0..63 only (checked by the caller); widths apply only when
 * compared with an argument.
 */
function intOp(op: BinaryOperator, a: bigint, b: bigint): bigint {
  switch (op) {
    case '&': return a & b;
    case '|': return a | b;
    case '<<': return a << b;
    case '>>': return a >> b;
    default: return 0n;
  }
}

/** A value in hex, its digits cut after `maxDigits` (a 100,000-digit literal must not make a 100,000-character message). */
function formatInt(v: bigint, maxDigits = Infinity): string {
  const digits = (v < 0n ? -v : v).toString(16);
  const shown = digits.length > maxDigits ? `${digits.slice(0, maxDigits)}…` : digits;
  return `${v < 0n ? '-' : ''}0x${shown}`;
}
