import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { checkPolicy } from '../../../server/src/policy/check';
import { LineIndex } from '../../../server/src/policy/text';
import { addSyscallEdit, FIX_ALL_KIND, fixAllEdit, getCodeActions } from '../../../server/src/service/codeActions';
import type { Analysis, PolicyDocument } from '../../../server/src/service/service';
import { memoryHost } from '../../helpers/policy';

const PATH = '/p/root.seccomp';
const URI = 'file:///p/root.seccomp';

interface Setup { doc: PolicyDocument; analysis: Analysis; diagnostics: Diagnostic[] }

/** Analyses a policy and turns its diagnostics into LSP ones, as the server sends them. */
function setup(text: string, files: Record<string, string> = {}): Setup {
  const doc: PolicyDocument = { uri: URI, path: PATH, version: 1, text };
  const { model, diagnostics } = checkPolicy({ path: PATH, text }, memoryHost({ ...files, [PATH]: text }));
  const lines = new LineIndex(text);
  const lsp: Diagnostic[] = diagnostics.filter((d) => d.file === PATH).map((d) => ({
    range: lines.rangeAt(d.range),
    message: d.message,
    code: d.code,
    source: 'seccomp',
    ...(d.suggestions?.length ? { data: { suggestions: d.suggestions } } : {}),
  }));
  return { doc, analysis: { model, diagnostics }, diagnostics: lsp };
}

function codes(text: string): string[] {
  return setup(text).diagnostics.map((d) => String(d.code));
}

/** Applies a workspace edit's changes for the document to its text. */
function apply(text: string, edit: WorkspaceEdit | undefined): string {
  assert.ok(edit?.changes, 'edit has changes');
  assert.deepEqual(Object.keys(edit.changes), [URI]);
  const lines = new LineIndex(text);
  const edits = [...edit.changes[URI]!].map((e: TextEdit) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }));
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.end <= edits[i - 1]!.start, 'edits overlap');
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The quick fixes for the (first) diagnostic with `code`. */
function fixesFor(s: Setup, code: string, nth = 0): CodeAction[] {
  const d = s.diagnostics.filter((x) => x.code === code)[nth];
  assert.ok(d, `no ${code} in ${s.diagnostics.map((x) => x.code).join(', ')}`);
  return getCodeActions(s.analysis, s.doc, d.range, { diagnostics: [d], only: ['quickfix'] });
}

/** Applies the preferred fix for `code` and returns the new text, asserting that the diagnostic is gone. */
function applyPreferred(text: string, code: string): string {
  const s = setup(text);
  const preferred = fixesFor(s, code).filter((a) => a.isPreferred);
  assert.equal(preferred.length, 1, `one preferred fix for ${code}`);
  assert.equal(preferred[0]!.kind, 'quickfix');
  assert.equal(preferred[0]!.diagnostics?.[0]?.code, code);
  const out = apply(text, preferred[0]!.edit);
  assert.ok(!codes(out).includes(code), `${code} is still there after the fix:\n${out}`);
  return out;
}

const HEAD = 'default kill_process\nallow execve\n';

// ---------------------------------------------------------------- did you mean

const DID_YOU_MEAN: [string, string, string, string][] = [
  ['unknown-syscall', HEAD + 'allow read, opneat\n', 'opneat', 'openat'],
  ['unknown-constant', HEAD + 'allow openat if flags & O_ACCMODE == O_RDONY\n', 'O_RDONY', 'O_RDONLY'],
  ['unknown-group', HEAD + 'allow @basic-oi\n', '@basic-oi', '@basic-io'],
  ['unknown-errno', HEAD + 'errno(EPRM) ptrace\n', 'EPRM', 'EPERM'],
  ['unknown-argument', HEAD + 'allow openat if flgs & O_CREAT\n', 'flgs', 'flags'],
  ['unknown-abi', 'arch x86_46\n' + HEAD, 'x86_46', 'x86_64'],
  ['unknown-statement', HEAD + 'alow read\n', 'alow', 'allow'],
  ['expected-action', 'default EPERM\nallow execve\n', 'EPERM', 'errno(EPERM)'],
  ['unexpected-token', HEAD + 'allow openat if flags == 0 and mode == 0\n', 'and', '&&'],
];

for (const [code, text, wrong, right] of DID_YOU_MEAN) {
  test(`did you mean: ${code} \`${wrong}\` → \`${right}\``, () => {
    const s = setup(text);
    const actions = fixesFor(s, code);
    assert.ok(actions.length >= 1);
    assert.equal(actions[0]!.isPreferred, true);
    assert.ok(actions.slice(1).every((a) => !a.isPreferred), 'only the first suggestion is preferred');
    assert.match(actions[0]!.title, new RegExp('`' + right.replace(/[()]/g, '\\$&') + '`'));
    const out = applyPreferred(text, code);
    assert.equal(out, text.replace(wrong, right));
  });
}

