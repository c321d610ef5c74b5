/**
 * strace-style text for events: `openat(AT_FDCWD, "/etc/passwd",
 * O_RDONLY|O_CLOEXEC) = 3`, `= -1 ENOENT (No such file or directory)`,
 * `--- SIGSYS {…} ---`, `+++ exited with 0 +++`. One printer per argument
 * kind of the syscall database. Pure. (Written from strace's output
 * format, not its code.)
 */
import { abiInfo, type Abi } from '../kernel/abi';
import { abiOfEvent, auditArchName } from '../kernel/seccomp';
import { constantValue } from '../kernel/constants';
import { RETURNS_BYTES } from '../kernel/generated/decoding';
import { argPlace, argValue, syscallByNumber } from '../kernel/syscalls';
import type { SyscallArg, SyscallInfo } from '../kernel/types';
import { decodeEnum, decodeFlags, enumTable, errnoText, flagTable, signalText } from './decode';
import type { ExitEvent, KilledEvent, SignalEvent, StopEvent, SyscallEvent } from './events';

export interface FormatOptions {
  /** Bytes of a string or buffer argument shown before `...` (strace -s; default 32). Paths are shown whole. */
  readonly stringLimit?: number;
}

const DEFAULT_STRING_LIMIT = 32;

/** Syscalls whose return value is an address. */
const POINTER_RETURNS = new Set(['mmap', 'mmap2', 'brk', 'mremap', 'shmat']);
/** `int` arguments that hold addresses. */
const ADDRESS_NAMES = new Set(['addr', 'start', 'stack', 'tls', 'new_address', 'old_address', 'brk', 'arg']);
/** `int` arguments strace prints in hex: words that are bit patterns or magic numbers rather than counts. */
const HEX_INTS: Readonly<Record<string, readonly string[]>> = { rseq: ['rseq_len', 'sig'], mmap: ['offset'] };
/** socket's and socketpair's protocol: its constants depend on the family (strace: a number for the others). */
const PROTOCOL_FAMILIES: ReadonlyArray<readonly [string, readonly string[]]> = [['AF_INET', ['IPPROTO_']], ['AF_INET6', ['IPPROTO_']], ['AF_NETLINK', ['NETLINK_']]];
/** Buffers the helper copies after the call, as many bytes as the call returned (kernel/generated/decoding.ts). */
const OUTPUT_BUFFERS = new Set(RETURNS_BYTES);


/**
 * A C string literal for bytes given as a latin1 string: printable ASCII as
 * is, the usual escapes, other bytes in octal (`\0`, `\177`, `\33[`).
 */
export function quote(bytes: string, limit: number, truncated: boolean): string {
  const n = Math.min(bytes.length, limit);
  // Printable text (most paths) goes in whole, not a character at a time.
  let plain = 0;
  while (plain < n) {
    const c = bytes.charCodeAt(plain);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) break;
    plain++;
  }
  let out = '"' + (plain === bytes.length ? bytes : bytes.slice(0, plain));
  for (let i = plain; i < n; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += '\\\\';
      else out += bytes[i];
      continue;
    }
    switch (c) {
      case 0x0a: out += '\\n'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x0c: out += '\\f'; continue;
    }
    // Shortest octal, unless the next character is a digit (it would join the escape).
    const next = i + 1 < n ? bytes.charCodeAt(i + 1) : 0;
    const oct = c.toString(8);
    out += '\\' + (next >= 0x30 && next <= 0x37 ? oct.padStart(3, '0') : oct);
  }
  out += '"';
  if (truncated || bytes.length > limit) out += '...';
  return out;
}

function hex(v: bigint | number): string {
  return '0x' + v.toString(16);
}

/** C's `%#x`: hex with `0x`, except zero, which is `0` (how strace prints hex words and results). */
function cHex(v: bigint | number): string {
  return v === 0 || v === 0n ? '0' : hex(v);
}

/** Bytes as a string literal of `\xNN` escapes only (strace's forced hex, for random bytes). */
export function hexQuote(bytes: string, limit: number, truncated: boolean): string {
  let out = '"';
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) out += '\\x' + bytes.charCodeAt(i).toString(16).padStart(2, '0');
  out += '"';
  return truncated || bytes.length > limit ? out + '...' : out;
}

