/**
 * Kernel-in-the-loop tests for server/src/bpf: the same hand-built and random
 * programs are run by the real kernel (installed as seccomp filters in forked
 * children of a tiny C helper built with gcc at test time) and by our
 * interpreter, and the kernel's accept/reject decisions are compared with our
 * validator. x86_64 Linux only; skipped when gcc or seccomp is unavailable.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP,
  BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET,
  BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, BPF_MAXINSNS, encodeProgram,
  jump, stmt, type Instruction,
} from '../../server/src/bpf/instructions';
import { runProgram, type SeccompData } from '../../server/src/bpf/interpreter';
import { validateProgram } from '../../server/src/bpf/validator';
import { disassemble } from '../../server/src/bpf/disassembler';
import {
  SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, actionOf,
} from '../../server/src/kernel/seccomp';
import { C_DIR, C_FLAGS } from './harness';
import { blocker, machine } from '../helpers/machine';

// ---------------------------------------------------------------------------
// The C helper (C11, built with -Wall -Wextra -Werror).

const AUDIT_ARCH_X86_64 = 0xc000003e;
const NR_GETPID = 39;
const NR_GETPPID = 110;
const NR_GETUID = 102;
const NR_BOGUS = 1000;
const SIGSYS = 31;
const ENOSYS = 38;

let dir = '';
let runner = '';
let skipReason: string | undefined;

before(() => {
  // Found by trying (test/helpers/machine.ts); under CI a missing tool fails instead of skipping.
  skipReason = blocker(machine.linuxX64(), machine.gcc());
  if (skipReason !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'bpf-kernel-'));
  runner = join(dir, 'runner');
  const cc = spawnSync('gcc', [...C_FLAGS, '-o', runner, join(C_DIR, 'bpf-runner.c')], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) throw new Error(`gcc failed:\n${cc.stderr}`);
  const probe = spawnSync(runner, ['probe'], { encoding: 'utf8' });
  if (probe.status !== 0 || probe.stdout.trim() !== 'accept') {
    skipReason = `seccomp filters unavailable (probe: ${probe.stdout.trim()} ${probe.stderr.trim()})`;
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Talking to the helper.

interface Event {
  nr: number;
  args: bigint[]; // 6 values
}

interface KernelRun {
  ip: bigint;
  runnerPid: number;
  outcomes: string[]; // normalised, see normaliseKernel
}

let fileCounter = 0;
function writeFilter(prog: readonly Instruction[]): string {
  const path = join(dir, `filter-${fileCounter++}.bin`);
  writeFileSync(path, encodeProgram(prog));
  return path;
}

function u64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

/**
 * Kernel outcome, normalised: `ret:self` (the syscall ran: getpid returned the
 * child's pid), `ret:parent` (getppid ran), `ret:<n>` (raw return value, -errno
 * for failures), `trap:<nr>:<data>`, `signal:<n>`, `reject:<errno>`.
 */
function normaliseKernel(line: string, runnerPid: number): string {
  const f = line.split(' ');
  switch (f[0]) {
    case 'ret': {
      const v = Number(f[1]);
      if (v === Number(f[2])) return 'ret:self';
      if (v === runnerPid) return 'ret:parent';
      return `ret:${v}`;
    }
    case 'trap':
      assert.equal(Number(f[3]), AUDIT_ARCH_X86_64, 'si_arch');
      return `trap:${f[1]}:${f[2]}`;
    case 'signal':
      return `signal:${f[1]}`;
    case 'reject':
      return `reject:${f[1]}`;
    default:
      throw new Error(`unexpected runner output: ${line}`);
  }
}

