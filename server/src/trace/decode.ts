/**
 * Turning argument values back into names with the constant database:
 * flag sets (`O_RDONLY|O_CLOEXEC`, unknown bits as a hex remainder), enums
 * (`F_SETFD`, `AF_INET`), signals, errno names. Pure; tables are built
 * lazily per (ABI, syscall, argument) and decoded values are memoised.
 */
import type { Abi } from '../kernel/abi';
import { constantValue, constantsForArg, errnoInfo, errnoName, signalName } from '../kernel/constants';
import type { SyscallArg } from '../kernel/types';

/** Names never printed for a value: masks, aliases, sizes, sub-fields handled apart. */
const EXCLUDE = /(_MASK|_SHIFT|_MAX|(?<!^STATX)_ALL)$|^(O_ACCMODE|O_NDELAY|O_RDONLY|O_WRONLY|O_RDWR|MAP_TYPE|MAP_FILE|MAP_SHARED|MAP_PRIVATE|MAP_SHARED_VALIDATE|MAP_DROPPABLE|MAP_HUGE_.*|AT_FDCWD|AT_HANDLE_.*|AT_RENAME_.*|AT_STATX_SYNC_TYPE|AT_STATX_SYNC_AS_STAT|STATX_ATTR_.*|STATX__RESERVED|CLONE_ARGS_SIZE_.*|F_OWNER_.*|F_SEAL_.*|F_RDLCK|F_WRLCK|F_UNLCK|F_EXLCK|F_SHLCK|F_LINUX_SPECIFIC_BASE|FUTEX_OP_.*|FUTEX_32|FUTEX_WAITV_MAX|SIGRTMIN|SIGRTMAX|SIGIOT|SIGPOLL|SIGUNUSED|SIGCLD|SIGSWI|AF_FILE|AF_LOCAL|AF_ROUTE|MSG_TRYHARD|SA_NOMASK|SA_ONESHOT|SIOCINQ|TIOCINQ|SIOCOUTQ|SEEK_MAX|IPPROTO_HOPOPTS|SIOCGSTAMP_OLD|SIOCGSTAMPNS_OLD)$/;

/** Among names with one value, these win (per syscall where it matters). */
const PREFER_FOR: Readonly<Record<string, readonly string[]>> = {
  faccessat: ['AT_EACCESS'],
  faccessat2: ['AT_EACCESS'],
  waitid: ['WSTOPPED'],
};
const PREFER = new Set(['AT_REMOVEDIR', 'WUNTRACED', 'O_NONBLOCK', 'FIONREAD', 'TIOCOUTQ']);
/**
 * The order strace prints a set's names in, where it is not the order of
 * their values: open flags keep O_SYNC with the status flags and put
 * O_DIRECTORY last; socket types put SOCK_CLOEXEC first. Other sets print
 * by value, lowest first.
 */
const PRINT_ORDER: readonly (readonly string[])[] = [
  ['O_CREAT', 'O_EXCL', 'O_NOCTTY', 'O_TRUNC', 'O_APPEND', 'O_NONBLOCK', 'O_SYNC', 'O_DSYNC', 'O_DIRECT', 'O_LARGEFILE', 'O_NOFOLLOW', 'O_NOATIME', 'O_CLOEXEC', 'O_PATH', 'O_TMPFILE', 'O_DIRECTORY', 'O_ASYNC', 'FASYNC'],
  ['SOCK_CLOEXEC', 'SOCK_NONBLOCK'],
  ['EFD_SEMAPHORE', 'EFD_CLOEXEC', 'EFD_NONBLOCK'],
];
const PRINT_RANK = new Map(PRINT_ORDER.flatMap((list) => list.map((name, i) => [name, i] as const)));
/** statx's sync type: a two-bit field of its flags, whose zero is named (linux/fcntl.h). */
const STATX_SYNC_TYPES = ['AT_STATX_SYNC_AS_STAT', 'AT_STATX_FORCE_SYNC', 'AT_STATX_DONT_SYNC'];
/** Names a zero value is printed as (else `0`). */
const ZERO_NAMES = new Set(['PROT_NONE', 'F_OK', 'SEEK_SET', 'IPPROTO_IP']);

interface Field { readonly mask: bigint; readonly names: ReadonlyMap<bigint, string>; readonly signals?: boolean }

export interface FlagTable {
  readonly zero: string | undefined;
  readonly fields: readonly Field[];
  /** Greedy order: more bits first. */
  readonly bits: readonly { readonly value: bigint; readonly name: string }[];
  /** Each name's place when printed (PRINT_ORDER, else by value). */
  readonly order: ReadonlyMap<string, number>;
  readonly memo: Map<string, string>;
}

