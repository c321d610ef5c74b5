/**
 * The conditions of a tight learned policy: for the calls whose arguments
 * decide what they do to the system (device requests, new processes and
 * namespaces, executable memory, sockets, opening files), the rule a careful
 * person writes after reading the run's trace. Pure.
 *
 * Each call is reduced to a *shape*: the part of its arguments that the
 * condition will test, spelled with constant names (`TCGETS`,
 * `CLONE_VM|CLONE_FS|…`, `AF_UNIX SOCK_STREAM`), so that what was seen on
 * several ABIs merges by name, and the comment can say what was seen. The
 * rule is then written from the shapes and their counts.
 *
 * Parameters are read from the registers the kernel reads them from on the
 * call's ABI (`findArg`), never from an assumed register index.
 */
import { abiInfo, type Abi } from '../kernel/abi';
import { constantValue } from '../kernel/constants';
import { ENOSYS_FALLBACKS } from '../kernel/seccomp';
import { argValue, findArg, getSyscall, type ArgRef } from '../kernel/syscalls';
import type { SyscallInfo } from '../kernel/types';
import { decodeFlags, enumTable, flagTable } from './decode';

/** How the policy's filter is meant to be installed (as `run --install`). */
export type InstallMode = 'before-exec' | 'after-exec';

/** What a learned rule needs to know about the policy it goes into. */
export interface RuleContext {
  /** The policy's ABIs: every name written must exist on each. */
  readonly abis: readonly Abi[];
  readonly install: InstallMode;
  /** The ABI the program ran on (after-exec installs need a 64-bit one). */
  readonly programAbi?: Abi | undefined;
}

/** A rule of the learned policy: its text and the comment after it. */
export interface LearnedRule {
  readonly text: string;
  readonly comment: string;
}

/** What one call was, beyond its arguments. */
export interface CallFacts {
  /** The call is the program's own start (the first exec of the run). */
  readonly firstExec: boolean;
  /** Its return value, signed (null when it never returned). */
  readonly ret: bigint | null;
  readonly errno: number | undefined;
}

interface Learner {
  /** The shape of one call, or undefined when its arguments cannot be read. */
  shape(info: SyscallInfo, abi: Abi, regs: readonly bigint[], facts: CallFacts): string | undefined;
  /**
   * The rule for every call seen, from their shapes (shape → calls); `null`
   * leaves the syscall out, `undefined` means no condition can be written
   * (the caller writes a plain `allow`).
   */
  rule(name: string, shapes: ReadonlyMap<string, number>, calls: number, ctx: RuleContext): LearnedRule | null | undefined;
}

// ---- reading arguments -------------------------------------------------------------

function param(info: SyscallInfo, abi: Abi, regs: readonly bigint[], name: string): { value: bigint; ref: ArgRef } | undefined {
  const ref = findArg(info, name, abi);
  if (!ref) return undefined;
  const value = argValue(regs, ref.place);
  return value === undefined ? undefined : { value: ref.arg.width[abi] === 32 ? BigInt.asUintN(32, value) : BigInt.asUintN(64, value), ref };
}

/** True when seccomp can see `arg` of `name` on every ABI of the policy that has the call. */
function visible(name: string, arg: string, abis: readonly Abi[]): boolean {
  const info = getSyscall(name);
  if (!info) return false;
  return abis.every((abi) => info.numbers[abi] === undefined || (findArg(info, arg, abi)?.place.kind ?? 'none') !== 'none');
}

/** `NAME` when it is a constant on every ABI of the policy, else the value in hex. */
function spell(name: string, value: bigint, abis: readonly Abi[]): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && abis.every((abi) => constantValue(name, abi) !== undefined) ? name : `0x${value.toString(16)}`;
}

