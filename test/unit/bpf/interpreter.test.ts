import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET,
  BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET,
  BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, BPF_A, jump, stmt,
  type Instruction,
} from '../../../server/src/bpf/instructions';
import {
  BpfRuntimeError, runProgram, runProgramOnWords, seccompDataWords, type SeccompData,
} from '../../../server/src/bpf/interpreter';
import {
  SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRAP, actionOf, formatAction,
} from '../../../server/src/kernel/seccomp';

const DATA: SeccompData = {
  nr: 39,
  arch: 0xc000003e,
  instructionPointer: 0x00007fff12345678n,
  args: [0x1111111122222222n, 0xfffffffffffffffen, 3n, 0n, 0x80000000n, 0xdeadbeef00000000n],
};

const RET_A = stmt(BPF_RET | BPF_A);
const ld = (off: number): Instruction => stmt(BPF_LD | BPF_W | BPF_ABS, off);
const ldi = (k: number): Instruction => stmt(BPF_LD | BPF_IMM, k);
const ldxi = (k: number): Instruction => stmt(BPF_LDX | BPF_IMM, k);
const alu = (op: number, k: number): Instruction => stmt(BPF_ALU | op | BPF_K, k);
const alux = (op: number): Instruction => stmt(BPF_ALU | op | BPF_X);

function retA(prog: Instruction[], data: SeccompData = DATA): number {
  return runProgram([...prog, RET_A], data).action;
}

test('ld [k] reads seccomp_data words, low word first', () => {
  assert.equal(retA([ld(0)]), 39);
  assert.equal(retA([ld(4)]), 0xc000003e);
  assert.equal(retA([ld(8)]), 0x12345678);
  assert.equal(retA([ld(12)]), 0x00007fff);
  assert.equal(retA([ld(16)]), 0x22222222);
  assert.equal(retA([ld(20)]), 0x11111111);
  assert.equal(retA([ld(24)]), 0xfffffffe);
  assert.equal(retA([ld(28)]), 0xffffffff);
  assert.equal(retA([ld(32)]), 3);
  assert.equal(retA([ld(36)]), 0);
  assert.equal(retA([ld(56)]), 0);
  assert.equal(retA([ld(60)]), 0xdeadbeef);
});

