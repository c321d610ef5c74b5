/**
 * The symbolic run (bpf/symbolic.ts): `solveWord` finds the smallest word
 * passing a set of tests exactly (compared with exhaustive search on words
 * whose tests only read the low bits), stays fast on the contradictions that
 * stall a naive bit search, and `walkPaths` visits exactly the paths inputs
 * can take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathTests, passes, solveWord, walkPaths, type WordTest } from '../../../server/src/bpf/symbolic';
import { jump, stmt, BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../../../server/src/bpf/instructions';
import { Random, seedFromEnv } from '../../helpers/random';

const FULL = 0xffffffff;
const t = (mask: number, op: WordTest['op'], value: number, holds: boolean): WordTest => ({ word: 0, mask, op, value, holds });

test('solveWord agrees with exhaustive search on random tests over the low byte', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  const ops = ['==', '>', '>='] as const;
  for (let i = 0; i < 3000; i++) {
    const mask = () => (r.chance(0.3) ? FULL : r.chance(0.4) ? 2 ** r.int(8) : r.int(256));
    const tests = Array.from({ length: 1 + r.int(5) }, () => t(mask(), r.pick(ops), r.int(300), r.chance(0.5)));
    // A full-mask ">" test bounds the word below 256, so the exhaustive range is enough.
    tests.push(t(FULL, '>', 255, false));
    let want: number | undefined;
    for (let v = 0; v < 256 && want === undefined; v++) if (tests.every((x) => passes(x, v))) want = v;
    assert.equal(solveWord(tests), want, `seed ${seed}: ${JSON.stringify(tests)}`);
  }
});

test('contradictions in the low bits are found without trying the free high bits', () => {
  // (w & 1) != 0, (w & 1) == 0 and w != 0: no word; a search that branched
  // on all 32 bits before seeing bit 0 would try 2^31 prefixes.
  assert.equal(solveWord([t(1, '>', 0, false), t(FULL, '==', 0, false), t(1, '>', 0, true)]), undefined);
  // Every value below 100 excluded one by one, and w < 100: none left.
  const excluded = Array.from({ length: 100 }, (_, v) => t(FULL, '==', v, false));
  assert.equal(solveWord([t(FULL, '>=', 100, false), ...excluded]), undefined);
  assert.equal(solveWord([t(FULL, '>=', 101, false), ...excluded]), 100);
  // Bits outside the mask: == with such a value never holds, != always does.
  assert.equal(solveWord([t(0xf, '==', 0x10, true)]), undefined);
  assert.equal(solveWord([t(0xf, '==', 0x10, false)]), 0);
});

test('walkPaths visits each path an input can take, once, with its tests', () => {
  // ld [16]; and #0x3; jeq #1 → ret A else (jset #2 → ret B else ret C)
  const prog = [
    stmt(BPF_LD | BPF_W | BPF_ABS, 16),
    stmt(BPF_ALU | BPF_AND | BPF_K, 3),
    jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
    stmt(BPF_RET | BPF_K, 0xa),
    jump(BPF_JMP | BPF_JSET | BPF_K, 2, 0, 1),
    stmt(BPF_RET | BPF_K, 0xb),
    jump(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1), // (w & 3) > 5 never holds: its true side is never walked
    stmt(BPF_RET | BPF_K, 0xd),
    stmt(BPF_RET | BPF_K, 0xc),
  ];
  const seen: { ret: number; example: number }[] = [];
  const tests = new PathTests();
  walkPaths(prog, tests, (r) => seen.push({ ret: r, example: solveWord(tests.of(4))! }));
  assert.deepEqual(seen, [{ ret: 0xa, example: 1 }, { ret: 0xb, example: 2 }, { ret: 0xc, example: 0 }]);
  assert.deepEqual(tests.of(4), [], 'the tests are restored after the walk');
});
