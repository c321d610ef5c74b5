// Issue 14: the server follows LSP's lifecycle, refuses malformed documents
// without breaking the URI, and stays responsive during long checks: a
// request is answered between a check's steps (from the last analysis), and
// a check overtaken by an edit never publishes. No timings are asserted:
// only the order of what the server sends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentSymbol, Hover } from 'vscode-languageserver-types';
import { ensureBuilt, REPO, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-responsive-'));
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
const SMALL = 'arch x86_64\ndefault errno(EPERM)\nallow execve\nallow read\n';
const INVALID_REQUEST = -32600;

before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

/** A policy whose check takes a while (tens of thousands of lines of rules). */
async function largePolicy(lines: number): Promise<string> {
  const { largePolicy: generate } = await import(pathToFileURL(join(REPO, 'bench/policies/gen-large.mjs')).href) as { largePolicy: (n: number) => string };
  return SMALL + generate(lines).replace(/^(arch|default|badarch) .*$/gm, '');
}

describe('lifecycle', () => {
  test('after shutdown, requests get InvalidRequest; exit still ends the server', async () => {
    const c = new TestClient();
    await c.start();
    c.open(uriOf('a.seccomp'), SMALL);
    await c.diagnostics(uriOf('a.seccomp'));
    await c.request('shutdown', null);
    await assert.rejects(c.request('textDocument/hover', { textDocument: { uri: uriOf('a.seccomp') }, position: { line: 3, character: 7 } }),
      (e: { code?: number }) => e.code === INVALID_REQUEST);
    await assert.rejects(c.request('shutdown', null), (e: { code?: number }) => e.code === INVALID_REQUEST);
    const exited = new Promise<number | null>((r) => c.proc.once('exit', (code) => r(code)));
    void c.conn.sendNotification('exit');
    assert.equal(await exited, 0);
    c.conn.dispose();
  });

  test('a second initialize is an error, and the server goes on', async () => {
    const c = new TestClient();
    await c.start();
    await assert.rejects(c.request('initialize', { processId: null, rootUri: null, capabilities: {} }),
      (e: { code?: number }) => e.code === INVALID_REQUEST);
    c.open(uriOf('b.seccomp'), SMALL);
    await c.diagnostics(uriOf('b.seccomp'));
    await c.stop();
  });
});

describe('malformed documents', () => {
  const c = new TestClient({ initializationOptions: { diagnosticDelay: 0 } });
  before(() => c.start());
  after(() => c.stop());

  test('didOpen with text null (or a number) is refused; the URI works once opened properly', async () => {
    const uri = uriOf('null.seccomp');
    for (const text of [null, 42]) {
      void c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'seccomp', version: 1, text } });
    }
    const hover = { textDocument: { uri }, position: { line: 3, character: 7 } };
    assert.equal(await c.request('textDocument/hover', hover), null);
    await c.waitFor('the refusal in the log', () => c.logs.some((l) => /refused: didOpen of .*null\.seccomp without a text \(got null\)/.test(l)));
    assert.equal(c.published.get(uri), undefined, 'nothing was checked');
    c.change(uri, 2, [{ text: 'allow write\n' }]);
    c.open(uri, SMALL, 3);
    assert.deepEqual(await c.diagnostics(uri, undefined, 3), []);
    const h = await c.request<Hover>('textDocument/hover', hover);
    assert.match((h.contents as { value: string }).value, /ssize_t read/);
    assert.doesNotMatch(c.stderr.join(''), /TypeError/);
  });
});

describe('errors of included files', () => {
  const c = new TestClient({ initializationOptions: { diagnosticDelay: 0 } });
  before(() => c.start());
  after(() => c.stop());

  test('a file with no valid statement: errors at the include line and in the file when open; an edit to it clears them', async () => {
    writeFileSync(join(dir, 'bad.seccomp'), 'foo bar\n');
    const root = uriOf('uses-bad.seccomp');
    const bad = uriOf('bad.seccomp');
    c.open(root, `${SMALL}include "bad.seccomp"\n`);
    const d = await c.diagnostics(root, (l) => l.length > 0);
    assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['included-file-errors', 4]]);
    assert.equal(d[0]!.relatedInformation![0]!.location.uri, bad);
    c.open(bad, 'foo bar\n');
    assert.deepEqual((await c.diagnostics(bad, (l) => l.length > 0)).map((x) => x.code), ['unknown-statement']);
    c.change(bad, 2, [{ text: 'allow write\n' }]);
    assert.deepEqual(await c.diagnostics(root, (l) => l.length === 0), []);
  });
});

describe('long checks', () => {
  const c = new TestClient({ initializationOptions: { diagnosticDelay: 0 } });
  let text = '';
  const uri = uriOf('large.seccomp');
  before(async () => {
    text = await largePolicy(20_000);
    await c.start();
    c.open(uri, text);
    await c.diagnostics(uri, undefined, 1);
  });
  after(() => c.stop());

  /** A one-line edit (a comment inserted at the end, so no position above moves): a small message, read at once. */
  const edit = (version: number) => {
    const end = { line: text.split('\n').length - 1, character: 0 };
    c.change(uri, version, [{ range: { start: end, end }, text: `# edit ${version}\n` }]);
  };

  test('a hover sent during a check is answered before that check\'s diagnostics, from the last analysis', async () => {
    const order: string[] = [];
    const seen = c.published.get(uri)!.length;
    edit(2);
    // Let the check of version 2 start.
    await new Promise((r) => setTimeout(r, 30));
    const hover = c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 7 } }).then((h) => {
      order.push(`hover (published so far: ${c.published.get(uri)!.length - seen})`);
      return h;
    });
    const h = await hover;
    await c.diagnostics(uri, undefined, 2);
    assert.deepEqual(order, ['hover (published so far: 0)']);
    assert.match((h.contents as { value: string }).value, /ssize_t read/);
  });

  test('a request that needs the analysis of the edited version answers from it', async () => {
    const end = { line: text.split('\n').length - 1, character: 0 };
    c.change(uri, 5, [{ range: { start: end, end }, text: 'define ADDED_BY_THE_EDIT = 1\n' }]);
    const list = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.match(JSON.stringify(list), /ADDED_BY_THE_EDIT/);
  });

  test('a check overtaken by an edit never publishes', async () => {
    edit(6);
    // Let the check of version 6 start, then replace the version it checks.
    await new Promise((r) => setTimeout(r, 30));
    edit(7);
    await c.diagnostics(uri, undefined, 7);
    assert.deepEqual(c.published.get(uri)!.map((p) => p.version).filter((v) => v === 6), []);
  });
});
