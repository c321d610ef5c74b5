import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, textOf } from './helpers';
import type { ServiceSettings } from '../../../server/src/service/service';

const HEAD = 'arch x86_64, aarch64\ndefault errno(EPERM)\n';

/** The hover's markdown at `|` (and the text its range covers), or undefined. */
function check(input: string, settings: Partial<ServiceSettings> = {}, files: Record<string, string> = {}) {
  const f = fixture(input, files, settings);
  const h = f.service.doHover(f.doc, f.position);
  if (!h) return undefined;
  return { value: (h.contents as { value: string }).value, span: h.range ? textOf(f, h.range) : '' };
}

test('a syscall shows its signature, summary, numbers per ABI, man page', () => {
  const h = check(HEAD + 'allow open|at\n')!;
  assert.equal(h.span, 'openat');
  assert.match(h.value, /```c\nint openat\(int dirfd, const char \*pathname, int flags/);
  assert.match(h.value, /Number: x86_64 257 · aarch64 56/);
  assert.match(h.value, /\[openat\(2\)\]\(https:\/\/man7\.org\/linux\/man-pages\/man2\/openat\.2\.html\)/);
});

test('a syscall absent on an ABI of the policy says so', () => {
  const h = check(HEAD + 'allow op|en\n')!;
  assert.match(h.value, /Number: x86_64 2/);
  assert.match(h.value, /not on aarch64/);
});

test('the seccomp note is shown', () => {
  const h = check(HEAD + 'allow ptra|ce\n')!;
  assert.ok(h.value.split('\n\n').length >= 4, h.value);
});

test('the abis setting chooses the ABIs shown', () => {
  const h = check(HEAD + 'allow open|at\n', { abis: ['i386', 'riscv64'] })!;
  assert.match(h.value, /Number: i386 295 · riscv64 56/);
  assert.doesNotMatch(h.value, /x86_64/);
});

test('an argument shows its type, register and width per ABI', () => {
  const h = check('arch x86_64, i386\ndefault allow\nallow openat if fl|ags & O_CREAT\n')!;
  assert.equal(h.span, 'flags');
  assert.match(h.value, /`int flags`: parameter 3 of `openat`/);
  assert.match(h.value, /args\[2\], 32 bits \(the low half of the register\) on x86_64; args\[2\], 32 bits on i386; signed/);
  const prot = check('arch x86_64, aarch64\ndefault allow\nallow mmap if pr|ot & PROT_EXEC\n')!;
  assert.match(prot.value, /`unsigned long prot`: parameter 3 of `mmap`/);
  assert.match(prot.value, /args\[2\], 64 bits on x86_64, aarch64/);
});

test('an argument split over two registers, or moved, shows its registers per ABI', () => {
  const off = check('arch x86_64, i386, arm\ndefault allow\nallow pread64 if off|set > 0\n')!;
  assert.match(off.value, /args\[3\], 64 bits on x86_64; args\[3\]\+args\[4\] \(low word, high word\), 64 bits on i386; args\[4\]\+args\[5\] \(low word, high word\), 64 bits on arm/);
  const tls = check('arch x86_64, aarch64\ndefault allow\nallow clone if t|ls == 0\n')!;
  assert.match(tls.value, /args\[4\], 64 bits on x86_64; args\[3\], 64 bits on aarch64/);
});

test('argN on prctl: always register N, with the man page\'s numbering explained', () => {
  const h = check('default allow\nallow prctl if ar|g4 == 0\n')!;
  assert.match(h.value, /`arg4`: register 4 of `prctl` on every ABI/);
  assert.match(h.value, /its `arg4` is register 3, `arg3` here; register 4 holds its `arg5`/);
});

test('a syscall shows the register of each argument per ABI, and what seccomp cannot see', () => {
  const h = check('arch x86_64, i386\ndefault allow\nallow sync_file_ra|nge\n')!;
  assert.match(h.value, /Registers on x86_64: `fd` args\[0\], `offset` args\[1\], `nbytes` args\[2\], `flags` args\[3\]/);
  assert.match(h.value, /Registers on i386: `fd` args\[0\], `offset` args\[1\]\+args\[2\], `nbytes` args\[3\]\+args\[4\], `flags` args\[5\]/);
  const mmap = check('arch i386\ndefault allow\nallow mm|ap\n')!;
  assert.match(mmap.value, /`prot` —/);
  assert.match(mmap.value, /use `mmap2`/);
  const same = check('arch x86_64, aarch64\ndefault allow\nallow rea|d\n')!;
  assert.match(same.value, /Registers: `fd` args\[0\], `buf` args\[1\], `count` args\[2\]/);
});

test('a constant shows its value per ABI in hex and decimal', () => {
  const same = check(HEAD + 'allow openat if flags & O_CRE|AT\n')!;
  assert.match(same.value, /`O_CREAT` = 0x40 \(64\)/);
  const differs = check(HEAD + 'allow openat if flags & O_DIRECT|ORY\n')!;
  assert.match(differs.value, /= 0x10000 \(65536\) on x86_64/);
  assert.match(differs.value, /= 0x4000 \(16384\) on aarch64/);
});

test('a define shows its definition and value', () => {
  const h = check(HEAD + 'define RO = O_RDONLY\nallow openat if flags & O_ACCMODE == R|O\n')!;
  assert.match(h.value, /define RO = O_RDONLY/);
  assert.match(h.value, /`RO` = 0/);
});

test('a built-in group shows its description and members', () => {
  const h = check(HEAD + 'allow @basic|-io\n')!;
  assert.equal(h.span, '@basic-io');
  assert.match(h.value, /\*\*@basic-io\*\*/);
  assert.match(h.value, /`read`/);
});

test('a user group shows its flattened members', () => {
  const h = check(HEAD + 'group @a = read\ngroup @b = @a, write\nallow @|b\n')!;
  assert.match(h.value, /@b\*\* \(defined in this policy\): 2 syscalls/);
  assert.match(h.value, /`read`, `write`/);
});

test('an action says what the kernel does', () => {
  const h = check(HEAD + 'kill_pro|cess ptrace\n')!;
  assert.equal(h.span, 'kill_process');
  assert.match(h.value, /SECCOMP_RET_KILL_PROCESS/);
  assert.match(check('arch x86_64\ndef|ault errno(EPERM)\n') === undefined ? 'none' : 'some', /none/);
  assert.match(check('arch x86_64\ndefault err|no(EPERM)\n')!.value, /SECCOMP_RET_ERRNO/);
});

test('an errno name shows its message and value', () => {
  const h = check('arch x86_64\ndefault errno(EPE|RM)\n')!;
  assert.match(h.value, /`EPERM`: Operation not permitted/);
  assert.match(h.value, /= 1/);
});

test('nothing on blanks and comments', () => {
  assert.equal(check(HEAD + '# allow re|ad\n'), undefined);
  assert.equal(check(HEAD + '  |  \n'), undefined);
});

test('a position past the end is clamped, not an error', () => {
  const f = fixture(HEAD + 'allow read\n');
  assert.doesNotThrow(() => f.service.doHover(f.doc, { line: 99, character: -3 }));
});

test('a syscall\'s hover says what this policy does with it on each ABI', () => {
  const h = check('arch x86_64, i386\ndefault errno(EPERM)\nallow execve\nerrno(EACCES) pread64 if offset > 0x7fffffff\nallow pread|64 if fd == 3\n')!;
  assert.match(h.value, /\*\*This policy\*\* on x86_64, i386: line 4 `errno\(EACCES\) pread64 if offset > 0x7fffffff` when its condition holds; then line 5 `allow pread64 if fd == 3` when its condition holds; otherwise the default, `errno\(EPERM\)`/);
  const none = check('default errno(EPERM)\nallow execve\nallow read\nerrno(EACCES) writ|e if fd == 1\n')!;
  assert.match(none.value, /line 4 `errno\(EACCES\) write if fd == 1` when its condition holds; otherwise the default, `errno\(EPERM\)`/);
  const always = check('default allow\nerrno(EPERM) get|pid\n')!;
  assert.match(always.value, /\*\*This policy\*\* on x86_64: line 2 `errno\(EPERM\) getpid`$/m);
});
