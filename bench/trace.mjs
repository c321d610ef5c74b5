// Speed of `seccomp-policy run` end to end (helper + event parsing + attribution + formatting),
// measured in one run against the untraced program and `strace -f -o /dev/null`:
//   - a C loop of N getpid calls (built here), `dd if=/dev/zero of=/dev/null bs=1 count=N`, and a
//     Python loop of N os.getpid() calls (issue #13's "200k-syscall Python loop"; when python3 exists);
//   - the full trace (text to /dev/null) and the fast path (--only-decisions) under a realistic
//     policy (bench/policies/docker-default.seccomp, which allows both workloads);
//   - the formatting side alone: parse + attribute + format of recorded events, in events/s.
// Best of three wall times. Usage: node bench/trace.mjs [N]   (needs make -C native, gcc, strace)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const N = Number(process.argv[2] ?? 200000);
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin', 'seccomp-policy');
const helper = join(root, 'native', 'build', 'seccomp-run');
const policy = join(root, 'bench', 'policies', 'docker-default.seccomp');
const dir = mkdtempSync(join(tmpdir(), 'trace-bench-'));

for (const [what, cmd, args] of [['helper', 'make', ['-s', '-C', join(root, 'native')]], ['CLI bundle', process.execPath, [join(root, 'scripts', 'build.mjs')]]]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the ${what} failed:\n${r.stderr}`);
}
if (!existsSync(helper)) throw new Error('native/build/seccomp-run is missing');

const loopSrc = join(dir, 'loop.c');
writeFileSync(loopSrc, '#include <stdlib.h>\n#include <unistd.h>\n#include <sys/syscall.h>\nint main(int c, char **v) { long n = atol(v[1]); for (long i = 0; i < n; i++) syscall(SYS_getpid); return 0; }\n');
const loop = join(dir, 'loop');
const cc = spawnSync('gcc', ['-O1', '-o', loop, loopSrc], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(cc.stderr);

function time(label, cmd, args) {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  }
  return best;
}

const workloads = [
  [`getpid loop (${N})`, [loop, String(N)]],
  [`dd bs=1 count=${N}`, ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${N}`]],
];
// os.getpid() is a real syscall each time (glibc stopped caching the pid in 2.25).
if (existsSync('/usr/bin/python3')) workloads.push([`python3 os.getpid() loop (${N})`, ['/usr/bin/python3', '-c', `import os\nfor _ in range(${N}): os.getpid()`]]);
// The CLI's fixed cost (node start-up, policy compile, helper start), measured on /bin/true.
const startup = time('start-up', process.execPath, [cli, 'run', '--only-decisions', '-o', '/dev/null', policy, '--', '/bin/true'])
  - time('true', '/bin/true', []);
const rows = [];
for (const [name, cmd] of workloads) {
  const untraced = time('untraced', cmd[0], cmd.slice(1));
  const strace = time('strace', 'strace', ['-f', '-o', '/dev/null', ...cmd]);
  const full = time('run', process.execPath, [cli, 'run', '-o', '/dev/null', policy, '--', ...cmd]);
  const fast = time('run --only-decisions', process.execPath, [cli, 'run', '--only-decisions', '-o', '/dev/null', policy, '--', ...cmd]);
  rows.push({ name, untraced, strace, full, fast });
}

// The formatting side: recorded events through parse + attribute + format, in-process.
const bundle = join(dir, 'engine.cjs');
await build({
  stdin: {
    contents: `export { EventParser } from './server/src/trace/events';
      export { TraceSession } from './server/src/trace/session';
      export { buildPolicyModel } from './server/src/policy/semantics/build';
      export { compilePolicy } from './server/src/compiler/compile';`,
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const { createRequire } = await import('node:module');
const engine = createRequire(import.meta.url)(bundle);
const model = engine.buildPolicyModel({ path: policy, text: readFileSync(policy, 'utf8') }, { readFile: () => ({ error: 'no includes' }) });
const program = engine.compilePolicy(model).program;

function record(cmd) {
  const out = join(dir, 'events.jsonl');
  const r = spawnSync(helper, ['--mode', 'permissive', '--events', out, '--', ...cmd], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`recording ${cmd.join(' ')} failed`);
  return readFileSync(out);
}
function eventsPerSecond(bytes) {
  let best = 0;
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const session = new engine.TraceSession({ program, model, output: 'text' });
    let chars = 0;
    count = 0;
    const parser = new engine.EventParser((e) => { count++; const l = session.handle(e); if (l !== undefined) chars += l.length; });
    const t0 = process.hrtime.bigint();
    for (let off = 0; off < bytes.length; off += 65536) parser.push(bytes.subarray(off, off + 65536));
    parser.end();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, count / s);
    if (chars === 0) throw new Error('nothing formatted');
  }
  return { best, count };
}
const fmtGetpid = eventsPerSecond(record([loop, String(N)]));
const fmtDd = eventsPerSecond(record(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${N}`]));
const lsOnce = record(['ls', '-la', '/usr/bin']);
const fmtLs = eventsPerSecond(lsOnce);

const f = (s) => `${s.toFixed(3)} s`;
const x = (a, b) => (a / b).toFixed(2);
console.log(`seccomp-policy run, ${new Date().toISOString()} (best of 3; policy ${policy.slice(root.length)})\n`);
console.log('| workload | untraced | strace -f | run (full) | run --only-decisions | full / strace | full / untraced | fast / untraced | fast − start-up / untraced |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${f(r.untraced)} | ${f(r.strace)} | ${f(r.full)} | ${f(r.fast)} | ${x(r.full, r.strace)} | ${x(r.full, r.untraced)} | ${x(r.fast, r.untraced)} | ${x(Math.max(r.fast - startup, 0), r.untraced)} |`);
}
console.log(`\nThe CLI's fixed start-up (node, policy compile, helper start; run --only-decisions -- /bin/true minus /bin/true): ${f(startup)}`);
console.log('\nFormatting side (parse + attribute + format to text, in-process):');
console.log(`  getpid loop: ${Math.round(fmtGetpid.best).toLocaleString('en')} events/s (${fmtGetpid.count} events)`);
console.log(`  dd bs=1:     ${Math.round(fmtDd.best).toLocaleString('en')} events/s (${fmtDd.count} events)`);
console.log(`  ls -la /usr/bin (varied calls): ${Math.round(fmtLs.best).toLocaleString('en')} events/s (${fmtLs.count} events)`);
console.log('\nTargets: full / strace <= 0.5, fast / untraced <= 1.5, formatting >= 200,000 events/s.');
