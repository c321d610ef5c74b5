// The long fuzz of issue 14: hostile policies and include trees (deep
// includes, fan-out, define and group chains, big shifts, long names,
// random bytes, long operator chains) at up to 10 times the sizes of the
// test in test/unit/checker/hostile.test.ts, with the same bounds asserted.
// Prints cases/s and the worst time per shape; the goal is that no case
// takes more than a second (the issue's reports took 20-60 s or overflowed).
// Run: node bench/fuzz.mjs [seconds=30] [scale=10]   (SEED=… replays)
import { tsImport } from 'tsx/esm/api';

const here = import.meta.url;
const { checkBounded, GENERATORS } = await tsImport('../test/helpers/hostile.ts', here);
const { Random, seedFromEnv } = await tsImport('../test/helpers/random.ts', here);


const seconds = Number(process.argv[2] ?? 30);
const scale = Number(process.argv[3] ?? 10);
const seed = seedFromEnv();
const r = new Random(seed);

// The issue's own reports first, best of 5 (they took 20-60 s, or overflowed the stack).
const H = 'default kill_process\nallow execve\n';
const chainOf = (n, line) => Array.from({ length: n }, (_, i) => line(i, i === n - 1)).join('\n');
const fan = (files, times) => Object.fromEntries(Array.from({ length: files }, (_, i) => [`/p/f${i}.seccomp`,
  (i === files - 1 ? 'allow read\n' : `include "f${i + 1}.seccomp"\n`.repeat(times)) + '# five lines\n'.repeat(5 - (i === files - 1 ? 1 : times))]));
const reported = [
  ['17 five-line files, each including the next 4 times', { text: `${H}${'include "f0.seccomp"\n'.repeat(4)}# five\n`, files: fan(16, 4) }],
  ['define D0 = D1 ... D1999 = 1', { text: `${H}${chainOf(2000, (i, last) => `define D${i} = ${last ? 1 : `D${i + 1}`}`)}\nallow read if fd == D0\n`, files: {} }],
  ['group @g0 = @g1 ... @g1999 = read', { text: `${H}${chainOf(2000, (i, last) => `group @g${i} = ${last ? 'read' : `@g${i + 1}`}`)}\nallow @g0\n`, files: {} }],
  ['20,000 comparisons joined by ||', { text: `${H}allow read if ${Array.from({ length: 20000 }, (_, i) => `fd == ${i}`).join(' || ')}\n`, files: {} }],
  ['a 100,000-character name', { text: `${H}allow x${'y'.repeat(100000)}\n`, files: {} }],
];
for (const [name, c] of reported) {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    checkBounded({ shape: name, ...c });
    best = Math.min(best, performance.now() - start);
  }
  console.log(`${name.padEnd(52)} ${best.toFixed(1).padStart(8)} ms`);
}

const stats = new Map();
const t0 = performance.now();
let cases = 0;
let failures = 0;
while (performance.now() - t0 < seconds * 1000) {
  for (const generate of GENERATORS) {
    // Sizes vary from tiny to `scale`: most bugs show on small inputs, the time on big ones.
    const c = generate(r, 1 + r.int(scale));
    const start = performance.now();
    try {
      checkBounded(c);
    } catch (e) {
      failures++;
      console.error(`FAIL ${c.shape} (seed ${seed}, case ${cases}): ${e?.message ?? e}`.slice(0, 2000));
    }
    const ms = performance.now() - start;
    const s = stats.get(c.shape) ?? { n: 0, total: 0, worst: 0, worstSize: 0 };
    s.n++;
    s.total += ms;
    if (ms > s.worst) { s.worst = ms; s.worstSize = c.text.length + Object.values(c.files).reduce((n, f) => n + f.length, 0); }
    stats.set(c.shape, s);
    cases++;
  }
}
const elapsed = (performance.now() - t0) / 1000;
console.log(`seed ${seed}, scale ${scale}: ${cases} cases in ${elapsed.toFixed(1)} s = ${(cases / elapsed).toFixed(1)} cases/s, ${failures} failures`);
console.log('shape            cases   mean ms   worst ms   worst case size (chars)');
for (const [shape, s] of stats) {
  console.log(`${shape.padEnd(16)} ${String(s.n).padStart(5)} ${(s.total / s.n).toFixed(1).padStart(9)} ${s.worst.toFixed(1).padStart(10)}   ${s.worstSize}`);
}
const worst = Math.max(...[...stats.values()].map((s) => s.worst));
console.log(`worst case: ${worst.toFixed(0)} ms (goal: under 1000 ms)`);
process.exitCode = failures > 0 ? 1 : 0;