export interface EnumTable {
  readonly names: ReadonlyMap<bigint, string>;
  readonly memo: Map<string, string>;
}

function popcount(v: bigint): number {
  let n = 0;
  while (v) { n += Number(v & 1n); v >>= 1n; }
  return n;
}

function rank(name: string, prefer: readonly string[], familyOrder: number): [number, number, number, string] {
  const p = prefer.includes(name) || PREFER.has(name) ? 0 : 1;
  const pr = /^PR_(SET|GET)_/.test(name) ? 0 : 1;
  return [p, familyOrder * 2 + pr, name.length, name];
}

function better(a: [number, number, number, string], b: [number, number, number, string]): boolean {
  for (let i = 0; i < 4; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  return false;
}

/** value → the best name among the argument's constants on `abi`. */
function nameMap(abi: Abi, arg: Pick<SyscallArg, 'constants'>, syscall: string, filter: (name: string, value: bigint) => boolean): Map<bigint, string> {
  const prefer = PREFER_FOR[syscall] ?? [];
  const best = new Map<bigint, { name: string; rank: [number, number, number, string] }>();
  const families = arg.constants;
  for (const c of constantsForArg(arg)) {
    const v = c.values[abi];
    if (v === undefined || !filter(c.name, v)) continue;
    const fam = families.findIndex((f) => c.name === f || c.name.startsWith(f));
    const r = rank(c.name, prefer, fam < 0 ? families.length : fam);
    const cur = best.get(v);
    if (!cur || better(r, cur.rank)) best.set(v, { name: c.name, rank: r });
  }
  return new Map([...best].map(([v, b]) => [v, b.name]));
}

const flagTables = new Map<string, FlagTable>();
const enumTables = new Map<string, EnumTable>();

function signalField(abi: Abi): Field {
  const names = new Map<bigint, string>();
  for (let s = 1n; s < 65n; s++) {
    const n = signalName(abi, s);
    if (n) names.set(s, n);
  }
  return { mask: 0xffn, names, signals: true };
}

export function flagTable(abi: Abi, syscall: string, index: number, arg: Pick<SyscallArg, 'constants'>): FlagTable {
  const key = `${abi}\0${syscall}\0${index}`;
  let t = flagTables.get(key);
  if (t) return t;
  const fams = arg.constants;
  const fields: Field[] = [];
  if (fams.includes('O_')) {
    fields.push({ mask: 3n, names: new Map([[0n, 'O_RDONLY'], [1n, 'O_WRONLY'], [2n, 'O_RDWR']]) });
  }
  if (fams.includes('MAP_')) {
    fields.push({ mask: 0xfn, names: new Map([[1n, 'MAP_SHARED'], [2n, 'MAP_PRIVATE'], [3n, 'MAP_SHARED_VALIDATE'], [8n, 'MAP_DROPPABLE']]) });
    const huge = nameMap(abi, { constants: ['MAP_HUGE_'] }, syscall, (n) => !/_(SHIFT|MASK)$/.test(n));
    fields.push({ mask: 0x3fn << 26n, names: huge });
  }
  if (fams.includes('SOCK_')) {
    const types = nameMap(abi, { constants: ['SOCK_'] }, syscall, (_n, v) => v > 0n && v < 16n);
    fields.push({ mask: 0xfn, names: types });
  }
  if (fams.includes('CLONE_') && fams.includes('SIG')) fields.push(signalField(abi));
  if (syscall === 'statx' && fams.includes('AT_')) {
    const names = new Map<bigint, string>();
    for (const n of STATX_SYNC_TYPES) {
      const v = constantValue(n, abi);
      if (v !== undefined) names.set(v, n);
    }
    const mask = constantValue('AT_STATX_SYNC_TYPE', abi);
    if (mask !== undefined) fields.push({ mask, names });
  }
  const fieldMask = fields.reduce((m, f) => m | f.mask, 0n);
  let zero: string | undefined;
  const all = nameMap(abi, arg, syscall, (name, v) => {
    if (v === 0n && ZERO_NAMES.has(name)) zero = name;
    // A name the argument lists exactly is wanted even where EXCLUDE keeps it out of families (F_SEAL_*).
    if (v <= 0n || (EXCLUDE.test(name) && !fams.includes(name))) return false;
    if (fams.includes('CLONE_') && name.startsWith('SIG')) return false;
    if (fams.includes('SOCK_') && v < 16n) return false;
    return (v & fieldMask) === 0n;
  });
  const byValue = (a: { value: bigint }, b: { value: bigint }) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  // Decoding takes names with more bits first (O_SYNC before O_DSYNC); printing has its own order.
  const bits = [...all].map(([value, name]) => ({ value, name })).sort((a, b) => popcount(b.value) - popcount(a.value) || byValue(a, b));
  const printed = [...bits].sort((a, b) => {
    const ra = PRINT_RANK.get(a.name);
    const rb = PRINT_RANK.get(b.name);
    return ra !== undefined && rb !== undefined ? ra - rb : byValue(a, b);
  });
  const order = new Map(printed.map((b, i) => [b.name, i]));
  t = { zero, fields, bits, order, memo: new Map() };
  flagTables.set(key, t);
  return t;
}

/** `O_RDONLY|O_CLOEXEC`, `PROT_READ|0x80`, `0` — `value` is the argument's bits (unsigned). */
export function decodeFlags(table: FlagTable, value: bigint): string {
  const memoKey = value.toString(16);
  const m = table.memo.get(memoKey);
  if (m !== undefined) return m;
  const parts: string[] = [];
  const last: string[] = [];
  let rest = value;
  for (const f of table.fields) {
    const v = rest & f.mask;
    const n = f.names.get(v);
    if (n) {
      (f.signals ? last : parts).push(n);
      rest &= ~f.mask;
    } else if (v !== 0n && f.signals) {
      last.push(String(v));
      rest &= ~f.mask;
    }
  }
  const names: string[] = [];
  for (const b of table.bits) {
    if (rest === 0n) break;
    if ((rest & b.value) === b.value) {
      names.push(b.name);
      rest &= ~b.value;
    }
  }
  if (names.length > 1) names.sort((a, b) => table.order.get(a)! - table.order.get(b)!);
  parts.push(...names);
  if (rest !== 0n) parts.push('0x' + rest.toString(16));
  parts.push(...last);
  let out: string;
  if (parts.length === 0) out = value === 0n && table.zero ? table.zero : '0';
  else out = parts.join('|');
  if (table.memo.size < 4096) table.memo.set(memoKey, out);
  return out;
}

export function enumTable(abi: Abi, syscall: string, index: number, arg: Pick<SyscallArg, 'constants'>): EnumTable {
  const key = `${abi}\0${syscall}\0${index}`;
  let t = enumTables.get(key);
  if (t) return t;
  const names = nameMap(abi, arg, syscall, (name) => !EXCLUDE.test(name) || /^(O_RDONLY|O_WRONLY|O_RDWR|MAP_SHARED|MAP_PRIVATE)$/.test(name));
  t = { names, memo: new Map() };
  enumTables.set(key, t);
  return t;
}

/** An enum value's name, else the number (signed when `signed`). */
export function decodeEnum(table: EnumTable, value: bigint, signedValue: bigint): string {
  return table.names.get(value) ?? String(signedValue);
}

/** `SIGTERM`, or the number. */
export function signalText(abi: Abi, sig: number | bigint): string {
  if (sig === 0 || sig === 0n) return '0';
  const name = signalName(abi, sig);
  // strace names real-time signals by their distance from SIGRTMIN (SIGRT_32, not SIGRTMAX).
  if (name && name !== 'SIGRTMAX') return name;
  const n = Number(sig);
  return n > 32 && n <= 64 ? `SIGRT_${n - 32}` : n === 32 ? 'SIGRTMIN' : String(sig);
}

/** The kernel's restart codes, which only a tracer sees (include/linux/errno.h). */
const KERNEL_ERRNOS: Readonly<Record<number, [string, string]>> = {
  512: ['ERESTARTSYS', 'To be restarted if SA_RESTART is set'],
  513: ['ERESTARTNOINTR', 'To be restarted'],
  514: ['ERESTARTNOHAND', 'To be restarted if no handler'],
  515: ['ENOIOCTLCMD', 'No ioctl command'],
  516: ['ERESTART_RESTARTBLOCK', 'Interrupted by signal'],
  517: ['EPROBE_DEFER', 'Driver requests probe retry'],
  518: ['EOPENSTALE', 'Open found a stale dentry'],
  519: ['ENOPARAM', 'Parameter not supported'],
};

/** `ENOENT (No such file or directory)`; restart codes as `ERESTARTSYS (…)`. */
export function errnoText(abi: Abi, e: number): { name: string; message: string | undefined; restart: boolean } {
  const k = KERNEL_ERRNOS[e];
  if (k) return { name: k[0], message: k[1], restart: true };
  const name = errnoName(abi, e);
  if (!name) return { name: `errno ${e}`, message: undefined, restart: false };
  return { name, message: errnoInfo(name)?.message, restart: false };
}
