// Compile time, size and path length for a policy equivalent to Docker's
// default profile (bench/policies/docker-default.seccomp) and for a
// generated 2,000-rule policy. Target: compile under 5 ms for the Docker one.
// Run: node bench/compile.mjs   (after `npm ci`, which builds dist/core.js)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { buildPolicyModel, compilePolicy, programStats, syscallByNumber } = require('../dist/core.js');

const host = { readFile: () => ({ error: 'no includes here' }) };

function generated(rules) {
  const names = [];
  for (let nr = 0; nr < 335; nr++) { const s = syscallByNumber('x86_64', nr); if (s) names.push(s.name); }
  const out = ['arch x86_64, aarch64', 'default errno(EPERM)', 'allow execve'];
  const actions = ['allow', 'errno(EACCES)', 'log', 'trap(1)', 'kill_process'];
  for (let i = 0; i < rules; i++) {
    const n = names[(i * 37) % names.length];
    out.push(i % 3 === 0 ? `${actions[i % 5]} ${n} if arg0 == ${i} || arg1 & 0x${(1 << (i % 31)).toString(16)}` : `${actions[i % 5]} ${n}`);
  }
  return out.join('\n') + '\n';
}

function measure(label, text) {
  const model = buildPolicyModel({ path: label, text }, host);
  const times = [];
  let result;
  for (let r = 0; r < 25; r++) {
    const t0 = process.hrtime.bigint();
    result = compilePolicy(model);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const p = result.program;
  console.log(`\n${label}: ${result.ok ? '' : '(TOO LARGE) '}compile median ${times[12].toFixed(2)} ms, ${p.instructions.length} instructions for ${p.abis.join(', ')}`);
  for (const abi of p.abis) {
    const single = compilePolicy(model, { abis: [abi] }).program;
    const s = programStats(single).perAbi[0];
    const f = (x) => `${x.min}/${x.mean.toFixed(2)}/${x.max}`;
    console.log(`  ${abi.padEnd(8)} ${String(single.instructions.length).padStart(5)} instructions alone; path min/mean/max: allowed ${f(s.allowed)} (${s.allowed.count} syscalls), all ${f(s.all)}`);
  }
}

measure('docker-default (x86_64)', readFileSync(new URL('./policies/docker-default.seccomp', import.meta.url), 'utf8'));
measure('generated 2,000 rules', generated(2000));
console.log('\nReference, Docker profile on x86_64 (issue #3): libseccomp 2.5.4 328 instr / mean 154.6; its binary tree 405 / 15.4; kafel ~76 / 10.4; minijail 66 / 9.1.');
