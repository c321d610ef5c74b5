// The server's open documents: incremental edits applied to lines give the
// same text as vscode-languageserver-textdocument's reference, and
// malformed notifications are refused without touching anything (#14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OpenDocuments } from '../../server/src/lsp/documents';

let seed = 7;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
const PIECES = ['a', 'bc', '\n', '\r\n', '\r', 'allow read\n', '', 'x\r', '\ny'];
const text = (k: number) => Array.from({ length: k }, () => PIECES[rand(PIECES.length)]).join('');

test('random incremental edits give the reference text, CR/LF pairs included', () => {
  for (let round = 0; round < 300; round++) {
    const initial = text(rand(12));
    const ref = TextDocument.create('file:///r', 'seccomp', 1, initial);
    const docs = new OpenDocuments();
    docs.open({ textDocument: { uri: 'file:///r', languageId: 'seccomp', version: 1, text: initial } });
    const changes = [];
    for (let k = 0; k < 1 + rand(6); k++) {
      const lines = ref.lineCount + 2;
      const a = { line: rand(lines) - 1, character: rand(6) };
      const b = { line: rand(lines) - 1, character: rand(6) };
      const change = { range: rand(2) ? { start: a, end: b } : { start: b, end: a }, text: text(rand(4)) };
      changes.push(change);
      TextDocument.update(ref, [change], 1 + k);
    }
    const r = docs.change({ textDocument: { uri: 'file:///r', version: 9 }, contentChanges: changes });
    assert.ok(typeof r !== 'string');
    assert.equal(JSON.stringify(docs.get('file:///r')!.getText()), JSON.stringify(ref.getText()), `round ${round}: ${JSON.stringify({ initial, changes })}`);
    assert.equal(docs.get('file:///r')!.lineCount, ref.lineCount);
  }
});

test('a full-text change replaces everything; the version follows the notification', () => {
  const docs = new OpenDocuments();
  docs.open({ textDocument: { uri: 'u', version: 1, text: 'a\nb\n' } });
  docs.change({ textDocument: { uri: 'u', version: 5 }, contentChanges: [{ text: 'allow read\n' }, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, text: 'log' }] });
  assert.equal(docs.get('u')!.getText(), 'log read\n');
  assert.equal(docs.get('u')!.version, 5);
});

test('didOpen with a text that is not a string is refused and leaves the URI usable', () => {
  const docs = new OpenDocuments();
  for (const bad of [null, 42, undefined, { a: 1 }]) {
    assert.match(docs.open({ textDocument: { uri: 'u', languageId: 'seccomp', version: 1, text: bad } }) as string, /without a text/);
    assert.equal(docs.get('u'), undefined);
  }
  assert.equal(typeof docs.open(null), 'string');
  assert.equal(typeof docs.open({ textDocument: { uri: 7, text: '' } }), 'string');
  docs.open({ textDocument: { uri: 'u', version: 1, text: 'allow read\n' } });
  assert.equal(docs.get('u')!.getText(), 'allow read\n');
});

test('malformed changes are skipped, the others applied', () => {
  const docs = new OpenDocuments();
  docs.open({ textDocument: { uri: 'u', version: 1, text: 'allow read\n' } });
  assert.equal(typeof docs.change({ textDocument: { uri: 'u', version: 2 }, contentChanges: null }), 'string');
  assert.equal(typeof docs.change({ textDocument: { uri: 'nope', version: 2 }, contentChanges: [] }), 'string');
  const r = docs.change({ textDocument: { uri: 'u', version: 2 }, contentChanges: [
    { text: null }, { range: { start: { line: 'x' }, end: null }, text: 'y' }, { range: { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } }, text: 'write' },
  ] });
  assert.ok(typeof r !== 'string');
  assert.equal(r.refused.length, 2);
  assert.equal(docs.get('u')!.getText(), 'allow write\n');
});
