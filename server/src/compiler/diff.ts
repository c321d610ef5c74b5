/**
 * Which decisions change between two compiled policies, exactly: for each
 * ABI, both programs are run on every input at once (bpf/symbolic.ts), the
 * second under each path of the first, so every input lands in one pair of
 * paths. A pair whose RETs differ is a change; its tests say for which
 * syscall numbers and under which argument values. Nothing is sampled, so
 * "no change" means no syscall, on any ABI, with any arguments, is decided
 * differently (the deciding rule may move; only the returned value counts).
 */
import { ABI_NAMES, abiInfo, type Abi } from '../kernel/abi';
import { X32_SYSCALL_BIT, actionText } from '../kernel/seccomp';
import { allSyscalls, argInRegister } from '../kernel/syscalls';
import type { SyscallInfo } from '../kernel/types';
import { PathTests, passes, solveWord, walkPaths, WORDS, type WordTest } from '../bpf/symbolic';
import type { PolicyModel } from '../policy/semantics/model';
import type { CompiledProgram } from './compile';
import { explain } from './attribute';
import { originLabel } from './sourcemap';

/** One policy of the comparison: its program, and its model for the labels of deciding lines. */
export interface DiffSide {
  readonly program: CompiledProgram;
  readonly model?: PolicyModel;
}

/** What one policy decides for a change's example call. */
export interface Decision {
  /** The value the filter returns. */
  readonly ret: number;
  /** The action as a policy writes it: `allow`, `errno(EPERM)`… */
  readonly action: string;
  /** Where it was decided: `file:line`, `file:line (default)`, `badarch`… */
  readonly origin: string;
}

export interface DecisionChange {
  readonly abi: Abi;
  /**
   * The syscall's name; `syscall(N)` for one number no syscall of the ABI
   * has; undefined for a set of such numbers (`example.nr` is one of them).
   */
  readonly syscall: string | undefined;
  readonly before: Decision;
  readonly after: Decision;
  /** When the decision changes, as conditions on arguments (`flags & 0x3 == 1`); empty: every call. */
  readonly when: readonly string[];
  /** A call whose decision changes (x32 numbers include the x32 bit). */
  readonly example: { readonly nr: number; readonly args: readonly bigint[] };
}

export interface AbiDiff {
  readonly abi: Abi;
  /** By syscall number; numbers no syscall has come last. */
  readonly changes: readonly DecisionChange[];
  /** Set when every call on this ABI, whatever its number and arguments, changes from one action to the same other one. */
  readonly every?: { readonly before: string; readonly after: string };
}

export interface PolicyDiff {
  readonly changed: boolean;
  /** Every ABI asked for, changed or not. */
  readonly abis: readonly AbiDiff[];
  /** Calls whose `seccomp_data.arch` is no ABI's (both filters give them their `badarch`), when that changes. */
  readonly foreignArch?: { readonly before: Decision; readonly after: Decision; readonly example: { readonly arch: number } };
}

const FULL = 0xffffffff;
const NR = 0;
const ARCH = 1;
const ARG_WORD = 4;

/** Compares the decisions of two programs on every call of every ABI in `abis` (default: all six). */
export function diffPolicies(before: DiffSide, after: DiffSide, abis: readonly Abi[] = ABI_NAMES): PolicyDiff {
  const out = abis.map((abi) => diffAbi(before, after, abi));
  const foreignArch = diffForeignArch(before, after);
  return { changed: out.some((a) => a.changes.length > 0) || foreignArch !== undefined, abis: out, ...(foreignArch ? { foreignArch } : {}) };
}

/** An arch value no ABI has: the filters can only tell it apart by that value, so one example per pair of paths says it. */
function diffForeignArch(before: DiffSide, after: DiffSide): PolicyDiff['foreignArch'] {
  const tests = new PathTests();
  for (const arch of new Set(ABI_NAMES.map((a) => abiInfo(a).auditArch))) tests.push({ word: ARCH, mask: FULL, op: '==', value: arch, holds: false });
  let found: PolicyDiff['foreignArch'];
  walkPaths(before.program.instructions, tests, (r1) => {
    walkPaths(after.program.instructions, tests, (r2) => {
      if (r1 === r2 || found) return;
      const arch = solveWord(tests.of(ARCH))!;
      const data = { nr: solveWord(tests.of(NR))!, arch, instructionPointer: 0n, args: exampleArgs(tests.snapshot()) };
      found = { before: decision(before, data, undefined), after: decision(after, data, undefined), example: { arch } };
    });
  });
  return found;
}

