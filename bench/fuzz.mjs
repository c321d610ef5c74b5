// The long fuzz of issue 14: hostile policies and include trees (deep
// includes, fan-out, define and group chains, big shifts, long names,
// random bytes, long operator chains) at up to 10 times the sizes of the
// test in test/unit/checker/hostile.test.ts, with the same bounds asserted.
// Prints cases/s and the worst time per shape; the goal is that no case
// takes more than a second (the reports took 20-60 s or overflowed).
// Run: node bench/fuzz.mjs [seconds=30] [scale=10]   (SEED=… replays)
import { tsImport } from 'tsx/esm/api';

const here = import.meta.url;
const { checkBounded, GENERATORS } = await tsImport('../test/helpers/hostile.ts', here);
const { Random, seedFromEnv } = await tsImport('../test/helpers/random.ts', here);


const seconds = Number(process.argv[2] ?? 30);
const scale = Number(process.argv[3] ?? 10);
const seed = seedFromEnv();
const r = new Random(seed);

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
