/** The lints of issue 11: dangerous members of groups, fixed outcomes, foreign constants, the loader's mappings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from '../../helpers/policy';
import { fixedOutcome } from '../../../server/src/policy/checks/lints';

const H = 'default kill_process\nallow execve\n';

test('a dangerous syscall allowed through a built-in group is hinted at the group, naming the member', () => {
  const c = check(H + 'allow @system-service\n');
  const d = only(c, 'dangerous-syscall');
  assert.equal(d.length, 1);
  assert.equal(c.spans[c.diagnostics.indexOf(d[0]!)], '@system-service');
  assert.match(d[0]!.message, /`ioctl`/);
  assert.ok(d[0]!.related?.some((r) => /`ioctl` is a member of `@system-service`/.test(r.message)));
});

test('a dangerous syscall in a user group points at the group use, with the member where it is listed', () => {
  const text = H + 'group @tools = read, ptrace\nallow @tools\n';
  const c = check(text);
  const d = only(c, 'dangerous-syscall');
  assert.equal(d.length, 1);
  assert.equal(c.spans[c.diagnostics.indexOf(d[0]!)], '@tools');
  const r = d[0]!.related![0]!;
  assert.equal(text.slice(r.range.start, r.range.end), 'ptrace');
  assert.match(r.message, /`ptrace` is a member of `@tools`/);
});

test('members removed with `except`, conditional rules and denials give no group hint', () => {
  assert.equal(only(check(H + 'allow @system-service except ioctl\n'), 'dangerous-syscall').length, 0);
  assert.equal(only(check(H + 'allow @system-service if arg0 == 1\n'), 'dangerous-syscall').length, 0);
  assert.equal(only(check(H + 'errno(EPERM) @system-service\n'), 'dangerous-syscall').length, 0);
});

test('conditions whose outcome is fixed only as a whole are reported on the condition', () => {
  for (const [cond, always] of [
    ['fd == 0 || fd != 0', 'true'], ['fd < 3 && fd > 5', 'false'], ['fd == 1 && fd == 2', 'false'],
    ['fd & 1 == 1 && fd & 3 == 0', 'false'], ['!(fd == 1) || fd == 1', 'true'],
  ] as const) {
    const c = check(H + `allow read if ${cond}\n`);
    const d = only(c, 'constant-condition');
    assert.equal(d.length, 1, cond);
    assert.equal(c.spans[c.diagnostics.indexOf(d[0]!)], cond);
    assert.match(d[0]!.message, new RegExp(`always ${always}`), cond);
  }
});

test('single comparisons with a fixed outcome stay reported once, on the comparison', () => {
  for (const cond of ['fd < 0', 'flags & 0 == 1', 'fd >= 0']) {
    const c = check(H + `allow openat if ${cond.replace('fd', 'dirfd')}\n`);
    assert.equal(only(c, 'constant-condition').length, 1, cond);
  }
});

test('conditions that depend on the arguments are not reported', () => {
  for (const cond of ['fd == 0 || fd == 1', 'fd > 3 && fd < 5', 'fd & 1 == 1 && fd & 2 == 0', 'fd != 0 && count == 0', 'count > 0x7fffffff || fd == 0']) {
    assert.equal(only(check(H + `allow read if ${cond}\n`), 'constant-condition').length, 0, cond);
  }
  assert.equal(fixedOutcome({ kind: 'cmp', arg: 0, width: 64, mask: 0xffff_ffff_ffff_ffffn, op: '==', value: 5n }), undefined);
  assert.equal(fixedOutcome({ kind: 'or', items: [
    { kind: 'cmp', arg: 0, hi: 1, width: 64, mask: 0xffff_ffff_ffff_ffffn, op: '>', value: 0xffff_ffffn },
    { kind: 'cmp', arg: 0, hi: 1, width: 64, mask: 0xffff_ffff_ffff_ffffn, op: '<=', value: 0xffff_ffffn },
  ] }), true);
});

test('set tests (`in`, `not in`) of a whole register are never fixed; masked ones are still decided', () => {
  const full = 0xffff_ffff_ffff_ffffn;
  const eq = (value: bigint, mask = full, op: '==' | '!=' = '==') => ({ kind: 'cmp' as const, arg: 1, width: 64 as const, mask, op, value });
  assert.equal(fixedOutcome({ kind: 'or', items: [eq(0n), eq(1n), eq(full)] }), undefined);
  assert.equal(fixedOutcome({ kind: 'not', item: { kind: 'and', items: [eq(0n, full, '!='), eq(5n, full, '!=')] } }), undefined);
  // The same shapes on one bit cover every value: fixed, found by the search.
  assert.equal(fixedOutcome({ kind: 'or', items: [eq(0n, 1n), eq(1n, 1n)] }), true);
  assert.equal(fixedOutcome({ kind: 'not', item: { kind: 'or', items: [eq(0n, 1n), eq(1n, 1n)] } }), false);
  assert.equal(fixedOutcome({ kind: 'and', items: [eq(0n, 1n, '!='), eq(1n, 1n, '!=')] }), false);
  assert.equal(only(check(H + 'allow ioctl if request in (TCGETS, TIOCGWINSZ, 0x5401)\nallow read if fd & 1 in (0, 1)\n'), 'constant-condition').length, 1);
});

test('a constant of another family than the argument takes is a warning on the constant', () => {
  const c = check(H + 'allow mmap if prot == O_RDONLY\nallow openat if flags & O_ACCMODE == O_RDONLY\nallow socket if domain in (AF_INET, SOCK_STREAM)\n');
  const d = only(c, 'foreign-constant');
  assert.deepEqual(d.map((x) => c.spans[c.diagnostics.indexOf(x)]), ['O_RDONLY', 'SOCK_STREAM']);
  assert.match(d[0]!.message, /`O_RDONLY` is a `O_\*` constant, but `prot` of `mmap` takes `PROT_\*`/);
  assert.equal(only(check(H + 'allow mmap if prot & PROT_EXEC == 0 && flags & MAP_ANONYMOUS\n'), 'foreign-constant').length, 0);
  // Same bit under another name (O_CLOEXEC is SOCK_CLOEXEC): no warning; a level from IPPROTO_ is a level.
  assert.equal(only(check(H + 'allow accept4 if flags & O_CLOEXEC\nallow setsockopt if level == IPPROTO_TCP\n'), 'foreign-constant').length, 0);
});

test('a constant is judged only against the argument of its own comparison, across `&&`, `||`, parentheses and comments', () => {
  // `dirfd` takes AT_FDCWD only, `flags` takes O_*: each constant fits the argument it is compared with.
  assert.equal(only(check(H + 'allow openat if flags & O_ACCMODE == O_RDONLY && dirfd == AT_FDCWD\n'), 'foreign-constant').length, 0);
  assert.equal(only(check(H + 'allow openat if (flags == O_RDONLY || # a comment ( with ||\n  dirfd == AT_FDCWD)\n'), 'foreign-constant').length, 0);
  // Within parentheses and on a continued line, a constant of another family is still found.
  const c = check(H + 'allow openat if dirfd == AT_FDCWD && (flags == O_RDONLY || # ) && (\n  flags == PROT_EXEC)\n');
  assert.deepEqual(only(c, 'foreign-constant').map((x) => c.spans[c.diagnostics.indexOf(x)]), ['PROT_EXEC']);
  const m = check(H + 'allow openat if flags in (O_RDONLY, (AT_FDCWD)) || dirfd == 3\n');
  assert.deepEqual(only(m, 'foreign-constant').map((x) => m.spans[m.diagnostics.indexOf(x)]), ['AT_FDCWD']);
});

test('execve allowed with executable mappings denied: the loader lint, on the deciding rule or the default', () => {
  const c = check(H + 'allow mmap if !(prot & PROT_EXEC)\n');
  const d = only(c, 'exec-mapping-denied');
  assert.equal(d.length, 1);
  assert.equal(c.spans[c.diagnostics.indexOf(d[0]!)], 'default kill_process');
  assert.match(d[0]!.message, /dynamically linked program stops in its loader/);
  assert.match(d[0]!.message, /statically linked/);
  const r = check(H + 'errno(EPERM) mmap if prot & PROT_EXEC\nallow mmap\n');
  assert.equal(r.spans[r.diagnostics.indexOf(only(r, 'exec-mapping-denied')[0]!)], 'errno(EPERM) mmap if prot & PROT_EXEC');
  // i386 maps with mmap2.
  const i = check('arch i386\n' + H + 'allow mmap2 if !(prot & PROT_EXEC)\n');
  assert.match(only(i, 'exec-mapping-denied')[0]!.message, /`mmap2`/);
});

test('no loader lint when execve is denied, exec mappings pass, or mmap is not allowed at all', () => {
  assert.equal(only(check('default kill_process\nallow mmap if !(prot & PROT_EXEC)\n'), 'exec-mapping-denied').length, 0);
  assert.equal(only(check(H + 'allow mmap\n'), 'exec-mapping-denied').length, 0);
  assert.equal(only(check(H + 'allow mmap if !(prot & PROT_EXEC) || flags & MAP_ANONYMOUS == 0\n'), 'exec-mapping-denied').length, 0);
  assert.equal(only(check(H + 'allow read\n'), 'exec-mapping-denied').length, 0);
});
