// Profile-guided filters (`compile --profile TRACE.json`) on the Docker profile
// (bench/policies/docker-default.seccomp), x86_64, next to libseccomp's binary tree (-O):
//   - mean path (BPF instructions executed per call, counted by our interpreter) over the calls of
//     real programs: a Python one-liner, a `node -e` script, a shell pipeline. Each program is traced
//     twice (`seccomp-policy run --permissive --json`): the first run is the profile, the second is
//     what is measured, so the figures are not measured on the profile itself;
//   - size and mean path over every allowed syscall (the unweighted figure of merit);
//   - personality(0xffffffff) (an argument-checked rule) against libseccomp -O, without a profile, with
//     profiles that never call it, and with the profile of a program that does query it.
// libseccomp's filter comes from test/kernel/c/libseccomp-filter.c (seccomp_export_bpf) and runs in the same
// interpreter. Usage: node bench/profile.mjs   (needs make -C native, gcc, libseccomp-dev, python3, node)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const policyPath = join(root, 'bench', 'policies', 'docker-default.seccomp');
const helper = join(root, 'native', 'build', 'seccomp-run');
const dir = mkdtempSync(join(tmpdir(), 'profile-bench-'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

// The core and the CLI from the sources, so the figures are the tree's, whatever dist/ holds.
run('make', ['-s', '-C', join(root, 'native')]);
if (!existsSync(helper)) throw new Error('native/build/seccomp-run is missing');
const core = join(dir, 'core.cjs');
await build({
  stdin: {
    contents: `export { buildPolicyModel } from './server/src/policy/semantics/build';
      export { compilePolicy } from './server/src/compiler/compile';
      export { programStats } from './server/src/compiler/stats';
      export { runProgram } from './server/src/bpf/interpreter';
      export { decodeProgram } from './server/src/bpf/instructions';
      export { getSyscall } from './server/src/kernel/syscalls';
      export { profileFromTrace } from './server/src/trace/profile';`,
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: core, logLevel: 'warning',
});
const cli = join(dir, 'cli.cjs');
await build({ entryPoints: [join(root, 'server', 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'warning' });
writeFileSync(join(dir, 'seccomp-policy.cjs'), `require(${JSON.stringify(cli)}).runCli();\n`);
const lsc = join(dir, 'lsc-export');
run('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2', '-o', lsc, join(root, 'test', 'kernel', 'c', 'libseccomp-filter.c'), '-lseccomp']);

const require = createRequire(import.meta.url);
const { buildPolicyModel, compilePolicy, programStats, runProgram, decodeProgram, getSyscall, profileFromTrace } = require(core);
const X86_64 = 0xc000003e;
const model = buildPolicyModel({ path: policyPath, text: readFileSync(policyPath, 'utf8') }, { readFile: () => ({ error: 'no includes here' }) });

// --- libseccomp's filter for the same rules: one libseccomp rule per `or` item, 64-bit comparisons, as Docker does.
const table = model.tables.get('x86_64');
const action = (a) => (a.kind === 'allow' ? 'ALLOW' : a.kind === 'errno' ? `ERRNO ${a.data}` : a.kind === 'kill_process' ? 'KILL_PROCESS' : null);
const OPS = { '==': 'EQ', '!=': 'NE', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };
const compare = (c) => {
  if (c.kind !== 'cmp') throw new Error(`no libseccomp rule for a ${c.kind} here`);
  const full = c.mask === (c.width === 32 ? 0xffffffffn : 0xffffffffffffffffn);
  if (!full && c.op !== '==') throw new Error('a masked comparison other than == has no libseccomp form');
  // 64-bit comparisons (SCMP_CMP64), as Docker's profile is loaded.
  return full ? `${c.arg} 64 ${OPS[c.op]} ${c.value}` : `${c.arg} 64 MASKED_EQ ${c.mask} ${c.value}`;
};
const rules = [`DEFAULT ${action(table.defaultAction)}`, 'OPTIMIZE 2'];
for (const list of table.bySyscall.values()) {
  for (const r of list) {
    const c = r.condition;
    const head = `RULE ${action(r.action)} ${r.syscall}`;
    if (c.kind === 'true') rules.push(head);
    else if (c.kind === 'or') for (const item of c.items) rules.push(`${head} ${compare(item)}`);
    else if (c.kind === 'and') rules.push(`${head} ${c.items.map(compare).join(' ')}`);
    else rules.push(`${head} ${compare(c)}`);
  }
}
writeFileSync(join(dir, 'docker.rules'), rules.join('\n') + '\n');
run(lsc, [join(dir, 'docker.rules'), join(dir, 'docker.bpf')]);
const libseccomp = decodeProgram(new Uint8Array(readFileSync(join(dir, 'docker.bpf'))));

// --- Traces of real programs.
const python = run('python3', ['-c', 'import sys; print(sys.executable)']).trim(); // past any pyenv shim
const WORKLOADS = [
  ['Python one-liner', python, ['-c', 'import json; print(sum(len(json.dumps(list(range(i)))) for i in range(300)))']],
  ['node -e script', process.execPath, ['-e', 'const fs = require("fs"); let n = 0; for (const f of fs.readdirSync("/usr/lib")) n += f.length; console.log(n)']],
  ['sh -c \'ls / | wc -l\'', '/bin/sh', ['-c', 'ls / | wc -l']],
];
// A program that does query its personality (the Docker profile's argument-checked rule), 200 times.
const QUERY = ['Python, 200 personality queries', python, ['-c', 'import ctypes; p = ctypes.CDLL(None).personality; p.argtypes = [ctypes.c_ulong]; print(sum(p(0xffffffff) for _ in range(200)))']];

function trace(name, cmd, args, n) {
  const out = join(dir, `${name.replace(/\W+/g, '-')}-${n}.json`);
  run(process.execPath, [join(dir, 'seccomp-policy.cjs'), 'run', policyPath, '--permissive', '--json', '-o', out, '--', cmd, ...args],
    { env: { ...process.env, SECCOMP_RUN_HELPER: helper }, stdio: ['ignore', 'ignore', 'pipe'] });
  const text = readFileSync(out, 'latin1');
  const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.type === 'syscall' && !e.startup && e.abi === X86_64 && e.nr < 0x40000000)
    .map((e) => ({ nr: e.nr, args: e.args.map((a) => BigInt(a)) }));
  const profile = profileFromTrace(text);
  if (!profile.ok) throw new Error(`${out}: ${profile.error}`);
  return { events, profile: profile.profile };
}

const steps = (insns, nr, args) => runProgram(insns, { arch: X86_64, nr, instructionPointer: 0n, args }).steps;
const meanPath = (insns, events) => events.reduce((s, e) => s + steps(insns, e.nr, e.args), 0) / events.length;
const compile = (profile) => {
  const r = compilePolicy(model, profile ? { profile } : {});
  if (!r.ok) throw new Error('too large');
  return r.program;
};
const allowedMean = (program) => programStats(program).perAbi[0].allowed.mean;

const plain = compile();
const lscStats = programStats({ instructions: libseccomp, sourceMap: { instructions: [], ranges: [] }, abis: ['x86_64'] }).perAbi[0].allowed;
console.log(`Docker profile, x86_64: ours ${plain.instructions.length} instructions, mean path ${allowedMean(plain).toFixed(2)} over the ${lscStats.count} allowed syscalls; libseccomp -O ${libseccomp.length}, ${lscStats.mean.toFixed(2)}`);

console.log('\nMean path per call on a second run of each program (profile from the first run):');
console.log(`  ${'program'.padEnd(32)} ${'calls'.padStart(6)}  ${'unweighted'.padStart(10)}  ${'weighted'.padStart(8)}  ${'libseccomp -O'.padStart(13)}   weighted filter: size, mean over allowed`);
const profiles = [];
for (const [name, cmd, args] of WORKLOADS) {
  const first = trace(name, cmd, args, 1);
  const second = trace(name, cmd, args, 2);
  const weighted = compile(first.profile);
  profiles.push([name, first.profile]);
  console.log(`  ${name.padEnd(32)} ${String(second.events.length).padStart(6)}  ${meanPath(plain.instructions, second.events).toFixed(2).padStart(10)}  ${meanPath(weighted.instructions, second.events).toFixed(2).padStart(8)}  ${meanPath(libseccomp, second.events).toFixed(2).padStart(13)}   ${weighted.instructions.length}, ${allowedMean(weighted).toFixed(2)}`);
}

console.log('\npersonality(0xffffffff), instructions executed (ours / libseccomp -O):');
const personality = getSyscall('personality').numbers.x86_64;
const query = [0xffffffffn, 0n, 0n, 0n, 0n, 0n];
const theirs = steps(libseccomp, personality, query);
const row = (label, program) => {
  const ours = steps(program.instructions, personality, query);
  console.log(`  ${label.padEnd(48)} ${String(ours).padStart(3)} / ${theirs} = ${(ours / theirs).toFixed(2)}`);
};
row('no profile', plain);
for (const [name, profile] of profiles) row(`profile: ${name} (never calls it)`, compile(profile));
const queries = trace(QUERY[0], QUERY[1], QUERY[2], 1);
row(`profile: ${QUERY[0]}`, compile(queries.profile));
rmSync(dir, { recursive: true, force: true });
