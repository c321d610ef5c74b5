// Workspace folders added and removed while the server runs (`workspace/didChangeWorkspaceFolders`):
// include confinement and each folder's settings follow, and open documents are checked again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import { ensureBuilt, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-lsp-wsfolders-'));
const home = join(dir, 'home');
const lib = join(dir, 'lib');
mkdirSync(home);
mkdirSync(lib);
writeFileSync(join(lib, 'common.seccomp'), 'allow read\n');
const folder = (path: string) => ({ uri: pathToFileURL(path).href, name: path });
const libUri = pathToFileURL(lib).href;

/** What the client's settings say: `lib` has its own problem limit while it is a workspace folder (as in VS Code). */
let libInWorkspace = false;
const c = new TestClient({
  initializationOptions: { diagnosticDelay: 0 },
  configurationFor: (scope) => (libInWorkspace && scope?.startsWith(`${libUri}/`) ? { maxNumberOfProblems: 1 } : { maxNumberOfProblems: 100 }),
});
let init: InitializeResult;

before(async () => {
  ensureBuilt();
  init = await c.request<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(home).href,
    workspaceFolders: [folder(home)],
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    initializationOptions: { diagnosticDelay: 0 },
  });
  void c.conn.sendNotification('initialized', {});
});
after(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

function foldersChanged(added: string[], removed: string[]): void {
  void c.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: added.map(folder), removed: removed.map(folder) } });
}

const outside = (d: { code?: unknown }[]) => d.some((x) => x.code === 'include-outside');

test('the server says it follows workspace folder changes', () => {
  assert.deepEqual(init.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
});

test('an include from a folder added to the workspace is allowed, and refused again once it is removed', async () => {
  const uri = pathToFileURL(join(home, 'p.seccomp')).href;
  c.open(uri, `default allow\ninclude "${join(lib, 'common.seccomp')}"\n`);
  assert.ok(outside(await c.diagnostics(uri, outside)), 'lib is not a workspace folder yet');
  foldersChanged([lib], []);
  assert.ok(!outside(await c.diagnostics(uri, (d) => !outside(d))));
  foldersChanged([], [lib]);
  assert.ok(outside(await c.diagnostics(uri, outside)));
});

test('a document gets the settings of a folder added to the workspace', async () => {
  libInWorkspace = false;
  const uri = pathToFileURL(join(lib, 'q.seccomp')).href;
  c.open(uri, 'default allow\nallow nosuch1\nallow nosuch2\n');
  assert.equal((await c.diagnostics(uri, (d) => d.length === 2)).length, 2);
  libInWorkspace = true;
  foldersChanged([lib], []);
  assert.equal((await c.diagnostics(uri, (d) => d.length === 1)).length, 1);
  libInWorkspace = false;
  foldersChanged([], [lib]);
  assert.equal((await c.diagnostics(uri, (d) => d.length === 2)).length, 2);
});

test('malformed folder events are ignored and the server keeps answering', async () => {
  void c.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [null, { uri: 42 }, { uri: 'untitled:x' }], removed: 'no' } });
  void c.conn.sendNotification('workspace/didChangeWorkspaceFolders', {});
  const uri = pathToFileURL(join(home, 'r.seccomp')).href;
  c.open(uri, 'default allow\nallow nosuch3\n');
  assert.equal((await c.diagnostics(uri, (d) => d.length === 1)).length, 1);
});
