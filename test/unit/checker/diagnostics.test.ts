import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from '../../helpers/policy';

const HEAD = 'default kill_process\nallow execve\n';

test('a clean policy has no errors or warnings', () => {
  const c = check(`arch x86_64, aarch64
default errno(EPERM)
allow read, write, close, execve
allow openat if flags & O_ACCMODE == O_RDONLY
allow mmap if !(prot & PROT_EXEC)
allow ioctl if request in (TCGETS, TIOCGWINSZ)
errno(ENOSYS) clone3
allow clone if flags & CLONE_NEWUSER == 0
`);
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => d.message), []);
});

test('unknown syscall, with a suggestion and the exact range', () => {
  const c = check(HEAD + 'allow read, opneat\n');
  const [d] = only(c, 'unknown-syscall');
  assert.ok(d);
  assert.equal(c.model.files.get('/p/root.seccomp')!.text.slice(d.range.start, d.range.end), 'opneat');
  assert.equal(d.suggestions?.[0], 'openat');
  assert.match(d.message, /did you mean `openat`/);
});

test('a syscall that exists, but on none of the policy ABIs, is an error naming a replacement', () => {
  const c = check('arch aarch64\n' + HEAD + 'allow open\n');
  const [d] = only(c, 'unknown-syscall');
  assert.ok(d);
  assert.match(d.message, /does not exist on aarch64/);
  assert.deepEqual(d.suggestions, ['openat']);
});

test('a syscall missing on one ABI gets a hint and is skipped there', () => {
  const c = check('arch x86_64, aarch64\n' + HEAD + 'allow open\n');
  assert.equal(only(c, 'syscall-missing-on-abi').length, 1);
  assert.equal(c.model.tables.get('aarch64')!.bySyscall.size >= 1, true);
  const x86 = c.model.tables.get('x86_64')!;
  assert.ok(x86.bySyscall.get(2)); // open is 2 on x86_64
});

test('unknown group with suggestion', () => {
  const c = check(HEAD + 'allow @basic-oi\n');
  const [d] = only(c, 'unknown-group');
  assert.ok(d);
  assert.equal(d.suggestions?.[0], '@basic-io');
});

test('unknown constant with suggestion', () => {
  const c = check(HEAD + 'allow mmap if prot & PROT_EXECUTE\n');
  const [d] = only(c, 'unknown-constant');
  assert.ok(d);
  assert.equal(c.spans[c.diagnostics.indexOf(d)], 'PROT_EXECUTE');
  assert.equal(d.suggestions?.[0], 'PROT_EXEC');
});

test('unknown argument names the syscall arguments', () => {
  const c = check(HEAD + 'allow openat if flagz == 0\n');
  const [d] = only(c, 'unknown-argument');
  assert.ok(d);
  assert.deepEqual(d.suggestions, ['flags']);
});