/**
 * The register as a decimal, unsigned or signed at `width` bits, as
 * `String(unsigned(…))` / `String(signedOf(unsigned(…), …))` print it; without
 * a BigInt when the value is below 2^52 (counts, sizes and pids always are).
 */
function decimalText(reg: string, width: 32 | 64, signed: boolean): string {
  if (reg.length <= 15) {
    const v = parseInt(reg, 16);
    if (width === 64) return String(v);
    return String(signed ? v | 0 : v >>> 0);
  }
  const v = unsigned(reg, width);
  return String(signed ? signedOf(v, width) : v);
}

/**
 * decode.ts's flag and enum tables of a syscall's argument, kept per
 * syscall object, ABI and index: decode.ts finds them by a key string,
 * built for every argument of every row otherwise.
 */
type ArgTables<T> = WeakMap<SyscallInfo, Partial<Record<Abi, T[]>>>;
const flagTables: ArgTables<ReturnType<typeof flagTable>> = new WeakMap();
const enumTables: ArgTables<ReturnType<typeof enumTable>> = new WeakMap();
function argTable<T>(cache: ArgTables<T>, make: (abi: Abi, syscall: string, index: number, arg: SyscallArg) => T, info: SyscallInfo, abi: Abi, i: number): T {
  let byAbi = cache.get(info);
  if (!byAbi) cache.set(info, byAbi = {});
  const byIndex = byAbi[abi] ??= [];
  return byIndex[i] ??= make(abi, info.name, i, info.args[i]!);
}

/** The keys of `str` and `buf` members: registers as strings. */
const REG_KEYS = ['0', '1', '2', '3', '4', '5'];

/**
 * decodeFlags for a register, remembered per table by the register's text
 * (a loop's calls pass the same flags: no BigInt, no decoding again).
 */
const flagsByReg = new WeakMap<object, Map<string, string>>();
function flagsText(table: Parameters<typeof decodeFlags>[0], reg: string, width: 32 | 64): string {
  let byReg = flagsByReg.get(table);
  if (!byReg) flagsByReg.set(table, byReg = new Map());
  // One table is always read at one width (its argument's on its ABI); the key is the register.
  let text = byReg.get(reg);
  if (text === undefined) {
    text = decodeFlags(table, unsigned(reg, width));
    if (byReg.size < 4096) byReg.set(reg, text);
  }
  return text;
}

/** errnoText, kept per ABI and errno: every failed call asks. */
const errnoTexts = new Map<Abi, ReturnType<typeof errnoText>[]>();
function errnoTextOf(abi: Abi, e: number): ReturnType<typeof errnoText> {
  let byErrno = errnoTexts.get(abi);
  if (!byErrno) errnoTexts.set(abi, byErrno = []);
  if (e < 0 || e > 4095 || !Number.isInteger(e)) return errnoText(abi, e);
  return byErrno[e] ??= errnoText(abi, e);
}

/** The register as an unsigned value of `width` bits. */
function unsigned(reg: string, width: 32 | 64): bigint {
  const v = BigInt(reg);
  return width === 32 ? v & 0xffffffffn : v;
}

function signedOf(v: bigint, width: 32 | 64): bigint {
  return BigInt.asIntN(width, v);
}

/** Fast path for small registers: a number when the value fits 32 bits unsigned, else undefined. */
function small(reg: string): number | undefined {
  return reg.length <= 10 ? parseInt(reg, 16) : undefined;
}

function int32(reg: string): number {
  const s = small(reg);
  const low = s !== undefined ? s : parseInt(reg.slice(reg.length - 8), 16);
  return low | 0;
}

function pointer(reg: string): string {
  return reg === '0x0' ? 'NULL' : reg;
}

