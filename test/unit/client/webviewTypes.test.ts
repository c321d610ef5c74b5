// The trace panel's page (client/webview/) runs in a browser, so the
// project's type check (Node types, no DOM) does not cover it; it has its
// own tsconfig with the DOM library. Check it here so `npm test` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');

test('the trace panel page type-checks against the DOM, with no Node types', { timeout: 120_000 }, () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'client', 'webview'), '--noEmit'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc -p client/webview:\n${r.stdout}${r.stderr}`);
});