test('seccompDataWords: negative values, missing args, negative nr', () => {
  const w = seccompDataWords({ nr: -1, arch: 0x40000003, instructionPointer: -1n, args: [-2n] });
  assert.deepEqual([...w], [0xffffffff, 0x40000003, 0xffffffff, 0xffffffff, 0xfffffffe, 0xffffffff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(runProgramOnWords([ld(8), RET_A], w).action, 0xffffffff);
});

test('ld/ldx immediate, len, tax/txa', () => {
  assert.equal(retA([ldi(0xabcdef01)]), 0xabcdef01);
  assert.equal(retA([ldxi(77), stmt(BPF_MISC | BPF_TXA)]), 77);
  assert.equal(retA([stmt(BPF_LD | BPF_W | BPF_LEN)]), 64);
  assert.equal(retA([stmt(BPF_LDX | BPF_W | BPF_LEN), stmt(BPF_MISC | BPF_TXA)]), 64);
  assert.equal(retA([ldi(5), stmt(BPF_MISC | BPF_TAX), ldi(0), stmt(BPF_MISC | BPF_TXA)]), 5);
});

test('A and X start at zero', () => {
  assert.equal(runProgram([RET_A], DATA).action, 0);
  assert.equal(retA([stmt(BPF_MISC | BPF_TXA)]), 0);
});

test('ALU with constants wraps at 32 bits', () => {
  assert.equal(retA([ldi(0xffffffff), alu(BPF_ADD, 2)]), 1);
  assert.equal(retA([ldi(1), alu(BPF_SUB, 2)]), 0xffffffff);
  assert.equal(retA([ldi(0x10000), alu(BPF_MUL, 0x10001)]), 0x10000);
  assert.equal(retA([ldi(0xffffffff), alu(BPF_MUL, 0xffffffff)]), 1);
  assert.equal(retA([ldi(0x87654321), alu(BPF_MUL, 0x12345678)]), Number((0x87654321n * 0x12345678n) & 0xffffffffn));
  assert.equal(retA([ldi(0xffffffff), alu(BPF_DIV, 3)]), 0x55555555);
  assert.equal(retA([ldi(7), alu(BPF_DIV, 2)]), 3);
  assert.equal(retA([ldi(0xfffffff0), alu(BPF_DIV, 0xfffffff1)]), 0);
  assert.equal(retA([ldi(0xf0f0f0f0), alu(BPF_AND, 0xff00ff00)]), 0xf000f000);
  assert.equal(retA([ldi(0xf0f0f0f0), alu(BPF_OR, 0x0f)]), 0xf0f0f0ff);
  assert.equal(retA([ldi(0xf0f0f0f0), alu(BPF_XOR, 0xffffffff)]), 0x0f0f0f0f);
  assert.equal(retA([ldi(1), stmt(BPF_ALU | BPF_NEG)]), 0xffffffff);
  assert.equal(retA([ldi(0), stmt(BPF_ALU | BPF_NEG)]), 0);
  assert.equal(retA([ldi(0x80000000), stmt(BPF_ALU | BPF_NEG)]), 0x80000000);
  assert.equal(retA([ldi(17), alu(BPF_MOD, 5)]), 2);
});

test('ALU with X', () => {
  const withX = (a: number, x: number, op: number): number => retA([ldi(a), ldxi(x), alux(op)]);
  assert.equal(withX(0xfffffffe, 5, BPF_ADD), 3);
  assert.equal(withX(3, 5, BPF_SUB), 0xfffffffe);
  assert.equal(withX(0xffffffff, 0xffffffff, BPF_MUL), 1);
  assert.equal(withX(100, 7, BPF_DIV), 14);
  assert.equal(withX(0xffffffff, 0x10000, BPF_DIV), 0xffff);
  assert.equal(withX(0xff00, 0x0ff0, BPF_AND), 0x0f00);
  assert.equal(withX(0xff00, 0x0ff0, BPF_OR), 0xfff0);
  assert.equal(withX(0xff00, 0x0ff0, BPF_XOR), 0xf0f0);
  assert.equal(withX(100, 7, BPF_MOD), 2);
});

test('shifts: constant counts, and X counts masked to 5 bits like the kernel', () => {
  assert.equal(retA([ldi(0x80000001), alu(BPF_LSH, 1)]), 2);
  assert.equal(retA([ldi(1), alu(BPF_LSH, 31)]), 0x80000000);
  assert.equal(retA([ldi(0x80000000), alu(BPF_RSH, 31)]), 1);
  assert.equal(retA([ldi(0x80000000), alu(BPF_RSH, 0)]), 0x80000000);
  const byX = (a: number, x: number, op: number): number => retA([ldi(a), ldxi(x), alux(op)]);
  assert.equal(byX(0x12345678, 4, BPF_LSH), 0x23456780);
  assert.equal(byX(0x12345678, 4, BPF_RSH), 0x01234567);
  // count >= 32: x86 SHL/SHR and the kernel interpreter use count & 31
  assert.equal(byX(0x12345678, 32, BPF_LSH), 0x12345678);
  assert.equal(byX(0x12345678, 36, BPF_LSH), 0x23456780);
  assert.equal(byX(0x12345678, 33, BPF_RSH), 0x091a2b3c);
  assert.equal(byX(0x80000000, 0xffffffff, BPF_RSH), 1);
});

test('division by X = 0 returns 0 (kill thread) immediately', () => {
  const prog = [ldi(5), ldxi(0), alux(BPF_DIV), stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)];
  const r = runProgram(prog, DATA, { recordPath: true });
  assert.equal(r.action, 0);
  assert.equal(r.steps, 3);
  assert.deepEqual(r.path, [0, 1, 2]);
  assert.equal(actionOf(r.action).action, 'kill_thread');
  assert.equal(runProgram([ldi(5), ldxi(0), alux(BPF_MOD), RET_A], DATA).action, 0);
  // A = 0 divided by a non-zero X is fine
  assert.equal(runProgram([ldi(0), ldxi(3), alux(BPF_DIV), stmt(BPF_RET | BPF_K, 9)], DATA).action, 9);
});

test('scratch memory: st/stx/ld/ldx M[k]', () => {
  const prog = [
    ldi(0xaaaa), stmt(BPF_ST, 0),
    ldxi(0xbbbb), stmt(BPF_STX, 15),
    ldi(0), ldxi(0),
    stmt(BPF_LD | BPF_MEM, 15), // A = 0xbbbb
    stmt(BPF_LDX | BPF_MEM, 0), // X = 0xaaaa
    alux(BPF_ADD),
    RET_A,
  ];
  assert.equal(runProgram(prog, DATA).action, 0xaaaa + 0xbbbb);
});

test('scratch memory does not leak between runs', () => {
  runProgram([ldi(99), stmt(BPF_ST, 3), RET_A], DATA);
  // Unvalidated program reading M[3] unwritten: sees 0, not 99.
  assert.equal(runProgram([stmt(BPF_LD | BPF_MEM, 3), RET_A], DATA).action, 0);
});

test('ja jumps forward by k', () => {
  const prog = [
    stmt(BPF_JMP | BPF_JA, 2),
    stmt(BPF_RET | BPF_K, 1),
    stmt(BPF_RET | BPF_K, 2),
    stmt(BPF_RET | BPF_K, 3),
  ];
  const r = runProgram(prog, DATA, { recordPath: true });
  assert.equal(r.action, 3);
  assert.deepEqual(r.path, [0, 3]);
  assert.equal(r.steps, 2);
  assert.equal(runProgram([stmt(BPF_JMP | BPF_JA, 0), stmt(BPF_RET | BPF_K, 5)], DATA).action, 5);
});

test('conditional jumps: jeq/jgt/jge/jset with K and X, unsigned', () => {
  const cond = (code: number, a: number, k: number, x = 0): boolean =>
    runProgram([ldi(a), ldxi(x), jump(code, k, 0, 1), stmt(BPF_RET | BPF_K, 1), stmt(BPF_RET | BPF_K, 0)], DATA).action === 1;
  const J = BPF_JMP;
  assert.equal(cond(J | BPF_JEQ | BPF_K, 5, 5), true);
  assert.equal(cond(J | BPF_JEQ | BPF_K, 5, 6), false);
  assert.equal(cond(J | BPF_JEQ | BPF_K, 0xffffffff, 0xffffffff), true);
  assert.equal(cond(J | BPF_JGT | BPF_K, 0x80000000, 1), true); // unsigned
  assert.equal(cond(J | BPF_JGT | BPF_K, 5, 5), false);
  assert.equal(cond(J | BPF_JGE | BPF_K, 5, 5), true);
  assert.equal(cond(J | BPF_JGE | BPF_K, 4, 5), false);
  assert.equal(cond(J | BPF_JGE | BPF_K, 0xffffffff, 0x7fffffff), true);
  assert.equal(cond(J | BPF_JSET | BPF_K, 0x80000000, 0x80000000), true);
  assert.equal(cond(J | BPF_JSET | BPF_K, 0x7fffffff, 0x80000000), false);
  assert.equal(cond(J | BPF_JEQ | BPF_X, 7, 0, 7), true);
  assert.equal(cond(J | BPF_JEQ | BPF_X, 7, 0, 8), false);
  assert.equal(cond(J | BPF_JGT | BPF_X, 0xfffffff0, 0, 1), true);
  assert.equal(cond(J | BPF_JGT | BPF_X, 1, 0, 1), false);
  assert.equal(cond(J | BPF_JGE | BPF_X, 1, 0, 1), true);
  assert.equal(cond(J | BPF_JGE | BPF_X, 0, 0, 1), false);
  assert.equal(cond(J | BPF_JSET | BPF_X, 6, 0, 2), true);
  assert.equal(cond(J | BPF_JSET | BPF_X, 6, 0, 1), false);
});

test('jump offsets are relative to the next instruction and can be large', () => {
  // pc 0: ld nr; pc 1: jeq 39, jt=255 -> pc 257, jf=0 -> pc 2
  const prog: Instruction[] = [ld(0), jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 255, 0)];
  for (let pc = 2; pc < 257; pc++) prog.push(stmt(BPF_RET | BPF_K, pc));
  prog.push(stmt(BPF_RET | BPF_K, 257));
  const hit = runProgram(prog, DATA, { recordPath: true });
  assert.equal(hit.action, 257);
  assert.deepEqual(hit.path, [0, 1, 257]);
  assert.equal(runProgram(prog, { ...DATA, nr: 0 }).action, 2);
});

