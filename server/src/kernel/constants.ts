/**
 * Built-in constants (O_*, AF_*, errno names, signals, ioctl requests…)
 * with their values per ABI. Pure: the data is generated into
 * kernel/generated/ by scripts/gen-kernel-tables.mjs.
 */
import type { Abi } from './abi';
import type { ConstantInfo, SyscallArg } from './types';
import { ABI_COLUMNS, CONSTANTS, ERRNO_MESSAGES } from './generated/constants';

/** Family of errno names. */
export const ERRNO_FAMILY = 'E';
/** Family of signal numbers (SIGKILL…; SIG_BLOCK and friends are family `SIG_`). */
export const SIGNAL_FAMILY = 'SIG';

/** Names that share a value with a more usual name; never chosen when printing a value. */
const NON_CANONICAL = new Set(['EWOULDBLOCK', 'EDEADLOCK', 'ENOTSUP', 'SIGIOT', 'SIGPOLL', 'SIGUNUSED', 'SIGCLD']);

/**
 * The table is read lazily: the first lookup indexes the rows by name and
 * family (no value converted), and a constant's record (its values as
 * BigInts) is made the first time it is asked for, then kept, so every
 * lookup of a name answers the same object. Building all 2,300 records at
 * once was about a tenth of the language server's first check, which reads
 * a few dozen of them.
 */
interface RowIndex {
  /** The row of each name (a name given twice: its last row, as a Map filled in table order keeps). */
  readonly byName: ReadonlyMap<string, number>;
  /** The rows of each family, in table order. */
  readonly byFamily: ReadonlyMap<string, readonly number[]>;
}

let index: RowIndex | undefined;
/** Per row, its record once made. */
const records: (ConstantInfo | undefined)[] = new Array<ConstantInfo | undefined>(CONSTANTS.length);
/** Per family, its records once all were asked for (the same list for every call). */
const familyRecords = new Map<string, readonly ConstantInfo[]>();
let everyRecord: readonly ConstantInfo[] | undefined;
let errnoByValue: ReadonlyMap<Abi, ReadonlyMap<bigint, string>> | undefined;
let signalByValue: ReadonlyMap<Abi, ReadonlyMap<bigint, string>> | undefined;

function rows(): RowIndex {
  if (index) return index;
  const byName = new Map<string, number>();
  const byFamily = new Map<string, number[]>();
  for (let r = 0; r < CONSTANTS.length; r++) {
    const row = CONSTANTS[r]!;
    byName.set(row[0], r);
    let fam = byFamily.get(row[1]);
    if (!fam) byFamily.set(row[1], (fam = []));
    fam.push(r);
  }
  index = { byName, byFamily };
  return index;
}

/** The record of row `r`, made on first use. */
function record(r: number): ConstantInfo {
  let info = records[r];
  if (info) return info;
  const [name, family, raw] = CONSTANTS[r]!;
  const values: Partial<Record<Abi, bigint>> = {};
  // Most constants have one value on every ABI: converted once.
  const everywhere = typeof raw === 'string' ? BigInt(raw) : undefined;
  ABI_COLUMNS.forEach((abi, i) => {
    if (everywhere !== undefined) values[abi] = everywhere;
    else if (raw[i] !== null && raw[i] !== undefined) values[abi] = BigInt(raw[i]!);
  });
  const message = family === ERRNO_FAMILY ? ERRNO_MESSAGES[name] : undefined;
  info = message !== undefined ? { name, values, family, message } : { name, values, family };
  records[r] = info;
  return info;
}

function byName(name: string): ConstantInfo | undefined {
  const r = rows().byName.get(name);
  return r === undefined ? undefined : record(r);
}

/** The records of `family` in table order; undefined when no constant is of that family. */
function familyList(family: string): readonly ConstantInfo[] | undefined {
  let list = familyRecords.get(family);
  if (list) return list;
  const at = rows().byFamily.get(family);
  if (!at) return undefined;
  list = at.map(record);
  familyRecords.set(family, list);
  return list;
}

