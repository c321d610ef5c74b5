// `seccomp-policy diff` (compiler/diff.ts) on real policies: the time to compare the compiled
// filters of two policies exactly, per ABI, best of 5 runs in one process (after a warm-up),
// with the number of changes it found. Pairs: the Docker profile against itself (no change,
// every path pair visited), against a copy with one argument value removed from `personality`
// (one change, behind an argument condition), and against a copy with `default kill_process`
// (every unlisted syscall changes); and two examples/ policies with argument conditions.
// Usage: node bench/diff.mjs
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'diff-bench-'));
const core = join(dir, 'core.cjs');
// The core from the sources, so the figures are the tree's, whatever dist/ holds.
await build({
  stdin: {
    contents: `export { buildPolicyModel } from './server/src/policy/semantics/build';
      export { compilePolicy } from './server/src/compiler/compile';
      export { diffPolicies } from './server/src/compiler/diff';`,
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: core, logLevel: 'warning',
});
const { buildPolicyModel, compilePolicy, diffPolicies } = createRequire(import.meta.url)(core);

const host = { readFile: (p) => { try { return { text: readFileSync(p, 'utf8') }; } catch (e) { return { error: String(e) }; } } };
function compiled(path, text = readFileSync(path, 'utf8')) {
  const model = buildPolicyModel({ path, text }, host);
  const r = compilePolicy(model);
  if (!r.ok) throw new Error(`${path}: too large`);
  return { model, program: r.program };
}

const docker = join(root, 'bench', 'policies', 'docker-default.seccomp');
const dockerText = readFileSync(docker, 'utf8');
const pairs = [
  ['docker-default vs itself', compiled(docker), compiled(docker)],
  ['docker-default vs personality without 0x20000', compiled(docker), compiled(join(dir, 'p.seccomp'), dockerText.replace('(0, 8, 0x20000,', '(0, 8,'))],
  ['docker-default vs default kill_process', compiled(docker), compiled(join(dir, 'k.seccomp'), dockerText.replace(/^default .*$/m, 'default kill_process'))],
  ['examples: list-directory vs coreutils', compiled(join(root, 'examples', 'list-directory.seccomp')), compiled(join(root, 'examples', 'coreutils.seccomp'))],
  ['examples: web-server vs python-script', compiled(join(root, 'examples', 'web-server.seccomp')), compiled(join(root, 'examples', 'python-script.seccomp'))],
];

console.log('pair'.padEnd(50), 'instructions'.padStart(13), 'ms (best of 5)'.padStart(15), 'changes'.padStart(8));
for (const [name, a, b] of pairs) {
  diffPolicies(a, b); // warm-up
  let best = Infinity;
  let changes = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const d = diffPolicies(a, b);
    best = Math.min(best, performance.now() - t);
    changes = d.abis.reduce((n, x) => n + x.changes.length, 0);
  }
  const size = `${a.program.instructions.length}/${b.program.instructions.length}`;
  console.log(name.padEnd(50), size.padStart(13), best.toFixed(1).padStart(15), String(changes).padStart(8));
}
