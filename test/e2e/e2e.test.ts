// The real-VS-Code end-to-end test, as a node:test: build the bundles, check
// the tools (test/e2e/setup.sh installs Debian's chromium, code-server,
// playwright-core and mocha; scripts/test.mjs runs it as a set-up step before
// the suites), then run test/e2e/run.mjs, which runs the mocha suite inside
// code-server's extension host and drives the workbench with Chromium.
// Without the tools it skips with the reason, and under CI it fails.
//
// Every child runs in its own process group, and code-server's group (its
// pgid is in test/e2e/artifacts/code-server.pgid) is killed at the end
// whatever happened, so nothing is left running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { skipUnless } from '../helpers/machine';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const artifacts = join(here, 'artifacts');

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

const groups = new Set<number>();

function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command in a new process group (setsid), echoing and keeping its output. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pgid = child.pid!;
    groups.add(pgid);
    let output = '';
    const take = (chunk: Buffer) => {
      const s = chunk.toString();
      output += s;
      process.stdout.write(s.replace(/^/gm, '    '));
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    const timer = setTimeout(() => {
      output += `\n[e2e.test] ${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms; killing its process group\n`;
      killGroup(pgid, 'SIGTERM');
      setTimeout(() => killGroup(pgid, 'SIGKILL'), 2000).unref();
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(pgid, 'SIGKILL'); // anything it left behind in its group
      groups.delete(pgid);
      resolvePromise({ code, signal, output });
    });
  });
}

function codeServerGroup(): number | undefined {
  const f = join(artifacts, 'code-server.pgid');
  if (!existsSync(f)) return undefined;
  const n = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(n) && n > 1 ? n : undefined;
}

async function stopCodeServer(): Promise<boolean> {
  const pgid = codeServerGroup();
  if (pgid === undefined) return true;
  killGroup(pgid, 'SIGTERM');
  for (let i = 0; i < 30 && killGroup(pgid, 0); i++) await new Promise((r) => setTimeout(r, 100));
  killGroup(pgid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  return !killGroup(pgid, 0);
}

after(async () => {
  for (const pgid of groups) killGroup(pgid, 'SIGKILL');
  await stopCodeServer();
});

test('the extension works in a real VS Code (code-server + Chromium)', { timeout: 800_000 }, async (t) => {
  const t0 = Date.now();
  if (process.env.SECCOMP_E2E_NO_BUILD !== '1') {
    const build = await run(process.execPath, ['scripts/build.mjs'], 120_000);
    assert.equal(build.code, 0, `node scripts/build.mjs failed:\n${build.output}`);
  }
  // The tools are installed by a set-up step of scripts/test.mjs before the suites, outside any
  // test's time limit; here we only check (a missing tool fails under CI, skips elsewhere).
  const check = spawnSync('bash', [join(here, 'setup.sh'), '--check'], { encoding: 'utf8' });
  const missing = check.status === 0 ? undefined : `${check.stdout.trim() || 'test/e2e/setup.sh --check failed'} (run: bash test/e2e/setup.sh)`;
  if (skipUnless(t, missing === undefined ? undefined : { kind: 'tool', reason: missing })) return;
  // The trace phase runs the .vsix users install (vsce, as `npm run package` does), not the sources.
  const vsixDir = mkdtempSync(join(tmpdir(), 'seccomp-e2e-vsix-'));
  const vsix = join(vsixDir, 'seccomp-policy.vsix');
  const pack = await run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--target', 'linux-x64', '--out', vsix], 240_000);
  assert.equal(pack.code, 0, `vsce package failed:\n${pack.output}`);
  const t1 = Date.now();

  const e2e = await run(process.execPath, [join(here, 'run.mjs'), '--vsix', vsix], 450_000);
  const stopped = await stopCodeServer();
  console.log(`    [e2e.test] build+package ${((t1 - t0) / 1000).toFixed(1)} s, run ${((Date.now() - t1) / 1000).toFixed(1)} s`);

  assert.equal(e2e.code, 0, `test/e2e/run.mjs failed (see test/e2e/artifacts/):\n${e2e.output.slice(-6000)}`);
  assert.match(e2e.output, /phase suite: PASSED/);
  assert.match(e2e.output, /phase ui: PASSED/);
  assert.match(e2e.output, /phase trace: PASSED/);
  assert.match(e2e.output, /with the installed \.vsix/);
  assert.match(e2e.output, /\d+ passing/);
  assert.doesNotMatch(e2e.output, /\d+ failing/);
  for (const png of ['editor-highlighting.png', 'problems-panel.png', 'diagnostic-hover.png', 'trace-killed.png', 'trace-success.png']) {
    assert.ok(existsSync(join(artifacts, png)), `screenshot ${png}`);
  }
  assert.ok(stopped, `code-server's process group ${codeServerGroup()} is gone`);

  // Restricted Mode needs a code-server of its own (workspace trust on, the folder not trusted).
  const restricted = await run(process.execPath, [join(here, 'run.mjs'), '--phase', 'restricted', '--vsix', vsix], 180_000);
  const restrictedStopped = await stopCodeServer();
  assert.equal(restricted.code, 0, `test/e2e/run.mjs --phase restricted failed (see test/e2e/artifacts/):\n${restricted.output.slice(-4000)}`);
  assert.match(restricted.output, /phase restricted: PASSED/);
  assert.match(restricted.output, /with the installed \.vsix/);
  assert.ok(restrictedStopped, `code-server's process group ${codeServerGroup()} is gone`);
  rmSync(vsixDir, { recursive: true, force: true });
});
