import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BPF_ABS, BPF_ALU, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, BPF_A, BPF_X, BPF_MISC, BPF_TXA,
  BPF_MAXINSNS, SECCOMP_DATA_SIZE, BPF_NEG, BPF_LEN, BPF_LDX, BPF_MEM, BPF_ST, BPF_STX, BPF_IMM, BPF_JSET,
  argLowOffset, argHighOffset, describeDataOffset, decodeProgram, encodeProgram, jump, stmt, bpfClass, bpfOp,
  bpfSrc, bpfSize, bpfMode,
} from '../../../server/src/bpf/instructions';
import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO } from '../../../server/src/kernel/seccomp';

test('opcode constants match linux/filter.h', () => {
  assert.equal(BPF_LD | BPF_W | BPF_ABS, 0x20);
  assert.equal(BPF_JMP | BPF_JEQ | BPF_K, 0x15);
  assert.equal(BPF_JMP | BPF_JSET | BPF_X, 0x4d);
  assert.equal(BPF_RET | BPF_K, 0x06);
  assert.equal(BPF_RET | BPF_A, 0x16);
  assert.equal(BPF_ALU | BPF_NEG, 0x84);
  assert.equal(BPF_MISC | BPF_TXA, 0x87);
  assert.equal(BPF_LD | BPF_W | BPF_LEN, 0x80);
  assert.equal(BPF_LDX | BPF_W | BPF_LEN, 0x81);
  assert.equal(BPF_LD | BPF_MEM, 0x60);
  assert.equal(BPF_LDX | BPF_IMM, 0x01);
  assert.equal(BPF_ST, 0x02);
  assert.equal(BPF_STX, 0x03);
  assert.equal(BPF_MAXINSNS, 4096);
  assert.equal(bpfClass(0x4d), BPF_JMP);
  assert.equal(bpfOp(0x4d), BPF_JSET);
  assert.equal(bpfSrc(0x4d), BPF_X);
  assert.equal(bpfSize(0x28), 0x08);
  assert.equal(bpfMode(0x28), BPF_ABS);
});

test('seccomp_data offsets', () => {
  assert.equal(SECCOMP_DATA_SIZE, 64);
  assert.equal(argLowOffset(0), 16);
  assert.equal(argHighOffset(0), 20);
  assert.equal(argLowOffset(5), 56);
  assert.equal(argHighOffset(5), 60);
  assert.equal(describeDataOffset(0), 'nr');
  assert.equal(describeDataOffset(4), 'arch');
  assert.equal(describeDataOffset(8), 'instruction_pointer low');
  assert.equal(describeDataOffset(12), 'instruction_pointer high');
  assert.equal(describeDataOffset(16), 'args[0] low');
  assert.equal(describeDataOffset(44), 'args[3] high');
  assert.equal(describeDataOffset(64), undefined);
  assert.equal(describeDataOffset(6), undefined);
});

test('builders normalise k and check ranges', () => {
  assert.deepEqual(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), { code: 6, jt: 0, jf: 0, k: 0x7fff0000 });
  assert.deepEqual(stmt(BPF_RET | BPF_K, -1), { code: 6, jt: 0, jf: 0, k: 0xffffffff });
  assert.deepEqual(jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1), { code: 0x15, jt: 0, jf: 1, k: 39 });
  assert.throws(() => jump(0x15, 0, 256, 0), RangeError);
  assert.throws(() => jump(0x15, 0, 0, -1), RangeError);
  assert.throws(() => stmt(0x10000, 0), RangeError);
  assert.throws(() => stmt(6, 2 ** 32), RangeError);
  assert.throws(() => stmt(6, 1.5), RangeError);
});

test('encodeProgram lays out struct sock_filter little-endian', () => {
  const prog = [
    stmt(BPF_LD | BPF_W | BPF_ABS, 4),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 2),
    stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0x1234),
  ];
  const bytes = encodeProgram(prog);
  assert.equal(bytes.length, 24);
  assert.deepEqual([...bytes], [
    0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0,
    0x06, 0x00, 0x00, 0x00, 0x34, 0x12, 0x05, 0x00,
  ]);
  assert.deepEqual(decodeProgram(bytes), prog);
});

test('encode/decode round trip over random instructions', () => {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const prog = Array.from({ length: 500 }, () => ({
    code: rnd(0x10000),
    jt: rnd(256),
    jf: rnd(256),
    k: (rnd(0x10000) * 0x10000 + rnd(0x10000)) >>> 0,
  }));
  prog.push({ code: 0xffff, jt: 255, jf: 255, k: 0xffffffff });
  assert.deepEqual(decodeProgram(encodeProgram(prog)), prog);
});

test('decodeProgram honours a Uint8Array view with an offset', () => {
  const inner = encodeProgram([stmt(BPF_RET | BPF_K, 7)]);
  const big = new Uint8Array(3 + inner.length);
  big.set(inner, 3);
  assert.deepEqual(decodeProgram(big.subarray(3)), [{ code: 6, jt: 0, jf: 0, k: 7 }]);
});

test('decodeProgram rejects lengths not a multiple of 8', () => {
  assert.throws(() => decodeProgram(new Uint8Array(12)), /12 is not a multiple of 8/);
  assert.deepEqual(decodeProgram(new Uint8Array(0)), []);
});

test('encodeProgram rejects out-of-range fields', () => {
  assert.throws(() => encodeProgram([{ code: 6, jt: 0, jf: 300, k: 0 }]), /instruction 0: jf/);
  assert.throws(() => encodeProgram([{ code: 6, jt: 0, jf: 0, k: 0 }, { code: -1, jt: 0, jf: 0, k: 0 }]), /instruction 1: code/);
  // negative k is taken as its u32 bits
  assert.deepEqual([...encodeProgram([{ code: 6, jt: 0, jf: 0, k: -1 }]).subarray(4)], [0xff, 0xff, 0xff, 0xff]);
});