interface Region {
  readonly before: number;
  readonly after: number;
  readonly tests: WordTest[][];
}

function diffAbi(before: DiffSide, after: DiffSide, abi: Abi): AbiDiff {
  const arch = abiInfo(abi).auditArch;
  const tests = new PathTests();
  tests.push({ word: ARCH, mask: FULL, op: '==', value: arch, holds: true });
  // x32 shares x86_64's arch: the x32 bit of the number is what tells them apart.
  if (abi === 'x86_64' || abi === 'x32') tests.push({ word: NR, mask: X32_SYSCALL_BIT, op: '>', value: 0, holds: abi === 'x32' });
  const regions: Region[] = [];
  let unchanged = false;
  walkPaths(before.program.instructions, tests, (r1) => {
    walkPaths(after.program.instructions, tests, (r2) => {
      if (r1 === r2) unchanged = true;
      else regions.push({ before: r1, after: r2, tests: tests.snapshot() });
    });
  });
  const changes = new Map<string, DecisionChange>();
  const known = numbered(abi);
  for (const region of regions) {
    const args = exampleArgs(region.tests);
    const add = (syscall: SyscallInfo | undefined, label: string | undefined, nr: number) => {
      const when = conditions(region.tests, syscall, abi);
      const key = `${label ?? '*'}|${region.before}|${region.after}|${when.join(' && ')}`;
      if (changes.has(key)) return;
      const data = { nr, arch, instructionPointer: 0n, args };
      changes.set(key, {
        abi, syscall: label, when, example: { nr, args },
        before: decision(before, data, abi), after: decision(after, data, abi),
      });
    };
    const nrTests = region.tests[NR]!;
    const named = known.filter((k) => nrTests.every((t) => passes(t, k.nr)));
    for (const k of named) add(k.info, k.info.name, k.nr);
    // Numbers no syscall of this ABI has, which a filter decides all the same.
    const others = [...nrTests, ...named.map((k): WordTest => ({ word: NR, mask: FULL, op: '==', value: k.nr, holds: false }))];
    const other = solveWord(others);
    if (other !== undefined) {
      const single = solveWord([...others, { word: NR, mask: FULL, op: '==', value: other, holds: false }]) === undefined;
      add(undefined, single ? `syscall(${numberText(other)})` : undefined, other);
    }
  }
  const list = [...changes.values()].sort((a, b) => (a.syscall === undefined ? 1 : 0) - (b.syscall === undefined ? 1 : 0) || a.example.nr - b.example.nr);
  const first = regions[0];
  const every = !unchanged && first && regions.every((r) => r.before === first.before && r.after === first.after)
    ? { before: actionText(first.before, abi), after: actionText(first.after, abi) } : undefined;
  return { abi, changes: list, ...(every ? { every } : {}) };
}

const numberedCache = new Map<Abi, { nr: number; info: SyscallInfo }[]>();
/** The ABI's syscalls by number. */
function numbered(abi: Abi): { nr: number; info: SyscallInfo }[] {
  let list = numberedCache.get(abi);
  if (!list) {
    list = allSyscalls().filter((s) => s.numbers[abi] !== undefined).map((info) => ({ nr: info.numbers[abi]!, info }));
    list.sort((a, b) => a.nr - b.nr);
    numberedCache.set(abi, list);
  }
  return list;
}

/** The six arguments of one call in the region: the smallest value of each word. */
function exampleArgs(tests: readonly WordTest[][]): bigint[] {
  const args: bigint[] = [];
  for (let i = 0; i < 6; i++) {
    const lo = solveWord(tests[ARG_WORD + 2 * i]!) ?? 0;
    const hi = solveWord(tests[ARG_WORD + 2 * i + 1]!) ?? 0;
    args.push((BigInt(hi) << 32n) | BigInt(lo));
  }
  return args;
}

function decision(side: DiffSide, data: { nr: number; arch: number; instructionPointer: bigint; args: readonly bigint[] }, abi: Abi | undefined): Decision {
  const e = explain(side.program, data);
  return { ret: e.ret, action: actionText(e.ret, abi), origin: originLabel(e.origin, side.model) };
}

function numberText(v: number): string {
  return v < 10 ? String(v) : `0x${v.toString(16)}`;
}

/** How an argument word reads in a condition: its parameter's name, whole or one half. */
interface WordName {
  readonly name: string;
  /** The word is one half of a 64-bit value (the other half is `partner`). */
  readonly half?: 'low' | 'high';
  readonly partner?: number;
}