test('a typical filter: arch check, nr dispatch, argument check', () => {
  const prog = [
    ld(4),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
    stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    ld(0),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 3),
    ld(32), // args[2] low
    jump(BPF_JMP | BPF_JGT | BPF_K, 2, 0, 1),
    stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
    stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  ];
  const r = runProgram(prog, DATA, { recordPath: true });
  assert.equal(formatAction(r.action), 'errno(1)');
  assert.deepEqual(r.path, [0, 1, 3, 4, 5, 6, 7]);
  assert.equal(r.steps, 7);
  assert.equal(runProgram(prog, { ...DATA, args: [0n, 0n, 2n] }).action, SECCOMP_RET_ALLOW);
  assert.equal(runProgram(prog, { ...DATA, nr: 40 }).action, SECCOMP_RET_ALLOW);
  assert.equal(runProgram(prog, { ...DATA, arch: 0x40000003 }).action, SECCOMP_RET_KILL_PROCESS);
  assert.equal(runProgram(prog, DATA).path, undefined);
});

test('ret a returns the full 32-bit A', () => {
  assert.equal(retA([ldi(SECCOMP_RET_TRAP), alu(BPF_OR, 5)]), 0x00030005);
  assert.equal(retA([ldi(0xfffffffe)]), 0xfffffffe);
});