function octalMode(v: bigint, abi: Abi): string {
  const type = v & 0o170000n;
  const perm = v & ~0o170000n;
  const permText = perm === 0n ? '000' : ('0' + perm.toString(8)).padStart(3, '0');
  if (type === 0n) return permText;
  const names: Record<string, string> = { '49152': 'S_IFSOCK', '40960': 'S_IFLNK', '32768': 'S_IFREG', '24576': 'S_IFBLK', '16384': 'S_IFDIR', '8192': 'S_IFCHR', '4096': 'S_IFIFO' };
  void abi;
  const tn = names[type.toString()];
  return tn ? `${tn}|${permText}` : '0' + v.toString(8);
}

/** fcntl commands that take no third argument. */
const FCNTL_NO_ARG = new Set(['F_GETFD', 'F_GETFL', 'F_GETOWN', 'F_GETSIG', 'F_GETLEASE', 'F_GETPIPE_SZ', 'F_GET_SEALS']);
/** fcntl commands whose third argument is the address of a struct (flock, f_owner_ex). */
const FCNTL_STRUCT_ARG = new Set(['F_GETLK', 'F_SETLK', 'F_SETLKW', 'F_GETLK64', 'F_SETLK64', 'F_SETLKW64', 'F_OFD_GETLK', 'F_OFD_SETLK', 'F_OFD_SETLKW', 'F_GETOWN_EX', 'F_SETOWN_EX']);
/** fcntl commands whose third argument is a number (a descriptor floor, a pid, a pipe size, a descriptor). */
const FCNTL_INT_ARG = new Set(['F_DUPFD', 'F_DUPFD_CLOEXEC', 'F_SETOWN', 'F_SETPIPE_SZ', 'F_DUPFD_QUERY']);
/** F_SETLEASE's argument and F_GETLEASE's result (the names are excluded from fcntl's own enum: they collide with commands). */
const LEASE_TYPES = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'];
/** F_ADD_SEALS's argument and F_GET_SEALS's result (linux/fcntl.h). */
const SEALS = { constants: ['F_SEAL_SEAL', 'F_SEAL_SHRINK', 'F_SEAL_GROW', 'F_SEAL_WRITE', 'F_SEAL_FUTURE_WRITE', 'F_SEAL_EXEC'] };

/**
 * What futex(2) reads for each operation, in order after uaddr and futex_op
 * (strace prints only these, so leftover registers are not shown):
 * `val`, `timeout` (an address), `val2` (the timeout register read as a
 * count), `uaddr2`, `val3` (a number), `bitset` (val3 as a bit mask),
 * `wake-op` (val3 as an encoded operation), `val3-hex`.
 */
type FutexSlot = 'val' | 'timeout' | 'val2' | 'uaddr2' | 'val3' | 'bitset' | 'wake-op' | 'val3-hex';
const FUTEX_SLOTS: Readonly<Record<string, readonly FutexSlot[]>> = {
  FUTEX_WAIT: ['val', 'timeout'],
  FUTEX_WAKE: ['val'],
  FUTEX_FD: ['val'],
  FUTEX_REQUEUE: ['val', 'val2', 'uaddr2'],
  FUTEX_CMP_REQUEUE: ['val', 'val2', 'uaddr2', 'val3'],
  FUTEX_WAKE_OP: ['val', 'val2', 'uaddr2', 'wake-op'],
  FUTEX_LOCK_PI: ['timeout'],
  FUTEX_LOCK_PI2: ['timeout'],
  FUTEX_UNLOCK_PI: [],
  FUTEX_TRYLOCK_PI: [],
  FUTEX_WAIT_BITSET: ['val', 'timeout', 'bitset'],
  FUTEX_WAKE_BITSET: ['val', 'bitset'],
  FUTEX_WAIT_REQUEUE_PI: ['val', 'timeout', 'uaddr2'],
  FUTEX_CMP_REQUEUE_PI: ['val', 'val2', 'uaddr2', 'val3'],
};
/** An operation the table does not know: every register, as strace does. */
const FUTEX_UNKNOWN: readonly FutexSlot[] = ['val', 'timeout', 'uaddr2', 'val3-hex'];
/** FUTEX_WAKE_OP's operation (bits 28-30 of val3) and comparison (bits 24-27), by value (linux/futex.h). */
const FUTEX_WAKE_OPS = ['FUTEX_OP_SET', 'FUTEX_OP_ADD', 'FUTEX_OP_OR', 'FUTEX_OP_ANDN', 'FUTEX_OP_XOR'];
const FUTEX_WAKE_CMPS = ['FUTEX_OP_CMP_EQ', 'FUTEX_OP_CMP_NE', 'FUTEX_OP_CMP_LT', 'FUTEX_OP_CMP_LE', 'FUTEX_OP_CMP_GT', 'FUTEX_OP_CMP_GE'];

