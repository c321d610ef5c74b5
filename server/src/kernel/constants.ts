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

interface Db {
  readonly list: readonly ConstantInfo[];
  readonly byName: ReadonlyMap<string, ConstantInfo>;
  readonly byFamily: ReadonlyMap<string, readonly ConstantInfo[]>;
  readonly errnoByValue: ReadonlyMap<Abi, ReadonlyMap<bigint, string>>;
  readonly signalByValue: ReadonlyMap<Abi, ReadonlyMap<bigint, string>>;
}

let db: Db | undefined;

function reverse(list: readonly ConstantInfo[], family: string): Map<Abi, Map<bigint, string>> {
  const out = new Map<Abi, Map<bigint, string>>();
  for (const abi of ABI_COLUMNS) {
    const m = new Map<bigint, string>();
    for (const c of list) {
      if (c.family !== family) continue;
      const v = c.values[abi];
      if (v === undefined) continue;
      const prev = m.get(v);
      if (prev === undefined || (NON_CANONICAL.has(prev) && !NON_CANONICAL.has(c.name))) m.set(v, c.name);
    }
    out.set(abi, m);
  }
  return out;
}

function load(): Db {
  if (db) return db;
  const list: ConstantInfo[] = [];
  const byName = new Map<string, ConstantInfo>();
  const byFamily = new Map<string, ConstantInfo[]>();
  for (const [name, family, raw] of CONSTANTS) {
    const values: Partial<Record<Abi, bigint>> = {};
    // Most constants have one value on every ABI: converted once (this table is built on the server's first check).
    const everywhere = typeof raw === 'string' ? BigInt(raw) : undefined;
    ABI_COLUMNS.forEach((abi, i) => {
      if (everywhere !== undefined) values[abi] = everywhere;
      else if (raw[i] !== null && raw[i] !== undefined) values[abi] = BigInt(raw[i]!);
    });
    const message = family === ERRNO_FAMILY ? ERRNO_MESSAGES[name] : undefined;
    const info: ConstantInfo = message !== undefined ? { name, values, family, message } : { name, values, family };
    list.push(info);
    byName.set(name, info);
    let fam = byFamily.get(family);
    if (!fam) byFamily.set(family, (fam = []));
    fam.push(info);
  }
  db = {
    list,
    byName,
    byFamily,
    errnoByValue: reverse(byFamily.get(ERRNO_FAMILY) ?? [], ERRNO_FAMILY),
    signalByValue: reverse(byFamily.get(SIGNAL_FAMILY) ?? [], SIGNAL_FAMILY),
  };
  return db;
}

/** The constant `name`, if it is built in for at least one ABI. */
export function getConstant(name: string): ConstantInfo | undefined {
  return load().byName.get(name);
}

/** The value of `name` on `abi`, or undefined when that ABI does not define it. */
export function constantValue(name: string, abi: Abi): bigint | undefined {
  return load().byName.get(name)?.values[abi];
}

/** Every built-in constant, sorted by name. */
export function allConstants(): readonly ConstantInfo[] {
  return load().list;
}

/** The constants of one family (`O_`, `E`, `SIG`, `IOCTL`…), sorted by name; empty when unknown. */
export function constantsByFamily(family: string): readonly ConstantInfo[] {
  return load().byFamily.get(family) ?? [];
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
  const d = load();
  const seen = new Set<string>();
  const out: ConstantInfo[] = [];
  const add = (c: ConstantInfo) => {
    if (!seen.has(c.name)) {
      seen.add(c.name);
      out.push(c);
    }
  };
  for (const entry of arg.constants) {
    const exact = d.byName.get(entry);
    if (exact) {
      add(exact);
      continue;
    }
    const fam = d.byFamily.get(entry);
    if (fam) {
      fam.forEach(add);
      continue;
    }
    for (const c of d.list) if (c.name.startsWith(entry)) add(c);
  }
  return out;
}

/** The errno name for `value` on `abi` (EAGAIN rather than EWOULDBLOCK). */
export function errnoName(abi: Abi, value: number | bigint): string | undefined {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  return load().errnoByValue.get(abi)?.get(BigInt(value));
}

/** The errno constant `name` (with its message), or undefined when `name` is not an errno name. */
export function errnoInfo(name: string): ConstantInfo | undefined {
  const c = load().byName.get(name);
  return c && c.family === ERRNO_FAMILY ? c : undefined;
}

/** The signal name for `value` on `abi` (SIGABRT rather than SIGIOT). */
export function signalName(abi: Abi, value: number | bigint): string | undefined {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  return load().signalByValue.get(abi)?.get(BigInt(value));
}
