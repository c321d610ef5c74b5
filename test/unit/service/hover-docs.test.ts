/** Hovers that explain: actions in under 60 words, constants with their meaning, numbers, groups. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, textOf } from './helpers';

const HEAD = 'arch x86_64, aarch64\ndefault errno(EPERM)\n';

/** The hover's markdown at `|` (and the text its range covers), or undefined. */
function check(input: string) {
  const f = fixture(input);
  const h = f.service.doHover(f.doc, f.position);
  if (!h) return undefined;
  return { value: (h.contents as { value: string }).value, span: h.range ? textOf(f, h.range) : '' };
}

test('action hovers stay under 60 words and still name the kernel value', () => {
  for (const a of ['allow', 'log', 'errno(EPERM)', 'trap', 'trace', 'notify', 'kill_thread', 'kill_process', 'kill']) {
    const name = a.replace(/\(.*/, '');
    const h = check(`${HEAD}${name.slice(0, 1)}|${a.slice(1)} read\n`)!;
    const words = h.value.split(/\s+/).filter(Boolean).length;
    assert.ok(words < 60, `${name}: ${words} words`);
    assert.match(h.value, /SECCOMP_RET_/, name);
  }
});

test('a constant\'s hover says what it means, then its value and family', () => {
  const h = check(HEAD + 'allow openat if flags & O_CLO|EXEC\n')!;
  assert.match(h.value, /^`O_CLOEXEC` = 0x80000 \(524288\)/);
  assert.match(h.value, /Close the descriptor when the process execs a new program\./);
  assert.match(h.value, /family `O_`: a flag of open\(2\)/);
  const p = check(HEAD + 'allow personality if persona == ADDR_NO_RAND|OMIZE\n')!;
  assert.match(p.value, /address-space randomisation/);
  const e = check(HEAD + 'allow read if fd == EP|ERM\n')!;
  assert.match(e.value, /Operation not permitted/);
});

test('every constant family has a meaning', async () => {
  const { allConstants } = await import('../../../server/src/kernel/constants');
  const { FAMILY_MEANINGS, CONSTANT_MEANINGS } = await import('../../../server/src/kernel/docs/constant-meanings');
  const families = new Set(allConstants().map((c) => c.family));
  assert.deepEqual([...families].filter((f) => !FAMILY_MEANINGS[f]), []);
  const { getConstant } = await import('../../../server/src/kernel/constants');
  assert.deepEqual(Object.keys(CONSTANT_MEANINGS).filter((n) => !getConstant(n)), [], 'meanings of constants the tables lack');
});

test('a group\'s hover gives the count per ABI and every member', () => {
  const h = check(HEAD + 'allow @system-serv|ice\n')!;
  const total = Number(/(\d+) syscalls \(x86_64 (\d+) · aarch64 (\d+)\)/.exec(h.value)?.[1]);
  assert.ok(total > 80, h.value.slice(0, 300));
  const listed = /Members: (.*)$/m.exec(h.value)![1]!.split(', ');
  assert.equal(listed.length, total, 'the full list, never cut');
  assert.ok(listed.includes('`ioctl`'));
  const user = check('arch x86_64, aarch64\ndefault allow\ngroup @g = open, read\nallow @|g\n')!;
  assert.match(user.value, /2 syscalls \(x86_64 2 · aarch64 1\)/);
});

test('a number in a condition: decimal, hex, and the constants of its argument', () => {
  const h = check('default allow\nallow openat if flags & 0x80|000\n')!;
  assert.equal(h.span, '0x80000');
  assert.match(h.value, /524288 = 0x80000/);
  assert.match(h.value, /In `flags` of `openat`: `O_CLOEXEC`/);
  const d = check('default allow\nallow socket if domain == 1|0\n')!;
  assert.match(d.value, /10 = 0xa/);
  assert.match(d.value, /`AF_INET6`/);
  const bits = check('default allow\nallow mmap if prot == |5\n')!;
  assert.match(bits.value, /`PROT_READ\|PROT_EXEC`/);
  const neg = check('default allow\nallow openat if dirfd == -1|00\n')!;
  assert.equal(neg.span, '-100');
  assert.match(neg.value, /-100 \(0xffffff9c as 32 bits\)/);
  assert.match(neg.value, /`AT_FDCWD`/);
  const plain = check('default allow\nallow read if count > 4|096\n')!;
  assert.match(plain.value, /4096 = 0x1000/);
  assert.doesNotMatch(plain.value, /In `count`/);
});

test('a number as errno(N) or syscall(N) names what it stands for', () => {
  const e = check('default allow\nerrno(1|3) read\n')!;
  assert.match(e.value, /`EACCES`: Permission denied/);
  const s = check('arch x86_64, aarch64\ndefault allow\nallow syscall(5|9)\n')!;
  assert.match(s.value, /execve on x86_64 · /);
});