test('argument aliases are accepted', () => {
  const c = check(HEAD + 'allow ioctl if cmd == TCGETS\nallow dup if fildes == 3\n');
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('unknown errno', () => {
  const c = check(HEAD + 'errno(EPREM) ptrace\n');
  const [d] = only(c, 'unknown-errno');
  assert.ok(d);
  assert.equal(d.suggestions?.[0], 'EPERM');
});

test('unknown ABI', () => {
  const c = check('arch x86_46\n' + HEAD);
  assert.equal(only(c, 'unknown-abi')[0]?.suggestions?.[0], 'x86_64');
});

test('missing default is an error at the top of the file', () => {
  const c = check('allow read\n');
  const [d] = only(c, 'missing-default');
  assert.ok(d);
  assert.equal(d.range.start, 0);
});

test('repeated default, arch and badarch are errors pointing at the first', () => {
  const c = check('arch x86_64\narch aarch64\ndefault allow\ndefault kill\nbadarch kill\nbadarch allow\n');
  const ds = only(c, 'duplicate-setting');
  assert.equal(ds.length, 3);
  assert.ok(ds.every((d) => d.related?.length === 1));
});

test('settings are root-only', () => {
  const c = check('include "inc.seccomp"\n' + HEAD, { '/p/inc.seccomp': 'default allow\narch i386\nallow read\n' });
  const ds = only(c, 'root-only-statement');
  assert.equal(ds.length, 2);
  assert.ok(ds.every((d) => d.file === '/p/inc.seccomp'));
});

test('a 64-bit constant against a 32-bit argument is an error; negative constants wrap', () => {
  const c = check(HEAD + 'allow socket if domain == 0x100000000\nallow openat if dirfd == AT_FDCWD\n');
  const [d] = only(c, 'constant-out-of-range');
  assert.ok(d);
  assert.equal(c.spans[c.diagnostics.indexOf(d)], '0x100000000');
  const table = c.model.tables.get('x86_64')!;
  const openat = table.bySyscall.get(257)![0]!;
  assert.deepEqual(openat.condition, { kind: 'cmp', arg: 0, width: 32, mask: 0xffffffffn, op: '==', value: 0xffffff9cn });
});

test('64-bit arguments take 64-bit constants and sign-extend negatives', () => {
  const c = check(HEAD + 'allow mmap if length <= 0x100000000\nallow lseek if offset == -1\n');
  assert.deepEqual(only(c, 'constant-out-of-range'), []);
  const lseek = c.model.tables.get('x86_64')!.bySyscall.get(8)![0]!;
  assert.equal((lseek.condition as { value: bigint }).value, 0xffffffffffffffffn);
});

test('on i386 every argument is 32 bits', () => {
  const c = check('arch i386\n' + HEAD + 'allow mmap2 if length <= 0x100000000\n');
  assert.equal(only(c, 'constant-out-of-range').length, 1);
});

test('comparing two arguments is an error', () => {
  const c = check(HEAD + 'allow dup2 if oldfd == newfd\n');
  assert.equal(only(c, 'argument-comparison').length, 1);
});

test('errno, trap and trace values out of range', () => {
  const c = check(HEAD + 'errno(5000) read\ntrap(70000) write\ntrace(-1) close\n');
  assert.equal(only(c, 'action-value-out-of-range').length, 3);
});

test('include not found, cyclic, and too deep', () => {
  const nf = check(HEAD + 'include "nope.seccomp"\n');
  assert.equal(only(nf, 'include-not-found').length, 1);
  const cyc = check(HEAD + 'include "a.seccomp"\n', { '/p/a.seccomp': 'include "b.seccomp"\n', '/p/b.seccomp': 'include "a.seccomp"\n' });
  assert.equal(only(cyc, 'include-cycle').length, 1);
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`/p/d${i}.seccomp`] = `include "d${i + 1}.seccomp"\n`;
  files['/p/d20.seccomp'] = 'allow read\n';
  const deep = check(HEAD + 'include "d0.seccomp"\n', files);
  assert.equal(only(deep, 'include-depth').length, 1);
});

test('includes are relative to the including file and spliced in place', () => {
  const c = check(HEAD + 'include "sub/a.seccomp"\nerrno(EPERM) read\n', {
    '/p/sub/a.seccomp': 'include "../b.seccomp"\n',
    '/p/b.seccomp': 'allow read\n',
  });
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  const read = c.model.tables.get('x86_64')!.bySyscall.get(0)!;
  assert.equal(read[0]!.rule.file, '/p/b.seccomp');
  assert.equal(only(c, 'unreachable-rule').length, 1);
});

test('define: constant expressions, conflicts, cycles, shadowing', () => {
  const c = check(HEAD + 'define A = 1 << 4 | 2\ndefine A = 18\ndefine B = 3\ndefine B = 4\ndefine C = D\ndefine D = C\ndefine O_RDONLY = 0\nallow read if fd == A\n');
  assert.equal(only(c, 'define-conflict').length, 1);
  assert.equal(only(c, 'define-cycle').length >= 1, true);
  assert.equal(only(c, 'shadowed-constant').length, 1);
  const read = c.model.tables.get('x86_64')!.bySyscall.get(0)![0]!;
  assert.equal((read.condition as { value: bigint }).value, 18n);
});

test('groups: user groups, nesting, except, cycles', () => {
  const c = check(HEAD + 'group @io = read, write, @more\ngroup @more = close, fstat\nallow @io except write\ngroup @x = @y\ngroup @y = @x\nallow @x\n');
  const rule = c.model.rules.find((r) => r.syscalls.includes('read'))!;
  assert.deepEqual([...rule.syscalls].sort(), ['close', 'fstat', 'read']);
  assert.equal(only(c, 'group-cycle').length >= 1, true);
});

test('type errors: integer where a condition is wanted', () => {
  const c = check(HEAD + 'allow read if fd\nallow write if 1\nallow close if (fd == 1) == 2\n');
  assert.equal(only(c, 'type-mismatch').length, 3);
});

test('arithmetic on an argument other than a mask is unsupported', () => {
  const c = check(HEAD + 'allow read if fd + 0 == 1\nallow read if fd | 1 == 1\nallow read if ~fd == 1\n');
  // `+` is no operator at all (syntax); `|` and `~` on arguments are semantic errors.
  assert.equal(only(c, 'unsupported-expression').length, 2);
});

test('a named argument must exist in every syscall of the rule', () => {
  const c = check(HEAD + 'allow openat, read if flags == 0\n');
  assert.equal(only(c, 'condition-on-group-without-argument').length, 1);
});

test('conditions on pointers warn', () => {
  const c = check(HEAD + 'allow openat if pathname == 0\n');
  assert.equal(only(c, 'pointer-argument').length, 1);
});

test('always-true and always-false conditions warn', () => {
  const c = check(HEAD + 'allow read if fd >= 0\nallow write if fd & 0\nallow close if fd < 0\n');
  assert.equal(only(c, 'constant-condition').length, 3);
});

test('unreachable and duplicate rules warn with the earlier rule as related location', () => {
  const c = check(HEAD + 'allow read\nerrno(EPERM) read if fd == 0\nallow write if fd == 1\nallow write if fd == 1\n');
  const [u] = only(c, 'unreachable-rule');
  assert.ok(u);
  assert.equal(u.related?.length, 1);
  assert.deepEqual(u.tags, ['unnecessary']);
  assert.equal(only(c, 'duplicate-rule').length, 1);
});

test('a rule equal to default is redundant', () => {
  const c = check('default errno(EPERM)\nallow execve\nerrno(EPERM) ptrace\n');
  assert.equal(only(c, 'redundant-rule').length, 1);
});

test('clone3 with EPERM while clone is allowed hints at ENOSYS', () => {
  const c = check('default errno(EPERM)\nallow execve, clone\n');
  assert.equal(only(c, 'prefer-enosys').length, 1);
  const ok = check('default errno(EPERM)\nallow execve, clone\nerrno(ENOSYS) clone3\n');
  assert.equal(only(ok, 'prefer-enosys').length, 0);
});

test('a policy that denies execve gets a hint', () => {
  assert.equal(only(check('default kill\nallow read\n'), 'execve-denied').length, 1);
  assert.equal(only(check('default kill\nallow read, execve\n'), 'execve-denied').length, 0);
});

test('dangerous allowances are hinted', () => {
  const c = check(HEAD + 'allow ptrace, bpf\nallow ioctl\n');
  assert.equal(only(c, 'dangerous-syscall').length, 3);
});

test('socketcall on i386 with conditions on socket is hinted', () => {
  const c = check('arch i386\n' + HEAD + 'allow socket if domain == AF_UNIX\nallow socketcall\n');
  assert.ok(only(c, 'dangerous-syscall').some((d) => /socketcall/.test(d.message)));
});

test('raw syscall numbers and argN', () => {
  const c = check(HEAD + 'allow syscall(39)\nerrno(EPERM) syscall(1000) if arg0 == 1\n');
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  const t = c.model.tables.get('x86_64')!;
  assert.ok(t.bySyscall.get(39));
  assert.equal(t.bySyscall.get(1000)![0]!.condition.kind, 'cmp');
});