function runInKernel(prog: readonly Instruction[], events: readonly Event[]): KernelRun {
  const filter = writeFilter(prog);
  const evPath = join(dir, `events-${fileCounter++}.txt`);
  writeFileSync(evPath, events.map((e) => [e.nr, ...e.args].map((v) => u64(BigInt(v))).join(' ') + '\n').join(''));
  const r = spawnSync(runner, ['run', filter, evPath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runner failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const head = /^ip (0x[0-9a-f]+) pid (\d+)$/.exec(lines[0]!);
  if (!head) throw new Error(`bad runner header: ${lines[0]}`);
  const runnerPid = Number(head[2]);
  const outcomes = lines.slice(1).map((l) => normaliseKernel(l, runnerPid));
  assert.equal(outcomes.length, events.length);
  return { ip: BigInt(head[1]!), runnerPid, outcomes };
}

function checkInKernel(progs: readonly (readonly Instruction[])[]): string[] {
  const out: string[] = [];
  // Keep command lines short.
  for (let i = 0; i < progs.length; i += 200) {
    const files = progs.slice(i, i + 200).map(writeFilter);
    const r = spawnSync(runner, ['check', ...files], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`runner failed (${r.status}): ${r.stderr}`);
    out.push(...r.stdout.trim().split('\n'));
  }
  assert.equal(out.length, progs.length);
  return out;
}

/** What the kernel should do with a syscall, given the filter's return value. */
function expectedOutcome(ret: number, nr: number): string {
  const { effective, data } = actionOf(ret);
  const ran = (): string => {
    switch (nr) {
      case NR_GETPID:
        return 'ret:self';
      case NR_GETPPID:
        return 'ret:parent';
      case NR_GETUID:
        return `ret:${process.getuid!()}`;
      case NR_BOGUS:
        return `ret:${-ENOSYS}`;
      default:
        throw new Error(`no expectation for syscall ${nr}`);
    }
  };
  switch (effective) {
    case 'allow':
    case 'log':
      return ran();
    case 'errno':
      return `ret:${-Math.min(data, 4095)}`;
    case 'trap':
      return `trap:${nr}:${data}`;
    case 'trace': // no tracer attached
    case 'user_notif': // no listener
      return `ret:${-ENOSYS}`;
    case 'kill_process':
    case 'kill_thread':
      return `signal:${SIGSYS}`;
  }
}

function dataFor(e: Event, ip: bigint): SeccompData {
  return { nr: e.nr, arch: AUDIT_ARCH_X86_64, instructionPointer: ip, args: e.args };
}

/** Runs `prog` on every event in the kernel and in the interpreter, and compares. */
function compare(prog: readonly Instruction[], events: readonly Event[], label = 'program'): void {
  const v = validateProgram(prog);
  assert.deepEqual(v, { ok: true }, `${label} should be valid`);
  const k = runInKernel(prog, events);
  events.forEach((e, i) => {
    const ret = runProgram(prog, dataFor(e, k.ip)).action;
    const want = expectedOutcome(ret, e.nr);
    if (k.outcomes[i] !== want) {
      assert.fail(
        `${label}, event ${i} (nr ${e.nr}, args ${e.args.map(u64).join(' ')}): kernel ${k.outcomes[i]}, ` +
          `interpreter returned 0x${ret.toString(16)} → expected ${want}\n${disassemble(prog)}`,
      );
    }
  });
}

function ev(nr: number, ...args: bigint[]): Event {
  const a = [...args];
  while (a.length < 6) a.push(0n);
  return { nr, args: a };
}

function skipped(t: { skip: (reason: string) => void }): boolean {
  if (skipReason !== undefined) {
    t.skip(skipReason);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Builders.

const ld = (off: number): Instruction => stmt(BPF_LD | BPF_W | BPF_ABS, off);
const ldi = (k: number): Instruction => stmt(BPF_LD | BPF_IMM, k);
const ldxi = (k: number): Instruction => stmt(BPF_LDX | BPF_IMM, k);
const alu = (op: number, k: number): Instruction => stmt(BPF_ALU | op | BPF_K, k);
const alux = (op: number): Instruction => stmt(BPF_ALU | op | BPF_X);
const ret = (k: number): Instruction => stmt(BPF_RET | BPF_K, k);
const RET_A = stmt(BPF_RET | BPF_A);
const TAX = stmt(BPF_MISC | BPF_TAX);
const TXA = stmt(BPF_MISC | BPF_TXA);
const ALLOW = ret(SECCOMP_RET_ALLOW);
/** A = ERRNO | (A & 0xfff); ret a — makes 12 bits of A observable as errno. */
const RETURN_A_AS_ERRNO = [alu(BPF_AND, 0xfff), alu(BPF_OR, SECCOMP_RET_ERRNO), RET_A];
/** Only getpid goes through the body; everything else (exit_group…) is allowed. */
const ONLY_GETPID = [ld(0), jump(BPF_JMP | BPF_JEQ | BPF_K, NR_GETPID, 1, 0), ALLOW];

// ---------------------------------------------------------------------------
// Hand-built programs.

test('kernel: actions and their observable effects', (t) => {
  if (skipped(t)) return;
  // getpid: ret args[0] low as the action; other syscalls allowed.
  const prog = [...ONLY_GETPID, ld(16), RET_A];
  const values = [
    SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP | 5,
    SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO, SECCOMP_RET_ERRNO | 4095, SECCOMP_RET_ERRNO | 4096,
    SECCOMP_RET_ERRNO | 0xffff, SECCOMP_RET_TRACE | 3, SECCOMP_RET_USER_NOTIF, SECCOMP_RET_ALLOW | 0x1234,
    0x00010000, 0x00040000, 0x7ffe0000, 0xffff0000, 0x8000ffff, 0x00000005,
  ];
  compare(prog, values.map((v) => ev(NR_GETPID, BigInt(v))), 'ret args[0]');
  // the other syscalls pass
  compare(prog, [ev(NR_GETPPID), ev(NR_GETUID), ev(NR_BOGUS)], 'pass-through');
});

test('kernel: argument checks with jset/jgt/jge/jeq, scratch memory and ALU', (t) => {
  if (skipped(t)) return;
  const prog: Instruction[] = [
    ...ONLY_GETPID,
    ld(16), stmt(BPF_ST, 0), // M0 = args[0] low
    ld(20), stmt(BPF_ST, 1), // M1 = args[0] high
    ld(24), TAX, // X = args[1] low
    stmt(BPF_LD | BPF_MEM, 0),
    jump(BPF_JMP | BPF_JSET | BPF_K, 0x1, 0, 1),
    ret(SECCOMP_RET_ERRNO | 1),
    stmt(BPF_LD | BPF_MEM, 1),
    jump(BPF_JMP | BPF_JGT | BPF_K, 0x10, 0, 1),
    ret(SECCOMP_RET_ERRNO | 2),
    stmt(BPF_LDX | BPF_MEM, 0),
    jump(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), // A (args[0] high) >= X (args[0] low)?
    ret(SECCOMP_RET_ERRNO | 3),
    ld(32),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1),
    ret(SECCOMP_RET_TRAP | 9),
    ld(40),
    alu(BPF_ADD, 5), alu(BPF_MUL, 3), alu(BPF_SUB, 1), alu(BPF_XOR, 0xa5),
    ...RETURN_A_AS_ERRNO,
  ];
  compare(prog, [
    ev(NR_GETPID, 1n),
    ev(NR_GETPID, 0x1100000002n),
    ev(NR_GETPID, 0x0000000500000008n),
    ev(NR_GETPID, 0x0000000800000002n, 0n, 0xffffffffn),
    ev(NR_GETPID, 0x0000000800000002n, 0n, 0xffffffff00000000n),
    ev(NR_GETPID, 0x0000000800000002n, 0n, 0x1ffffffffn, 0x7n),
    ev(NR_GETPID, 0x0000000800000002n, 0n, 0xffffffffn, 0xfffffffffn),
    ev(NR_GETPID, 0n, 0n, 0xffffffffn, 0n),
    ev(NR_GETPPID, 1n),
  ], 'argument checks');
});

test('kernel: ret a with A computed from args through X (lsh, rsh, div, mul, sub, neg)', (t) => {
  if (skipped(t)) return;
  // args[2] selects the operation on A = args[0] low and X = args[1] low;
  // args[3] selects which 12 bits of the 32-bit result come back as errno.
  const J = BPF_JMP | BPF_JEQ | BPF_K;
  const prog: Instruction[] = [
    ...ONLY_GETPID, // 0-2
    ld(24), TAX, // 3-4: X = args[1] low
    ld(32), // 5: A = operation
    jump(J, 0, 7, 0), // 6 → 14 lsh
    jump(J, 1, 9, 0), // 7 → 17 rsh
    jump(J, 2, 11, 0), // 8 → 20 div
    jump(J, 3, 13, 0), // 9 → 23 mul
    jump(J, 4, 15, 0), // 10 → 26 sub
    ld(16), stmt(BPF_ALU | BPF_NEG), stmt(BPF_JMP | BPF_JA, 15), // 11-13: neg → 29
    ld(16), alux(BPF_LSH), stmt(BPF_JMP | BPF_JA, 12), // 14-16
    ld(16), alux(BPF_RSH), stmt(BPF_JMP | BPF_JA, 9), // 17-19
    ld(16), alux(BPF_DIV), stmt(BPF_JMP | BPF_JA, 6), // 20-22
    ld(16), alux(BPF_MUL), stmt(BPF_JMP | BPF_JA, 3), // 23-25
    ld(16), alux(BPF_SUB), alu(BPF_ADD, 0x1234), // 26-28
    stmt(BPF_ST, 0), ld(40), TAX, stmt(BPF_LD | BPF_MEM, 0), alux(BPF_RSH), // 29-33
    ...RETURN_A_AS_ERRNO,
  ];
  const events: Event[] = [];
  const a0s = [0x12345678n, 0xfffffffen, 0x80000001n];
  const a1s = [0n, 1n, 4n, 31n, 32n, 36n, 0xffffffffn, 0x80000003n];
  for (const op of [0n, 1n, 2n, 3n, 4n, 5n])
    for (const a0 of a0s) for (const a1 of a1s) for (const sh of [0n, 12n, 20n]) events.push(ev(NR_GETPID, a0, a1, op, sh));
  compare(prog, events, 'computed A');
});

test('kernel: shift by X >= 32 masks the count (not 0)', (t) => {
  if (skipped(t)) return;
  const prog = [...ONLY_GETPID, ld(16), TAX, ldi(0x12345678), alux(BPF_LSH), alu(BPF_RSH, 20), ...RETURN_A_AS_ERRNO];
  const events = [0n, 4n, 32n, 36n, 0xffffffffn, 0x100000004n].map((x) => ev(NR_GETPID, x));
  compare(prog, events, 'lsh x');
  const k = runInKernel(prog, events);
  assert.deepEqual(k.outcomes, ['ret:-291', 'ret:-564', 'ret:-291', 'ret:-564', 'ret:0', 'ret:-564']);
});

test('kernel: division by X = 0 kills (returns 0)', (t) => {
  if (skipped(t)) return;
  const prog = [...ONLY_GETPID, ld(16), TAX, ldi(100), alux(BPF_DIV), ...RETURN_A_AS_ERRNO];
  compare(prog, [ev(NR_GETPID, 0n), ev(NR_GETPID, 7n), ev(NR_GETPID, 0x100000000n), ev(NR_GETPID, 1000n)], 'div x');
  const k = runInKernel(prog, [ev(NR_GETPID, 0n), ev(NR_GETPID, 7n)]);
  assert.deepEqual(k.outcomes, [`signal:${SIGSYS}`, 'ret:-14']);
});

test('kernel: instruction_pointer, arch, nr and len', (t) => {
  if (skipped(t)) return;
  compare([...ONLY_GETPID, ld(8), ...RETURN_A_AS_ERRNO], [ev(NR_GETPID)], 'ip low');
  compare([...ONLY_GETPID, ld(12), ...RETURN_A_AS_ERRNO], [ev(NR_GETPID)], 'ip high');
  compare([...ONLY_GETPID, ld(4), alu(BPF_RSH, 16), ...RETURN_A_AS_ERRNO], [ev(NR_GETPID)], 'arch');
  compare([...ONLY_GETPID, stmt(BPF_LD | BPF_W | BPF_LEN), ...RETURN_A_AS_ERRNO], [ev(NR_GETPID)], 'ld len');
  compare([...ONLY_GETPID, stmt(BPF_LDX | BPF_W | BPF_LEN), TXA, alu(BPF_ADD, 1), ...RETURN_A_AS_ERRNO], [ev(NR_GETPID)], 'ldx len');
  // every args word, distinct values
  for (let off = 16; off < 64; off += 4) {
    compare([...ONLY_GETPID, ld(off), ...RETURN_A_AS_ERRNO],
      [ev(NR_GETPID, 0x1110000222n, 0x3330000444n, 0x5550000666n, 0x7770000888n, 0x9990000aaan, 0xbbb0000cccn)], `args word ${off}`);
  }
});

test('kernel: ja and code after ret (check_load_and_stores quirks)', (t) => {
  if (skipped(t)) return;
  compare([stmt(BPF_JMP | BPF_JA, 1), ret(0), ...ONLY_GETPID, ret(SECCOMP_RET_ERRNO | 11)], [ev(NR_GETPID), ev(NR_GETPPID)], 'ja');
  const quirks: Instruction[][] = [
    [ldi(1), stmt(BPF_ST, 0), ALLOW, stmt(BPF_LD | BPF_MEM, 0), RET_A], // ret does not reset the analysis
    [ALLOW, stmt(BPF_LD | BPF_MEM, 0), RET_A], // unreachable read still rejected
    [stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_LD | BPF_MEM, 5), ALLOW], // dead code after ja accepted
    [stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_ST, 5), stmt(BPF_LD | BPF_MEM, 5), ALLOW], // store skipped by ja
    [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), stmt(BPF_ST, 2), stmt(BPF_LD | BPF_MEM, 2), ALLOW],
    [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), stmt(BPF_ST, 2), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_STX, 2), stmt(BPF_LD | BPF_MEM, 2), ALLOW],
  ];
  const kernel = checkInKernel(quirks);
  assert.deepEqual(kernel, ['accept', 'reject 22', 'accept', 'reject 22', 'reject 22', 'accept']);
  quirks.forEach((p, i) => assert.equal(validateProgram(p).ok, kernel[i] === 'accept', `quirk ${i}`));
});

