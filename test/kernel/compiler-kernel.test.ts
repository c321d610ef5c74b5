/**
 * Kernel-in-the-loop tests for the compiler: policies are compiled to raw
 * seccomp-BPF, installed by a C runner (test/kernel/harness.ts) in a forked
 * child per event, and the syscall's fate in the real kernel (return value and
 * errno, SIGSYS trap data, death by SIGSYS) must equal what both our BPF
 * interpreter running the compiled program (`explain`) and §7 evaluated on
 * the model (`decide`) predict.
 *
 * x86_64 and x32 numbers are made with `syscall`; i386 numbers with
 * `int $0x80`, both from the 64-bit runner (which leaves the registers'
 * upper halves in seccomp_data.args: garbage a 32-bit rule must ignore) and,
 * where `gcc -m32` works, from a real 32-bit runner.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProgram, stmt, BPF_RET, BPF_K } from '../../server/src/bpf/instructions';
import { explain } from '../../server/src/compiler/attribute';
import { toDisassembly, toRaw } from '../../server/src/compiler/output';
import { decide } from '../../server/src/policy/semantics/decide';
import { abiInfo, type Abi } from '../../server/src/kernel/abi';
import {
  BAD_FD, actionFromRet, calibrate, underOuterFilter, bogus, buildRunner, probeKernel, compileText, describe, expectedOutcome, prng, runInKernel, seenArgs, sys,
  SYSCALLS, pick, randomArgValue, randomConst, type KEvent, type KernelFacts, type Kind, type R,
  type Runner, type SysSpec,
} from './harness';
import { SECCOMP_RET_ALLOW } from '../../server/src/kernel/seccomp';

let dir = '';
let r64: Runner | undefined;
let r32: Runner | undefined;
let skipReason: string | undefined;
let skip32: string | undefined;
let int80 = false;
let outer = false;
const facts: KernelFacts = { x32: false };
const tally = { policies: 0, events: 0, kernelRuns: 0, byAbi: { x86_64: 0, x32: 0, i386_64: 0, i386_32: 0 }, byKind: {} as Record<string, number>, byOrigin: {} as Record<string, number>, dropped: 0 };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'compiler-kernel-'));
  const b = buildRunner(dir, 64);
  if ('skip' in b) {
    skipReason = b.skip;
    return;
  }
  r64 = b;
  outer = underOuterFilter();
  const allow = encodeProgram([stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]);
  const probe = probeKernel(dir, r64, allow);
  if ('skip' in probe) {
    skipReason = probe.skip;
    return;
  }
  facts.x32 = probe.x32;
  int80 = probe.int80;
  r32 = probe.r32;
  skip32 = probe.skip32;
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (r64) {
    console.log(`# compiler-kernel: ${tally.policies} policies, ${tally.events} events compared (kernel = explain = decide), ` +
      `${tally.kernelRuns} runner invocations; by ABI ${JSON.stringify(tally.byAbi)}; by action ${JSON.stringify(tally.byKind)}; ` +
      `decided by ${JSON.stringify(tally.byOrigin)}; ` +
      `x32 syscalls ${facts.x32 ? 'run' : 'disabled in this kernel (ENOSYS after the filter allows them)'}; ` +
      `int $0x80 from 64-bit code ${int80 ? 'works' : 'unavailable'}; ` +
      `${outer ? `under an outer seccomp filter: ${tally.dropped} events left out that it refuses` : 'no outer seccomp filter'}; -m32 runner ${r32 ? 'built' : `skipped: ${skip32}`}`);
  }
});

function skipped(t: { skip: (reason: string) => void }): boolean {
  if (skipReason !== undefined) {
    t.skip(skipReason);
    return true;
  }
  return false;
}

/**
 * Compiles `text`, runs `events` in the kernel (i386 events from both
 * runners) and compares the kernel, explain() and decide() on each. All
 * mismatches are collected and reported together.
 */
