// Runs every test suite: first the set-up steps the suites need (with
// progress, outside any test's time limit), then the type check and the
// node:test suites by folder. Ends with the skipped tests and their reasons,
// and one line that counts them all ("N passed, N failed, N skipped").
//
// `node scripts/test.mjs [suite...]` runs only the named suites (and only
// their set-up steps); `--no-setup` skips the set-up steps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
process.chdir(ROOT);

const all = ['typecheck', 'unit', 'kernel', 'native', 'trace', 'lsp', 'grammar', 'package', 'e2e'];
const argv = process.argv.slice(2);
const noSetup = argv.includes('--no-setup');
const named = argv.filter((a) => a !== '--no-setup');
const wanted = named.length ? named : all;
const unknown = wanted.filter((s) => !all.includes(s));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
const ci = !!process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false';

/** The qemu-kernel tool from the shared folder beside the project. */
const QEMU_TOOL = resolve(ROOT, '..', 'shared', 'tools', 'qemu-kernel');

/**
 * Set-up steps: what the suites need that `npm ci` does not install, in the
 * order they run. Each names the suites that need it; a step whose suites
 * are not run is skipped. A step that fails is named at the end; under CI it
 * fails the run.
 */
const SETUP = [
  { name: 'native helper', suites: ['native', 'trace', 'lsp', 'e2e', 'package'], cmd: ['make', '-s', '-C', 'native'] },
  { name: 'bundles', suites: ['unit', 'trace', 'lsp', 'e2e', 'package', 'kernel'], cmd: [process.execPath, 'scripts/build.mjs'] },
  { name: 'qemu kernel (x86_64 guest for i386 and x32)', suites: ['kernel', 'native'], cmd: ['bash', join(QEMU_TOOL, 'setup.sh')], when: () => existsSync(join(QEMU_TOOL, 'setup.sh')) },
  { name: 'qemu kernel (arm64 guest for aarch64 and arm)', suites: ['kernel', 'native'], cmd: ['bash', join(QEMU_TOOL, 'setup.sh'), '--arch', 'arm64'], when: () => existsSync(join(QEMU_TOOL, 'setup.sh')) },
  { name: 'real VS Code (chromium, code-server, playwright-core)', suites: ['e2e'], cmd: ['bash', 'test/e2e/setup.sh'] },
];

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

const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

const failedSetup = [];
if (!noSetup) {
  const steps = SETUP.filter((s) => s.suites.some((x) => wanted.includes(x)) && (!s.when || s.when()));
  steps.forEach((step, i) => {
    const t0 = Date.now();
    console.log(`\n=== set-up ${i + 1}/${steps.length}: ${step.name} ===`);
    const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    const ok = r.status === 0;
    console.log(`--- set-up ${i + 1}/${steps.length}: ${step.name}: ${ok ? 'done' : `FAILED (${r.error ? r.error.message : `exit ${r.status}`})`} in ${seconds(t0)}`);
    if (!ok) failedSetup.push(step.name);
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const skips = [];
const failedSuites = [];
const tmp = mkdtempSync(join(tmpdir(), 'seccomp-tests-'));
for (const suite of wanted) {
  const t0 = Date.now();
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
      for (const s of c.skips ?? []) skips.push({ suite, ...s });
    }
  }
  console.log(`--- ${suite}: ${status === 0 ? 'ok' : 'FAILED'} in ${seconds(t0)}`);
  if (status !== 0) failedSuites.push(suite);
}
rmSync(tmp, { recursive: true, force: true });

if (skips.length) {
  console.log(`\nSkipped (${skips.length}):`);
  for (const s of skips) console.log(`  - [${s.suite}] ${s.name}${s.file ? ` (${relative(ROOT, s.file)})` : ''}: ${s.reason}`);
}
if (failedSetup.length) console.error(`\nFailed set-up steps: ${failedSetup.join('; ')}${ci ? '' : ' (the suites that need them skip or fail)'}`);
if (failedSuites.length) console.error(`\nFailed suites: ${failedSuites.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites.length || (ci && failedSetup.length) ? 1 : 0);