test('kernel: validator agrees on invalid programs of every kind', (t) => {
  if (skipped(t)) return;
  const longest = Array.from({ length: BPF_MAXINSNS }, () => ALLOW);
  const cases: [string, Instruction[]][] = [
    ['valid', [ld(0), ALLOW]],
    ['valid 4096', longest],
    ['too long', [...longest, ALLOW]],
    ['ldh', [stmt(BPF_LD | 0x08 | BPF_ABS, 0), ALLOW]],
    ['ldb', [stmt(BPF_LD | 0x10 | BPF_ABS, 0), ALLOW]],
    ['ld ind', [stmt(BPF_LD | BPF_W | 0x40, 0), ALLOW]],
    ['msh', [stmt(BPF_LDX | 0x10 | 0xa0, 0), ALLOW]],
    ['mod k', [alu(0x90, 3), ALLOW]],
    ['mod x', [alux(0x90), ALLOW]],
    ['ret x', [stmt(BPF_RET | BPF_X, 0)]],
    ['ld [64]', [ld(64), ALLOW]],
    ['ld [60]', [ld(60), ALLOW]],
    ['ld [2]', [ld(2), ALLOW]],
    ['ld ancillary', [ld(0xfffff000), ALLOW]],
    ['div 0', [alu(BPF_DIV, 0), ALLOW]],
    ['lsh 32', [alu(BPF_LSH, 32), ALLOW]],
    ['rsh 31', [alu(BPF_RSH, 31), ALLOW]],
    ['rsh 33', [alu(BPF_RSH, 33), ALLOW]],
    ['st 16', [stmt(BPF_ST, 16), ALLOW]],
    ['ld M[16]', [stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 16), ALLOW]],
    ['ja out', [stmt(BPF_JMP | BPF_JA, 1), ALLOW]],
    ['ja huge', [stmt(BPF_JMP | BPF_JA, 0xffffffff), ALLOW]],
    ['jeq jt out', [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ALLOW]],
    ['jgt jf out', [jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), ALLOW]],
    ['no ret', [ALLOW, ld(0)]],
    ['unwritten M', [stmt(BPF_LDX | BPF_MEM, 3), ALLOW]],
    ['neg x', [stmt(BPF_ALU | BPF_NEG | BPF_X), ALLOW]],
    ['high code bits', [{ code: 0x106, jt: 0, jf: 0, k: 0 }]],
  ];
  const kernel = checkInKernel(cases.map((c) => c[1]));
  cases.forEach(([name, prog], i) => {
    const ours = validateProgram(prog);
    const k = kernel[i]!;
    assert.ok(k === 'accept' || k === 'reject 22', `${name}: kernel said ${k}`);
    assert.equal(ours.ok, k === 'accept', `${name}: kernel ${k}, validator ${JSON.stringify(ours)}`);
  });
  assert.equal(kernel[0], 'accept');
  assert.equal(kernel[2], 'reject 22');
});