function check(label: string, text: string, events: readonly KEvent[]): void {
  const { model, program } = compileText(text, `/k/${label.replace(/[^A-Za-z0-9_-]/g, '_')}.seccomp`);
  const raw = toRaw(program);
  const problems: string[] = [];
  tally.policies++;
  const runWith = (runner: Runner, all: readonly KEvent[], how: string) => {
    let evs = all;
    if (outer) {
      // an outer seccomp filter (container runtime) may refuse some probes whatever ours says
      const c = calibrate(dir, runner, evs, facts);
      tally.dropped += c.dropped.length;
      evs = c.kept;
    }
    if (evs.length === 0) return;
    const k = runInKernel(dir, runner, raw, evs);
    tally.kernelRuns++;
    evs.forEach((e, i) => {
      const args = seenArgs(e, runner.bits);
      const arch = abiInfo(e.abi).auditArch;
      const ex = explain(program, { nr: e.nr, arch, instructionPointer: 0n, args });
      const ours = actionFromRet(ex.ret);
      const d = decide(model, { arch, nr: e.nr >>> 0, args });
      const meant = { kind: d.action.kind as Kind, data: ['errno', 'trap', 'trace'].includes(d.action.kind) ? d.action.data : 0 };
      const where = `${how}: ${describe(e)}${runner.bits === 32 ? ' (registers truncated to 32 bits)' : ''}`;
      if (ours.kind !== meant.kind || ours.data !== meant.data) {
        problems.push(`${where}: explain() says ${ours.kind}(${ours.data}) [ret 0x${ex.ret.toString(16)}, origin ${JSON.stringify(ex.origin)}], ` +
          `decide() says ${meant.kind}(${meant.data}) [${d.origin.kind}]`);
      }
      const want = expectedOutcome(ours, e, k.info, facts);
      if (k.outcomes[i] !== want) {
        problems.push(`${where}: kernel ${k.outcomes[i]}, predicted ${want} from explain() ${ours.kind}(${ours.data}) ` +
          `[ret 0x${ex.ret.toString(16)}, origin ${JSON.stringify(ex.origin)}]`);
      }
      tally.events++;
      tally.byKind[ours.kind] = (tally.byKind[ours.kind] ?? 0) + 1;
      const cond = d.origin.kind === 'rule' ? (d.origin.entry.condition.kind === 'true' ? 'rule' : 'conditional rule') : d.origin.kind;
      tally.byOrigin[cond] = (tally.byOrigin[cond] ?? 0) + 1;
      const key = e.abi === 'i386' ? (runner.bits === 32 ? 'i386_32' : 'i386_64') : e.abi;
      tally.byAbi[key as keyof typeof tally.byAbi]++;
    });
  };
  runWith(r64!, events.filter((e) => e.abi !== 'i386' || int80), '64-bit runner');
  if (r32) runWith(r32, events.filter((e) => e.abi === 'i386'), '-m32 runner');
  if (problems.length) {
    assert.fail(`${label}: ${problems.length} mismatch(es)\n--- policy ---\n${text}--- mismatches ---\n${problems.slice(0, 40).join('\n')}` +
      `\n--- program ---\n${toDisassembly(program)}`);
  }
}

const X = 'x86_64' as const;
const I = 'i386' as const;
const X32 = 'x32' as const;
const HI = 0xdead_beef_0000_0000n; // garbage for the upper half of a 32-bit argument

// ---------------------------------------------------------------------------
// Every action, ABI selection and badarch.