const namesByValue = new Map<string, ReadonlyMap<bigint, string>>();
/** value → name for a short list of constants on `abi`, from the constant database. */
function namesOf(abi: Abi, names: readonly string[]): ReadonlyMap<bigint, string> {
  const key = abi + '\0' + names.join();
  let m = namesByValue.get(key);
  if (!m) {
    const built = new Map<bigint, string>();
    for (const n of names) {
      const v = constantValue(n, abi);
      if (v !== undefined && !built.has(v)) built.set(v, n);
    }
    namesByValue.set(key, (m = built));
  }
  return m;
}

const openBits = new Map<Abi, [number, number]>();
/** Whether open flags carry O_CREAT or O_TMPFILE (the mode argument is used). */
function takesMode(abi: Abi, flags: number): boolean {
  let b = openBits.get(abi);
  if (!b) openBits.set(abi, (b = [Number(constantValue('O_CREAT', abi) ?? 0x40n), Number(constantValue('O_TMPFILE', abi) ?? 0x410000n)]));
  return (flags & b[0]) !== 0 || (flags & b[1]) === b[1];
}

/**
 * Per syscall, ABI and argument count: the arguments in register order, or
 * undefined when none has a register. Cached because it depends on nothing
 * else, and building and sorting it for every event was a fifth of the
 * trace panel's server time (bench/panel.mjs, replay).
 */
const argOrders = new WeakMap<SyscallInfo, Partial<Record<Abi, (readonly number[] | null)[]>>>();
function argOrder(info: SyscallInfo, abi: Abi, n: number): readonly number[] | undefined {
  // Per ABI, indexed by the count (null: no order); no key string per call.
  let byAbi = argOrders.get(info);
  if (!byAbi) argOrders.set(info, byAbi = {});
  const byCount = byAbi[abi] ??= [];
  const known = byCount[n];
  if (known !== undefined) return known ?? undefined;
  let order: number[] | undefined;
  if (n > 0 && Array.from({ length: n }, (_, i) => argPlace(info, i, abi)).every((p) => p.kind === 'none')) order = undefined;
  else {
    // In register order, as the kernel reads them (clone's tls before child_tid on i386, arm, aarch64, riscv64).
    const first = (i: number) => { const p = argPlace(info, i, abi); return p.kind === 'reg' ? p.reg : p.kind === 'pair' ? p.lo : 6; };
    order = Array.from({ length: n }, (_, i) => i).sort((a, b) => first(a) - first(b));
  }
  byCount[n] = order ?? null;
  return order;
}

export class SyscallFormatter {
  private readonly limit: number;

  constructor(options: FormatOptions = {}) {
    this.limit = options.stringLimit ?? DEFAULT_STRING_LIMIT;
  }

  /** The syscall's name on the event's ABI, or `syscall_0x…`. */
  nameOf(e: Pick<SyscallEvent, 'abi' | 'nr'>, abi: Abi | undefined): string {
    const info = abi ? syscallByNumber(abi, e.nr >>> 0) : undefined;
    return info ? info.name : `syscall_${hex(e.nr >>> 0)}`;
  }

  /** `name(args) = ret` for a syscall event. */
  call(e: SyscallEvent, abi: Abi | undefined): string {
    const info = abi ? syscallByNumber(abi, e.nr >>> 0) : undefined;
    const name = info ? info.name : `syscall_${hex(e.nr >>> 0)}`;
    return `${name}(${this.args(e, info, abi)}) = ${this.ret(e, info, abi)}`;
  }

