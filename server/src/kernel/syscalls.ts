/**
 * The syscall database: numbers per ABI, argument signatures, and our own
 * documentation, merged into SyscallInfo records. Pure: the data is
 * generated into kernel/generated/ by scripts/gen-kernel-tables.mjs.
 */
import { manPageOf } from './docs/man-pages';
import { abiInfo, type Abi } from './abi';
import type { ArgKind, ArgPlace, SyscallArg, SyscallInfo } from './types';
import { SYSCALL_DOCS } from './docs/syscall-docs';
import { ABI_COLUMNS, SYSCALL_NUMBERS } from './generated/syscall-numbers';
import { SIGNATURES, type ArgRow, type SignatureRow } from './generated/signatures';
import { ARG_LAYOUTS, MULTIPLEXERS, type ArgPlaceRow } from './generated/arg-layout';

/**
 * The table is read lazily: the first lookup indexes the rows by name and
 * by number (no record made), and a syscall's record is made the first
 * time it is asked for, then kept, so every lookup answers the same object.
 * The language server's first check of the 10,000-line bench policy reads
 * 183 of the 450 records; building them all was a tenth of that check.
 */
interface RowIndex {
  /** The row of each name (a name given twice: its last row, as a Map filled in table order keeps). */
  readonly byName: ReadonlyMap<string, number>;
  /** Per ABI, the row of each number (the last row that has it). */
  readonly byNumber: ReadonlyMap<Abi, ReadonlyMap<number, number>>;
  /** Every name, sorted. */
  readonly names: readonly string[];
}

let index: RowIndex | undefined;
/** Per row, its record once made. */
const records: (SyscallInfo | undefined)[] = new Array<SyscallInfo | undefined>(SYSCALL_NUMBERS.length);
/** Every record, sorted by name, once all were asked for. */
let sorted: readonly SyscallInfo[] | undefined;
/** What records are made from, read once. */
let sources: { readonly sigs: ReadonlyMap<string, SignatureRow>; readonly layouts: ReadonlyMap<string, ReadonlyMap<Abi, readonly ArgPlace[]>> } | undefined;

const byNameOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function widths(w64: 32 | 64): Readonly<Record<Abi, 32 | 64>> {
  const out = {} as Record<Abi, 32 | 64>;
  for (const abi of ABI_COLUMNS) out[abi] = abiInfo(abi).registerBits === 32 ? 32 : w64;
  return out;
}

/** widths(32) and widths(64), made once: the table is built on the server's first check, an argument at a time. */
let widthsBy: Readonly<Record<32 | 64, Readonly<Record<Abi, 32 | 64>>>> | undefined;

function toArg(row: ArgRow, index: number, layout: Partial<Record<Abi, readonly ArgPlace[]>>): SyscallArg {
  const [name, aliases, type, kind, signed, w64, constants] = row;
  widthsBy ??= { 32: widths(32), 64: widths(64) };
  const width = { ...widthsBy[w64] };
  // A 64-bit value split over a register pair is compared on all 64 bits.
  for (const abi of ABI_COLUMNS) if (layout[abi]?.[index]?.kind === 'pair') width[abi] = 64;
  return { name, aliases, type, kind, signed: signed === 1, width, constants };
}

const REG: readonly ArgPlace[] = [0, 1, 2, 3, 4, 5].map((reg) => ({ kind: 'reg', reg }));

function toPlace(p: ArgPlaceRow, reason: string | null | undefined): ArgPlace {
  if (p === null) return { kind: 'none', reason: reason ?? 'seccomp cannot see this argument on this ABI' };
  if (typeof p === 'number') return REG[p]!;
  return { kind: 'pair', lo: p[0], hi: p[1] };
}

/** syscall → ABI → places, for the calls whose layout is not "parameter i in register i". */
function layoutRows(): Map<string, Map<Abi, readonly ArgPlace[]>> {
  const out = new Map<string, Map<Abi, readonly ArgPlace[]>>();
  for (const [name, abi, places, reasons] of ARG_LAYOUTS) {
    let m = out.get(name);
    if (!m) out.set(name, (m = new Map()));
    m.set(abi as Abi, places.map((p, i) => toPlace(p, reasons?.[i])));
  }
  return out;
}