test('kernel: every action, unconditional rules, default and badarch (x86_64 only)', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64
default errno(1000)
allow getpid
log getppid
errno(EPERM) getuid
errno(0) getgid
trap(77) gettid
trace(5) sched_yield
notify personality
kill_thread umask
kill_process syscall(1000)
errno(4095) syscall(1001)
trap close
`;
  check('every-action', policy, [
    sys(X, 'getpid'), sys(X, 'getppid'), sys(X, 'getuid'), sys(X, 'getgid'), sys(X, 'gettid'), sys(X, 'sched_yield'),
    sys(X, 'personality', 0xffffffffn), sys(X, 'umask', 0o77n), bogus(X, 1000), bogus(X, 1001), sys(X, 'close', BAD_FD),
    bogus(X, 1002), sys(X, 'dup', BAD_FD), sys(X, 'prctl', 3n),
    // x32 and i386 calls are foreign here: badarch (kill_process by default)
    sys(X32, 'getpid'), sys(X32, 'umask'), bogus(X32, 0x40000000 + 1000), sys(I, 'getpid'), sys(I, 'umask'),
    // numbers beyond the table: bit 30 decides x32
    bogus(X, 0x80000027), bogus(X, 0xbfffffff), bogus(X, 0xc0000027), bogus(X, 0x7fffffff), bogus(X, 0x3fffffff),
  ]);
});

test('kernel: every action under conditions, with x32 and i386 listed', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64, x32, i386
default errno(ENOENT)
badarch kill_thread
allow umask if mask == 1
log umask if mask == 2
errno(EPERM) umask if mask == 3
errno(0) umask if mask == 4
trap(65535) umask if mask == 5
trace(1) umask if mask == 6
notify umask if mask == 7
kill_thread umask if mask == 8
kill_process umask if mask == 9
trap getpid
allow getppid
`;
  const evs: KEvent[] = [];
  for (const abi of [X, X32, I] as Abi[]) {
    for (let m = 0n; m <= 10n; m++) evs.push(sys(abi, 'umask', m), sys(abi, 'umask', m | HI));
    evs.push(sys(abi, 'getpid'), sys(abi, 'getppid'), sys(abi, 'gettid'), bogus(abi, (abi === X32 ? 0x40000000 : 0) + 1000));
  }
  check('every-action-conditional', policy, evs);
});

test('kernel: badarch actions and ABI selections', (t) => {
  if (skipped(t)) return;
  const all = (abi: Abi): KEvent[] => [sys(abi, 'getpid'), sys(abi, 'getppid'), sys(abi, 'getuid'), sys(abi, 'umask', 0o7n), sys(abi, 'gettid')];
  const everywhere = [...all(X), ...all(X32), ...all(I), bogus(X, 0xc0000000 + 39), bogus(X, 0x40000000 + 999)];
  check('badarch-errno', `arch x86_64\ndefault allow\nbadarch errno(99)\nkill_process getppid\n`, everywhere);
  check('badarch-trap', `arch i386\ndefault errno(5)\nbadarch trap(3)\nallow getpid\nlog getuid\n`, everywhere);
  check('badarch-log-x32', `arch x86_64, x32\ndefault kill_thread\nbadarch log\nallow getpid, umask\nerrno(3) getppid\nlog gettid\n`, everywhere);
  check('reversed-arch-order', `arch i386, x86_64\ndefault errno(12)\nbadarch kill_thread\nallow getpid\ntrap(4) getppid\n`, everywhere);
  check('x32-only', `arch x32\ndefault errno(8)\nbadarch errno(9)\nallow getpid\ntrap(1) umask\n`, everywhere);
  check('badarch-trace-notify', `arch x86_64\ndefault allow\nbadarch trace(7)\n`, everywhere);
  check('badarch-notify', `arch i386\ndefault allow\nbadarch notify\nerrno(1) getpid\n`, everywhere);
  check('all-three', `arch x86_64, x32, i386\ndefault trap(2)\nallow getpid\nerrno(44) getppid\n`, everywhere);
});

// ---------------------------------------------------------------------------
// Argument comparisons.

