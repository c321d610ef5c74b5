// Go to definition, find references and rename.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, ROOT_URI, textOf } from './helpers';

const HEAD = 'arch x86_64\ndefault errno(EPERM)\n';
const INC = '/p/inc.seccomp';
const INC_URI = 'file:///p/inc.seccomp';

function check(input: string, files: Record<string, string> = {}) {
  const f = fixture(input, files);
  return {
    f,
    definition: () => f.service.findDefinition(f.doc, f.position),
    references: (decl = true) => f.service.findReferences(f.doc, f.position, decl).map((l) => `${l.uri === ROOT_URI ? 'root' : l.uri}:${l.range.start.line}:${l.range.start.character}`),
    prepare: () => f.service.prepareRename(f.doc, f.position),
    rename: (to: string) => f.service.doRename(f.doc, f.position, to),
  };
}

test('definition of a define use goes to its name in the define', () => {
  const c = check(HEAD + 'define RO = 0\nallow openat if flags & O_ACCMODE == R|O\n');
  const loc = c.definition()!;
  assert.equal(loc.uri, ROOT_URI);
  assert.deepEqual(loc.range, { start: { line: 2, character: 7 }, end: { line: 2, character: 9 } });
});

test('definition of a user group, also in an included file', () => {
  const c = check(HEAD + 'include "inc.seccomp"\nallow @i|o\n', { [INC]: '# shared\ngroup @io = read, write\n' });
  const loc = c.definition()!;
  assert.equal(loc.uri, INC_URI);
  assert.deepEqual(loc.range.start, { line: 1, character: 6 });
});

test('definition of an include is the included file', () => {
  const c = check(HEAD + 'include "inc|.seccomp"\n', { [INC]: 'allow read\n' });
  assert.deepEqual(c.definition(), { uri: INC_URI, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  assert.equal(check(HEAD + 'include "mis|sing.seccomp"\n').definition(), null);
});

test('built-in names have no definition', () => {
  assert.equal(check(HEAD + 'allow re|ad\n').definition(), null);
  assert.equal(check(HEAD + 'allow @basic-i|o\n').definition(), null);
});

test('references of a define across the root and included files', () => {
  const c = check(HEAD + 'include "inc.seccomp"\ndefine F|D = 3\nallow read if fd == FD\n', { [INC]: 'allow write if fd == FD\n' });
  assert.deepEqual(c.references(), ['root:3:7', 'root:4:20', `${INC_URI}:0:21`]);
  assert.deepEqual(c.references(false), ['root:4:20', `${INC_URI}:0:21`]);
});

test('references of a syscall by name', () => {
  const c = check(HEAD + 'allow re|ad if fd == 0\nerrno(EBADF) read\n');
  assert.deepEqual(c.references(), ['root:2:6', 'root:3:13']);
});

test('rename a define everywhere', () => {
  const c = check(HEAD + 'include "inc.seccomp"\ndefine FD = 3\nallow read if fd == F|D\n', { [INC]: 'allow write if fd == FD\n' });
  const prep = c.prepare();
  assert.ok('range' in prep);
  assert.equal(textOf(c.f, prep.range), 'FD');
  const edit = c.rename('STDOUT');
  assert.ok(!('error' in edit));
  assert.equal(edit.changes![ROOT_URI]!.length, 2);
  assert.equal(edit.changes![INC_URI]!.length, 1);
  assert.ok(Object.values(edit.changes!).flat().every((e) => e.newText === 'STDOUT'));
});

test('rename a user group keeps the @ out of the range', () => {
  const c = check(HEAD + 'group @n|et = socket, bind\nallow @net\n');
  const prep = c.prepare();
  assert.ok('range' in prep);
  assert.equal(textOf(c.f, prep.range), 'net');
  assert.equal(prep.placeholder, 'net');
  const edit = c.rename('@sockets');
  assert.ok(!('error' in edit));
  assert.deepEqual(edit.changes![ROOT_URI]!.map((e) => `${e.range.start.line}:${e.range.start.character}-${e.range.end.character}=${e.newText}`), ['2:7-10=sockets', '3:7-10=sockets']);
});

test('rename refuses built-in names, invalid and clashing names', () => {
  assert.ok('error' in check(HEAD + 'allow re|ad\n').prepare());
  assert.ok('error' in check(HEAD + 'allow @basic-i|o\n').prepare());
  assert.ok('error' in check(HEAD + 'define F|D = 3\n').rename('1x'));
  assert.ok('error' in check(HEAD + 'define F|D = 3\n').rename('allow'));
  assert.ok('error' in check(HEAD + 'define F|D = 3\n').rename('O_RDONLY'));
  assert.ok('error' in check(HEAD + 'define F|D = 3\ndefine G = 4\n').rename('G'));
  assert.ok('error' in check(HEAD + 'group @|a = read\n').rename('Bad Name'));
  assert.ok('error' in check(HEAD + 'group @|a = read\n').rename('basic-io'));
});

test('rename refuses a define name that a condition using it would read as an argument', () => {
  const files = { [INC]: 'allow openat if flags == FD\n' };
  const c = check(HEAD + 'include "inc.seccomp"\ndefine F|D = 3\nallow read if fd == FD\n', files);
  for (const [to, owner] of [['fd', 'read'], ['arg0', 'read'], ['mode', 'openat'], ['dirfd', 'openat']] as const) {
    const r = c.rename(to);
    assert.ok('error' in r, to);
    assert.match(r.error, new RegExp(`\`${to}\` is an argument of \`${owner}\``));
  }
  const raw = check(HEAD + 'define F|D = 3\nallow syscall(1) if arg0 == FD\n').rename('arg1');
  assert.ok('error' in raw && /syscall\(1\)/.test(raw.error));
  // A name that no syscall of those rules has is fine, and so is an argument name where the define is used outside a condition.
  assert.ok(!('error' in c.rename('count_max')));
  assert.ok(!('error' in check(HEAD + 'define F|D = 3\nerrno(FD) read\n').rename('fd')));
});

test('rename on an include says that a path cannot be renamed', () => {
  const r = check(HEAD + 'include "in|c.seccomp"\n', { [INC]: 'allow read\n' }).prepare();
  assert.ok('error' in r);
  assert.equal(r.error, 'An include\'s path cannot be renamed; only `define`d names and groups of this policy can.');
});
