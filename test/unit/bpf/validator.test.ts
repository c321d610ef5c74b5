import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BPF_ABS, BPF_ALU, BPF_DIV, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX,
  BPF_LEN, BPF_LSH, BPF_MEM, BPF_MOD, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_W, BPF_X, BPF_A, BPF_IMM,
  BPF_MAXINSNS, BPF_H, BPF_B, BPF_IND, BPF_MSH, BPF_NEG, BPF_MISC, BPF_TAX, BPF_TXA, BPF_ADD, jump, stmt,
  type Instruction,
} from '../../../server/src/bpf/instructions';
import { SECCOMP_OPCODES, validateProgram } from '../../../server/src/bpf/validator';
import { SECCOMP_RET_ALLOW } from '../../../server/src/kernel/seccomp';

const RET = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
const RET_A = stmt(BPF_RET | BPF_A);

function rejects(prog: Instruction[], pc: number, pattern: RegExp): void {
  const r = validateProgram(prog);
  assert.equal(r.ok, false, 'expected rejection');
  if (!r.ok) {
    assert.equal(r.pc, pc, `pc (message: ${r.message})`);
    assert.match(r.message, pattern);
  }
}

function accepts(prog: Instruction[]): void {
  const r = validateProgram(prog);
  assert.deepEqual(r, { ok: true }, r.ok ? '' : `pc ${r.pc}: ${r.message}`);
}

test('accepts a typical filter', () => {
  accepts([
    stmt(BPF_LD | BPF_W | BPF_ABS, 4),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
    stmt(BPF_RET | BPF_K, 0x80000000),
    stmt(BPF_LD | BPF_W | BPF_ABS, 0),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
    stmt(BPF_RET | BPF_K, 0x00050001),
    RET,
  ]);
});

test('accepts every opcode seccomp allows', () => {
  const prog: Instruction[] = [stmt(BPF_ST, 0), stmt(BPF_STX, 1)];
  for (const code of SECCOMP_OPCODES.keys()) {
    if ((code & 7) === BPF_RET) continue;
    let k = 1;
    if (code === (BPF_LD | BPF_W | BPF_ABS)) k = 60;
    if ((code & 0xe0) === BPF_MEM || code === BPF_ST || code === BPF_STX) k = 1;
    if (code === (BPF_JMP | BPF_JA)) k = 0;
    prog.push({ code, jt: 0, jf: 0, k });
  }
  prog.push(RET_A, RET);
  accepts(prog);
  assert.equal(SECCOMP_OPCODES.size, 41);
});

test('length limits', () => {
  rejects([], 0, /empty/);
  accepts([RET]);
  const max = Array.from({ length: BPF_MAXINSNS }, () => RET);
  accepts(max);
  rejects([...max, RET], BPF_MAXINSNS, /at most 4096/);
});

test('rejects opcodes seccomp does not accept, at their pc', () => {
  const bad = [
    BPF_LD | BPF_H | BPF_ABS,
    BPF_LD | BPF_B | BPF_ABS,
    BPF_LD | BPF_W | BPF_IND,
    BPF_LD | BPF_H | BPF_IND,
    BPF_LDX | BPF_B | BPF_MSH,
    BPF_ALU | BPF_MOD | BPF_K,
    BPF_ALU | BPF_MOD | BPF_X,
    BPF_ALU | BPF_NEG | BPF_X,
    BPF_RET | BPF_X,
    BPF_JMP | BPF_JA | BPF_X,
    BPF_LDX | BPF_W | BPF_ABS,
    BPF_LD | BPF_H | BPF_IMM,
    BPF_MISC | BPF_TAX | 0x08,
    0xff,
    0x100 | BPF_RET,
    0xffff,
  ];
  for (const code of bad) {
    rejects([RET, { code, jt: 0, jf: 0, k: 4 }, RET], 1, /opcode/);
  }
  rejects([stmt(BPF_ALU | BPF_MOD | BPF_K, 3), RET], 0, /mod #0x3 \(BPF_ALU \| BPF_MOD \| BPF_K\) is not allowed in seccomp/);
  rejects([stmt(BPF_LD | BPF_H | BPF_ABS, 0), RET], 0, /ldh/);
});

test('ld [k]: aligned and inside seccomp_data', () => {
  accepts([stmt(BPF_LD | BPF_W | BPF_ABS, 60), RET]);
  rejects([stmt(BPF_LD | BPF_W | BPF_ABS, 64), RET], 0, /outside struct seccomp_data/);
  rejects([RET, stmt(BPF_LD | BPF_W | BPF_ABS, 2), RET], 1, /aligned/);
  rejects([stmt(BPF_LD | BPF_W | BPF_ABS, 0xfffff000), RET], 0, /outside/); // ancillary area
});

test('division by constant zero; shifts by constant >= 32', () => {
  rejects([RET, stmt(BPF_ALU | BPF_DIV | BPF_K, 0), RET], 1, /division by constant zero/);
  accepts([stmt(BPF_ALU | BPF_DIV | BPF_K, 1), RET]);
  accepts([stmt(BPF_ALU | BPF_DIV | BPF_X, 0), RET]); // X is a runtime value
  accepts([stmt(BPF_ALU | BPF_LSH | BPF_K, 31), stmt(BPF_ALU | BPF_RSH | BPF_K, 0), RET]);
  rejects([stmt(BPF_ALU | BPF_LSH | BPF_K, 32), RET], 0, /shift/);
  rejects([stmt(BPF_ALU | BPF_RSH | BPF_K, 0xffffffff), RET], 0, /shift/);
});

test('scratch memory index < 16', () => {
  accepts([stmt(BPF_ST, 15), stmt(BPF_LD | BPF_MEM, 15), RET]);
  rejects([stmt(BPF_ST, 16), RET], 0, /index 16/);
  rejects([stmt(BPF_ST, 0), stmt(BPF_STX, 16), RET], 1, /index 16/);
  rejects([stmt(BPF_ST, 0), stmt(BPF_LDX | BPF_MEM, 0x80000000), RET], 1, /index/);
});

test('jump targets must be inside the program', () => {
  accepts([stmt(BPF_JMP | BPF_JA, 1), RET, RET]);
  rejects([stmt(BPF_JMP | BPF_JA, 2), RET, RET], 0, /ja 2/);
  rejects([stmt(BPF_JMP | BPF_JA, 0xffffffff), RET], 0, /past the end/);
  accepts([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), RET, RET]);
  rejects([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0), RET, RET], 0, /true branch target 3/);
  rejects([RET, jump(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), RET], 1, /false branch target 3/);
  for (const op of [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET]) {
    for (const src of [BPF_K, BPF_X]) {
      rejects([jump(BPF_JMP | op | src, 0, 0, 255), RET], 0, /false branch/);
    }
  }
});

