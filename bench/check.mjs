// Time to parse and check generated policies of 1k, 10k and 100k lines.
// Target: under 50 ms for 10,000 lines, and linear in the size.
// Run: node bench/check.mjs   (after `npm ci`, which builds dist/core.js)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const { buildPolicyModel, checkModel, diagnoseModel, parsePolicy, syscallByNumber } = require('../dist/core.js');

// Syscalls both ABIs have, not obsolete: a policy people would write has few diagnostics.
const names = [];
for (let nr = 0; nr < 335; nr++) {
  const s = syscallByNumber('x86_64', nr);
  const first = s?.args[0]?.kind;
  if (s && s.name !== 'execve' && !s.obsolete && s.numbers.aarch64 !== undefined && ['fd', 'int', 'flags', 'pid', 'size'].includes(first)) names.push(s.name);
}
const actions = ['allow', 'errno(EPERM)', 'log', 'errno(ENOSYS)', 'trap(3)'];

/** A realistic mix: rules with lists and conditions, defines, groups and comments. */
export function generatePolicy(lines) {
  const out = ['# generated for the benchmark', 'arch x86_64, aarch64', 'default errno(EPERM)', 'allow execve'];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 8) {
      case 0: out.push(`# section ${i}`); break;
      case 1: out.push(`define LIMIT_${i} = ${i} << 4 | 0x3`); break;
      case 2: out.push(`group @g${i} = ${names[i % names.length]}, ${names[(i * 7) % names.length]}, ${names[(i * 13) % names.length]}`); break;
      case 3: out.push(`allow openat if flags & O_ACCMODE == O_RDONLY && dirfd == ${i}`); break;
      case 4: out.push(`${actions[i % actions.length]} ioctl if request in (TCGETS, TIOCGWINSZ, ${0x5400 + i})`); break;
      case 5: out.push(`allow mmap if !(prot & PROT_EXEC) || length < LIMIT_${i - 4}`); break;
      case 6: out.push(`${actions[i % actions.length]} @g${i - 4} if arg0 == ${i}`); break;
      default: out.push(`log ${names[i % names.length]} if arg0 == ${i}`);
    }
  }
  return out.join('\n') + '\n';
}

const host = { readFile: () => ({ error: 'no includes in the benchmark' }) };
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Median wall-clock and CPU ms of `runs` checks; CPU time (this process, GC threads included) moves less with the machine's load. */
function time(text, runs) {
  const wall = [];
  const cpu = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = cpuMs();
    const model = buildPolicyModel({ path: '/bench.seccomp', text }, host);
    diagnoseModel(model);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push(cpuMs() - c0);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: median(wall), cpu: median(cpu) };
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average ${loadavg()} on ${availableParallelism()} cores`);

// The first check in a fresh process runs before V8 has optimised the checker: what a
// language server's first diagnostics or a one-shot CLI `check` pay. Timed in child processes.
if (!process.env.CHECK_BENCH_CHILD) {
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, CHECK_BENCH_CHILD: '1' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child check failed: ${r.stderr}`);
    firsts.push(Number(r.stdout.trim().split('\n').pop()));
  }
  firsts.sort((a, b) => a - b);
  console.log(`10000 lines, the first check in a fresh process (cold JIT): median ${firsts[2].toFixed(1)} ms, best ${firsts[0].toFixed(1)} ms of 5`);
} else {
  const text = generatePolicy(10_000);
  const t0 = performance.now();
  diagnoseModel(buildPolicyModel({ path: '/bench.seccomp', text }, host));
  console.log(performance.now() - t0);
  process.exit(0);
}

// Warm: the checker optimised (a language server after its first few checks), as the target means.
time(generatePolicy(10_000), 8);
console.log('lines     bytes      median ms   CPU ms   ms per 1k lines   target');
let byPhase = '';
for (const lines of [1_000, 10_000, 100_000]) {
  const text = generatePolicy(lines);
  time(text, 2); // warm up
  const { wall, cpu } = time(text, lines >= 100_000 ? 3 : 11);
  const target = lines === 10_000 ? `< 50 ms ${wall < 50 ? 'ok' : 'MISSED'}` : '';
  console.log(`${String(lines).padEnd(9)} ${String(text.length).padEnd(10)} ${wall.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(8)}   ${(wall / (lines / 1000)).toFixed(2).padStart(15)}   ${target}`);
  // Before the 100,000-line checks: their garbage, still being marked, would slow the phases' loops.
  if (lines === 10_000) byPhase = phases(text, 11);
}

/**
 * Where the 10,000-line check's time goes, median ms of each phase: parsing,
 * the rest of building the model (names, rules, each ABI's table), the
 * checks (checkModel), and the compile with its size message (the rest of
 * diagnoseModel). Each phase has its own loop that does the whole check but
 * times only that phase (the model phase: the build less the parse median),
 * so each phase meets the garbage collector as a check does and the phases
 * add up to about the median above.
 */
function phases(text, runs) {
  const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const timed = (f) => {
    const ms = [];
    for (let r = 0; r < runs; r++) ms.push(f());
    return median(ms);
  };
  const build = () => buildPolicyModel({ path: '/bench.seccomp', text }, host);
  const parse = timed(() => {
    const a = performance.now();
    parsePolicy(text);
    const b = performance.now();
    diagnoseModel(build());
    return b - a;
  });
  const built = timed(() => {
    const a = performance.now();
    const model = build();
    const b = performance.now();
    diagnoseModel(model);
    return b - a;
  });
  const checks = timed(() => {
    const model = build();
    const a = performance.now();
    checkModel(model);
    return performance.now() - a;
  });
  const diagnose = timed(() => {
    const model = build();
    const a = performance.now();
    diagnoseModel(model);
    return performance.now() - a;
  });
  const t = { parse, model: built - parse, checks, compile: diagnose - checks };
  return Object.entries(t).map(([k, v]) => `${k} ${Math.max(0, v).toFixed(1)}`).join(', ');
}
console.log(`10000 lines by phase (median ms): ${byPhase}`);
