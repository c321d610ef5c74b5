import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_LINE_LENGTH, formatPolicy } from '../../../server/src/policy/format';
import { parsePolicy } from '../../../server/src/policy/syntax/parser';
import { SPEC_EXAMPLE } from '../syntax/helpers';
import { assertFormatsSafely, fmt } from './helpers';

const ROOT = new URL('../../../', import.meta.url).pathname;
const P = '/t/policy.seccomp';

// ---------------------------------------------------------------- canonical layout, construct by construct

const CANONICAL: [string, string, string][] = [
  ['arch list', 'arch   x86_64 ,aarch64', 'arch x86_64, aarch64'],
  ['default with errno', 'default   errno( EPERM )', 'default errno(EPERM)'],
  ['errno number', 'default errno (13)', 'default errno(13)'],
  ['badarch', 'badarch\tkill_process', 'badarch kill_process'],
  ['trap without operand', 'trap   ptrace', 'trap ptrace'],
  ['trap with operand', 'trap ( 0x10 ) ptrace', 'trap(0x10) ptrace'],
  ['trace', 'trace(  7) ptrace', 'trace(7) ptrace'],
  ['include', 'include   "common/a b.seccomp"', 'include "common/a b.seccomp"'],
  ['include with escapes', 'include "a\\"b\\\\c"', 'include "a\\"b\\\\c"'],
  ['define', 'define X=~ - 1', 'define X = ~-1'],
  ['define with shift and or', 'define Y = (1<<3)|X', 'define Y = (1 << 3) | X'],
  ['group', 'group @g=read ,write except  close', 'group @g = read, write except close'],
  ['rule with group and raw syscall', 'allow @g , syscall( 3 ) except @g', 'allow @g, syscall(3) except @g'],
  ['kill is a syscall in a list', 'kill_process   kill', 'kill_process kill'],
  ['condition operators', 'allow openat if(flags&O_ACCMODE)==O_RDONLY&&!( mode & 0o7 )||dirfd== - 100',
    'allow openat if (flags & O_ACCMODE) == O_RDONLY && !(mode & 0o7) || dirfd == -100'],
  ['comparisons', 'allow kill if arg0<1&&arg1<=2&&arg2>3&&arg3>=4&&arg4!=5', 'allow kill if arg0 < 1 && arg1 <= 2 && arg2 > 3 && arg3 >= 4 && arg4 != 5'],
  ['in list', 'allow ioctl if request in( TCGETS,FIONREAD )', 'allow ioctl if request in (TCGETS, FIONREAD)'],
  ['not in', 'allow ioctl if request not  in( TCGETS,0x5401 ,  1_000 )', 'allow ioctl if request not in (TCGETS, 0x5401, 1_000)'],
  ['double negation', 'allow mmap if ! ! (prot & PROT_EXEC)', 'allow mmap if !!(prot & PROT_EXEC)'],
  ['masked argument alone', 'allow openat if flags&O_CREAT', 'allow openat if flags & O_CREAT'],
  ['shift right and bitwise not', 'allow kill if arg0>>1 == ~ 0', 'allow kill if arg0 >> 1 == ~0'],
  ['numbers kept as written', 'allow kill if arg0 in (0x1F, 0o17, 0b101, 1_000, 0XAB)', 'allow kill if arg0 in (0x1F, 0o17, 0b101, 1_000, 0XAB)'],
  ['log', 'log   ptrace', 'log ptrace'],
  ['notify and kill_thread', 'notify  bpf\nkill_thread   ptrace', 'notify bpf\nkill_thread ptrace'],
  ['a rule over several lines joins', 'allow clone if flags & CLONE_NEWUSER == 0 &&\n       (flags & CLONE_NEWNS) == 0',
    'allow clone if flags & CLONE_NEWUSER == 0 && (flags & CLONE_NEWNS) == 0'],
  ['a list over several lines joins', 'allow read,\n  write,\n\n  close', 'allow read, write, close'],
  ['continuation inside parentheses', 'errno(\n  EPERM\n) read', 'errno(EPERM) read'],
];

for (const [name, input, expected] of CANONICAL) {
  test(`canonical layout: ${name}`, () => {
    assert.equal(fmt(input + '\n'), expected + '\n');
    assert.equal(fmt(expected + '\n'), expected + '\n', 'the canonical form is a fixed point');
  });
}

test('keywords and names keep their case (they are case-sensitive)', () => {
  assert.equal(fmt('allow READ\n'), 'allow READ\n');
  assert.equal(fmt('define o_rdonly = 0x0\n'), 'define o_rdonly = 0x0\n');
});

test('statements are never reordered', () => {
  const text = 'allow read\ndefault kill_process\narch x86_64\nerrno(EPERM) write\nallow write\n';
  assert.equal(fmt(text), text);
});

// ---------------------------------------------------------------- comments and blank lines

test('comments: own-line comments stay between the same statements; trailing ones stay on their line', () => {
  const text = '# head\n  # indented\nallow read   # t1\n# between\nallow write # t2\n';
  assert.equal(fmt(text), '# head\n# indented\nallow read  # t1\n# between\nallow write  # t2\n');
});