function rows(): RowIndex {
  if (index) return index;
  const byName = new Map<string, number>();
  const byNumber = new Map<Abi, Map<number, number>>();
  for (const abi of ABI_COLUMNS) byNumber.set(abi, new Map());
  for (let r = 0; r < SYSCALL_NUMBERS.length; r++) {
    const row = SYSCALL_NUMBERS[r]!;
    byName.set(row[0], r);
    for (let i = 0; i < ABI_COLUMNS.length; i++) {
      const n = row[i + 1] as number | null;
      if (n !== null && n !== undefined) byNumber.get(ABI_COLUMNS[i]!)!.set(n, r);
    }
  }
  index = { byName, byNumber, names: SYSCALL_NUMBERS.map((row) => row[0]).sort(byNameOrder) };
  return index;
}

/** The record of row `r`, made on first use. */
function record(r: number): SyscallInfo {
  let info = records[r];
  if (info) return info;
  sources ??= { sigs: new Map(SIGNATURES.map((s) => [s[0], s] as const)), layouts: layoutRows() };
  const row = SYSCALL_NUMBERS[r]!;
  const name = row[0];
  const numbers: Partial<Record<Abi, number>> = {};
  ABI_COLUMNS.forEach((abi, i) => {
    const n = row[i + 1] as number | null;
    if (n !== null && n !== undefined) numbers[abi] = n;
  });
  const sig = sources.sigs.get(name);
  const args = sig ? sig[2] : [];
  const layout: Partial<Record<Abi, readonly ArgPlace[]>> = {};
  const own = sources.layouts.get(name);
  // "Parameter i in register i": one list shared by the ABIs without a layout of their own.
  let inRegisters: readonly ArgPlace[] | undefined;
  for (const abi of ABI_COLUMNS) {
    if (numbers[abi] === undefined) continue;
    layout[abi] = own?.get(abi) ?? (inRegisters ??= args.map((_, i) => REG[i]!));
  }
  const doc = Object.prototype.hasOwnProperty.call(SYSCALL_DOCS, name) ? SYSCALL_DOCS[name] : undefined;
  info = {
    name,
    numbers,
    args: args.map((a, i) => toArg(a, i, layout)),
    layout,
    ...(Object.prototype.hasOwnProperty.call(MULTIPLEXERS, name) ? { multiplexer: MULTIPLEXERS[name] } : {}),
    signature: sig ? sig[1] : `long ${name}(void)`,
    summary: doc?.summary ?? '',
    note: doc?.note ?? '',
    manPage: manPageOf(name)?.url,
    obsolete: doc?.obsolete ?? false,
  };
  records[r] = info;
  return info;
}

/** The syscall named `name` (exact kernel name, e.g. `newfstatat`), if any ABI has it. */
export function getSyscall(name: string): SyscallInfo | undefined {
  const r = rows().byName.get(name);
  return r === undefined ? undefined : record(r);
}

/** Every syscall present on at least one supported ABI, sorted by name. */
export function allSyscalls(): readonly SyscallInfo[] {
  sorted ??= SYSCALL_NUMBERS.map((_, r) => record(r)).sort((a, b) => byNameOrder(a.name, b.name));
  return sorted;
}

/** All syscall names, sorted (for completion and "did you mean"). */
export function syscallNames(): readonly string[] {
  return rows().names;
}

/** The syscall with number `nr` on `abi` (x32 numbers include 0x40000000). */
export function syscallByNumber(abi: Abi, nr: number): SyscallInfo | undefined {
  const r = rows().byNumber.get(abi)?.get(nr);
  return r === undefined ? undefined : record(r);
}

/** The number of `name` on `abi`, or undefined when that ABI lacks it (read from the table: no record is made). */
export function syscallNumber(abi: Abi, name: string): number | undefined {
  const r = rows().byName.get(name);
  const column = (ABI_COLUMNS as readonly string[]).indexOf(abi);
  if (r === undefined || column < 0) return undefined;
  const n = SYSCALL_NUMBERS[r]![column + 1] as number | null | undefined;
  return n === null ? undefined : n;
}

const genericArgs = new Map<number, SyscallArg>();

/** An untyped argument register: 64 bits on 64-bit ABIs, 32 on 32-bit ones. */
function genericArg(index: number): SyscallArg {
  let arg = genericArgs.get(index);
  if (!arg) {
    arg = {
      name: `arg${index}`,
      aliases: [],
      type: 'unsigned long',
      kind: 'int',
      signed: false,
      width: widths(64),
      constants: [],
    };
    genericArgs.set(index, arg);
    genericArgSet.add(arg);
  }
  return arg;
}