function reverse(list: readonly ConstantInfo[]): Map<Abi, Map<bigint, string>> {
  const out = new Map<Abi, Map<bigint, string>>();
  for (const abi of ABI_COLUMNS) {
    const m = new Map<bigint, string>();
    for (const c of list) {
      const v = c.values[abi];
      if (v === undefined) continue;
      const prev = m.get(v);
      if (prev === undefined || (NON_CANONICAL.has(prev) && !NON_CANONICAL.has(c.name))) m.set(v, c.name);
    }
    out.set(abi, m);
  }
  return out;
}

/** The constant `name`, if it is built in for at least one ABI. */
export function getConstant(name: string): ConstantInfo | undefined {
  return byName(name);
}

/** The value of `name` on `abi`, or undefined when that ABI does not define it. */
export function constantValue(name: string, abi: Abi): bigint | undefined {
  return byName(name)?.values[abi];
}

/** Every built-in constant, sorted by name. */
export function allConstants(): readonly ConstantInfo[] {
  everyRecord ??= CONSTANTS.map((_, r) => record(r));
  return everyRecord;
}

/** The constants of one family (`O_`, `E`, `SIG`, `IOCTL`…), sorted by name; empty when unknown. */
export function constantsByFamily(family: string): readonly ConstantInfo[] {
  return familyList(family) ?? [];
}

/**
 * The constants that fit an argument: each entry of `arg.constants` is an
 * exact constant name (`O_CLOEXEC`), a family (`O_`, `SIG`, `IOCTL`), or
 * else a name prefix (`CLONE_NEW`, `SECCOMP_FILTER_FLAG_`). In entry order,
 * without duplicates.
 */
export function constantsForArg(arg: Pick<SyscallArg, 'constants'>): readonly ConstantInfo[] {
  // Kept per argument: a prefix entry scans every constant, and the lints ask once per comparison.
  let out = forArg.get(arg);
  if (!out) forArg.set(arg, (out = findConstantsForArg(arg)));
  return out;
}

const forArg = new WeakMap<Pick<SyscallArg, 'constants'>, readonly ConstantInfo[]>();

function findConstantsForArg(arg: Pick<SyscallArg, 'constants'>): readonly ConstantInfo[] {
  const seen = new Set<string>();
  const out: ConstantInfo[] = [];
  const add = (c: ConstantInfo) => {
    if (!seen.has(c.name)) {
      seen.add(c.name);
      out.push(c);
    }
  };
  for (const entry of arg.constants) {
    const exact = byName(entry);
    if (exact) {
      add(exact);
      continue;
    }
    const fam = familyList(entry);
    if (fam) {
      fam.forEach(add);
      continue;
    }
    // A prefix: the names are read from the table, and only the matches get a record.
    for (let r = 0; r < CONSTANTS.length; r++) if (CONSTANTS[r]![0].startsWith(entry)) add(record(r));
  }
  return out;
}

/** The errno name for `value` on `abi` (EAGAIN rather than EWOULDBLOCK). */
export function errnoName(abi: Abi, value: number | bigint): string | undefined {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  errnoByValue ??= reverse(familyList(ERRNO_FAMILY) ?? []);
  return errnoByValue.get(abi)?.get(BigInt(value));
}

/** The errno constant `name` (with its message), or undefined when `name` is not an errno name. */
export function errnoInfo(name: string): ConstantInfo | undefined {
  const c = byName(name);
  return c && c.family === ERRNO_FAMILY ? c : undefined;
}

/** The signal name for `value` on `abi` (SIGABRT rather than SIGIOT). */
export function signalName(abi: Abi, value: number | bigint): string | undefined {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  signalByValue ??= reverse(familyList(SIGNAL_FAMILY) ?? []);
  return signalByValue.get(abi)?.get(BigInt(value));
}