  args(e: SyscallEvent, info: SyscallInfo | undefined, abi: Abi | undefined): string {
    if (!info || !abi) return e.args.map((a) => hex(BigInt(a))).join(', ');
    const parts: string[] = [];
    let n = info.args.length;
    // open/openat take a mode only with O_CREAT or O_TMPFILE (strace leaves it out otherwise).
    if ((info.name === 'openat' || info.name === 'open') && !takesMode(abi, int32(e.args[info.name === 'openat' ? 2 : 1] ?? '0x0'))) n--;
    // fcntl's getters take no third argument.
    if ((info.name === 'fcntl' || info.name === 'fcntl64') && FCNTL_NO_ARG.has(this.fcntlCommand(e, info, abi) ?? '')) n = 2;
    if (info.name === 'futex' || info.name === 'futex_time64') return this.futexArgs(e, info, abi);
    const order = argOrder(info, abi, n);
    // i386's old mmap and select take one pointer to a block of their arguments.
    if (order === undefined) return pointer(e.args[0] ?? '0x0');
    for (const i of order) parts.push(this.arg(e, info, abi, i));
    return parts.join(', ');
  }

  private stringArg(e: SyscallEvent, i: number, limit: number): string | undefined {
    const s = e.str?.[REG_KEYS[i]!];
    if (s === undefined) return undefined;
    if (s === null) return pointer(e.args[i] ?? '0x0');
    return quote(s, limit, e.truncated?.includes(i) ?? false);
  }

  arg(e: SyscallEvent, info: SyscallInfo, abi: Abi, i: number): string {
    const a: SyscallArg = info.args[i]!;
    // The parameter's registers on this ABI (kernel/generated/arg-layout.ts): a 64-bit
    // value on i386/arm is two registers; strings and buffers are keyed by register.
    const place = argPlace(info, i, abi);
    if (place.kind === 'none') return '?';
    const r = place.kind === 'reg' ? place.reg : place.lo;
    const reg = place.kind === 'pair' ? hex(argValue(e.args.map((x) => BigInt(x)), place)!) : e.args[r] ?? '0x0';
    const width = a.width[abi];
    // execve(path, argv, envp): the argument vector as an array.
    if (e.argv && ((info.name === 'execve' && i === 1) || (info.name === 'execveat' && i === 2))) return this.argvText(e);
    switch (a.kind) {
      case 'fd': return String(int32(reg));
      case 'dirfd': {
        const v = int32(reg);
        return v === -100 ? 'AT_FDCWD' : String(v);
      }
      case 'path': return this.stringArg(e, r, 4096) ?? pointer(reg);
      case 'string': return this.stringArg(e, r, this.limit) ?? pointer(reg);
      case 'buffer': {
        const b = e.buf?.[REG_KEYS[r]!];
        const returned = e.ret !== null && !e.errno;
        if (b === undefined) {
          // A call that returned no bytes wrote (or sent) none: strace shows the empty string.
          return returned && e.ret === '0' && OUTPUT_BUFFERS.has(info.name) ? '""' : pointer(reg);
        }
        const total = returned ? Number(e.ret) : b.length;
        // getcwd returns the path's length with its NUL; strace shows the path, whole.
        if (info.name === 'getcwd') return quote(b.endsWith('\0') ? b.slice(0, -1) : b, 4096, total > b.length);
        if (info.name === 'getrandom') return hexQuote(b, this.limit, total > Math.min(b.length, this.limit));
        return quote(b, this.limit, total > Math.min(b.length, this.limit));
      }
      case 'pointer': return pointer(reg);
      case 'flags': {
        if (info.name === 'clone' && i !== 0) return pointer(reg);
        return flagsText(argTable(flagTables, flagTable, info, abi, i), reg, width);
      }
      case 'enum': {
        if (info.name === 'futex' && i === 1) return this.futexOp(abi, a, reg);
        if ((info.name === 'socket' || info.name === 'socketpair') && i === 2) return this.protocol(e, abi, reg);
        if (a.constants.length === 0) return String(signedOf(unsigned(reg, width), width));
        const v = unsigned(reg, width);
        return decodeEnum(argTable(enumTables, enumTable, info, abi, i), v, a.signed ? signedOf(v, width) : v);
      }
      case 'mode': return octalMode(unsigned(reg, width), abi);
      case 'size': return decimalText(reg, width, a.signed);
      case 'offset': {
        const v = unsigned(reg, width);
        return HEX_INTS[info.name]?.includes(a.name) ? cHex(v) : String(signedOf(v, width));
      }
      case 'pid': return decimalText(reg, width, true);
      case 'uid': {
        const v = unsigned(reg, width);
        return v === (width === 32 ? 0xffffffffn : 0xffffffffffffffffn) ? '-1' : String(v);
      }
      case 'signal': return signalText(abi, signedOf(unsigned(reg, width), width));
      case 'int': {
        if ((info.name === 'fcntl' || info.name === 'fcntl64') && i === 2) return this.fcntlArg(e, info, abi, reg);
        if (ADDRESS_NAMES.has(a.name) && width === 64) return pointer(reg);
        const v = unsigned(reg, width);
        if (HEX_INTS[info.name]?.includes(a.name)) return cHex(v);
        return a.signed ? String(signedOf(v, width)) : v >= 0x100000000n ? hex(v) : String(v);
      }
    }
  }

