// Document symbols, folding and selection ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type DocumentSymbol, type SelectionRange } from 'vscode-languageserver-types';
import { fixture, textOf } from './helpers';

function check(input: string) {
  const f = fixture(input);
  return {
    f,
    symbols: () => f.service.findDocumentSymbols(f.doc),
    folding: () => f.service.getFoldingRanges(f.doc).map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`),
    selection: () => {
      const out: string[] = [];
      for (let r: SelectionRange | undefined = f.service.getSelectionRanges(f.doc, [f.position])[0]; r; r = r.parent) out.push(textOf(f, r.range));
      return out;
    },
  };
}

const POLICY = `arch x86_64, aarch64
default errno(EPERM)
include "x.seccomp"
define RO = 0
group @net = socket, bind
allow read, write
allow openat if flags & O_ACCMODE == RO
errno(ENOSYS) clone3
allow @net
kill ptrace
kill_process execveat
`;

test('the outline: settings, include, define, group, and rules grouped by action', () => {
  const names = (list: DocumentSymbol[]): unknown[] => list.map((s) => (s.children ? [s.name, names(s.children)] : s.name));
  assert.deepEqual(names(check(POLICY).symbols()), [
    'arch', 'default', 'include "x.seccomp"', 'RO', '@net',
    ['allow', ['read, write', 'openat', '@net']],
    ['errno(ENOSYS)', ['clone3']],
    ['kill_process', ['ptrace', 'execveat']],
  ]);
  const allow = check(POLICY).symbols().find((s) => s.name === 'allow')!;
  assert.equal(allow.detail, '3 rules');
  assert.equal(allow.children![1]!.detail, 'if flags & O_ACCMODE == RO');
  assert.equal(allow.range.start.line, 5);
  assert.equal(allow.range.end.line, 8);
});

test('folding: multi-line statements, comment blocks, regions', () => {
  const text = [
    '# A policy', '# with a header', 'arch x86_64', 'default allow', '# region io', 'allow read,', '    write,', '    close',
    '# endregion', 'allow openat # trailing', '# one line',
  ].join('\n');
  assert.deepEqual(check(text).folding(), ['0-1 comment', '4-8 region', '5-7']);
});

test('selection ranges grow from the name to the file', () => {
  const c = check('arch x86_64\ndefault allow\nallow openat if flags & O_ACC|MODE == 0 && mode == 0\n');
  assert.deepEqual(c.selection(), [
    'O_ACCMODE',
    'flags & O_ACCMODE',
    'flags & O_ACCMODE == 0',
    'flags & O_ACCMODE == 0 && mode == 0',
    'allow openat if flags & O_ACCMODE == 0 && mode == 0',
    'arch x86_64\ndefault allow\nallow openat if flags & O_ACCMODE == 0 && mode == 0\n',
  ]);
  assert.deepEqual(check('arch x86_64\ndefault allow\nallow read, wri|te\n').selection().slice(0, 3), ['write', 'read, write', 'allow read, write']);
});

test('selection ranges in a rule over several lines grow through its condition and the whole rule', () => {
  const c = check('arch x86_64\ndefault allow\nallow openat if fl|ags & O_CREAT &&\n    mode == 0  # c\n');
  assert.deepEqual(c.selection(), [
    'flags',
    'flags & O_CREAT',
    'flags & O_CREAT &&\n    mode == 0',
    'allow openat if flags & O_CREAT &&\n    mode == 0',
    'arch x86_64\ndefault allow\nallow openat if flags & O_CREAT &&\n    mode == 0  # c\n',
  ]);
});
