/**
 * The syscall database: numbers per ABI, argument signatures, and our own
 * documentation, merged into SyscallInfo records. Pure: the data is
 * generated into kernel/generated/ by scripts/gen-kernel-tables.mjs.
 */
import { abiInfo, type Abi } from './abi';
import type { SyscallArg, SyscallInfo } from './types';
import { SYSCALL_DOCS } from './docs/syscall-docs';
import { ABI_COLUMNS, SYSCALL_NUMBERS } from './generated/syscall-numbers';
import { SIGNATURES, type ArgRow } from './generated/signatures';

interface Db {
  readonly list: readonly SyscallInfo[];
  readonly byName: ReadonlyMap<string, SyscallInfo>;
  readonly byNumber: ReadonlyMap<Abi, ReadonlyMap<number, SyscallInfo>>;
  readonly names: readonly string[];
}

let db: Db | undefined;

function widths(w64: 32 | 64): Readonly<Record<Abi, 32 | 64>> {
  const out = {} as Record<Abi, 32 | 64>;
  for (const abi of ABI_COLUMNS) out[abi] = abiInfo(abi).registerBits === 32 ? 32 : w64;
  return out;
}

function toArg(row: ArgRow): SyscallArg {
  const [name, aliases, type, kind, signed, w64, constants] = row;
  return { name, aliases, type, kind, signed: signed === 1, width: widths(w64), constants };
}

function load(): Db {
  if (db) return db;
  const sigs = new Map(SIGNATURES.map((s) => [s[0], s] as const));
  const list: SyscallInfo[] = [];
  const byName = new Map<string, SyscallInfo>();
  const byNumber = new Map<Abi, Map<number, SyscallInfo>>();
  for (const abi of ABI_COLUMNS) byNumber.set(abi, new Map());
  for (const row of SYSCALL_NUMBERS) {
    const name = row[0];
    const numbers: Partial<Record<Abi, number>> = {};
    ABI_COLUMNS.forEach((abi, i) => {
      const n = row[i + 1] as number | null;
      if (n !== null && n !== undefined) numbers[abi] = n;
    });
    const sig = sigs.get(name);
    const doc = Object.prototype.hasOwnProperty.call(SYSCALL_DOCS, name) ? SYSCALL_DOCS[name] : undefined;
    const info: SyscallInfo = {
      name,
      numbers,
      args: sig ? sig[2].map(toArg) : [],
      signature: sig ? sig[1] : `long ${name}(void)`,
      summary: doc?.summary ?? '',
      note: doc?.note ?? '',
      manPage: `https://man7.org/linux/man-pages/man2/${name}.2.html`,
      obsolete: doc?.obsolete ?? false,
    };
    list.push(info);
    byName.set(name, info);
    for (const abi of ABI_COLUMNS) {
      const n = numbers[abi];
      if (n !== undefined) byNumber.get(abi)!.set(n, info);
    }
  }
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  db = { list, byName, byNumber, names: list.map((s) => s.name) };
  return db;
}

/** The syscall named `name` (exact kernel name, e.g. `newfstatat`), if any ABI has it. */
export function getSyscall(name: string): SyscallInfo | undefined {
  return load().byName.get(name);
}

/** Every syscall present on at least one supported ABI, sorted by name. */
export function allSyscalls(): readonly SyscallInfo[] {
  return load().list;
}

/** All syscall names, sorted (for completion and "did you mean"). */
export function syscallNames(): readonly string[] {
  return load().names;
}

/** The syscall with number `nr` on `abi` (x32 numbers include 0x40000000). */
export function syscallByNumber(abi: Abi, nr: number): SyscallInfo | undefined {
  return load().byNumber.get(abi)?.get(nr);
}

/** The number of `name` on `abi`, or undefined when that ABI lacks it. */
export function syscallNumber(abi: Abi, name: string): number | undefined {
  return load().byName.get(name)?.numbers[abi];
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
  }
  return arg;
}

/**
 * Finds an argument of `sys` by its documented name, one of its aliases
 * (the kernel's name), or positionally as `arg0`…`arg5`. A positional name
 * beyond the signature's arity gives a generic register-wide argument.
 */
export function findArg(sys: SyscallInfo, name: string): { index: number; arg: SyscallArg } | undefined {
  const byName = sys.args.findIndex((a) => a.name === name);
  if (byName >= 0) return { index: byName, arg: sys.args[byName]! };
  const byAlias = sys.args.findIndex((a) => a.aliases.includes(name));
  if (byAlias >= 0) return { index: byAlias, arg: sys.args[byAlias]! };
  const m = /^arg([0-5])$/.exec(name);
  if (m) {
    const index = Number(m[1]);
    return { index, arg: sys.args[index] ?? genericArg(index) };
  }
  return undefined;
}