  /** FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME: the command, its private bit, the clock bit. */
  private futexOp(abi: Abi, a: SyscallArg, reg: string): string {
    const v = int32(reg);
    const table = enumTable(abi, 'futex', 1, a);
    const cmd = table.names.get(BigInt(v & 0x7f));
    if (!cmd) return String(v);
    let out = cmd + (v & 0x80 ? '_PRIVATE' : '');
    if (v & 0x100) out += '|FUTEX_CLOCK_REALTIME';
    const rest = v & ~0x1ff;
    if (rest) out += '|0x' + (rest >>> 0).toString(16);
    return out;
  }

  /**
   * futex(2): uaddr, the operation, then only what the operation reads
   * (FUTEX_SLOTS), each printed as strace does.
   */
  private futexArgs(e: SyscallEvent, info: SyscallInfo, abi: Abi): string {
    const opReg = e.args[1] ?? '0x0';
    const parts = [this.arg(e, info, abi, 0), this.futexOp(abi, info.args[1]!, opReg)];
    const table = enumTable(abi, info.name, 1, info.args[1]!);
    const cmd = table.names.get(BigInt(int32(opReg) & 0x7f));
    const word = (i: number) => Number(unsigned(e.args[i] ?? '0x0', 32));
    for (const slot of (cmd !== undefined && FUTEX_SLOTS[cmd]) || FUTEX_UNKNOWN) {
      switch (slot) {
        case 'val': parts.push(this.arg(e, info, abi, 2)); break;
        case 'timeout': parts.push(this.arg(e, info, abi, 3)); break;
        case 'val2': parts.push(String(word(3))); break;
        case 'uaddr2': parts.push(this.arg(e, info, abi, 4)); break;
        case 'val3': parts.push(String(word(5))); break;
        case 'val3-hex': parts.push(cHex(word(5))); break;
        case 'bitset': {
          const v = BigInt(word(5));
          parts.push(v === constantValue('FUTEX_BITSET_MATCH_ANY', abi) ? 'FUTEX_BITSET_MATCH_ANY' : cHex(v));
          break;
        }
        case 'wake-op': parts.push(this.futexWakeOp(abi, word(5))); break;
      }
    }
    return parts.join(', ');
  }

  /** FUTEX_WAKE_OP's val3 the way strace 6 writes it: `FUTEX_OP_ADD<<28|0x1<<12|FUTEX_OP_CMP_GT<<24|0`. */
  private futexWakeOp(abi: Abi, v: number): string {
    const op = (v >>> 28) & 0x7;
    const cmp = (v >>> 24) & 0xf;
    const opName = namesOf(abi, FUTEX_WAKE_OPS).get(BigInt(op)) ?? `${cHex(op)} /* FUTEX_OP_??? */`;
    const cmpName = namesOf(abi, FUTEX_WAKE_CMPS).get(BigInt(cmp)) ?? `${cHex(cmp)} /* FUTEX_OP_CMP_??? */`;
    const shift = (v >>> 28) & 0x8 ? 'FUTEX_OP_OPARG_SHIFT<<28|' : '';
    return `${shift}${opName}<<28|${cHex((v >>> 12) & 0xfff)}<<12|${cmpName}<<24|${cHex(v & 0xfff)}`;
  }

