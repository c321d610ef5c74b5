// The server never dies on bad input: an error response or a diagnostic,
// and the next request is answered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic, Hover } from 'vscode-languageserver-types';
import { ensureBuilt, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-robust-'));
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
const HEAD = 'arch x86_64\ndefault errno(EPERM)\nallow execve\n';

before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

describe('robustness', () => {
  // /dev is allowed so that a device include reaches the file checks (includes are confined to the policy's folders).
  const c = new TestClient({ initializationOptions: { diagnosticDelay: 0, includeDirectories: ['/dev'] } });
  const ok = 'robust-ok.seccomp';
  /** The server still answers: a hover on `read` in a small policy. */
  async function alive(): Promise<void> {
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(ok) }, position: { line: 3, character: 7 } });
    assert.match((h.contents as { value: string }).value, /ssize_t read/);
  }
  before(async () => {
    await c.start();
    c.open(uriOf(ok), HEAD + 'allow read\n');
    await c.diagnostics(uriOf(ok));
  });
  after(() => c.stop());

  test('requests with missing or malformed parameters get an empty result', async () => {
    assert.equal(await c.request('textDocument/hover', {}), null);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: 42 }, position: 'x' }), null);
    assert.equal(await c.request('textDocument/definition', { textDocument: { uri: 'file:///not/open.seccomp' }, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await c.request('textDocument/documentSymbol', { textDocument: null }), []);
    assert.deepEqual(await c.request('textDocument/selectionRange', { textDocument: { uri: uriOf(ok) }, positions: null }), []);
    await alive();
  });

  test('an unknown method gets MethodNotFound', async () => {
    await assert.rejects(c.request('seccomp/nonsense', {}), (e: { code?: number }) => e.code === -32601);
    await alive();
  });

  test('invalid JSON on the wire does not stop the server', async () => {
    const body = '{"jsonrpc":"2.0","id":9999,"method":';
    c.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await alive();
  });

  test('out-of-range positions are clamped', async () => {
    const doc = { uri: uriOf(ok) };
    for (const position of [{ line: 1e9, character: 1e9 }, { line: -5, character: -5 }, { line: 3.5, character: Number.MAX_SAFE_INTEGER }]) {
      await c.request('textDocument/hover', { textDocument: doc, position });
      const list = await c.request<CompletionList>('textDocument/completion', { textDocument: doc, position });
      assert.ok(Array.isArray(list.items));
      await c.request('textDocument/definition', { textDocument: doc, position });
      await c.request('textDocument/references', { textDocument: doc, position, context: { includeDeclaration: true } });
    }
    await c.request('textDocument/inlayHint', { textDocument: doc, range: { start: { line: -1, character: 0 }, end: { line: 1e9, character: 0 } } });
    await alive();
  });

  test('a 5 MB document gets one diagnostic instead of a long analysis', async () => {
    const uri = uriOf('huge.seccomp');
    const line = 'allow read if fd == 1 # padding padding padding\n';
    const text = HEAD + line.repeat(Math.ceil(5_000_000 / line.length));
    const t0 = Date.now();
    c.open(uri, text);
    const d = await c.diagnostics(uri);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.code, 'document-too-large');
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 7 } }), null);
    await alive();
  });

  test('binary junk in a document gives diagnostics, capped', async () => {
    const uri = uriOf('junk.seccomp');
    let text = '';
    for (let i = 0; i < 200_000; i++) text += String.fromCharCode((i * 2654435761) >>> 23 & 0xff);
    c.open(uri, text);
    const d = await c.diagnostics(uri);
    assert.ok(d.length > 0 && d.length <= 1000, `${d.length} diagnostics`);
    await c.request('textDocument/completion', { textDocument: { uri }, position: { line: 10, character: 3 } });
    await c.request('textDocument/semanticTokens/full', { textDocument: { uri } });
    await c.request('textDocument/foldingRange', { textDocument: { uri } });
    await alive();
  });

  test('includes of a directory, /dev/zero and a FIFO are diagnostics, and nothing blocks', async () => {
    mkdirSync(join(dir, 'adir'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const uri = uriOf('bad-includes.seccomp');
    c.open(uri, `${HEAD}include "adir"\ninclude "/dev/zero"\ninclude "fifo"\ninclude "missing.seccomp"\n`);
    const d = await c.diagnostics(uri, (l) => l.length === 4);
    assert.deepEqual(d.map((x: Diagnostic) => (x.message as string).replace(/.*: /, '')), [
      'is a directory', 'is a character device, not a regular file', 'is a FIFO (named pipe), not a regular file', 'no such file or directory',
    ]);
    await alive();
  });

  test('a binary file included is refused', async () => {
    writeFileSync(join(dir, 'blob.seccomp'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const uri = uriOf('includes-blob.seccomp');
    c.open(uri, `${HEAD}include "blob.seccomp"\n`);
    const d = await c.diagnostics(uri, (l) => l.length > 0);
    assert.match(d[0]!.message as string, /not a text file/);
    await alive();
  });

  test('the server wrote nothing alarming to stderr', () => {
    assert.doesNotMatch(c.stderr.join(''), /TypeError|RangeError|ReferenceError/);
  });
});
