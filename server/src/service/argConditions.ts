/**
 * Rules conditioned on argument values a traced run actually passed: the
 * text of `allow openat if dirfd == -100 && flags == 0x80000`, and the edit
 * that narrows a broad rule to what a run did. Pure; the values come from
 * the trace (raw registers as hex strings), the names and places from the
 * kernel database, so a split 64-bit argument on a 32-bit ABI is assembled
 * from its two registers as the kernel does.
 */
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Abi } from '../kernel/abi';
import { argPlace, argValue, getSyscall } from '../kernel/syscalls';
import type { ArgKind, SyscallArg } from '../kernel/types';
import { detectEol } from '../policy/format';
import type { PolicyModel } from '../policy/semantics/model';
import type { PolicyDocument } from './context';

/**
 * Arguments whose values make a useful condition. Pointers, strings and
 * buffers are addresses that change from run to run; sizes and offsets
 * vary with the data.
 */
const CONDITION_KINDS: ReadonlySet<ArgKind> = new Set(['fd', 'dirfd', 'flags', 'enum', 'mode', 'signal', 'int', 'pid', 'uid']);

/** Plain integers that are really addresses (mprotect's `addr`, brk's `brk`): they change with every run (ASLR). */
const ADDRESS_NAME = /addr|^start$|^brk$|ptr|^stack$|^tls$/;

/** Register values seen for one syscall on one ABI (per register: distinct hex values, or undefined for "too many"). */
export interface SeenRegisters {
  readonly abi: Abi;
  readonly registers: readonly (ReadonlySet<string> | readonly string[] | undefined)[];
}

/** A value as the policy language writes it for this argument (a negative number for a signed one with its sign bit set). */
export function valueLiteral(value: bigint, arg: SyscallArg, abi: Abi): string {
  const width = arg.width[abi];
  const v = BigInt.asUintN(width, value);
  if (arg.signed && v >> BigInt(width - 1) === 1n) return `-${BigInt.asUintN(width, -v)}`;
  if (arg.kind === 'flags') return `0x${v.toString(16)}`;
  if (arg.kind === 'mode') return `0o${v.toString(8)}`;
  return v.toString();
}

/**
 * `dirfd == -100 && flags in (0x0, 0x80000)`: the condition that accepts
 * exactly the values seen, on the arguments worth conditioning on;
 * undefined when none is (or the syscall is unknown).
 */
export function conditionFor(syscall: string, seen: readonly SeenRegisters[]): string | undefined {
  const sys = getSyscall(syscall);
  if (!sys || seen.length === 0) return undefined;
  const parts: string[] = [];
  sys.args.forEach((arg, i) => {
    if (!CONDITION_KINDS.has(arg.kind) || (arg.kind === 'int' && ADDRESS_NAME.test(arg.name))) return;
    const literals = new Set<string>();
    for (const s of seen) {
      const place = argPlace(sys, i, s.abi);
      if (place.kind === 'none') return;
      const regs = s.registers.map((r) => (r === undefined ? undefined : [...r]));
      const used = place.kind === 'reg' ? [place.reg] : [place.lo, place.hi];
      if (used.some((r) => regs[r] === undefined)) return;
      // Every combination of the registers the argument spans (one for a plain register).
      const combos: bigint[][] = [[]];
      for (const r of used) {
        const next: bigint[][] = [];
        for (const c of combos) for (const h of regs[r]!) next.push([...c, BigInt(h)]);
        combos.splice(0, combos.length, ...next);
      }
      for (const c of combos) {
        const args: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
        used.forEach((r, k) => { args[r] = c[k]!; });
        const v = argValue(args, place);
        if (v === undefined) return;
        literals.add(valueLiteral(v, arg, s.abi));
      }
    }
    if (literals.size === 0 || literals.size > 8) return;
    const list = [...literals];
    parts.push(list.length === 1 ? `${arg.name} == ${list[0]}` : `${arg.name} in (${list.join(', ')})`);
  });
  return parts.length ? parts.join(' && ') : undefined;
}

/**
 * The edit replacing rule `ruleIndex` (a rule of the document's own file
 * without a condition) by rules for the syscalls it decided in a run, each
 * conditioned on the argument values seen; syscalls with nothing to
 * condition stay in one unconditioned rule. Undefined when the rule cannot
 * be narrowed.
 */
export function narrowRuleEdit(model: PolicyModel, doc: PolicyDocument, ruleIndex: number, seen: ReadonlyMap<string, readonly SeenRegisters[]>): WorkspaceEdit | undefined {
  const rule = model.rules[ruleIndex];
  if (!rule || rule.file !== doc.path || rule.statement.condition || seen.size === 0) return undefined;
  const file = model.files.get(rule.file)!;
  const action = file.text.slice(rule.statement.action.start, rule.statement.action.end).trim();
  const plain: string[] = [];
  const lines: string[] = [];
  for (const [syscall, regs] of seen) {
    const cond = conditionFor(syscall, regs);
    if (cond) lines.push(`${action} ${syscall} if ${cond}`);
    else plain.push(syscall);
  }
  if (lines.length === 0 && plain.length === rule.syscalls.length) return undefined;
  if (plain.length) lines.unshift(`${action} ${plain.join(', ')}`);
  const eol = detectEol(doc.text);
  const start = file.lines.positionAt(rule.statement.start);
  const indent = ' '.repeat(start.character);
  const edit: TextEdit = {
    range: { start, end: file.lines.positionAt(rule.statement.end) },
    newText: lines.join(eol + indent),
  };
  return { changes: { [doc.uri]: [edit] } };
}