  /** A socket's protocol, by its family: IPPROTO_TCP for AF_INET, NETLINK_ROUTE for AF_NETLINK, else the number. */
  private protocol(e: SyscallEvent, abi: Abi, reg: string): string {
    const family = BigInt(int32(e.args[0] ?? '0x0'));
    const v = int32(reg);
    for (const [af, constants] of PROTOCOL_FAMILIES) {
      if (constantValue(af, abi) === family) return decodeEnum(enumTable(abi, `socket:${af}`, 2, { constants }), BigInt(v >>> 0), BigInt(v));
    }
    return String(v);
  }

  /** The name of an fcntl event's command on `abi` (the table that prints it), or undefined. */
  private fcntlCommand(e: SyscallEvent, info: SyscallInfo, abi: Abi): string | undefined {
    return enumTable(abi, info.name, 1, info.args[1]!).names.get(unsigned(e.args[1] ?? '0x0', 32));
  }

  /** fcntl's third argument, by command (strace: flags, a signal, a lease type, a number, an address, else hex). */
  private fcntlArg(e: SyscallEvent, info: SyscallInfo, abi: Abi, reg: string): string {
    const cmd = this.fcntlCommand(e, info, abi);
    if (cmd === 'F_SETFD') return decodeFlags(flagTable(abi, 'fcntl:F_SETFD', 2, { constants: ['FD_CLOEXEC'] }), unsigned(reg, 32));
    if (cmd === 'F_SETFL') return decodeFlags(flagTable(abi, 'open', 1, { constants: ['O_'] }), unsigned(reg, 32));
    if (cmd === 'F_SETSIG') return signalText(abi, int32(reg));
    if (cmd === 'F_ADD_SEALS') return decodeFlags(flagTable(abi, 'fcntl:seals', 2, SEALS), unsigned(reg, 32));
    if (cmd === 'F_SETLEASE') return namesOf(abi, LEASE_TYPES).get(BigInt(int32(reg))) ?? String(int32(reg));
    if (cmd !== undefined && FCNTL_STRUCT_ARG.has(cmd)) return pointer(reg);
    if (cmd !== undefined && FCNTL_INT_ARG.has(cmd)) return String(int32(reg));
    return cHex(unsigned(reg, 64));
  }

  /** What an fcntl getter returned, decoded as strace does: `0x1 (flags FD_CLOEXEC)`, `0x8002 (flags O_RDWR|O_LARGEFILE)`. */
  private fcntlResult(e: SyscallEvent, info: SyscallInfo, abi: Abi, ret: string): string {
    const cmd = this.fcntlCommand(e, info, abi);
    const v = BigInt(ret);
    switch (cmd) {
      case 'F_GETFD': return v === 0n ? '0' : `${cHex(v)} (flags ${decodeFlags(flagTable(abi, 'fcntl:F_SETFD', 2, { constants: ['FD_CLOEXEC'] }), v)})`;
      case 'F_GETFL': return `${cHex(v)} (flags ${decodeFlags(flagTable(abi, 'open', 1, { constants: ['O_'] }), v)})`;
      case 'F_GETLEASE': {
        const name = namesOf(abi, LEASE_TYPES).get(v);
        return name ? `${cHex(v)} (${name})` : cHex(v);
      }
      case 'F_GET_SEALS': return v === 0n ? '0' : `${cHex(v)} (seals ${decodeFlags(flagTable(abi, 'fcntl:seals', 2, SEALS), v)})`;
      case 'F_GETSIG': return v === 0n ? '0' : `${ret} (${signalText(abi, v)})`;
      default: return ret;
    }
  }

  private argvText(e: SyscallEvent): string {
    const items = (e.argv ?? []).map((s) => quote(s, this.limit, false));
    if (e.argv_truncated) items.push('...');
    return `[${items.join(', ')}]`;
  }

