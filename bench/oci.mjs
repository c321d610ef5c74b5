// Docker's default profile imported (`seccomp-policy import`), compiled by us, next to the profile
// as runc loads it into libseccomp: size, and path length (BPF instructions executed per call,
// counted by our interpreter with zero arguments) over every syscall each ABI's table knows, and
// over the allowed ones. libseccomp's side is test/helpers/runc.ts + test/kernel/c/oci-libseccomp.c,
// with runc's optimisation (a binary tree, SCMP_FLTATR_CTL_OPTIMIZE 2, past 32 syscalls) and
// libseccomp's default.
// Usage: node bench/oci.mjs [PROFILE.json]   (default ../shared/corpora/moby-default.json;
// needs gcc and libseccomp-dev)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const profilePath = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpora', 'moby-default.json'));
if (!existsSync(profilePath)) {
  console.error(`${profilePath} is not on this machine; pass a profile`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'oci-bench-'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

// The core from the sources, so the figures are the tree's, whatever dist/ holds.
const core = join(dir, 'core.cjs');
await build({
  stdin: {
    contents: `export { readProfile } from './server/src/interop/profile';
      export { importProfile } from './server/src/interop/import';
      export { DOCKER_DEFAULT_CAPS } from './server/src/interop/runtime';
      export { buildPolicyModel } from './server/src/policy/semantics/build';
      export { compilePolicy } from './server/src/compiler/compile';
      export { runProgram } from './server/src/bpf/interpreter';
      export { decodeProgram } from './server/src/bpf/instructions';
      export { allSyscalls } from './server/src/kernel/syscalls';
      export { abiInfo } from './server/src/kernel/abi';
      export { mobyEntries, filterAbis, runcRules } from './test/helpers/runc';`,
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: core, logLevel: 'warning',
});
const driver = join(dir, 'oci-libseccomp');
run('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2', '-o', driver, join(root, 'test', 'kernel', 'c', 'oci-libseccomp.c'), '-lseccomp']);

const require = createRequire(import.meta.url);
const c = require(core);
const read = c.readProfile(readFileSync(profilePath, 'utf8'));
if (!read.ok) throw new Error(read.error);
const machine = { arch: 'x86_64', caps: [...c.DOCKER_DEFAULT_CAPS], kernel: '6.1' };
const imported = c.importProfile(read.profile, machine);
if (!imported.ok) throw new Error(imported.error);
const model = c.buildPolicyModel({ path: 'imported.seccomp', text: imported.text }, { readFile: () => ({ error: 'no includes here' }) });
const compiled = c.compilePolicy(model);
if (!compiled.ok) throw new Error('too large');
const ours = compiled.program.instructions;

function libseccomp(optimize) {
  const rules = c.runcRules(read.profile, c.mobyEntries(read.profile, machine), c.filterAbis(read.profile, machine), optimize);
  writeFileSync(join(dir, `rules-${optimize}`), rules);
  run(driver, [join(dir, `rules-${optimize}`), join(dir, `bpf-${optimize}`)]);
  return c.decodeProgram(new Uint8Array(readFileSync(join(dir, `bpf-${optimize}`))));
}
const binaryTree = libseccomp(2);
const linear = libseccomp(1);

const ALLOW = 0x7fff0000;
const LOG = 0x7ffc0000;
/** Per ABI: mean and longest path over every known syscall, and the mean over the ones `decider` allows. */
function paths(insns, abi, decider) {
  const arch = c.abiInfo(abi).auditArch;
  const all = [];
  const allowed = [];
  for (const s of c.allSyscalls()) {
    const nr = s.numbers[abi];
    if (nr === undefined) continue;
    const data = { nr, arch, instructionPointer: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n] };
    const r = c.runProgram(insns, data);
    all.push(r.steps);
    const action = (c.runProgram(decider, data).action & 0xffff0000) >>> 0;
    if (action === ALLOW || action === LOG) allowed.push(r.steps);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { all: mean(all), max: Math.max(...all), allowed: mean(allowed), count: allowed.length };
}

console.log(`${profilePath}, imported for x86_64 with Docker's capabilities (Linux 6.1): ${model.rules.length} rules, arch ${model.abis.join(', ')}`);
console.log('');
console.log('| filter | instructions | ABI | mean path, allowed | mean path, all | longest path |');
console.log('|---|---|---|---|---|---|');
for (const [name, insns] of [['libseccomp 2.5.4, binary tree (as runc loads it)', binaryTree], ['libseccomp 2.5.4, default', linear], ['**seccomp-policy import**', ours]]) {
  for (const abi of model.abis) {
    const p = paths(insns, abi, ours);
    console.log(`| ${name} | ${insns.length} | ${abi} (${p.count} allowed) | ${p.allowed.toFixed(2)} | ${p.all.toFixed(2)} | ${p.max} |`);
  }
}
rmSync(dir, { recursive: true, force: true });
