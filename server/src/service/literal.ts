/**
 * The hover on a number: its decimal and hex forms, and what it stands for
 * where it is written: the constants of the argument it is compared with
 * (`0x80000` in openat's `flags` is O_CLOEXEC), the errno of `errno(13)`,
 * the syscall of `syscall(59)`. The argument comes from the model's
 * occurrences; no name is resolved here.
 */
import type { Abi } from '../kernel/abi';
import { constantsForArg, errnoInfo, errnoName } from '../kernel/constants';
import { findArg, getSyscall, syscallByNumber } from '../kernel/syscalls';
import type { ConstantInfo } from '../kernel/types';
import type { Occurrence, PolicyModel, SourceFile } from '../policy/semantics/model';
import type { Expression, IntegerLiteral, Statement, TextRange } from '../policy/syntax/ast';
import { contains, occurrenceAt } from './find';

export interface LiteralHover {
  readonly value: string;
  readonly range: TextRange;
}

/** A literal and what surrounds it: a `-` before it, and the comparison or mask it is an operand of. */
interface Found {
  readonly literal: IntegerLiteral;
  readonly negated?: TextRange;
  /** The other operand of the comparison, `&` or `in` the literal belongs to. */
  readonly partner?: Expression;
}

function findIn(e: Expression | undefined, offset: number, partner?: Expression): Found | undefined {
  if (!e || !contains(e, offset)) return undefined;
  switch (e.kind) {
    case 'IntegerLiteral': return e.malformed ? undefined : { literal: e, ...(partner ? { partner } : {}) };
    case 'Identifier': return undefined;
    case 'ParenthesizedExpression': return findIn(e.expression, offset, partner);
    case 'UnaryExpression': {
      const inner = findIn(e.operand, offset, partner);
      return inner && e.operator === '-' && inner.literal === e.operand ? { ...inner, negated: e } : inner;
    }
    case 'InExpression':
      return findIn(e.subject, offset) ?? e.values.map((v) => findIn(v, offset, e.subject)).find((x) => x);
    case 'BinaryExpression':
      if (e.operator === '&&' || e.operator === '||') return findIn(e.left, offset) ?? findIn(e.right, offset);
      // A comparison or a mask: the other side is what the literal is read against;
      // inside a constant expression (`O_CREAT | 0x40`) the partner of the whole stays.
      if (e.operator === '|' || e.operator === '<<' || e.operator === '>>') return findIn(e.left, offset, partner) ?? findIn(e.right, offset, partner);
      return findIn(e.left, offset, e.right ?? partner) ?? findIn(e.right, offset, e.left);
  }
}

/** The argument occurrence an operand is built on (`flags`, `flags & MASK`), if any. */
function argumentOf(model: PolicyModel, file: string, e: Expression | undefined): (Occurrence & { kind: 'argument' }) | undefined {
  if (!e) return undefined;
  if (e.kind === 'Identifier') {
    const o = occurrenceAt(model, file, e.start);
    return o?.kind === 'argument' ? o : undefined;
  }
  if (e.kind === 'ParenthesizedExpression') return argumentOf(model, file, e.expression);
  if (e.kind === 'BinaryExpression' && e.operator === '&') return argumentOf(model, file, e.left) ?? argumentOf(model, file, e.right);
  return undefined;
}

const fmt = (v: bigint) => (v < 0n ? `${v}` : `${v} = 0x${v.toString(16)}`);

/**
 * Names for `value` among `list` on `abi`: the constants equal to it, or
 * (for a bit set) single-bit constants whose union is exactly the value.
 */
function namesFor(value: bigint, list: readonly ConstantInfo[], abi: Abi, bits: boolean): string[] {
  const exact = list.filter((c) => c.values[abi] === value).map((c) => c.name);
  if (exact.length || !bits || value <= 0n) return exact;
  const parts: string[] = [];
  let rest = value;
  // Lowest bit first, as strace and the headers write them (PROT_READ|PROT_EXEC).
  const byValue = [...list].sort((a, b) => { const x = a.values[abi] ?? 0n, y = b.values[abi] ?? 0n; return x < y ? -1 : x > y ? 1 : 0; });
  for (const c of byValue) {
    const v = c.values[abi];
    if (v === undefined || v <= 0n || (v & (v - 1n)) !== 0n || (rest & v) === 0n) continue;
    parts.push(c.name);
    rest &= ~v;
  }
  return rest === 0n && parts.length > 1 ? [parts.join('|')] : [];
}

export function describeLiteralAt(model: PolicyModel, file: SourceFile, stmt: Statement, offset: number, abis: readonly Abi[]): LiteralHover | undefined {
  const abi = abis[0] ?? model.abis[0] ?? 'x86_64';
  if (stmt.kind === 'RuleStatement') {
    // syscall(N) in the list: the syscall of that number on each ABI.
    for (const item of stmt.list?.items ?? []) {
      if (item.kind !== 'RawSyscall' || !item.number || !contains(item.number, offset) || item.number.malformed) continue;
      const n = Number(item.number.value);
      const names = abis.map((a) => `${syscallByNumber(a, n)?.name ?? 'no syscall'} on ${a}`);
      return { value: `\`${item.number.text}\`: ${fmt(item.number.value)}\n\nSyscall number: ${names.join(' · ')}`, range: item.number };
    }
    // errno(N): the errno name and message.
    const arg = stmt.action.argument;
    if (stmt.action.name === 'errno' && arg?.kind === 'IntegerLiteral' && contains(arg, offset) && !arg.malformed) {
      const name = errnoName(abi, arg.value);
      const msg = name ? errnoInfo(name)?.message : undefined;
      return { value: `\`${arg.text}\`: ${fmt(arg.value)}${name ? `\n\n\`${name}\`${msg ? `: ${msg}` : ''} on ${abi}` : ''}`, range: arg };
    }
  }
  const root = stmt.kind === 'RuleStatement' ? stmt.condition : stmt.kind === 'DefineStatement' ? stmt.value : undefined;
  const found = findIn(root, offset);
  if (!found) return undefined;
  const value = found.negated ? -found.literal.value : found.literal.value;
  const range = found.negated ?? found.literal;
  const text = file.text.slice(range.start, range.end);
  const lines = [`\`${text}\`: ${fmt(value)}${value < 0n ? ` (0x${BigInt.asUintN(32, value).toString(16)} as 32 bits)` : ''}`];
  const arg = stmt.kind === 'RuleStatement' ? argumentOf(model, file.path, found.partner) : undefined;
  if (arg) {
    const seen = new Set<string>();
    for (const name of arg.syscalls) {
      const sys = getSyscall(name);
      const a = sys && findArg(sys, arg.name, abi)?.arg;
      if (!a || a.constants.length === 0) continue;
      const names = namesFor(value, constantsForArg(a), abi, a.kind === 'flags');
      const line = names.length ? `In \`${arg.name}\` of \`${name}\`: ${names.map((n) => `\`${n}\``).join(' or ')}${abis.length > 1 ? ` (on ${abi})` : ''}` : '';
      if (line && !seen.has(line)) { seen.add(line); lines.push(line); }
      if (seen.size >= 3) break;
    }
  }
  return { value: lines.join('\n\n'), range };
}