test('did you mean: one action per suggestion, the first preferred', () => {
  const s = setup(HEAD + 'deny ptrace\n');
  const actions = fixesFor(s, 'unknown-statement');
  assert.deepEqual(actions.map((a) => a.title), ['Replace with `errno(EPERM)`', 'Replace with `kill_process`']);
  assert.deepEqual(actions.map((a) => a.isPreferred ?? false), [true, false]);
  assert.equal(apply(s.doc.text, actions[1]!.edit), HEAD + 'kill_process ptrace\n');
});

test('did you mean: a syscall missing on the policy ABI is replaced by the modern call', () => {
  const text = 'arch aarch64\n' + HEAD + 'allow open\n';
  assert.equal(applyPreferred(text, 'unknown-syscall'), text.replace('allow open', 'allow openat'));
});

// ---------------------------------------------------------------- unreachable and duplicate rules

test('unreachable rule: its whole lines go, continuation lines and trailing comment included', () => {
  const text = HEAD + 'allow read, write\n# keep me\nkill_process read,   # never\n    write\nallow close\n';
  const s = setup(text);
  const [action] = fixesFor(s, 'unreachable-rule');
  assert.equal(action!.title, 'Remove the unreachable rule');
  assert.equal(action!.isPreferred, true);
  assert.equal(applyPreferred(text, 'unreachable-rule'), HEAD + 'allow read, write\n# keep me\nallow close\n');
});

test('duplicate rule: removed; the last line of a file without a final newline too', () => {
  const text = HEAD + 'allow read if fd == 0\nallow read if fd == 0';
  const [action] = fixesFor(setup(text), 'duplicate-rule');
  assert.equal(action!.title, 'Remove the duplicate rule');
  assert.equal(applyPreferred(text, 'duplicate-rule'), HEAD + 'allow read if fd == 0');
});

// ---------------------------------------------------------------- prefer ENOSYS

test('prefer-enosys: a rule denying only clone3 gets errno(ENOSYS)', () => {
  const text = HEAD + 'allow clone\nerrno(EPERM) clone3\n';
  const out = applyPreferred(text, 'prefer-enosys');
  assert.equal(out, HEAD + 'allow clone\nerrno(ENOSYS) clone3\n');
});

test('prefer-enosys: a rule denying other syscalls too keeps them; a rule for clone3 goes before it', () => {
  const text = HEAD + 'allow clone\nerrno(EACCES) ptrace, clone3\n';
  const out = applyPreferred(text, 'prefer-enosys');
  assert.equal(out, HEAD + 'allow clone\nerrno(ENOSYS) clone3\nerrno(EACCES) ptrace, clone3\n');
});

test('prefer-enosys from default: `errno(ENOSYS) clone3` after the default line', () => {
  const text = 'arch x86_64\ndefault errno(EPERM)  # deny\nallow clone, execve\n';
  assert.equal(applyPreferred(text, 'prefer-enosys'), 'arch x86_64\ndefault errno(EPERM)  # deny\nerrno(ENOSYS) clone3\nallow clone, execve\n');
});

test('prefer-enosys from default: conditional rules for the syscall stay first', () => {
  const text = 'default errno(EPERM)\nallow clone, execve\nallow clone3 if size == 88\nallow read\n';
  assert.equal(applyPreferred(text, 'prefer-enosys'),
    'default errno(EPERM)\nallow clone, execve\nallow clone3 if size == 88\nerrno(ENOSYS) clone3\nallow read\n');
});

test('prefer-enosys for several syscalls from default: fix-all adds one line each', () => {
  const text = 'default errno(EPERM)\nallow clone, openat, execve\n';
  const s = setup(text);
  assert.equal(s.diagnostics.filter((d) => d.code === 'prefer-enosys').length, 2);
  const out = apply(text, fixAllEdit(s.analysis, s.doc));
  assert.equal(out, 'default errno(EPERM)\nerrno(ENOSYS) clone3\nerrno(ENOSYS) openat2\nallow clone, openat, execve\n');
  assert.ok(!codes(out).includes('prefer-enosys'));
});

// ---------------------------------------------------------------- missing default

