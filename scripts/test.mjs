// Runs every test suite: type check, then node:test suites by folder.
// `node scripts/test.mjs [suite...]` runs only the named suites (unit, lsp, kernel, native, grammar, e2e).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const all = ['typecheck', 'unit', 'kernel', 'native', 'lsp', 'grammar', 'e2e'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.(ts|mjs)$/.test(name)) out.push(p);
  }
  return out.sort();
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

let failed = [];
for (const suite of wanted) {
  console.log(`\n=== ${suite} ===`);
  let status;
  if (suite === 'typecheck') status = run('npx', ['tsc', '-p', '.', '--noEmit']);
  else {
    const files = findTests(join('test', suite));
    if (files.length === 0) { console.log(`(no tests in test/${suite})`); continue; }
    status = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
  }
  if (status !== 0) failed.push(suite);
}
if (failed.length) {
  console.error(`\nFailed suites: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nAll suites passed.');
