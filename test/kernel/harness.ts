/**
 * Shared kernel-in-the-loop harness for the compiler tests
 * (compiler-kernel.test.ts, libseccomp-diff.test.ts).
 *
 * A small C runner, built with gcc at test time (C11, -Wall -Wextra -Werror),
 * installs a raw seccomp filter in a forked child per event and makes one raw
 * syscall with six chosen argument registers. The same source builds as a
 * 64-bit runner (x86_64 and x32 numbers through `syscall`, i386 numbers
 * through `int $0x80` from 64-bit code) and, where gcc-multilib works, as a
 * -m32 runner (i386 numbers through `int $0x80` from a real 32-bit process).
 *
 * The syscalls probed are harmless and their results predictable (see
 * `ranOutcome`): getpid, getppid, getuid, getgid, gettid, sched_yield, umask
 * (the runner sets 022 first, so it returns 022), personality (returns the
 * runner's persona), prctl(PR_GET_DUMPABLE) (the child made itself
 * non-dumpable: 0) or a bogus option (EINVAL), dup/close/lseek/fcntl/ioctl on
 * fds that are not open (EBADF: the runner closes every fd above 2 before
 * forking), sched_getscheduler on negative (EINVAL) or nonexistent (ESRCH)
 * pids, and unassigned numbers (ENOSYS).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPF_K, BPF_RET, encodeProgram, stmt } from '../../server/src/bpf/instructions';
import { abiInfo, type Abi } from '../../server/src/kernel/abi';
import { syscallNumber } from '../../server/src/kernel/syscalls';
import { buildPolicyModel } from '../../server/src/policy/semantics/build';
import { diagnoseModel } from '../../server/src/compiler/diagnose';
import { compilePolicy, type CompiledProgram } from '../../server/src/compiler/compile';
import type { PolicyModel } from '../../server/src/policy/semantics/model';
import { memoryHost } from '../helpers/policy';
import { blocker, machine } from '../helpers/machine';
import { actionOf, SECCOMP_RET_ALLOW } from '../../server/src/kernel/seccomp';

/** The C programs the kernel tests build (C11, -Wall -Wextra -Werror, like native/). */
export const C_DIR = join(__dirname, 'c');
/** The warnings native/ builds with. */
export const C_FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror'] as const;

export const SIGSYS = 31;
export const EBADF = 9;
export const EINVAL = 22;
export const ESRCH = 3;
export const ENOSYS = 38;
export const PR_GET_DUMPABLE = 3;
/** An fd no runner child has open (the runner closes every fd above 2). */
export const BAD_FD = 77n;

export type Bits = 32 | 64;

export interface Runner {
  readonly path: string;
  readonly bits: Bits;
}