test('kernel: 32-bit arguments, every operator, masks, in, not in, !, &&, ||, negative constants, upper-half garbage', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64, i386
default allow
errno(11) umask if mask == 0o17
errno(12) umask if mask == -1
errno(13) personality if persona != 0xffffffff && persona < 0x100
errno(14) personality if persona >= 0x80000000 && persona != 0xffffffff
errno(15) personality if persona > 0x1000 && persona <= 0x2000
errno(16) sched_getscheduler if pid < -100
errno(17) sched_getscheduler if pid == 0x7000000 || pid == -5
errno(18) close if fd in (3, 4, 0x7fffffff)
errno(19) close if fd not in (5, 6) && fd > 0x1000
errno(20) dup if !(oldfd >= 100 || oldfd < 50)
errno(21) dup if oldfd & 0xf0000000 == 0x80000000
errno(23) umask if mask & 0xffff0000 == 0xffff0000 && !(mask & 1)
errno(24) umask if mask & 0o700
errno(25) umask if mask & -16 == 0x7ffffff0
errno(26) dup if oldfd == ~0xff
`;
  const vals: Record<string, bigint[]> = {
    umask: [0o17n, 0o16n, 0o20n, -1n, 0xffffffffn, 0xfffffffen, 0o700n, 0o100n, 0o77n, 0xffff0000n, 0xffff0001n, 0xffff0100n, 0x7ffffff0n, 0x7ffffff7n, 0x7fffffe0n, 0n],
    personality: [0xffn, 0x100n, 0xffffffffn, 0x80000000n, 0xfffffffen, 0x1000n, 0x1001n, 0x2000n, 0x2001n, 0x7fffffffn],
    sched_getscheduler: [-101n, -100n, -99n, -5n, -6n, 0n, 0x7000000n, 0x7000001n, 0xffffffff_07000000n, 0x1_0000_0000n, 0x7fffffffn],
    close: [3n, 4n, 5n, 6n, 0x7fffffffn, 0x1000n, 0x1001n, 0xffffffffn, 0x1_0000_0003n],
    dup: [49n, 50n, 99n, 100n, 0x80000000n, 0x8fffffffn, 0x90000000n, 0xffffff00n, 0xffffff01n, 0xffffffff_00000032n],
  };
  const evs: KEvent[] = [];
  for (const abi of [X, I] as Abi[]) {
    for (const [name, vs] of Object.entries(vals)) {
      for (const v of vs) {
        evs.push(sys(abi, name, v));
        // the same low half under upper-half garbage: the kernel ignores it, and so must the filter
        if (BigInt.asUintN(64, v) >> 32n === 0n && name !== 'personality') evs.push(sys(abi, name, v | HI));
      }
    }
    // personality with garbage above a value that would otherwise query: the kernel sees 0xffffffff
    evs.push(sys(abi, 'personality', 0xffffffffn | HI), sys(abi, 'personality', 0xffn | HI));
  }
  check('args-32', policy, evs);
});

test('kernel: 64-bit arguments, hi/lo boundaries, negative constants, masks across halves', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64, x32
default errno(40)
allow prctl if option == PR_GET_DUMPABLE && arg2 == 0x100000000
errno(41) prctl if option == PR_GET_DUMPABLE && arg2 != 0 && arg2 < 0x100000000
errno(42) prctl if option == PR_GET_DUMPABLE && arg3 > 0xffffffff && arg3 <= 0x100000005
errno(43) prctl if option == PR_GET_DUMPABLE && arg4 >= -2
errno(44) prctl if option == PR_GET_DUMPABLE && arg5 & 0xff00000000 == 0x1200000000
log prctl if option == PR_GET_DUMPABLE && arg5 in (-1, 0x8000000000000000, 7)
trap(9) prctl if option == PR_GET_DUMPABLE && arg5 not in (0, 1, 0x100000000)
allow prctl if option == PR_GET_DUMPABLE
errno(45) lseek if offset == -1
errno(46) lseek if offset > 0x7fffffffffffffff
errno(47) lseek if offset & 0xffffffff == 0 && offset != 0
allow lseek
errno(48) fcntl if arg == 0xffffffff || arg == 0x100000000
errno(49) fcntl if !(arg <= 0xffffffff)
allow fcntl
errno(50) ioctl if request == TCGETS && arg == 0
allow ioctl if request == TCGETS
`;
  const D = 3n;
  const evs: KEvent[] = [];
  for (const abi of [X, X32] as Abi[]) {
    const p = (...a: bigint[]) => evs.push(sys(abi, 'prctl', ...a));
    p(D, 0x100000000n); p(D | HI, 0x100000000n); p(D, 5n); p(D, 0xffffffffn); p(D, 0x100000001n); p(D, 0x1_ffffffffn);
    p(D, 0n, 0x100000000n); p(D, 0n, 0x100000005n); p(D, 0n, 0x100000006n); p(D, 0n, 0xffffffffn); p(D, 0n, 0x2_00000001n);
    p(D, 0n, 0n, -2n); p(D, 0n, 0n, -3n); p(D, 0n, 0n, -1n); p(D, 0n, 0n, 0xfffffffe_ffffffffn); p(D, 0n, 0n, 0xfffffffen);
    p(D, 0n, 0n, 0n, 0x12_00000000n); p(D, 0n, 0n, 0n, 0x12_ffffffffn); p(D, 0n, 0n, 0n, 0x13_00000000n); p(D, 0n, 0n, 0n, 0xff12_00000000n);
    p(D, 0n, 0n, 0n, -1n); p(D, 0n, 0n, 0n, 0x8000000000000000n); p(D, 0n, 0n, 0n, 7n); p(D, 0n, 0n, 0n, 0x7_00000000n);
    p(D, 0n, 0n, 0n, 2n); p(D, 0n, 0n, 0n, 1n); p(D, 0n, 0n, 0n, 0n); p(D, 0n, 0n, 0n, 0x100000000n); p(D, 0n, 0n, 0n, 0x1_00000001n);
    p(0x7fff1234n, 0x100000000n); p(0x3_00000000n);
    for (const off of [-1n, 0xffffffffn, 0xffffffff_fffffffen, 0x8000000000000000n, 0x7fffffffffffffffn, 0x5_00000000n, 0n, 5n, 0x1_00000001n]) {
      evs.push(sys(abi, 'lseek', BAD_FD, off, 0n));
    }
    for (const arg of [0xffffffffn, 0x100000000n, 0x100000001n, 5n, 0n, -1n]) evs.push(sys(abi, 'fcntl', BAD_FD, 1n, arg));
    for (const [req, arg] of [[0x5401n, 0n], [0x5401n, 0x1_00000000n], [0x5401n | HI, 0n], [0x5402n, 0n], [0x5401n, 1n]] as const) {
      evs.push(sys(abi, 'ioctl', BAD_FD, req, arg));
    }
  }
  check('args-64', policy, evs);
});