// ---------------------------------------------------------------------------
// Random differential testing.

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
}

function randomConst(r: (n: number) => number): number {
  switch (r(6)) {
    case 0: return r(8);
    case 1: return [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xffff, 0x10000][r(7)]!;
    case 2: return r(40);
    default: return (r(0x10000) * 0x10000 + r(0x10000)) >>> 0;
  }
}

function randomArg(r: (n: number) => number): bigint {
  switch (r(5)) {
    case 0: return BigInt(r(8));
    case 1: return BigInt(randomConst(r));
    case 2: return BigInt(randomConst(r)) << 32n | BigInt(randomConst(r));
    case 3: return [0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x100000000n, 32n, 33n][r(6)]!;
    default: return BigInt(r(0x10000)) << 48n | BigInt(r(0x10000)) << 16n | BigInt(r(0x10000));
  }
}

/** A valid program: stores to all scratch words, a random body, then tails returning bits of A as errno. */
function randomValidProgram(r: (n: number) => number): Instruction[] {
  const prologue: Instruction[] = [];
  for (let i = 0; i < 16; i++) {
    prologue.push(ld(4 * r(16)));
    prologue.push(stmt(BPF_ST, i));
  }
  const bodyLen = 5 + r(40);
  const tails = [0, 1, 2].map(() => [alu(BPF_RSH, r(21)), ...RETURN_A_AS_ERRNO]);
  const total = prologue.length + bodyLen + tails.reduce((n, tl) => n + tl.length, 0);
  const tailStarts: number[] = [];
  let at = prologue.length + bodyLen;
  for (const tl of tails) {
    tailStarts.push(at);
    at += tl.length;
  }
  const body: Instruction[] = [];
  const aluOps = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR];
  const target = (pc: number): number => {
    // a forward target: a later body instruction or a tail
    const choices = total - pc - 1;
    let to = r(2) === 0 ? tailStarts[r(3)]! : pc + 1 + r(Math.min(choices, 12));
    if (to - pc - 1 > 255) to = pc + 1 + r(Math.min(choices, 255));
    return to - pc - 1;
  };
  for (let i = 0; i < bodyLen; i++) {
    const pc = prologue.length + i;
    const c = r(20);
    if (c < 3) body.push(ld(4 * r(16)));
    else if (c === 3) body.push(r(2) ? ldi(randomConst(r)) : ldxi(randomConst(r)));
    else if (c === 4) body.push(stmt(r(2) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, r(16)));
    else if (c === 5) body.push(stmt(r(2) ? BPF_ST : BPF_STX, r(16)));
    else if (c === 6) body.push(r(2) ? TAX : TXA);
    else if (c === 7) body.push(stmt(r(2) ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN));
    else if (c === 8) body.push(stmt(BPF_ALU | BPF_NEG));
    else if (c <= 11) {
      const op = aluOps[r(aluOps.length)]!;
      let k = randomConst(r);
      if (op === BPF_DIV && k === 0) k = 3;
      if (op === BPF_LSH || op === BPF_RSH) k &= 31;
      body.push(alu(op, k));
    } else if (c <= 13) body.push(alux(aluOps[r(aluOps.length)]!));
    else if (c === 14) body.push(stmt(BPF_JMP | BPF_JA, target(pc)));
    else if (c <= 18) {
      const op = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET][r(4)]!;
      body.push(jump(BPF_JMP | op | (r(2) ? BPF_X : BPF_K), randomConst(r), target(pc), target(pc)));
    } else {
      const actions = [SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | r(200), SECCOMP_RET_TRAP | r(100), SECCOMP_RET_KILL_PROCESS,
        SECCOMP_RET_TRACE, SECCOMP_RET_LOG];
      body.push(ret(actions[r(actions.length)]!));
    }
  }
  return [...prologue, ...body, ...tails.flat()];
}

