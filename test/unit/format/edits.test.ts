import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../../../server/src/policy/text';
import { formatEdits, formatError, minimalEdit } from '../../../server/src/service/formatting';
import { Random } from '../../helpers/random';
import { randomPolicy } from './generate';
import { fmt } from './helpers';

function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].reverse()) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

test('formatEdits: one edit over the changed lines only', () => {
  const text = '# head\nallow read\nallow  write\nallow close\n';
  const edits = formatEdits({ text });
  assert.deepEqual(edits, [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, newText: 'allow write\n' }]);
  assert.equal(apply(text, edits), fmt(text));
});

test('formatEdits: nothing for a formatted document or one with syntax errors; formatError says why', () => {
  assert.deepEqual(formatEdits({ text: 'allow read\n' }), []);
  assert.deepEqual(formatEdits({ text: 'alow  read\n' }), []);
  assert.match(formatError({ text: 'alow  read\n' })!, /syntax error/);
  assert.equal(formatError({ text: 'allow read\n' }), undefined);
});

test('formatEdits: options reach the formatter', () => {
  const text = 'allow read, write, close, fstat, lseek, mmap\n';
  assert.equal(apply(text, formatEdits({ text }, { maxLineLength: 30 })), 'allow read, write, close,\n      fstat, lseek, mmap\n');
});

test('minimalEdit turns any text into any other (random policies, CRLF, no final newline)', () => {
  const r = new Random(7);
  for (let i = 0; i < 200; i++) {
    const a = randomPolicy(r);
    const b = r.chance(0.3) ? randomPolicy(r) : fmt(a, { maxLineLength: r.pick([30, 100]) });
    assert.equal(apply(a, [minimalEdit(a, b)]), b);
  }
  for (const [a, b] of [['', 'x'], ['x', ''], ['a\r\nb', 'a\r\nc\r\n'], ['a\nb\n', 'a\nb\n'], ['a\rb', 'a\nb']]) {
    assert.equal(apply(a!, [minimalEdit(a!, b!)]), b);
  }
});