test('kernel: 64-bit-on-x86_64 arguments are 32-bit on i386 (same policy, both ABIs)', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64, i386
default errno(60)
errno(61) prctl if option == PR_GET_DUMPABLE && arg2 == 0xffffffff
errno(62) prctl if option == PR_GET_DUMPABLE && arg3 >= 0x80000000
errno(63) prctl if option == PR_GET_DUMPABLE && arg4 & 0xf0 == 0x10 && arg5 not in (1, 2)
allow prctl if option == PR_GET_DUMPABLE
errno(64) lseek if offset == -1
allow lseek
`;
  const evs: KEvent[] = [];
  for (const abi of [X, I] as Abi[]) {
    const p = (...a: bigint[]) => evs.push(sys(abi, 'prctl', ...a));
    p(3n, 0xffffffffn); p(3n, -1n); p(3n, 0x1_ffffffffn); p(3n, 0xfffffffen);
    p(3n, 0n, 0x80000000n); p(3n, 0n, 0x7fffffffn); p(3n, 0n, 0x1_00000000n); p(3n, 0n, 0x1_80000000n);
    p(3n, 0n, 0n, 0x11n, 3n); p(3n, 0n, 0n, 0x11n, 1n); p(3n, 0n, 0n, 0x21n, 3n); p(3n, 0n, 0n, 0x1_00000011n, 0x1_00000001n);
    p(3n, 0n, 0n, 0n, 0n); p(0x7fff1234n);
    for (const off of [-1n, 0xffffffffn, 0x1_ffffffffn, 0n]) evs.push(sys(abi, 'lseek', BAD_FD, off));
  }
  check('args-64-vs-i386', policy, evs);
});

test('kernel: rule order (first match wins) and conditions mixing arguments', (t) => {
  if (skipped(t)) return;
  const policy = `arch x86_64, i386
default kill_process
errno(70) lseek if fd == 77 && (whence == 1 || whence > 5) && !(offset == 0)
trap(71) lseek if fd == 77 || whence == 9
errno(72) lseek if fd >= 78 && fd <= 80
allow lseek
errno(73) fcntl if (fd == 100 || cmd == 2) && (arg & 0xff == 0x42 || arg == 0)
log fcntl if fd in (100, 101) && cmd not in (1, 2, 3)
allow fcntl
allow getpid, getppid
`;
  const evs: KEvent[] = [];
  for (const abi of [X, I] as Abi[]) {
    const l = (...a: bigint[]) => evs.push(sys(abi, 'lseek', ...a));
    l(77n, 1n, 1n); l(77n, 0n, 1n); l(77n, 1n, 6n); l(77n, 1n, 5n); l(77n, 0n, 9n); l(78n, 5n, 9n); l(78n, 5n, 1n); l(80n, 0n, 0n);
    l(81n, 0n, 0n); l(77n | HI, 1n, 1n | HI); l(3n, 0x1_00000000n, 6n);
    const f = (...a: bigint[]) => evs.push(sys(abi, 'fcntl', ...a));
    f(100n, 1n, 0x42n); f(100n, 1n, 0x142n); f(100n, 1n, 0n); f(100n, 1n, 0x43n); f(101n, 2n, 0x1_00000042n); f(101n, 2n, 0x1_00000000n);
    f(101n, 4n, 5n); f(101n, 3n, 5n); f(102n, 4n, 5n); f(100n | HI, 0x400n, 7n);
    evs.push(sys(abi, 'getpid'), sys(abi, 'getuid'));
  }
  check('rule-order', policy, evs);
});

// ---------------------------------------------------------------------------
// Random policies.

function lit(v: bigint, r: R): string {
  if (v < 0n) return `-${r(2) ? (-v).toString() : '0x' + (-v).toString(16)}`;
  return r(3) === 0 ? v.toString() : '0x' + v.toString(16);
}

function randomCondition(r: R, s: SysSpec, narrow: boolean, consts: Map<string, bigint[]>, depth = 0): string {
  const c = r(10);
  if (depth < 2 && c < 2) return `(${randomCondition(r, s, narrow, consts, depth + 1)} && ${randomCondition(r, s, narrow, consts, depth + 1)})`;
  if (depth < 2 && c < 4) return `(${randomCondition(r, s, narrow, consts, depth + 1)} || ${randomCondition(r, s, narrow, consts, depth + 1)})`;
  if (depth < 2 && c === 4) return `!(${randomCondition(r, s, narrow, consts, depth + 1)})`;
  const a = pick(r, s.args);
  const key = `${s.name}/${a.index}`;
  const remember = (v: bigint) => {
    const list = consts.get(key) ?? [];
    list.push(v);
    consts.set(key, list);
    return v;
  };
  const name = r(4) === 0 ? `arg${a.index}` : a.name;
  const k = r(12);
  if (k < 2) {
    const n = 1 + r(3);
    const vs = Array.from({ length: n }, () => lit(remember(randomConst(r, a.kind, narrow)), r));
    return `${name} ${r(2) ? 'not in' : 'in'} (${vs.join(', ')})`;
  }
  if (k < 4) {
    // a masked comparison, or a bare mask
    const wide = a.kind === 'any64' && !narrow;
    const mask = wide && r(2) ? (r(2) ? 0xff_0000_00ffn : 0xffff_ffff_0000_0000n) : pick(r, [0xffn, 0xf0n, 0xffff0000n, 0x80000000n, 0x1n, 0xfffffff0n]);
    if (k === 3) return `${name} & ${lit(mask, r)}`;
    const v = remember(randomConst(r, a.kind, narrow) & mask);
    return `${name} & ${lit(mask, r)} ${pick(r, ['==', '!=', '<', '>='])} ${lit(v, r)}`;
  }
  const op = pick(r, ['==', '!=', '<', '<=', '>', '>=']);
  return `${name} ${op} ${lit(remember(randomConst(r, a.kind, narrow)), r)}`;
}

function randomAction(r: R): string {
  switch (r(9)) {
    case 0: case 1: return 'allow';
    case 2: return 'log';
    case 3: return `errno(${pick(r, [1, 5, 13, 95, 1000, 4095, 0, 2 + r(200)])})`;
    case 4: return r(4) === 0 ? 'trap' : `trap(${r(65536)})`;
    case 5: return `trace(${r(65536)})`;
    case 6: return 'notify';
    case 7: return 'kill_thread';
    default: return r(2) ? 'kill_process' : 'kill';
  }
}

function randomPolicy(r: R): { text: string; abis: Abi[]; used: SysSpec[]; consts: Map<string, bigint[]> } {
  const abis = pick(r, [[X], [X, X32], [X, I], [I], [X, X32, I], [I, X], [X32]] as Abi[][]);
  const narrow = abis.includes(I);
  const lines = [`arch ${abis.join(', ')}`, `default ${randomAction(r)}`];
  if (r(2)) lines.push(`badarch ${randomAction(r)}`);
  const consts = new Map<string, bigint[]>();
  const used: SysSpec[] = [];
  const nRules = 2 + r(8);
  for (let i = 0; i < nRules; i++) {
    const s = pick(r, SYSCALLS);
    if (!used.includes(s)) used.push(s);
    const cond = s.args.length && r(5) !== 0 ? ` if ${randomCondition(r, s, narrow, consts)}` : '';
    lines.push(`${randomAction(r)} ${s.name}${cond}`);
  }
  if (r(3) === 0) lines.push(`${randomAction(r)} syscall(1000)`);
  return { text: lines.join('\n') + '\n', abis, used, consts };
}

test('kernel: random policies agree with the kernel on random events', (t) => {
  if (skipped(t)) return;
  const r = prng(0xc0ffee);
  const POLICIES = 100;
  for (let p = 0; p < POLICIES; p++) {
    const pol = randomPolicy(r);
    const evs: KEvent[] = [];
    const targets = [...pol.used, pick(r, SYSCALLS), pick(r, SYSCALLS)];
    for (const s of targets) {
      for (const abi of [X, X32, I] as Abi[]) {
        const n = pol.abis.includes(abi) ? 2 + r(2) : 1;
        for (let i = 0; i < n; i++) {
          const args = [0n, 0n, 0n, 0n, 0n, 0n];
          for (const a of s.args) args[a.index] = randomArgValue(r, a, pol.consts.get(`${s.name}/${a.index}`) ?? []);
          evs.push(sys(abi, s.name, ...args));
        }
      }
    }
    evs.push(bogus(X, 1000), bogus(I, 1000), bogus(X32, 0x40000000 + 1000), bogus(X, 0x80000000 + r(1000)), bogus(X, 0xc0000000 + r(1000)));
    check(`random-${p}`, pol.text, evs);
  }
});

test('kernel: sanity of the event counts', (t) => {
  if (skipped(t)) return;
  assert.ok(tally.events >= 500, `only ${tally.events} events compared`);
  for (const kind of ['allow', 'log', 'errno', 'trap', 'trace', 'notify', 'kill_thread', 'kill_process']) {
    assert.ok((tally.byKind[kind] ?? 0) > 0, `no event exercised ${kind}`);
  }
  t.diagnostic(`${tally.events} events over ${tally.policies} policies`);
});

// On a host that cannot run i386 code (a VM guest without IA32 emulation: ENOEXEC for -m32,
// SIGSEGV for int $0x80) the i386 events above are left out; say so here rather than pass
// quietly. The i386 argument layout is proven in a qemu guest (abi-layout-kernel.test.ts).
test('kernel: i386 events ran (int $0x80 from 64-bit code, or a -m32 runner)', (t) => {
  if (skipped(t)) return;
  if (!int80 && !r32) {
    t.skip(`this kernel runs no i386 code (int $0x80 unavailable; -m32 runner: ${skip32 ?? 'not built'})`);
    return;
  }
  assert.ok(tally.byAbi.i386_64 + tally.byAbi.i386_32 > 0, 'i386 events were compared');
});
