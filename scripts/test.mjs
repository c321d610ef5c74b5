// Runs every test suite: type check, then the node:test suites by folder,
// and ends with one line that counts them all ("N passed, N failed, N skipped").
// `node scripts/test.mjs [suite...]` runs only the named suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const all = ['typecheck', 'unit', 'kernel', 'native', 'trace', 'lsp', 'grammar', 'e2e'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
const unknown = wanted.filter((s) => !all.includes(s));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}

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

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSuites = [];
const tmp = mkdtempSync(join(tmpdir(), 'seccomp-tests-'));
for (const suite of wanted) {
  console.log(`\n=== ${suite} ===`);
  let status;
  if (suite === 'typecheck') {
    status = spawnSync('npx', ['tsc', '-p', '.', '--noEmit'], { stdio: 'inherit' }).status ?? 1;
  } else {
    const files = findTests(join('test', suite));
    if (files.length === 0) { console.log(`(no tests in test/${suite})`); continue; }
    const counts = join(tmp, `${suite}.json`);
    status = spawnSync(process.execPath, [
      '--import', 'tsx', '--test',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/count-reporter.mjs', `--test-reporter-destination=${counts}`,
      ...files,
    ], { stdio: 'inherit' }).status ?? 1;
    if (existsSync(counts)) {
      const c = JSON.parse(readFileSync(counts, 'utf8'));
      totals.passed += c.passed; totals.failed += c.failed; totals.skipped += c.skipped;
    }
  }
  if (status !== 0) failedSuites.push(suite);
}
rmSync(tmp, { recursive: true, force: true });
if (failedSuites.length) console.error(`\nFailed suites: ${failedSuites.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites.length ? 1 : 0);