/** `x == A` or `x in (A, B)`. */
function oneOf(lhs: string, values: readonly string[]): string {
  return values.length === 1 ? `${lhs} == ${values[0]!}` : `${lhs} in (${values.join(', ')})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `3 calls: A 2, B 1` — most frequent first, at most `max` shapes listed. */
function detail(calls: number, shapes: ReadonlyMap<string, number>, label: (shape: string) => string = (s) => s, max = 12): string {
  const sorted = [...shapes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = sorted.slice(0, max).map(([s, n]) => `${label(s)} ${n}`);
  if (sorted.length > max) shown.push(`${sorted.length - max} more`);
  return `${plural(calls, 'call')}: ${shown.join(', ')}`;
}

/** A shape of `NAME=0xVALUE` items joined by `|` (so a name can fall back to its value). */
function items(shape: string): { name: string; value: bigint }[] {
  if (shape === '') return [];
  return shape.split('|').map((part) => {
    const eq = part.lastIndexOf('=');
    return { name: part.slice(0, eq), value: BigInt(part.slice(eq + 1)) };
  });
}

function item(name: string, value: bigint): string {
  return `${name}=0x${value.toString(16)}`;
}

/** The names of a flag value, each with its own bits (`CLONE_VM=0x100|SIGCHLD=0x11`). */
function flagItems(info: SyscallInfo, abi: Abi, ref: ArgRef, value: bigint): string {
  const text = decodeFlags(flagTable(abi, info.name, ref.index, ref.arg), value);
  return text.split('|').map((part) => {
    if (/^(0x[0-9a-f]+|\d+)$/.test(part)) return item(part, BigInt(part));
    const v = constantValue(part, abi);
    return item(part, v ?? 0n);
  }).join('|');
}

const label = (shape: string): string => items(shape).map((i) => i.name).join('|') || '0';

// ---- the learners ------------------------------------------------------------------

/** ioctl: the requests seen, as an `in` set of their names. */
const ioctl: Learner = {
  shape(info, abi, regs) {
    const p = param(info, abi, regs, 'request');
    if (!p) return undefined;
    const name = enumTable(abi, info.name, p.ref.index, p.ref.arg).names.get(p.value);
    return item(name ?? `0x${p.value.toString(16)}`, p.value);
  },
  rule(name, shapes, calls, ctx) {
    if (!visible(name, 'request', ctx.abis)) return undefined;
    const seen = [...shapes.keys()].map((s) => items(s)[0]!).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const values = [...new Set(seen.map((i) => spell(i.name, i.value, ctx.abis)))];
    return { text: `allow ${name} if ${oneOf('request', values)}`, comment: detail(calls, shapes, label) };
  },
};

/**
 * clone: the union of the flags seen, as `flags & ~(SEEN) == 0`: a flag
 * the run never passed (a CLONE_NEW* namespace above all) is not allowed.
 * The low byte is the child's exit signal, kept as the signals seen.
 */
const clone: Learner = {
  shape(info, abi, regs) {
    const p = param(info, abi, regs, 'flags');
    return p ? flagItems(info, abi, p.ref, p.value) : undefined;
  },
  rule(name, shapes, calls, ctx) {
    if (!visible(name, 'flags', ctx.abis)) return undefined;
    const union = new Map<string, bigint>();
    for (const s of shapes.keys()) for (const i of items(s)) if (i.value !== 0n) union.set(i.name, i.value);
    const sorted = [...union].sort((a, b) => {
      const sa = a[0].startsWith('SIG') ? 1 : 0;
      const sb = b[0].startsWith('SIG') ? 1 : 0;
      return sa - sb || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    });
    const names = sorted.map(([n, v]) => spell(n, v, ctx.abis));
    const cond = names.length === 0 ? 'flags == 0' : `flags & ~(${names.join('|')}) == 0`;
    return { text: `allow ${name} if ${cond}`, comment: detail(calls, shapes, label, 6) };
  },
};

/**
 * clone3 passes its flags in a structure, which seccomp cannot read. Denied
 * with ENOSYS, libc falls back to clone (whose flags the filter checks), as
 * Docker's default profile does; learn's own run answers it the same way, so
 * the clone rule already has the fallback's flags. A recording in which
 * clone3 succeeded (learned without that) has no fallback to learn from:
 * the call stays allowed, and the comment says why.
 */
const clone3: Learner = {
  shape(_info, _abi, _regs, facts) {
    return facts.ret !== null && facts.ret >= 0n ? 'succeeded' : facts.errno === 38 ? 'ENOSYS' : 'failed';
  },
  rule(name, shapes, calls) {
    const older = ENOSYS_FALLBACKS[name] ?? 'clone';
    if (shapes.has('succeeded')) {
      return { text: `allow ${name}`, comment: `${plural(calls, 'call')}; its flags are behind a pointer seccomp cannot read: learn again without --loose to deny it with ENOSYS and check \`${older}\`'s flags instead` };
    }
    return { text: `errno(ENOSYS) ${name}`, comment: `${plural(calls, 'call')}, answered ENOSYS while learning: its flags are behind a pointer seccomp cannot read, so libc falls back to \`${older}\`, whose flags are checked` };
  },
};

/**
 * execve: the program's own start needs it when the filter is installed
 * before exec; installed after exec (`run --install after-exec`), a program
 * that never executes another one needs no exec at all.
 */