test('kernel: random valid programs behave the same in the kernel and the interpreter', (t) => {
  if (skipped(t)) return;
  const r = prng(0x5eccc0);
  for (let p = 0; p < 60; p++) {
    const prog = randomValidProgram(r);
    const events = Array.from({ length: 6 }, () => ({ nr: NR_GETPID, args: Array.from({ length: 6 }, () => randomArg(r)) }));
    compare(prog, events, `random program ${p}`);
  }
});

/** Mostly-plausible random programs, to probe the validator's edges. */
function randomRoughProgram(r: (n: number) => number): Instruction[] {
  const len = 1 + r(14);
  const codes = [
    BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
    BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
    BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K,
    BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_NEG, BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
    BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JGE | BPF_K, BPF_RET | BPF_K, BPF_RET | BPF_A,
  ];
  const prog: Instruction[] = [];
  for (let pc = 0; pc < len; pc++) {
    let code: number;
    const c = r(40);
    if (c === 0) code = r(0x100);
    else if (c === 1) code = [0x28, 0x30, 0x40, 0xb1, 0x94, 0x9c, 0x0e, 0x8c, 0x0d, 0x21][r(10)]!;
    else code = codes[r(codes.length)]!;
    let k: number;
    const cls = code & 7;
    if (code === (BPF_LD | BPF_W | BPF_ABS)) k = r(8) === 0 ? [2, 64, 62, 68, 0xfffff000][r(5)]! : 4 * r(16);
    else if (code === BPF_ST || code === BPF_STX || (code & 0xe0) === BPF_MEM) k = r(10) === 0 ? 16 : r(3);
    else if (code === (BPF_JMP | BPF_JA)) k = r(len - pc + 1);
    else if (cls === BPF_ALU) k = r(4) === 0 ? 0 : r(40);
    else if (cls === BPF_RET) k = SECCOMP_RET_ALLOW;
    else k = randomConst(r);
    const jr = (): number => r(len - pc + 1);
    prog.push({ code, jt: jr(), jf: jr(), k });
  }
  if (r(6) !== 0) prog.push(ALLOW);
  return prog;
}

test('kernel: validator agrees with the kernel on random programs', (t) => {
  if (skipped(t)) return;
  const r = prng(0xbadf00d);
  const progs = Array.from({ length: 800 }, () => randomRoughProgram(r));
  const kernel = checkInKernel(progs);
  let accepted = 0;
  progs.forEach((prog, i) => {
    const ours = validateProgram(prog);
    const k = kernel[i]!;
    assert.ok(k === 'accept' || k === 'reject 22', `kernel said ${k}`);
    if (k === 'accept') accepted++;
    if (ours.ok !== (k === 'accept')) {
      assert.fail(`program ${i}: kernel ${k}, validator ${JSON.stringify(ours)}\n${disassemble(prog)}`);
    }
  });
  // the generator should exercise both outcomes
  assert.ok(accepted > 80 && accepted < 720, `accepted ${accepted} of 800`);
});