function wordName(word: number, sys: SyscallInfo | undefined, abi: Abi): WordName {
  const reg = (word - ARG_WORD) >> 1;
  const highOfRegister = ((word - ARG_WORD) & 1) === 1;
  const wide = abiInfo(abi).registerBits === 64;
  if (sys) {
    const alone = argInRegister(sys, reg, abi);
    if (alone !== undefined) {
      const arg = sys.args[alone]!;
      if (wide && arg.width[abi] === 64) return highOfRegister ? { name: arg.name, half: 'high', partner: word - 1 } : { name: arg.name, half: 'low', partner: word + 1 };
      if (!highOfRegister) return { name: arg.name };
    }
    // A 64-bit value split over two registers (32-bit ABIs): the low word of each register.
    const places = sys.layout[abi] ?? [];
    const pair = places.findIndex((p) => p.kind === 'pair' && (p.lo === reg || p.hi === reg));
    const place = places[pair];
    if (place?.kind === 'pair' && !highOfRegister) {
      const partner = ARG_WORD + 2 * (place.lo === reg ? place.hi : place.lo);
      return { name: sys.args[pair]!.name, half: place.lo === reg ? 'low' : 'high', partner };
    }
  }
  const name = `arg${reg}`;
  if (!wide) return highOfRegister ? { name: `${name} >> 32` } : { name };
  return highOfRegister ? { name, half: 'high', partner: word - 1 } : { name, half: 'low', partner: word + 1 };
}

/** A 64-bit value whose high word's tests leave it only 0: its low word's tests are tests on the whole value. */
function highIsZero(tests: readonly WordTest[]): boolean {
  return tests.length > 0 && solveWord(tests) === 0 && solveWord([...tests, { word: tests[0]!.word, mask: FULL, op: '==', value: 0, holds: false }]) === undefined;
}

/** The region's argument tests as conditions a reader can check, per parameter. */
function conditions(tests: readonly WordTest[][], sys: SyscallInfo | undefined, abi: Abi): string[] {
  const out: string[] = [];
  for (let w = 2; w < WORDS; w++) {
    const ts = tests[w]!;
    if (ts.length === 0) continue;
    if (w < ARG_WORD) { out.push(...wordConditions(ts, w === 2 ? 'instruction_pointer & 0xffffffff' : 'instruction_pointer >> 32')); continue; }
    const n = wordName(w, sys, abi);
    if (!n.half) { out.push(...wordConditions(ts, n.name)); continue; }
    const partner = tests[n.partner!]!;
    if (n.half === 'high' && highIsZero(ts) && partner.length > 0) continue; // said by the low word
    if (n.half === 'low' && highIsZero(partner)) { out.push(...wordConditions(ts, n.name)); continue; }
    out.push(...wordConditions(ts, n.half === 'high' ? `${n.name} >> 32` : `${n.name} & 0xffffffff`));
  }
  return out;
}

/** One word's tests, simplified: an equality says it all; bounds are merged; masked tests are kept. */
function wordConditions(tests: readonly WordTest[], name: string): string[] {
  const eq = tests.find((t) => t.mask >>> 0 === FULL && t.op === '==' && t.holds);
  if (eq) return [`${name} == ${numberText(eq.value)}`];
  let lo = 0;
  let hi = FULL;
  const out: string[] = [];
  for (const t of tests) {
    if (t.mask >>> 0 !== FULL || t.op === '==') continue;
    const strict = t.op === '>';
    if (t.holds) lo = Math.max(lo, strict ? t.value + 1 : t.value);
    else hi = Math.min(hi, strict ? t.value : t.value - 1);
  }
  if (lo === hi) return [`${name} == ${numberText(lo)}`];
  if (lo > 0) out.push(`${name} >= ${numberText(lo)}`);
  if (hi < FULL) out.push(`${name} <= ${numberText(hi)}`);
  for (const t of tests) {
    let text: string | undefined;
    if (t.mask >>> 0 === FULL) {
      if (t.op === '==' && !t.holds && t.value >= lo && t.value <= hi) text = `${name} != ${numberText(t.value)}`;
    } else {
      const m = `${name} & 0x${t.mask.toString(16)}`;
      if (t.op === '==') text = `${m} ${t.holds ? '==' : '!='} ${numberText(t.value)}`;
      else if (t.op === '>' && t.value === 0) text = `${m} ${t.holds ? '!=' : '=='} 0`;
      else if (t.op === '>') text = `${m} ${t.holds ? '>' : '<='} ${numberText(t.value)}`;
      else text = `${m} ${t.holds ? '>=' : '<'} ${numberText(t.value)}`;
    }
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}
