/** The real CLI process: standard output that cannot be written (a full disk) is one line and a failure status, never a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';

function runToFullDisk(args: string[]): { status: number | null; stderr: string } {
  if (!existsSync('dist/cli.js')) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status, 0);
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, ['bin/seccomp-policy', ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    closeSync(full);
  }
}

test('compile to a full disk says so in one line and exits 1', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
  const r = runToFullDisk(['compile', 'examples/strict.seccomp', '--format', 'disasm']);
  assert.equal(r.stderr, 'seccomp-policy compile: cannot write to standard output: no space left on the device\n');
  assert.equal(r.status, 1);
});

test('diff to a full disk exits 2 (trouble), not 1 ("changed")', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
  const r = runToFullDisk(['diff', 'examples/strict.seccomp', 'examples/web-server.seccomp']);
  assert.equal(r.stderr, 'seccomp-policy diff: cannot write to standard output: no space left on the device\n');
  assert.equal(r.status, 2);
});
