// The first diagnostics of a document are those of the user's settings, not of the defaults: the server
// checks while the client answers `workspace/configuration`, and holds the result until the answer came.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { ensureBuilt, TestClient } from './client';

// Two problems with the defaults; one with the user's `maxNumberOfProblems: 1`.
const TEXT = 'default allow\nallow nosuch1\nallow nosuch2\n';
const clients: TestClient[] = [];

/** A client whose settings say `maxNumberOfProblems: 1`, answered after `delayMs` (never, when undefined). */
async function slowSettingsClient(pull: boolean, delayMs: number | undefined): Promise<TestClient> {
  ensureBuilt();
  const c = new TestClient({ pull, configuration: {}, initializationOptions: { diagnosticDelay: 0 } });
  clients.push(c);
  c.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => new Promise((resolve) => {
    if (delayMs !== undefined) setTimeout(() => resolve(p.items.map(() => ({ maxNumberOfProblems: 1 }))), delayMs);
  }));
  await c.start();
  return c;
}

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
});

test('pushed: the first diagnostics published already follow the settings that came late', async () => {
  const c = await slowSettingsClient(false, 400);
  const uri = 'file:///first/push.seccomp';
  c.open(uri, TEXT);
  await c.diagnostics(uri, (d) => d.length === 1);
  assert.deepEqual(c.published.get(uri)!.map((p) => p.diagnostics.length), [1], 'no publish with the defaults before');
});

test('pulled: the first answer follows the settings that came late', async () => {
  const c = await slowSettingsClient(true, 400);
  const uri = 'file:///first/pull.seccomp';
  c.open(uri, TEXT);
  const report = await c.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
  assert.equal(report.kind, 'full');
  assert.equal(report.kind === 'full' ? report.items.length : -1, 1);
});

test('a client that never answers still gets diagnostics (those of the settings known)', async () => {
  const c = await slowSettingsClient(false, undefined);
  const uri = 'file:///first/silent.seccomp';
  c.open(uri, TEXT);
  assert.equal((await c.diagnostics(uri)).length, 2);
});