const exec: Learner = {
  shape(_info, _abi, _regs, facts) {
    return facts.firstExec ? 'start' : 'later';
  },
  rule(name, shapes, calls, ctx) {
    const later = shapes.get('later') ?? 0;
    // The helper installs a filter after exec into 64-bit programs only (docs/trace.md).
    const thirtyTwo = ctx.programAbi !== undefined && abiInfo(ctx.programAbi).registerBits === 32;
    if (later === 0 && ctx.install === 'after-exec' && thirtyTwo) {
      return { text: `allow ${name}`, comment: `${plural(calls, 'call')}: the program's start; ${ctx.programAbi!} programs get their filter before exec (the helper installs after exec into 64-bit programs only)` };
    }
    if (later === 0 && ctx.install === 'after-exec') return null;
    if (later === 0) return { text: `allow ${name}`, comment: `${plural(calls, 'call')}: the program's start (the filter is installed before it; learn --install after-exec leaves it out)` };
    const start = shapes.get('start') ?? 0;
    return { text: `allow ${name}`, comment: start ? `${plural(calls, 'call')}: the program's start and ${later} later` : plural(calls, 'call') };
  },
};

/** mmap, mprotect…: never writable and executable at once, unless the run asked for that. */
const protection: Learner = {
  shape(info, abi, regs) {
    const p = param(info, abi, regs, 'prot');
    return p ? flagItems(info, abi, p.ref, p.value) : undefined;
  },
  rule(name, shapes, calls, ctx) {
    const wx = [...shapes.keys()].some((s) => {
      const names = items(s).map((i) => i.name);
      return names.includes('PROT_WRITE') && names.includes('PROT_EXEC');
    });
    if (wx) return { text: `allow ${name}`, comment: `${detail(calls, shapes, label, 6)} (writable and executable memory was asked for)` };
    if (!visible(name, 'prot', ctx.abis)) return undefined;
    return { text: `allow ${name} if prot & (PROT_WRITE|PROT_EXEC) != PROT_WRITE|PROT_EXEC`, comment: detail(calls, shapes, label, 6) };
  },
};

/** socket, socketpair: the address families seen, each with its socket types (flags aside). */
const SOCK_FLAGS = '~(SOCK_NONBLOCK|SOCK_CLOEXEC)';
const socket: Learner = {
  shape(info, abi, regs) {
    const d = param(info, abi, regs, 'domain');
    const t = param(info, abi, regs, 'type');
    if (!d || !t) return undefined;
    const domain = enumTable(abi, info.name, d.ref.index, d.ref.arg).names.get(d.value) ?? `0x${d.value.toString(16)}`;
    const flags = (constantValue('SOCK_NONBLOCK', abi) ?? 0n) | (constantValue('SOCK_CLOEXEC', abi) ?? 0n);
    const base = t.value & ~flags;
    const type = flagItems(info, abi, t.ref, base);
    return `${item(domain, d.value)} ${type}`;
  },
  rule(name, shapes, calls, ctx) {
    if (!visible(name, 'domain', ctx.abis) || !visible(name, 'type', ctx.abis)) return undefined;
    // domain → types seen with it; then domains with the same types share one clause.
    const byDomain = new Map<string, { value: bigint; types: Map<string, bigint> }>();
    for (const s of shapes.keys()) {
      const [d, t] = s.split(' ') as [string, string];
      const di = items(d)[0]!;
      const ti = items(t);
      const domain = spell(di.name, di.value, ctx.abis);
      const typeValue = ti.reduce((v, i) => v | i.value, 0n);
      const type = ti.length === 1 ? spell(ti[0]!.name, typeValue, ctx.abis) : `0x${typeValue.toString(16)}`;
      let entry = byDomain.get(domain);
      if (!entry) byDomain.set(domain, (entry = { value: di.value, types: new Map() }));
      entry.types.set(type, typeValue);
    }
    const byTypes = new Map<string, string[]>();
    for (const [domain, { types }] of [...byDomain].sort((a, b) => (a[1].value < b[1].value ? -1 : 1))) {
      const key = [...types].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([t]) => t).join(', ');
      let list = byTypes.get(key);
      if (!list) byTypes.set(key, (list = []));
      list.push(domain);
    }
    const clauses = [...byTypes].map(([types, domains]) => `${oneOf('domain', domains)} && ${oneOf(`type & ${SOCK_FLAGS}`, types.split(', '))}`);
    const cond = clauses.length === 1 ? clauses[0]! : clauses.map((c) => `(${c})`).join(' || ');
    return { text: `allow ${name} if ${cond}`, comment: detail(calls, shapes, (s) => s.split(' ').map(label).join(' ')) };
  },
};