test('comments: trailing comments of consecutive lines are aligned two spaces after the longest', () => {
  const text = 'arch x86_64, aarch64          # a\ndefault errno(EPERM) # b\nbadarch kill_process\nlog ptrace # c\n';
  assert.equal(fmt(text), 'arch x86_64, aarch64  # a\ndefault errno(EPERM)  # b\nbadarch kill_process\nlog ptrace  # c\n');
});

test('comments: trailing whitespace is trimmed, the text is kept', () => {
  assert.equal(fmt('allow read #  spaced   text   \t\n'), 'allow read  #  spaced   text\n');
  assert.equal(fmt('#\n#no space\n'), '#\n#no space\n');
});

test('comments inside a statement keep the line breaks around them', () => {
  const text = 'allow read,   # the basics\n   # more\n\n write,\n      close # end\n';
  assert.equal(fmt(text), 'allow read,  # the basics\n      # more\n      write,\n      close  # end\n');
  const inList = 'allow x if a in (A, # c\n B)\n';
  assert.equal(fmt(inList), 'allow x if a in (A,  # c\n      B)\n');
});

test('blank lines: kept between statements, collapsed to one, dropped at the ends', () => {
  const text = '\n\n# head\n\n\n\nallow read\n\n\nallow write\nallow close\n\n\n# tail\n\n\n';
  assert.equal(fmt(text), '# head\n\nallow read\n\nallow write\nallow close\n\n# tail\n');
});

test('empty and comment-only files', () => {
  assert.deepEqual(formatPolicy(''), { text: '', changed: false });
  assert.deepEqual(formatPolicy('\n \n\t\n'), { text: '', changed: true });
  assert.equal(fmt('# only\n'), '# only\n');
  assert.equal(fmt('# no final newline'), '# no final newline\n');
});

test('line breaks follow the file: CRLF stays CRLF; a BOM is kept', () => {
  assert.equal(fmt('allow  read\r\nallow write # c\r\n'), 'allow read\r\nallow write  # c\r\n');
  assert.equal(fmt('\ufeffallow  read\n'), '\ufeffallow read\n');
});

test('changed says whether anything changed', () => {
  assert.deepEqual(formatPolicy('allow read\n'), { text: 'allow read\n', changed: false });
  assert.deepEqual(formatPolicy('allow  read\n'), { text: 'allow read\n', changed: true });
});

// ---------------------------------------------------------------- wrapping

const SYSCALLS = ['read', 'write', 'openat', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk',
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'ioctl', 'pread64', 'pwrite64', 'readv', 'writev', 'access',
  'pipe', 'select', 'sched_yield', 'mremap', 'msync', 'mincore', 'madvise', 'dup', 'dup2', 'nanosleep', 'getpid'];

test('wrapping: a long syscall list fills lines up to the limit, continuation aligned under the first item', () => {
  const out = fmt(`allow ${SYSCALLS.join(', ')}\n`);
  const lines = out.trimEnd().split('\n');
  assert.ok(lines.length > 1);
  for (const l of lines) assert.ok(l.length <= DEFAULT_MAX_LINE_LENGTH, l);
  for (const l of lines.slice(1)) assert.match(l, /^ {6}\S/);
  for (const l of lines.slice(0, -1)) assert.match(l, /,$/);
  // Greedy: the next item would not have fitted on the line before.
  for (let i = 1; i < lines.length; i++) {
    const next = lines[i]!.trim().split(',')[0]!;
    assert.ok(lines[i - 1]!.length + 1 + next.length + 1 > DEFAULT_MAX_LINE_LENGTH);
  }
  assert.equal(out.replace(/\n\s+/g, ' '), `allow ${SYSCALLS.join(', ')}\n`);
});

test('wrapping: maxLineLength is an option; groups align after `=`; conditions wrap after && and ||', () => {
  assert.equal(fmt('group @net = socket, bind, listen, accept4, setsockopt, getsockname\n', { maxLineLength: 40 }),
    'group @net = socket, bind, listen,\n             accept4, setsockopt,\n             getsockname\n');
  assert.equal(fmt('allow openat if flags & O_ACCMODE == O_RDONLY && dirfd == AT_FDCWD || mode == 0\n', { maxLineLength: 50 }),
    'allow openat if flags & O_ACCMODE == O_RDONLY &&\n      dirfd == AT_FDCWD || mode == 0\n');
  assert.equal(fmt('arch x86_64, aarch64, i386, x32, arm, riscv64\n', { maxLineLength: 30 }),
    'arch x86_64, aarch64, i386,\n     x32, arm, riscv64\n');
});

test('wrapping: `indent` applies where aligning is not possible', () => {
  const long = 'define MASK = A || B || C || D || E || F || G || H || I || J || K\n';
  assert.equal(fmt(long, { maxLineLength: 30, indent: 2 }), 'define MASK = A || B || C ||\n  D || E || F || G || H ||\n  I || J || K\n');
  assert.equal(fmt(long, { maxLineLength: 30 }), 'define MASK = A || B || C ||\n    D || E || F || G || H ||\n    I || J || K\n');
});

