// Where the start-up of `seccomp-policy run POLICY -- /bin/true` goes: Node's own start, loading
// the CLI bundle, reading and compiling the policy, the helper's exec and trace of /bin/true, and
// the whole command. Each stage is timed inside a fresh Node process (performance.now() counts
// from the process's start), cold as a user pays it, in wall time and in CPU time (user +
// system, of Node's process alone: steadier than wall time on a loaded machine), and each figure
// is the best of N (the machine is shared and noisy; the best run is the least disturbed one).
// Usage: node bench/startup.mjs [N] [POLICY]   (run `node scripts/build.mjs` and `make -C native` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 10);
const root = new URL('..', import.meta.url).pathname;
const policy = process.argv[3] ?? join(root, 'examples', 'list-directory.seccomp');
const bundle = join(root, 'dist', 'cli.js');
const helper = join(root, 'native', 'build', 'seccomp-run');
const dir = mkdtempSync(join(tmpdir(), 'startup-bench-'));
const devnull = openSync('/dev/null', 'w');

// One fresh process: node start → require the bundle → one CLI command through main(), each
// moment taken with performance.now(); prints them as JSON.
const probe = (argv) => `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const boot = performance.now(), bootCpu = cpu();
const m = require(${JSON.stringify(bundle)});
const loaded = performance.now(), loadedCpu = cpu();
const io = { out() {}, err() {}, writeBytes() {}, isTty: false };
(${argv ? `m.main(${JSON.stringify(argv)}, io)` : 'Promise.resolve(0)'}).then((code) => {
  const done = performance.now(), doneCpu = cpu();
  process.stdout.write(JSON.stringify({ code, boot, loaded, done, bootCpu, loadedCpu, doneCpu }));
});`;

function stages(label, argv) {
  let b = { boot: Infinity, load: Infinity, command: Infinity, total: Infinity, bootCpu: Infinity, loadCpu: Infinity, commandCpu: Infinity };
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-e', probe(argv)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const total = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = JSON.parse(r.stdout);
    if (m.code !== 0) throw new Error(`${label}: exit ${m.code}`);
    b = {
      boot: Math.min(b.boot, m.boot), load: Math.min(b.load, m.loaded - m.boot),
      command: Math.min(b.command, m.done - m.loaded), total: Math.min(b.total, total),
      bootCpu: Math.min(b.bootCpu, m.bootCpu), loadCpu: Math.min(b.loadCpu, m.loadedCpu - m.bootCpu),
      commandCpu: Math.min(b.commandCpu, m.doneCpu - m.loadedCpu),
    };
  }
  return b;
}

function wall(cmd, args) {
  let min = Infinity;
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', devnull, 'inherit'] });
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}`);
  }
  return min;
}

const filter = join(dir, 'policy.bpf');
const nothing = stages('load', undefined);
const compile = stages('compile', ['compile', policy, '--format', 'raw', '-o', filter]);
const run = stages('run', ['run', policy, '-o', '/dev/null', '--', '/bin/true']);
const fast = stages('run --only-decisions', ['run', '--only-decisions', policy, '-o', '/dev/null', '--', '/bin/true']);
const helperAlone = wall(helper, ['--filter', filter, '--events', '/dev/null', '--', '/bin/true']);
const untraced = wall('/bin/true', []);
const nodeBare = wall(process.execPath, ['-e', '0']);

const ms = (v) => (v === undefined ? '' : `${v.toFixed(1).padStart(7)} ms`);
console.log(`seccomp-policy run ${policy} -- /bin/true: best of ${N}, each stage in a fresh process`);
console.log(`  ${''.padEnd(48)}    wall        CPU`);
for (const [label, v, c] of [
  ['node -e 0 (whole process)', nodeBare],
  ['Node start to the first line of user code', nothing.boot, nothing.bootCpu],
  ['require dist/cli.js', nothing.load, nothing.loadCpu],
  ['compile command (read, check, compile, write)', compile.command, compile.commandCpu],
  ['run command (compile + helper + trace)', run.command, run.commandCpu],
  ['run --only-decisions command', fast.command, fast.commandCpu],
  ['helper alone: exec and trace /bin/true', helperAlone],
  ['/bin/true untraced', untraced],
  ['run, whole process', run.total],
]) console.log(`  ${label.padEnd(48)} ${ms(v)} ${ms(c)}`);
console.log(`  run command - compile command (CPU): ${ms(run.commandCpu - compile.commandCpu).trim()} (helper start, events, formatting, summary)`);