/**
 * open, openat: the access modes seen and, per mode, whether the run created
 * or truncated files with it; O_CREAT and O_TRUNC are refused where unseen.
 */
/** `flags & O_ACCMODE` by value. */
export const ACCESS_MODES: readonly string[] = ['O_RDONLY', 'O_WRONLY', 'O_RDWR'];
const CREATION = ['O_CREAT', 'O_TRUNC'];
const open: Learner = {
  shape(info, abi, regs) {
    const p = param(info, abi, regs, 'flags');
    if (!p) return undefined;
    const mode = Number(p.value & 3n);
    const created = CREATION.filter((c) => { const v = constantValue(c, abi); return v !== undefined && (p.value & v) !== 0n; });
    return [ACCESS_MODES[mode] ?? String(mode), ...created].join('|');
  },
  rule(name, shapes, calls, ctx) {
    if (!visible(name, 'flags', ctx.abis)) return undefined;
    // creation bits seen → access modes seen with them.
    const modesOf = new Map<string, Set<string>>();
    for (const s of shapes.keys()) {
      const [mode, ...created] = s.split('|') as [string, ...string[]];
      const key = created.join('|');
      let set = modesOf.get(key);
      if (!set) modesOf.set(key, (set = new Set()));
      set.add(mode);
    }
    const order = (m: string) => { const i = ACCESS_MODES.indexOf(m); return i < 0 ? 3 + Number(m) : i; };
    // In the order of their first access mode: O_RDONLY's clause first.
    const clauses = [...modesOf].map(([created, modes]) => {
      const list = [...modes].sort((a, b) => order(a) - order(b));
      const unseen = CREATION.filter((c) => !created.split('|').includes(c));
      const access = oneOf('flags & O_ACCMODE', list);
      return { first: order(list[0]!), text: unseen.length === 0 ? access : `${access} && flags & ${unseen.length === 1 ? unseen[0]! : `(${unseen.join('|')})`} == 0` };
    }).sort((a, b) => a.first - b.first).map((c) => c.text);
    const cond = clauses.length === 1 ? clauses[0]! : clauses.map((c) => (c.includes('&&') ? `(${c})` : c)).join(' || ');
    return { text: `allow ${name} if ${cond}`, comment: detail(calls, shapes) };
  },
};

/**
 * openat2 passes its flags in a structure: no condition can see them, so it
 * stays allowed as it was used, and its comment tells the reviewer that the
 * open modes checked on openat do not bind it (answering it ENOSYS, as
 * clone3 is, would break the programs that use it for its RESOLVE_* rules).
 */
const openat2: Learner = {
  shape() {
    return 'call';
  },
  rule(name, _shapes, calls) {
    return { text: `allow ${name}`, comment: `${plural(calls, 'call')}; its flags are behind a pointer seccomp cannot read: the open modes checked on openat do not bind it` };
  },
};

const LEARNERS: Readonly<Record<string, Learner>> = {
  ioctl, clone, clone3, execve: exec, execveat: exec,
  mmap: protection, mmap2: protection, mprotect: protection, pkey_mprotect: protection,
  socket, socketpair: socket, open, openat: open, openat2,
};

/** True when a tight policy writes its own rule for `name` (its calls' shapes are recorded). */
export function learnsArguments(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(LEARNERS, name);
}

/** The shape of one call of a syscall `learnsArguments` names (`regs`: the six registers). */
export function callShape(info: SyscallInfo, abi: Abi, regs: readonly bigint[], facts: CallFacts): string | undefined {
  return LEARNERS[info.name]?.shape(info, abi, regs, facts);
}

/**
 * The tight rule for `name`, from the shapes of its calls; `null` when the
 * syscall is left out of the policy, `undefined` when there is no condition
 * to learn (the caller writes a plain `allow`).
 */
export function tightRule(name: string, shapes: ReadonlyMap<string, number>, calls: number, ctx: RuleContext): LearnedRule | null | undefined {
  const learner = LEARNERS[name];
  if (!learner) return undefined;
  // Calls whose arguments could not be read (none on the ABIs we know) leave the syscall unconditioned.
  const shaped = [...shapes.values()].reduce((a, b) => a + b, 0);
  if (shaped < calls) return undefined;
  return learner.rule(name, shapes, calls, ctx);
}
