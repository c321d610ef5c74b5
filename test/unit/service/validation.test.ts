import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { ServiceSettings } from '../../../server/src/service/service';
import { fixture } from './helpers';

/** `code:severity` of each diagnostic of the document. */
function check(input: string, settings: Partial<ServiceSettings> = {}, files: Record<string, string> = {}) {
  const f = fixture(input, files, settings);
  const diagnostics = f.service.doValidation(f.doc);
  return { diagnostics, codes: diagnostics.map((d) => `${d.code}:${d.severity}`) };
}

const HEAD = 'arch x86_64\ndefault errno(EPERM)\nallow execve\n';

test('an unreachable rule is tagged Unnecessary', () => {
  const { diagnostics } = check(HEAD + 'allow read\nallow read if fd == 0\n');
  const d = diagnostics.find((x) => x.code === 'unreachable-rule')!;
  assert.deepEqual(d.tags, [DiagnosticTag.Unnecessary]);
  assert.equal(d.relatedInformation?.length, 1);
});

test('lint levels: dangerous allowances off, as warnings, or information (the default)', () => {
  const text = HEAD + 'allow ptrace\n';
  assert.ok(check(text).codes.includes(`dangerous-syscall:${DiagnosticSeverity.Information}`));
  assert.ok(check(text, { lint: { dangerous: 'warning', hints: 'information' } }).codes.includes(`dangerous-syscall:${DiagnosticSeverity.Warning}`));
  assert.ok(!check(text, { lint: { dangerous: 'off', hints: 'information' } }).codes.some((c) => c.startsWith('dangerous-syscall')));
});

test('lint levels: the other hints follow lint.hints', () => {
  const text = 'arch x86_64\ndefault errno(EPERM)\nallow read\n';
  assert.ok(check(text).codes.some((c) => c.startsWith('execve-denied')));
  assert.ok(!check(text, { lint: { dangerous: 'information', hints: 'off' } }).codes.some((c) => c.startsWith('execve-denied')));
});

test('maxNumberOfProblems caps the list', () => {
  const text = 'arch x86_64\ndefault allow\n' + Array.from({ length: 20 }, (_, i) => `allow nosuch${i}\n`).join('');
  assert.equal(check(text).diagnostics.length, 20);
  assert.equal(check(text, { maxNumberOfProblems: 5 }).diagnostics.length, 5);
});

test('a file without arch, default or badarch is a fragment: no missing-default', () => {
  assert.deepEqual(check('allow read, write\n').codes, []);
  assert.ok(check('arch x86_64\nallow read\n').codes.includes(`missing-default:${DiagnosticSeverity.Error}`));
  // Its other problems are still reported.
  assert.deepEqual(check('allow nosuch\n').codes, [`unknown-syscall:${DiagnosticSeverity.Error}`]);
});

test('errors in an included file are summarised on the include', () => {
  const { diagnostics } = check(HEAD + 'include "inc.seccomp"\n', {}, { '/p/inc.seccomp': 'allow nosuch\n' });
  const d = diagnostics.find((x) => x.code === 'included-file-errors')!;
  assert.match(d.message as string, /1 error; first: unknown syscall `nosuch`/);
  assert.equal(d.relatedInformation![0]!.location.uri, 'file:///p/inc.seccomp');
});

test('a document over the size limit gets one diagnostic instead of an analysis', () => {
  const text = HEAD + 'allow read\n'.repeat(200);
  const { diagnostics } = check(text, { maxDocumentLength: 1000 });
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]!.code, 'document-too-large');
  const f = fixture(text, {}, { maxDocumentLength: 1000 });
  assert.equal(f.service.doHover(f.doc, { line: 3, character: 7 }), null);
  assert.deepEqual(f.service.doComplete(f.doc, { line: 3, character: 7 }).items, []);
});

test('an include of something unreadable is a diagnostic', () => {
  const { diagnostics } = check(HEAD + 'include "gone.seccomp"\n');
  assert.match(diagnostics.find((d) => d.code === 'include-not-found')!.message as string, /cannot include `gone.seccomp`: no such file/);
});
