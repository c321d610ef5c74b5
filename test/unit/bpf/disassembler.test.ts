import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble, formatInstruction } from '../../../server/src/bpf/disassembler';
import { jump, stmt, type Instruction } from '../../../server/src/bpf/instructions';

const names = {
  syscallName: (n: number): string | undefined => ({ 39: 'getpid', 257: 'openat' } as Record<number, string>)[n],
  archName: (a: number): string | undefined => (a === 0xc000003e ? 'x86_64' : undefined),
};

test('disassembles a small filter with names and annotations', () => {
  const prog: Instruction[] = [
    stmt(0x20, 4),
    jump(0x15, 0xc000003e, 1, 0),
    stmt(0x06, 0x80000000),
    stmt(0x20, 0),
    jump(0x15, 257, 0, 3),
    stmt(0x20, 16),
    jump(0x45, 3, 1, 0),
    stmt(0x06, 0x7fff0000),
    stmt(0x06, 0x00050001),
  ];
  const text = disassemble(prog, { ...names, annotate: (pc) => (pc === 4 ? 'policy.seccomp:7' : undefined) });
  assert.equal(
    text,
    [
      '0000: ld [4]                  ; arch',
      '0001: jeq #0xc000003e, 3, 2   ; x86_64',
      '0002: ret #0x80000000         ; kill_process',
      '0003: ld [0]                  ; nr',
      '0004: jeq #0x101, 5, 8        ; openat — policy.seccomp:7',
      '0005: ld [16]                 ; args[0] low',
      '0006: jset #0x3, 8, 7',
      '0007: ret #0x7fff0000         ; allow',
      '0008: ret #0x50001            ; errno(1)',
      '',
    ].join('\n'),
  );
});

test('names nr only where A certainly holds nr', () => {
  const prog: Instruction[] = [
    stmt(0x20, 0), // ld nr
    jump(0x25, 100, 0, 2), // jgt
    stmt(0x20, 16), // ld args[0]: A differs on the two paths into pc 4
    jump(0x15, 39, 1, 0),
    jump(0x35, 39, 0, 1), // after merge: unknown
    stmt(0x06, 0x7fff0000),
    stmt(0x06, 0),
  ];
  const lines = disassemble(prog, names).split('\n');
  assert.match(lines[1]!, /jgt #0x64, 2, 4$/);
  assert.doesNotMatch(lines[3]!, /getpid/); // A holds args[0] here
  assert.doesNotMatch(lines[4]!, /getpid/); // paths disagree
  const simple = disassemble([stmt(0x20, 0), jump(0x35, 39, 0, 0), jump(0x25, 39, 0, 0), stmt(0x16, 0)], names).split('\n');
  assert.match(simple[1]!, /jge #0x27, 2, 2 +; >= getpid$/);
  assert.match(simple[2]!, /jgt #0x27, 3, 3 +; > getpid$/);
  assert.equal(simple[3], '0003: ret a');
});

test('formatInstruction covers every form', () => {
  const f = (code: number, k = 0, jt = 0, jf = 0, pc = 10): string => formatInstruction({ code, jt, jf, k }, pc);
  assert.equal(f(0x20, 8), 'ld [8]');
  assert.equal(f(0x00, 0xffffffff), 'ld #0xffffffff');
  assert.equal(f(0x01, 64), 'ldx #0x40');
  assert.equal(f(0x80), 'ld #len');
  assert.equal(f(0x81), 'ldx #len');
  assert.equal(f(0x60, 3), 'ld M[3]');
  assert.equal(f(0x61, 15), 'ldx M[15]');
  assert.equal(f(0x02, 1), 'st M[1]');
  assert.equal(f(0x03, 2), 'stx M[2]');
  assert.equal(f(0x07), 'tax');
  assert.equal(f(0x87), 'txa');
  assert.equal(f(0x04, 1), 'add #0x1');
  assert.equal(f(0x1c), 'sub x');
  assert.equal(f(0x24, 3), 'mul #0x3');
  assert.equal(f(0x3c), 'div x');
  assert.equal(f(0x44, 0x10), 'or #0x10');
  assert.equal(f(0x54, 0xff), 'and #0xff');
  assert.equal(f(0x64, 4), 'lsh #0x4');
  assert.equal(f(0x7c), 'rsh x');
  assert.equal(f(0x84), 'neg');
  assert.equal(f(0x94, 7), 'mod #0x7');
  assert.equal(f(0xac), 'xor x');
  assert.equal(f(0x05, 5), 'ja 16');
  assert.equal(f(0x15, 1, 0, 2), 'jeq #0x1, 11, 13');
  assert.equal(f(0x1d, 0, 1, 0), 'jeq x, 12, 11');
  assert.equal(f(0x2d, 0, 1, 0), 'jgt x, 12, 11');
  assert.equal(f(0x3d, 0, 1, 0), 'jge x, 12, 11');
  assert.equal(f(0x4d, 0, 1, 0), 'jset x, 12, 11');
  assert.equal(f(0x06, 0x7fff0000), 'ret #0x7fff0000');
  assert.equal(f(0x16), 'ret a');
  assert.equal(f(0x28, 12), 'ldh [12]');
  assert.equal(f(0x30, 12), 'ldb [12]');
  assert.equal(f(0x40, 1), 'ld [x+1]');
  assert.equal(f(0xb1, 14), 'ldx 4*([14]&0xf)');
  assert.equal(f(0x1234, 3, 1, 2), '.insn 0x1234, 1, 2, 0x3');
});

test('wide programs pad the pc column', () => {
  const prog: Instruction[] = Array.from({ length: 10001 }, () => stmt(0x06, 0x7fff0000));
  const lines = disassemble(prog).split('\n');
  assert.match(lines[0]!, /^00000: ret #0x7fff0000 +; allow$/);
  assert.match(lines[10000]!, /^10000: /);
  assert.equal(disassemble([]), '');
});