test('the last instruction must be a ret', () => {
  rejects([RET, stmt(BPF_LD | BPF_IMM, 0)], 1, /last instruction must be a ret/);
  rejects([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0)], 0, /target 1/); // jump check comes first
  accepts([stmt(BPF_LD | BPF_IMM, 0), RET_A]);
});

test('memory must be written before read (check_load_and_stores)', () => {
  rejects([stmt(BPF_LD | BPF_MEM, 0), RET], 0, /M\[0\] is read before/);
  rejects([stmt(BPF_ST, 1), stmt(BPF_LDX | BPF_MEM, 0), RET], 1, /M\[0\]/);
  accepts([stmt(BPF_STX, 0), stmt(BPF_LDX | BPF_MEM, 0), RET]);
  // written on only one branch
  rejects([
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
    stmt(BPF_ST, 2),
    stmt(BPF_LD | BPF_MEM, 2),
    RET,
  ], 2, /M\[2\]/);
  // written on both branches
  accepts([
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
    stmt(BPF_ST, 2),
    stmt(BPF_JMP | BPF_JA, 1),
    stmt(BPF_STX, 2),
    stmt(BPF_LD | BPF_MEM, 2),
    RET,
  ]);
  // ja skipping the store
  rejects([
    stmt(BPF_JMP | BPF_JA, 1),
    stmt(BPF_ST, 3),
    stmt(BPF_LD | BPF_MEM, 3),
    RET,
  ], 2, /M\[3\]/);
  // written before the branch
  accepts([
    stmt(BPF_ST, 4),
    jump(BPF_JMP | BPF_JGT | BPF_K, 0, 1, 0),
    stmt(BPF_LD | BPF_MEM, 4),
    stmt(BPF_LDX | BPF_MEM, 4),
    RET,
  ]);
});

test('check_load_and_stores quirks are reproduced', () => {
  // RET does not reset the state: code after a ret falls through in the analysis.
  accepts([stmt(BPF_ST, 0), RET, stmt(BPF_LD | BPF_MEM, 0), RET]);
  // Unreachable code is still checked.
  rejects([RET, stmt(BPF_LD | BPF_MEM, 0), RET], 1, /M\[0\]/);
  // After a jump, the fall-through state is "all written": code only reachable
  // as the target of nothing (dead code after ja) is accepted.
  accepts([stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_LD | BPF_MEM, 5), RET]);
});

test('malformed instruction fields are reported', () => {
  rejects([{ code: 6, jt: 0, jf: 0, k: -1 }], 0, /malformed/);
  rejects([RET, { code: 6, jt: 0.5, jf: 0, k: 0 }], 1, /malformed/);
});

test('pc of the earliest offending instruction', () => {
  rejects([
    stmt(BPF_ALU | BPF_ADD | BPF_K, 1),
    stmt(BPF_MISC | BPF_TAX),
    stmt(BPF_MISC | BPF_TXA),
    stmt(BPF_ALU | BPF_NEG),
    stmt(BPF_LD | BPF_W | BPF_LEN),
    stmt(BPF_LDX | BPF_W | BPF_LEN),
    stmt(BPF_LD | BPF_W | BPF_ABS, 63),
    stmt(BPF_JMP | BPF_JA, 100),
    RET,
  ], 6, /aligned/);
});