/** A parameter (or a positional register) of a syscall, placed on one ABI. */
export interface ArgRef {
  /**
   * Position in `sys.args` of the parameter; for `argN` with no single
   * parameter in register N, N itself (and `arg` is a generic register).
   */
  readonly index: number;
  readonly arg: SyscallArg;
  /** Where it sits on the ABI asked for. */
  readonly place: ArgPlace;
  /** True for `arg0`…`arg5`: the register at that position, whatever the parameter names. */
  readonly positional: boolean;
}

/** The place of `sys.args[index]` on `abi` (identity when the ABI lacks the call). */
export function argPlace(sys: SyscallInfo, index: number, abi: Abi): ArgPlace {
  return sys.layout[abi]?.[index] ?? REG[index] ?? { kind: 'none', reason: 'no such register' };
}

/** The parameter that alone occupies register `reg` on `abi`, if any. */
export function argInRegister(sys: SyscallInfo, reg: number, abi: Abi): number | undefined {
  const places = sys.layout[abi] ?? sys.args.map((_, i) => REG[i]!);
  const i = places.findIndex((p) => p.kind === 'reg' && p.reg === reg);
  return i >= 0 && i < sys.args.length ? i : undefined;
}

/** Whether an argument of this kind is an address: seccomp sees the pointer, never what it points to. */
export function isPointerKind(kind: ArgKind): boolean {
  return kind === 'path' || kind === 'string' || kind === 'buffer' || kind === 'pointer';
}

/** True for the untyped register findArg gives for `argN` where no parameter sits alone. */
export function isGenericArg(arg: SyscallArg): boolean {
  return genericArgSet.has(arg);
}
/** The generic registers, to tell them by identity (asked for every argument name a checker resolves). */
const genericArgSet = new Set<SyscallArg>();

/**
 * Finds an argument of `sys` for `abi` (default x86_64): `arg0`…`arg5` are
 * always the register at that position, on every syscall and ABI (even
 * where a man page names a parameter `arg2`, as prctl's does); any other
 * name is a documented parameter name or one of its aliases (the kernel's
 * name), placed by the ABI's layout.
 */
export function findArg(sys: SyscallInfo, name: string, abi: Abi = 'x86_64'): ArgRef | undefined {
  // Kernel facts: each answer is kept, since the checker asks for every rule on every ABI.
  let perAbi = argRefs.get(sys);
  if (!perAbi) argRefs.set(sys, (perAbi = {}));
  const known = (perAbi[abi] ??= new Map());
  let ref = known.get(name);
  if (ref === undefined) known.set(name, (ref = lookUpArg(sys, name, abi) ?? null));
  return ref ?? undefined;
}

/** findArg's answers per syscall, ABI and name (null: no such argument). */
const argRefs = new WeakMap<SyscallInfo, Partial<Record<Abi, Map<string, ArgRef | null>>>>();

function lookUpArg(sys: SyscallInfo, name: string, abi: Abi): ArgRef | undefined {
  const m = /^arg([0-5])$/.exec(name);
  if (m) {
    const reg = Number(m[1]);
    const i = argInRegister(sys, reg, abi);
    // The parameter in that register gives its kind and width; a half of a
    // split value or an unused register is a plain register of the ABI's width.
    return i !== undefined ? { index: i, arg: sys.args[i]!, place: REG[reg]!, positional: true }
      : { index: reg, arg: genericArg(reg), place: REG[reg]!, positional: true };
  }
  let index = sys.args.findIndex((a) => a.name === name);
  if (index < 0) index = sys.args.findIndex((a) => a.aliases.includes(name));
  if (index < 0) return undefined;
  return { index, arg: sys.args[index]!, place: argPlace(sys, index, abi), positional: false };
}

/** The value of a parameter from the six raw registers, as the kernel assembles it. */
export function argValue(args: readonly bigint[], place: ArgPlace): bigint | undefined {
  switch (place.kind) {
    case 'reg': return args[place.reg] ?? 0n;
    case 'pair': return (BigInt.asUintN(32, args[place.hi] ?? 0n) << 32n) | BigInt.asUintN(32, args[place.lo] ?? 0n);
    case 'none': return undefined;
  }
}

/** `args[2]`, `args[3..4]` (low, high): a place in a few characters, for hovers and messages. */
export function placeText(place: ArgPlace): string {
  switch (place.kind) {
    case 'reg': return `args[${place.reg}]`;
    case 'pair': return `args[${place.lo}] (low) + args[${place.hi}] (high)`;
    case 'none': return 'not visible';
  }
}