test('missing default: after the arch line, kill_process preferred, errno(EPERM) offered', () => {
  const text = '# policy\narch x86_64  # abi\nallow execve\n';
  const actions = fixesFor(setup(text), 'missing-default');
  assert.deepEqual(actions.map((a) => a.title), ['Add `default kill_process`', 'Add `default errno(EPERM)`']);
  assert.deepEqual(actions.map((a) => a.isPreferred ?? false), [true, false]);
  assert.equal(applyPreferred(text, 'missing-default'), '# policy\narch x86_64  # abi\ndefault kill_process\nallow execve\n');
  assert.equal(apply(text, actions[1]!.edit), '# policy\narch x86_64  # abi\ndefault errno(EPERM)\nallow execve\n');
});

test('missing default: without arch, after the leading comments, or at the very top', () => {
  assert.equal(applyPreferred('# a\n# b\n\nallow execve\n', 'missing-default'), '# a\n# b\ndefault kill_process\n\nallow execve\n');
  assert.equal(applyPreferred('allow execve\n', 'missing-default'), 'default kill_process\nallow execve\n');
  assert.equal(applyPreferred('arch x86_64', 'missing-default'), 'arch x86_64\ndefault kill_process');
});

test('missing default: CRLF files get CRLF lines', () => {
  assert.equal(applyPreferred('arch x86_64\r\nallow execve\r\n', 'missing-default'), 'arch x86_64\r\ndefault kill_process\r\nallow execve\r\n');
});

// ---------------------------------------------------------------- execve, fix all, kinds

test('execve-denied: a quick fix allows execve (not preferred)', () => {
  const text = 'default kill_process\nallow read, write\n';
  const [action] = fixesFor(setup(text), 'execve-denied');
  assert.equal(action!.title, 'Allow `execve`');
  assert.notEqual(action!.isPreferred, true);
  const out = apply(text, action!.edit);
  assert.equal(out, 'default kill_process\nallow read, write, execve\n');
  assert.ok(!codes(out).includes('execve-denied'));
});

test('fix all: every preferred fix at once, and nothing left to fix', () => {
  const text = HEAD + 'allow clone, read\nerrno(EPERM) clone3\nallow read\nallow read\nkill_process read\n';
  const s = setup(text);
  const actions = getCodeActions(s.analysis, s.doc, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, { diagnostics: [], only: ['source.fixAll'] });
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.kind, FIX_ALL_KIND);
  const out = apply(text, actions[0]!.edit);
  assert.equal(out, HEAD + 'allow clone, read\nerrno(ENOSYS) clone3\n');
  const left = codes(out).filter((c) => ['prefer-enosys', 'duplicate-rule', 'unreachable-rule'].includes(c));
  assert.deepEqual(left, []);
});

test('fix all: did-you-means in several places', () => {
  const text = HEAD + 'alow read\nallow opneat if flags & O_CREAT\n';
  const s = setup(text);
  const out = apply(text, fixAllEdit(s.analysis, s.doc));
  assert.equal(out, HEAD + 'allow read\nallow openat if flags & O_CREAT\n');
  assert.deepEqual(codes(out).filter((c) => c.startsWith('unknown')), []);
});

test('kinds: `only` filters quick fixes and the fix-all source action', () => {
  const text = HEAD + 'allow read\nallow read\nallow opneat\n';
  const s = setup(text);
  const range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
  const quick = getCodeActions(s.analysis, s.doc, range, { diagnostics: s.diagnostics, only: ['quickfix'] });
  assert.ok(quick.length > 0 && quick.every((a) => a.kind === 'quickfix'));
  const source = getCodeActions(s.analysis, s.doc, range, { diagnostics: s.diagnostics, only: ['source'] });
  assert.deepEqual(source.map((a) => a.kind), [FIX_ALL_KIND]);
  assert.deepEqual(getCodeActions(s.analysis, s.doc, range, { diagnostics: s.diagnostics, only: ['refactor'] }), []);
  const none = getCodeActions(s.analysis, s.doc, range, { diagnostics: s.diagnostics });
  assert.ok(none.some((a) => a.kind === 'quickfix'));
});

test('a client that sends no diagnostics gets the fixes of the problems in the range', () => {
  const text = HEAD + 'allow read, opneat\n';
  const s = setup(text);
  const actions = getCodeActions(s.analysis, s.doc, { start: { line: 2, character: 13 }, end: { line: 2, character: 13 } }, { diagnostics: [], only: ['quickfix'] });
  assert.deepEqual(actions.map((a) => a.title), ['Change to `openat`', 'Change to `openat2`']);
  assert.equal(actions[0]!.diagnostics, undefined);
  assert.deepEqual(getCodeActions(s.analysis, s.doc, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, { diagnostics: [], only: ['quickfix'] }), []);
});