test('runtime errors for programs the kernel would never run', () => {
  assert.throws(() => runProgram([], DATA), BpfRuntimeError);
  assert.throws(() => runProgram([ldi(1)], DATA), /past the end/);
  assert.throws(() => runProgram([stmt(BPF_JMP | BPF_JA, 5), RET_A], DATA), /past the end/);
  assert.throws(() => runProgram([ld(64), RET_A], DATA), /pc 0: ld \[64\]/);
  assert.throws(() => runProgram([ld(2), RET_A], DATA), BpfRuntimeError);
  assert.throws(() => runProgram([stmt(0x28, 0), RET_A], DATA), /opcode 0x28/);
  assert.throws(() => runProgram([stmt(BPF_ST, 16), RET_A], DATA), /scratch/);
});

test('actionOf follows __seccomp_filter', () => {
  assert.deepEqual(actionOf(0x80000000), { action: 'kill_process', data: 0, effective: 'kill_process' });
  assert.deepEqual(actionOf(0), { action: 'kill_thread', data: 0, effective: 'kill_thread' });
  assert.deepEqual(actionOf(0x00030007), { action: 'trap', data: 7, effective: 'trap' });
  assert.deepEqual(actionOf(0x0005ffff), { action: 'errno', data: 0xffff, effective: 'errno' });
  assert.deepEqual(actionOf(0x7fc00000), { action: 'user_notif', data: 0, effective: 'user_notif' });
  assert.deepEqual(actionOf(0x7ff00003), { action: 'trace', data: 3, effective: 'trace' });
  assert.deepEqual(actionOf(0x7ffc0000), { action: 'log', data: 0, effective: 'log' });
  assert.deepEqual(actionOf(0x7fff0000), { action: 'allow', data: 0, effective: 'allow' });
  assert.deepEqual(actionOf(0x00010002), { action: 'unknown', data: 2, effective: 'kill_process' });
  assert.deepEqual(actionOf(0x80010000), { action: 'unknown', data: 0, effective: 'kill_process' });
  assert.deepEqual(actionOf(0xffff0000), { action: 'unknown', data: 0, effective: 'kill_process' });
  // data bits of kill actions are ignored by the kernel
  assert.equal(actionOf(0x8000ffff).action, 'kill_process');
  assert.equal(actionOf(0x00000005).action, 'kill_thread');
});

test('formatAction', () => {
  assert.equal(formatAction(SECCOMP_RET_ALLOW), 'allow');
  assert.equal(formatAction(0x7fff0005), 'allow');
  assert.equal(formatAction(SECCOMP_RET_ERRNO | 1), 'errno(1)');
  assert.equal(formatAction(SECCOMP_RET_ERRNO | 0), 'errno(0)');
  assert.equal(formatAction(SECCOMP_RET_ERRNO | 5000), 'errno(4095)');
  assert.equal(formatAction(SECCOMP_RET_TRAP | 5), 'trap(5)');
  assert.equal(formatAction(0x7ff00000 | 42), 'trace(42)');
  assert.equal(formatAction(0x7ffc0000), 'log');
  assert.equal(formatAction(0x7fc00000), 'user_notif');
  assert.equal(formatAction(0x80000000), 'kill_process');
  assert.equal(formatAction(0), 'kill_thread');
  assert.equal(formatAction(0x12340005), 'unknown(0x12340005) → kill_process');
});

test('long straight-line program: steps and path', () => {
  const prog: Instruction[] = [];
  for (let i = 0; i < 4000; i++) prog.push(alu(BPF_ADD, 1));
  prog.push(RET_A);
  const r = runProgram(prog, DATA, { recordPath: true });
  assert.equal(r.action, 4000);
  assert.equal(r.steps, 4001);
  assert.equal(r.path!.length, 4001);
  assert.equal(r.path![4000], 4000);
});