test('wrapping: a wrapped statement is re-flowed, not kept, when the limit changes', () => {
  const narrow = fmt(`allow ${SYSCALLS.join(', ')}\n`, { maxLineLength: 30 });
  assert.equal(fmt(narrow), fmt(`allow ${SYSCALLS.join(', ')}\n`));
});

// ---------------------------------------------------------------- refusal

test('files with syntax errors are refused, with the first error', () => {
  for (const bad of ['alow read\n', 'allow read,\n', 'allow read if flags = 1\n', 'include common\n', 'allow 0x\n', 'errno EPERM read\n']) {
    const r = formatPolicy(bad);
    assert.ok('error' in r, bad);
    assert.match(r.error, /^cannot format: \d+ syntax errors?; first at 1:\d+: /);
  }
});

test('semantic errors do not stop the formatter (only syntax matters)', () => {
  assert.equal(fmt('allow  opneat\n'), 'allow opneat\n');
});

// ---------------------------------------------------------------- meaning: real policies

function seccompFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...seccompFiles(p));
    else if (name.endsWith('.seccomp')) out.push(p);
  }
  return out.sort();
}

const CORPUS = [...seccompFiles(join(ROOT, 'examples')), ...seccompFiles(join(ROOT, 'test/grammar/fixtures'))];

for (const file of CORPUS) {
  test(`real policy ${file.slice(ROOT.length)}: formats safely, or is refused for its syntax errors`, () => {
    const text = readFileSync(file, 'utf8');
    if (parsePolicy(text).diagnostics.length > 0) {
      assert.ok('error' in formatPolicy(text));
      return;
    }
    for (const maxLineLength of [100, 40, 20]) assertFormatsSafely(file, text, { maxLineLength });
  });
}

test('the examples we ship are already in the canonical layout (Format Document changes nothing in them)', () => {
  for (const file of seccompFiles(join(ROOT, 'examples'))) {
    const text = readFileSync(file, 'utf8');
    const out = formatPolicy(text);
    if ('error' in out) continue; // examples/mistakes.seccomp shows syntax errors on purpose
    assert.equal(out.text, text, `${file.slice(ROOT.length)} is not formatted: run \`seccomp-policy fmt --write\` on it`);
  }
});

test('the spec example formats safely and only its spacing and comment columns change', () => {
  const out = assertFormatsSafely(P, SPEC_EXAMPLE, {}, { '/t/common/stdio.seccomp': 'allow read, write\n' });
  assert.equal(out.split('\n').length, SPEC_EXAMPLE.split('\n').length);
  assert.match(out, /^log ptrace {2}# allowed/m);
  assert.match(out, /^errno\(ENOSYS\) clone3 {2}# make glibc/m);
});

test('the statements of the grammar fixtures format safely one by one (files with errors)', () => {
  let checked = 0;
  for (const file of CORPUS) {
    const text = readFileSync(file, 'utf8');
    for (const chunk of text.split(/\n(?=\S)/)) {
      if (parsePolicy(chunk).diagnostics.length > 0) continue;
      assertFormatsSafely(P, chunk + '\n', { maxLineLength: 30 });
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} chunks`);
});

test('the policies written in the syntax tests format safely (every clean string literal)', () => {
  const dir = join(ROOT, 'test/unit/syntax');
  let checked = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const source = readFileSync(join(dir, name), 'utf8');
    for (const m of source.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.)*`/g)) {
      let text: string;
      try {
        text = new Function(`return ${m[0]}`)() as string;
      } catch {
        continue;
      }
      // As a policy, and as a condition (many tests write only the condition).
      for (const policy of [text, `allow x if ${text}`]) {
        if (policy.trim() === '' || parsePolicy(policy).diagnostics.length > 0 || parsePolicy(policy).file.statements.length === 0) continue;
        for (const maxLineLength of [100, 25]) assertFormatsSafely(P, policy, { maxLineLength });
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} policies`);
});

test('comments in every place a line may break keep the policy valid and the same', () => {
  const cases = [
    'default kill_process\nallow read if  # why\n  fd == 0\n',
    'default kill_process\nallow read, # a\n  write except # b\n  close\n',
    'default kill_process\nallow openat if flags in ( # values\n  O_RDONLY, # one\n  O_WRONLY # two\n  )\n',
    'default kill_process\nallow openat if (flags == 0 || # x\n\n  # own line\n  flags == 1) && # y\n  mode == 0\n',
    'define X = # the value\n  1 | # low\n  2\ndefault kill_process\n',
    'group @g = # members\n  read\ndefault kill_process\nallow @g\n',
    'arch x86_64, # first\n  aarch64\ndefault errno( # e\n  EPERM)\n',
  ];
  for (const text of cases) {
    for (const maxLineLength of [100, 20]) assertFormatsSafely(P, text, { maxLineLength });
  }
  assert.equal(fmt(cases[0]!), 'default kill_process\nallow read if  # why\n      fd == 0\n');
});