test('diagnostics from other sources are ignored; the document is not modified', () => {
  const text = HEAD + 'allow read, opneat\n';
  const s = setup(text);
  const foreign = s.diagnostics.map((d) => ({ ...d, source: 'spell' }));
  assert.deepEqual(getCodeActions(s.analysis, s.doc, foreign[0]!.range, { diagnostics: foreign, only: ['quickfix'] }), []);
  assert.equal(s.doc.text, text);
});

// ---------------------------------------------------------------- add a syscall

test('addSyscallEdit: appends to the unconditional allow rule', () => {
  const text = HEAD + 'allow read, write  # io\nallow openat if flags == 0\n';
  const s = setup(text);
  assert.equal(apply(text, addSyscallEdit(s.analysis, s.doc, 'close')), HEAD + 'allow read, write, close  # io\nallow openat if flags == 0\n');
});

test('addSyscallEdit: a long line wraps, aligned under the first item', () => {
  const list = ['read', 'write', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk', 'rt_sigaction', 'rt_sigprocmask', 'pread64', 'pwrite64'];
  const text = `default kill_process\nallow execve, ${list.join(', ')}\n`;
  assert.ok(text.split('\n')[1]!.length > 90);
  const s = setup(text);
  const out = apply(text, addSyscallEdit(s.analysis, s.doc, 'getrandom'));
  assert.equal(out, text.replace('pwrite64\n', 'pwrite64,\n      getrandom\n'));
  assert.deepEqual(codes(out).filter((c) => c.startsWith('unknown')), []);
});

test('addSyscallEdit: a new line after the last rule when no allow rule fits', () => {
  const text = 'default kill_process\nallow execve if argv == 0\nerrno(EPERM) ptrace\n# end\n';
  const s = setup(text);
  assert.equal(apply(text, addSyscallEdit(s.analysis, s.doc, 'read')), 'default kill_process\nallow execve if argv == 0\nerrno(EPERM) ptrace\nallow read\n# end\n');
});

test('addSyscallEdit: nothing to do when the syscall already gets the action', () => {
  const text = HEAD + 'allow read\n';
  const s = setup(text);
  assert.deepEqual(addSyscallEdit(s.analysis, s.doc, 'read'), { changes: { [URI]: [] } });
});

test('addSyscallEdit: an allowance goes before the rule that denies the syscall, so it decides first', () => {
  const text = HEAD + 'errno(EPERM) ptrace\nallow read\n';
  const s = setup(text);
  const out = apply(text, addSyscallEdit(s.analysis, s.doc, 'ptrace'));
  assert.equal(out, HEAD.replace('allow execve\n', 'allow execve, ptrace\n') + 'errno(EPERM) ptrace\nallow read\n');
  const s2 = setup('default kill_process\nerrno(EPERM) ptrace\n');
  assert.equal(apply(s2.doc.text, addSyscallEdit(s2.analysis, s2.doc, 'ptrace')), 'default kill_process\nallow ptrace\nerrno(EPERM) ptrace\n');
});

test('addSyscallEdit: another action, a rule for it, or a new line', () => {
  const text = HEAD + 'errno(EPERM) ptrace\n';
  const s = setup(text);
  assert.equal(apply(text, addSyscallEdit(s.analysis, s.doc, 'bpf', 'errno( EPERM )')), HEAD + 'errno(EPERM) ptrace, bpf\n');
  assert.equal(apply(text, addSyscallEdit(s.analysis, s.doc, 'bpf', 'log')), HEAD + 'errno(EPERM) ptrace\nlog bpf\n');
});

test('addSyscallEdit: an empty document and one without a final newline', () => {
  const s = setup('');
  assert.equal(apply('', addSyscallEdit(s.analysis, s.doc, 'read')), 'allow read\n');
  const s2 = setup('default kill_process');
  assert.equal(apply(s2.doc.text, addSyscallEdit(s2.analysis, s2.doc, 'read')), 'default kill_process\nallow read');
});

test('addSyscallEdit: rules from an include count; the new line goes before the include', () => {
  const files = { '/p/deny.seccomp': 'errno(EPERM) ptrace\n' };
  const text = 'default kill_process\nallow execve if argv == 0\ninclude "deny.seccomp"\n';
  const doc: PolicyDocument = { uri: URI, path: PATH, version: 1, text };
  const { model, diagnostics } = checkPolicy({ path: PATH, text }, memoryHost({ ...files, [PATH]: text }));
  assert.equal(apply(text, addSyscallEdit({ model, diagnostics }, doc, 'ptrace')),
    'default kill_process\nallow execve if argv == 0\nallow ptrace\ninclude "deny.seccomp"\n');
});