  /** `3`, `-1 ENOENT (No such file or directory)`, `?`, `0x7f…` for addresses. */
  ret(e: SyscallEvent, info: SyscallInfo | undefined, abi: Abi | undefined): string {
    if (e.ret === null || e.noreturn) return '?';
    if (e.errno) {
      const t = errnoTextOf(abi ?? 'x86_64', e.errno);
      const head = t.restart ? '?' : '-1';
      return t.message ? `${head} ${t.name} (${t.message})` : `${head} ${t.name}`;
    }
    if (info && POINTER_RETURNS.has(info.name)) {
      const v = BigInt(e.ret);
      return hex(BigInt.asUintN(abi && abiInfo(abi).registerBits === 32 ? 32 : 64, v));
    }
    if (info && abi && (info.name === 'fcntl' || info.name === 'fcntl64')) return this.fcntlResult(e, info, abi, e.ret);
    return e.ret;
  }
}

// ---- signals, stops, exits --------------------------------------------------

const SI_CODES: Readonly<Record<number, string>> = {
  0: 'SI_USER', 0x80: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ', [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL',
};
const CODES_BY_SIGNAL: Readonly<Record<string, readonly string[]>> = {
  SIGCHLD: ['', 'CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'],
  SIGSEGV: ['', 'SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR', 'SEGV_CPERR'],
  SIGBUS: ['', 'BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  SIGILL: ['', 'ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  SIGFPE: ['', 'FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB'],
  SIGTRAP: ['', 'TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  SIGSYS: ['', 'SYS_SECCOMP', 'SYS_USER_DISPATCH'],
  SIGPOLL: ['', 'POLL_IN', 'POLL_OUT', 'POLL_MSG', 'POLL_ERR', 'POLL_PRI', 'POLL_HUP'],
};

/** `--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, …} ---` */
export function formatSignal(e: SignalEvent, abi: Abi): string {
  const name = signalText(abi, e.sig);
  const fields = [`si_signo=${name}`];
  const byKind = CODES_BY_SIGNAL[name === 'SIGIO' ? 'SIGPOLL' : name];
  const code = e.code > 0 && byKind && byKind[e.code] ? byKind[e.code]! : SI_CODES[e.code] ?? String(e.code);
  fields.push(`si_code=${code}`);
  if (e.errno) fields.push(`si_errno=${e.errno}`);
  if (e.code <= 0 && e.sender !== undefined) fields.push(`si_pid=${e.sender}`, `si_uid=${e.uid ?? 0}`);
  if (name === 'SIGSYS' && e.code === 1) {
    if (e.call_addr !== undefined) fields.push(`si_call_addr=${e.call_addr}`);
    if (e.syscall !== undefined) {
      const sabi = e.arch !== undefined ? abiOfEvent(e.arch, e.syscall) : abi;
      const info = sabi ? syscallByNumber(sabi, e.syscall >>> 0) : undefined;
      fields.push(`si_syscall=${info ? '__NR_' + info.name : e.syscall}`);
    }
    if (e.arch !== undefined) fields.push(`si_arch=${auditArchName(e.arch) ?? hex(e.arch >>> 0)}`);
  } else if (name === 'SIGCHLD' && e.child !== undefined) {
    fields.push(`si_pid=${e.child}`);
    if (e.status !== undefined) fields.push(`si_status=${e.code === 2 || e.code === 3 ? signalText(abi, e.status) : e.status}`);
  } else if (e.addr !== undefined) {
    fields.push(`si_addr=${pointer(e.addr)}`);
  }
  return `--- ${name} {${fields.join(', ')}} ---${e.emulated ? ' (emulated by the tracer)' : ''}`;
}

export function formatStop(e: StopEvent, abi: Abi): string {
  return `--- stopped by ${signalText(abi, e.sig)} ---`;
}

export function formatExit(e: ExitEvent): string {
  return `+++ exited with ${e.status} +++`;
}

export function formatKilled(e: KilledEvent, abi: Abi): string {
  return `+++ killed by ${signalText(abi, e.signal)}${e.core ? ' (core dumped)' : ''} +++`;
}
