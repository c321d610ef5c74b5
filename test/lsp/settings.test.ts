// Settings of scope `resource` per folder: the server asks with the document's URI as scopeUri.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunResult } from '../../server/src/lsp/ext';
import { ensureBuilt, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-lsp-folders-'));
const strict = join(dir, 'strict');
const loose = join(dir, 'loose');
mkdirSync(strict);
mkdirSync(loose);
const strictUri = pathToFileURL(strict).href;

const c = new TestClient({
  initializationOptions: { diagnosticDelay: 10 },
  configurationFor: (scope) => (scope?.startsWith(strictUri + '/')
    ? { maxNumberOfProblems: 1, helper: { path: join(dir, 'no-helper-here') } }
    : { maxNumberOfProblems: 100 }),
});

before(async () => {
  ensureBuilt();
  await c.start();
});
after(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

const TEXT = 'default allow\nallow nosuch1\nallow nosuch2\n';

test('each folder\'s problem limit applies to its own documents', async () => {
  const a = pathToFileURL(join(strict, 'p.seccomp')).href;
  const b = pathToFileURL(join(loose, 'p.seccomp')).href;
  c.open(a, TEXT);
  c.open(b, TEXT);
  assert.equal((await c.diagnostics(a, (d) => d.length === 1)).length, 1);
  assert.equal((await c.diagnostics(b, (d) => d.length === 2)).length, 2);
});

test('a run reads the helper path of the policy\'s folder', { skip: process.platform !== 'linux' ? 'runs need Linux' : false }, async () => {
  const a = pathToFileURL(join(strict, 'run.seccomp')).href;
  writeFileSync(join(strict, 'run.seccomp'), 'default allow\n');
  c.open(a, 'default allow\n');
  const r = await c.request<RunResult>('seccomp/run', { uri: a, argv: ['/bin/true'], mode: 'enforce' });
  assert.ok(!r.ok && r.reason === 'no-helper', JSON.stringify(r));
  assert.match(r.message, /no-helper-here/);
});
