// Speed of native/seccomp-run on a syscall-heavy loop: 200,000 getpid calls (a C fixture built
// here), untraced, under `strace -f -o /dev/null`, under the helper (full trace, events to
// /dev/null) and under the helper's --only-decisions fast path (a filter that traces nothing).
// Prints the best of three wall times and the ratios. Usage: node bench/trace-native.mjs [N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 200000);
const root = new URL('..', import.meta.url).pathname;
const helper = join(root, 'native', 'build', 'seccomp-run');
const dir = mkdtempSync(join(tmpdir(), 'trace-bench-'));
const fx = join(dir, 'fx');
const cc = spawnSync('gcc', ['-O1', '-pthread', '-o', fx, join(root, 'test', 'native', 'fixtures', 'fx.c')], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(cc.stderr);

// ld [4]; jeq x86_64 ? next : kill; ld [0]; jeq getpid ? trace : allow. getpid is allowed by the
// real policy (action table entry 0 is allow), so the fast path stops once per getpid: its worst case.
const insn = (code, jt, jf, k) => { const b = Buffer.alloc(8); b.writeUInt16LE(code); b[2] = jt; b[3] = jf; b.writeUInt32LE(k >>> 0, 4); return b; };
const allowAll = Buffer.concat([insn(0x20, 0, 0, 4), insn(0x15, 1, 0, 0xc000003e), insn(0x06, 0, 0, 0x80000000), insn(0x06, 0, 0, 0x7fff0000)]);
const traceNothing = allowAll;
const traceGetpid = Buffer.concat([insn(0x20, 0, 0, 4), insn(0x15, 1, 0, 0xc000003e), insn(0x06, 0, 0, 0x80000000),
  insn(0x20, 0, 0, 0), insn(0x15, 0, 1, 39), insn(0x06, 0, 0, 0x7ff00000), insn(0x06, 0, 0, 0x7fff0000)]);
writeFileSync(join(dir, 'allow.bpf'), allowAll);
writeFileSync(join(dir, 'nothing.bpf'), traceNothing);
writeFileSync(join(dir, 'getpid.bpf'), traceGetpid);

// Best of three runs: the VMs are noisy, and the best run is the least disturbed one.
function time(label, cmd, args) {
  const devnull = openSync('/dev/null', 'w');
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit', devnull] });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`${label}: exit ${r.status}`);
  }
  return best;
}

const work = [fx, 'loop', String(N)];
const rows = [
  ['untraced', time('untraced', fx, work.slice(1))],
  ['strace -f -o /dev/null', time('strace', 'strace', ['-f', '-o', '/dev/null', ...work])],
  ['seccomp-run full trace (enforce, allow-all)', time('full', helper, ['--events-fd', '3', '--filter', join(dir, 'allow.bpf'), '--', ...work])],
  ['seccomp-run full trace, --no-pin', time('full-nopin', helper, ['--no-pin', '--events-fd', '3', '--filter', join(dir, 'allow.bpf'), '--', ...work])],
  ['seccomp-run --only-decisions, nothing traced', time('fast', helper, ['--events-fd', '3', '--only-decisions', '--actions', '0x7fff0000', '--filter', join(dir, 'nothing.bpf'), '--', ...work])],
  ['seccomp-run --only-decisions, every getpid traced', time('fast-all', helper, ['--events-fd', '3', '--only-decisions', '--actions', '0x7fff0000', '--filter', join(dir, 'getpid.bpf'), '--', ...work])],
];
const base = rows[0][1], strace = rows[1][1];
console.log(`${N} getpid calls`);
for (const [label, s] of rows) {
  console.log(`${label.padEnd(50)} ${s.toFixed(3).padStart(8)} s  x${(s / base).toFixed(2).padStart(7)} untraced  x${(s / strace).toFixed(3)} strace`);
}

// The same without Node in the way, on issue #13's workload: a Python loop of N os.getpid() calls
// (each a real syscall), where the fast path was 2.4 x untraced through the CLI (goal <= 1.5 x) and
// the full trace 0.56 x strace (goal <= 0.5 x). The CLI adds its start-up to these (bench/trace.mjs).
if (spawnSync('/usr/bin/python3', ['-c', ''], { stdio: 'ignore' }).status === 0) {
  const py = ['/usr/bin/python3', '-c', `import os\nfor _ in range(${N}): os.getpid()`];
  const pyRows = [
    ['untraced', time('py untraced', py[0], py.slice(1))],
    ['strace -f -o /dev/null', time('py strace', 'strace', ['-f', '-o', '/dev/null', ...py])],
    ['seccomp-run full trace (enforce, allow-all)', time('py full', helper, ['--events-fd', '3', '--filter', join(dir, 'allow.bpf'), '--', ...py])],
    ['seccomp-run --only-decisions, nothing traced', time('py fast', helper, ['--events-fd', '3', '--only-decisions', '--actions', '0x7fff0000', '--filter', join(dir, 'nothing.bpf'), '--', ...py])],
  ];
  const pyBase = pyRows[0][1], pyStrace = pyRows[1][1];
  console.log(`\npython3: ${N} os.getpid() calls`);
  for (const [label, s] of pyRows) {
    console.log(`${label.padEnd(50)} ${s.toFixed(3).padStart(8)} s  x${(s / pyBase).toFixed(2).padStart(7)} untraced  x${(s / pyStrace).toFixed(3)} strace`);
  }
}
