// Issue 14 item 4: errors in an included file show on the include that
// brings them in, even when the file has no valid statement (nothing of it
// is spliced into the policy), and the code lens never asks to fix errors
// that show nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { fixture } from './helpers';

const HEAD = 'arch x86_64\ndefault errno(EPERM)\nallow execve\n';

test('a file with no valid statement: its errors at the include line, related information into the file', () => {
  const f = fixture(`${HEAD}include "bad.seccomp"\n`, { '/p/bad.seccomp': 'foo bar\n' });
  const d = f.service.doValidation(f.doc);
  assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['included-file-errors', 3]]);
  assert.match(d[0]!.message as string, /1 error; first: `foo` is neither a statement keyword/);
  assert.deepEqual(d[0]!.relatedInformation!.map((r) => [r.location.uri, r.location.range.start]), [['file:///p/bad.seccomp', { line: 0, character: 0 }]]);
});

test('through a chain of includes, at the include of this document that leads there', () => {
  const f = fixture(`${HEAD}include "a.seccomp"\ninclude "b.seccomp"\n`, {
    '/p/a.seccomp': 'allow read\n', '/p/b.seccomp': 'include "sub/bad.seccomp"\n', '/p/sub/bad.seccomp': '!!\n',
  });
  const d = f.service.doValidation(f.doc);
  assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['included-file-errors', 4]]);
  assert.equal(d[0]!.relatedInformation![0]!.location.uri, 'file:///p/sub/bad.seccomp');
});

test('the code lens asks to fix errors only when an error is shown', () => {
  for (const [text, files] of [
    [`${HEAD}include "bad.seccomp"\n`, { '/p/bad.seccomp': 'foo bar\n' }],
    [`${HEAD}allow nosuch\n`, {}],
    [`${HEAD}allow read\n`, {}],
  ] as const) {
    const f = fixture(text, files);
    const lens = f.service.getCodeLenses(f.doc)[0]!.command!.title;
    const shown = f.service.doValidation(f.doc).some((d) => d.severity === DiagnosticSeverity.Error);
    assert.equal(/fix the errors/.test(lens), shown, `${text}: lens "${lens}"`);
  }
});

test('the included file opened on its own shows its errors', () => {
  const f = fixture('foo bar\n');
  assert.deepEqual(f.service.doValidation(f.doc).map((d) => d.code), ['unknown-statement']);
});