/** Builds the runner; returns a reason to skip instead when that is impossible. */
export function buildRunner(dir: string, bits: Bits): Runner | { skip: string } {
  // Found by trying: gcc -m32 may build programs that this kernel refuses to run (ENOEXEC).
  // A missing tool fails under CI (blocker throws); a kernel that cannot is a skip.
  const skip = blocker(machine.linuxX64(), machine.gcc(), ...(bits === 32 ? [machine.runI386()] : []));
  if (skip !== undefined) return { skip };
  const src = join(C_DIR, 'runner.c');
  const out = join(dir, `runner${bits}`);
  const cc = spawnSync('gcc', [...C_FLAGS, ...(bits === 32 ? ['-m32'] : []), '-o', out, src], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc${bits === 32 ? ' -m32' : ''} failed:\n${cc.stderr}`);
  return { path: out, bits };
}

/** One syscall to make: the ABI decides the instruction and the audit arch. */
export interface KEvent {
  readonly abi: Abi;
  /** seccomp_data.nr as a u32 (x32 numbers include 0x40000000). */
  readonly nr: number;
  /** Six raw registers (only the low halves exist for i386). */
  readonly args: readonly bigint[];
  /** What the syscall does when it runs, for `ranOutcome` (a syscall name, or 'bogus'). */
  readonly what: string;
}

export interface RunnerInfo {
  pid: number;
  uid: number;
  gid: number;
  persona: number;
  sched: number;
  bits: Bits;
}

export interface KernelRun {
  info: RunnerInfo;
  /** Normalised outcomes (see normalise), one per event. */
  outcomes: string[];
}

export function u64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

/** The event's registers as the kernel puts them in seccomp_data.args. */
export function seenArgs(e: KEvent, bits: Bits): bigint[] {
  return e.args.map((a) => (bits === 32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a)));
}

let counter = 0;

/** Runs every event under `filter` (raw bytes) in the kernel. */
export function runInKernel(dir: string, runner: Runner, filter: Uint8Array, events: readonly KEvent[]): KernelRun {
  const id = counter++;
  const fpath = join(dir, `filter-${id}.bin`);
  const epath = join(dir, `events-${id}.txt`);
  writeFileSync(fpath, filter);
  const lines = events.map((e) => {
    if (e.abi !== 'i386' && runner.bits === 32) throw new Error('a 32-bit runner makes i386 syscalls only');
    const mode = e.abi === 'i386' && runner.bits === 64 ? 1 : 0;
    return [String(mode), u64(BigInt(e.nr >>> 0)), ...e.args.map(u64)].join(' ') + '\n';
  });
  writeFileSync(epath, lines.join(''));
  const r = spawnSync(runner.path, ['run', fpath, epath], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`runner failed (${r.status} ${r.signal}): ${r.stderr}`);
  const out = r.stdout.trim().split('\n');
  const head = /^runner pid (\d+) uid (\d+) gid (\d+) persona (-?\d+) sched (\d+) bits (32|64)$/.exec(out[0]!);
  if (!head) throw new Error(`bad runner header: ${out[0]}`);
  const info: RunnerInfo = {
    pid: Number(head[1]), uid: Number(head[2]), gid: Number(head[3]), persona: Number(head[4]), sched: Number(head[5]),
    bits: Number(head[6]) as Bits,
  };
  const outcomes = out.slice(1).map((l, i) => normalise(l, info, events[i]!, runner));
  assert.equal(outcomes.length, events.length, 'one outcome per event');
  return { info, outcomes };
}

/**
 * Kernel outcome, normalised: `ret:self` (returned the child's pid),
 * `ret:parent` (the runner's pid), `ret:<n>` (raw value, -errno for errors),
 * `trap:<nr>:<data>`, `signal:<n>`, `reject:<errno>`.
 */
function normalise(line: string, info: RunnerInfo, e: KEvent, runner: Runner): string {
  const f = line.split(' ');
  switch (f[0]) {
    case 'ret': {
      const v = Number(f[1]);
      if (v === Number(f[2])) return 'ret:self';
      if (v === info.pid) return 'ret:parent';
      return `ret:${v}`;
    }
    case 'trap':
      // si_arch names the syscall's ABI, except for int $0x80 from 64-bit code, where
      // this kernel was seen to report AUDIT_ARCH_X86_64 although the filter saw i386.
      if (!(e.abi === 'i386' && runner.bits === 64)) {
        assert.equal(Number(f[3]), abiInfo(e.abi).auditArch, `si_arch of a trap for ${describe(e)}`);
      }
      return `trap:${f[1]}:${f[2]}`;
    case 'signal':
      return `signal:${f[1]}`;
    case 'reject':
      return `reject:${f[1]}`;
    default:
      throw new Error(`unexpected runner output: ${line}`);
  }
}

export function describe(e: KEvent): string {
  return `${e.abi} nr ${e.nr >>> 0} (0x${(e.nr >>> 0).toString(16)}, ${e.what}) args ${e.args.map(u64).join(' ')}`;
}

/** Kernel facts that change what a syscall that ran returns. */
export interface KernelFacts {
  /** x32 syscalls run (CONFIG_X86_X32_ABI and not disabled); otherwise an allowed x32 call gets ENOSYS. */
  x32: boolean;
}

const low32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
const sint32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** What an event returns when the filter lets it run. */
export function ranOutcome(e: KEvent, info: RunnerInfo, facts: KernelFacts): string {
  if (e.abi === 'x32' && !facts.x32) return `ret:${-ENOSYS}`;
  const a = e.args;
  switch (e.what) {
    case 'getpid':
    case 'gettid':
      return 'ret:self';
    case 'getppid':
      return 'ret:parent';
    case 'getuid':
      return `ret:${e.abi === 'i386' && info.uid > 0xffff ? 65534 : info.uid}`;
    case 'getgid':
      return `ret:${e.abi === 'i386' && info.gid > 0xffff ? 65534 : info.gid}`;
    case 'sched_yield':
      return 'ret:0';
    case 'umask':
      return `ret:${0o22}`;
    case 'personality':
      return `ret:${info.persona}`;
    case 'prctl':
      if (low32(a[0]!) === PR_GET_DUMPABLE) return 'ret:0';
      return `ret:${-EINVAL}`;
    case 'dup':
    case 'close':
    case 'lseek':
    case 'fcntl':
    case 'ioctl':
    case 'fchmod':
      assert.ok(low32(a[0]!) > 2, `${e.what} on fd ${low32(a[0]!)}: only fds that are not open are safe`);
      return `ret:${-EBADF}`;
    case 'sched_getscheduler': {
      const pid = sint32(a[0]!);
      if (pid < 0) return `ret:${-EINVAL}`;
      if (pid === 0) return `ret:${info.sched}`;
      assert.ok(pid > 0x400000, 'sched_getscheduler: only pids above pid_max are predictable');
      return `ret:${-ESRCH}`;
    }
    case 'bogus':
      return `ret:${-ENOSYS}`;
    default:
      throw new Error(`no prediction for ${e.what}`);
  }
}

/** Action kinds as ConcreteAction spells them. */
export type Kind = 'allow' | 'log' | 'errno' | 'trap' | 'trace' | 'notify' | 'kill_thread' | 'kill_process';

/** A filter return value as (kind, data), data kept only where it is passed on. */
export function actionFromRet(ret: number): { kind: Kind; data: number } {
  const a = actionOf(ret);
  const kind: Kind = a.effective === 'user_notif' ? 'notify' : (a.effective as Kind);
  return { kind, data: kind === 'errno' || kind === 'trap' || kind === 'trace' ? a.data : 0 };
}

/** What the kernel does with an event, given the filter's decision. */
export function expectedOutcome(action: { kind: Kind; data: number }, e: KEvent, info: RunnerInfo, facts: KernelFacts): string {
  switch (action.kind) {
    case 'allow':
    case 'log':
      return ranOutcome(e, info, facts);
    case 'errno':
      return `ret:${-Math.min(action.data, 4095)}`;
    case 'trap':
      return `trap:${e.nr >>> 0}:${action.data}`;
    case 'trace': // no tracer attached: the kernel fails the call with ENOSYS
    case 'notify': // no listener: ENOSYS
      return `ret:${-ENOSYS}`;
    case 'kill_process':
    case 'kill_thread':
      return `signal:${SIGSYS}`;
  }
}

/** A syscall event by name on an ABI (`what` = the name). */
export function sys(abi: Abi, name: string, ...args: bigint[]): KEvent {
  const nr = syscallNumber(abi, name);
  if (nr === undefined) throw new Error(`${name} has no number on ${abi}`);
  const full = [...args];
  while (full.length < 6) full.push(0n);
  return { abi, nr, args: full.map((v) => BigInt.asUintN(64, v)), what: name };
}

/** An unassigned syscall number (runs as ENOSYS). */
export function bogus(abi: Abi, nr: number, ...args: bigint[]): KEvent {
  const full = [...args];
  while (full.length < 6) full.push(0n);
  return { abi, nr: nr >>> 0, args: full.map((v) => BigInt.asUintN(64, v)), what: 'bogus' };
}

// ---------------------------------------------------------------------------
// Random syscalls, constants and arguments within what ranOutcome can predict.

export type ArgKind = 'any32' | 'fd' | 'pid' | 'option' | 'cmd' | 'any64';
export interface ArgSpec { name: string; index: number; kind: ArgKind }
export interface SysSpec { name: string; args: ArgSpec[]; x32: boolean }

export const SYSCALLS: SysSpec[] = [
  { name: 'getpid', args: [], x32: true },
  { name: 'getppid', args: [], x32: true },
  { name: 'gettid', args: [], x32: true },
  { name: 'getuid', args: [], x32: true },
  { name: 'sched_yield', args: [], x32: true },
  { name: 'umask', args: [{ name: 'mask', index: 0, kind: 'any32' }], x32: true },
  { name: 'personality', args: [{ name: 'persona', index: 0, kind: 'any32' }], x32: true },
  { name: 'sched_getscheduler', args: [{ name: 'pid', index: 0, kind: 'pid' }], x32: true },
  { name: 'close', args: [{ name: 'fd', index: 0, kind: 'fd' }], x32: true },
  { name: 'dup', args: [{ name: 'oldfd', index: 0, kind: 'fd' }], x32: true },
  { name: 'lseek', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'offset', index: 1, kind: 'any64' }, { name: 'whence', index: 2, kind: 'any32' }], x32: true },
  { name: 'fcntl', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'cmd', index: 1, kind: 'cmd' }, { name: 'arg', index: 2, kind: 'any64' }], x32: true },
  { name: 'ioctl', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'request', index: 1, kind: 'any32' }, { name: 'arg', index: 2, kind: 'any64' }], x32: true },
  {
    name: 'prctl', x32: true,
    args: [{ name: 'option', index: 0, kind: 'option' }, ...[2, 3, 4, 5].map((n) => ({ name: `arg${n}`, index: n - 1, kind: 'any64' as ArgKind }))],
  },
];

export type R = (n: number) => number;
export const pick = <T>(r: R, xs: readonly T[]): T => xs[r(xs.length)]!;
export const rand32 = (r: R): bigint => BigInt(r(0x10000)) << 16n | BigInt(r(0x10000));

export function randomConst(r: R, kind: ArgKind, narrow: boolean): bigint {
  switch (kind) {
    case 'fd': return pick(r, [3n, 4n, 77n, 1000n, 0x7fffffffn, 0x80000000n, 0xffffffffn]);
    case 'pid': return pick(r, [0n, -1n, -5n, -100n, 0x7000000n, 0x7fffffffn, -0x80000000n]);
    case 'option': return pick(r, [3n, 0x7fff1234n, 4n, -1n]);
    case 'cmd': return pick(r, [0n, 1n, 2n, 3n, 0x400n, 0x406n, 0xffffffffn]);
    case 'any32': return r(3) === 0 ? rand32(r) : pick(r, [0n, 1n, 0o22n, 0o777n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -1n, -100n, 0x10000n]);
    case 'any64':
      if (narrow) return randomConst(r, 'any32', true);
      if (r(4) === 0) return rand32(r) << 32n | rand32(r);
      return pick(r, [0n, 1n, 0xffffffffn, 0x100000000n, 0x100000001n, -1n, -2n, 0x8000000000000000n, 0x7fffffffffffffffn, 0x1234_0000_0000n, rand32(r)]);
  }
}

/** An argument value near the policy's constants, made safe for the syscall (see harness ranOutcome). */
export function randomArgValue(r: R, a: ArgSpec, near: readonly bigint[]): bigint {
  let v: bigint;
  const c = r(6);
  if (near.length && c < 4) v = BigInt.asUintN(64, pick(r, near) + BigInt(r(3) - 1));
  else if (c === 4) v = rand32(r);
  else v = rand32(r) << 32n | rand32(r);
  if (a.kind !== 'any64' && r(3) === 0) v = (BigInt.asUintN(32, v)) | (rand32(r) << 32n); // upper-half garbage
  const hi = v >> 32n << 32n;
  let lo = Number(BigInt.asUintN(32, v));
  switch (a.kind) {
    case 'fd': if (lo < 3) lo += 3; break;
    case 'pid': { const s = lo | 0; if (s > 0 && s <= 0x400000) lo = pick(r, [0, 0x7000000, 0xffffffff]); break; }
    case 'option': if (lo !== 3 && lo !== 0x7fff1234) lo = pick(r, [3, 0x7fff1234]); break;
    case 'cmd': if ((lo >= 12 && lo <= 14) || (lo >= 36 && lo <= 38)) lo = 1; break;
    default: break;
  }
  return hi | BigInt(lo >>> 0);
}

/** Deterministic PRNG (mulberry32): r(n) is uniform in 0..n-1. */
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
}

// ---------------------------------------------------------------------------
// Compiling policies held in memory.


export interface Compiled {
  model: PolicyModel;
  program: CompiledProgram;
}

/** Builds, checks (errors fail the test) and compiles a policy text. */
export function compileText(text: string, path = '/k/policy.seccomp'): Compiled {
  const model = buildPolicyModel({ path, text }, memoryHost({ [path]: text }));
  const errors = diagnoseModel(model).filter((d) => d.severity === 'error');
  if (errors.length) {
    throw new Error(`policy has errors:\n${errors.map((d) => `  ${d.code}: ${d.message}`).join('\n')}\n--- policy ---\n${text}`);
  }
  const r = compilePolicy(model);
  if (!r.ok) throw new Error(`compile failed (${r.reason}) for\n${text}`);
  return { model, program: r.program };
}

// ---------------------------------------------------------------------------
// Running under someone else's seccomp filter (e.g. a container runtime's).

/** True when this process already runs under a seccomp filter (it is inherited by the runner). */
export function underOuterFilter(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /^Seccomp:\s*(\d+)/m.exec(status);
    return m !== null && m[1] !== '0';
  } catch {
    return false;
  }
}

/**
 * Under an outer filter, a syscall our filter allows may still be refused by
 * the outer one (filters stack; the most restrictive action wins). Runs the
 * events under an allow-all filter and keeps those whose result there is the
 * one `ranOutcome` predicts; the others are left out (returned as `dropped`).
 */
export function calibrate(dir: string, runner: Runner, events: readonly KEvent[], facts: KernelFacts):
  { kept: KEvent[]; dropped: KEvent[] } {
  const allow = encodeProgram([stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]);
  const k = runInKernel(dir, runner, allow, events);
  const kept: KEvent[] = [];
  const dropped: KEvent[] = [];
  events.forEach((e, i) => (k.outcomes[i] === ranOutcome(e, k.info, facts) ? kept : dropped).push(e));
  return { kept, dropped };
}

export interface KernelProbe {
  /** x32 syscalls run (CONFIG_X86_X32_ABI); else they return ENOSYS after the filter allows them. */
  readonly x32: boolean;
  /** `int $0x80` works from 64-bit code (i386 calls from the 64-bit runner). */
  readonly int80: boolean;
  /** The -m32 runner, or why there is none. */
  readonly r32: Runner | undefined;
  readonly skip32: string | undefined;
}

/** Can filters be installed at all, do x32 calls run, does int $0x80 work; and the 32-bit runner. */
export function probeKernel(dir: string, r64: Runner, allowFilter: Uint8Array): KernelProbe | { skip: string } {
  let probe: string[];
  try {
    probe = runInKernel(dir, r64, allowFilter, [sys('x86_64', 'getpid'), sys('x32', 'getpid'), sys('i386', 'getpid')]).outcomes;
  } catch (err) {
    return { skip: `seccomp filters unavailable: ${(err as Error).message}` };
  }
  if (probe[0] !== 'ret:self') return { skip: `seccomp filters unavailable (probe: ${probe[0]})` };
  const b32 = buildRunner(dir, 32);
  return {
    x32: probe[1] === 'ret:self',
    int80: probe[2] === 'ret:self',
    r32: 'skip' in b32 ? undefined : b32,
    skip32: 'skip' in b32 ? b32.skip : undefined,
  };
}
