/**
 * Issue 14: bounded work on hostile input. Includes that multiply, define
 * and group chains thousands long, shifts out of range, huge names: each
 * gives an error at the right place, never a stack overflow or a silent 0.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SPLICED_STATEMENTS } from '../../../server/src/policy/semantics/build';
import { article } from '../../../server/src/policy/wording';
import { checkPolicyText } from '../../../server/src/driver/policy';
import { runCli, tempFiles } from '../../helpers/cli';
import { check, memoryHost, only } from '../../helpers/policy';

const H = 'default kill_process\nallow execve\n';

/** `n` files `/p/f0.seccomp` … each including the next `times` times, the last allowing `read`. */
function multiplying(n: number, times: number, lines = 5): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const body = i === n - 1 ? 'allow read\n' : `include "f${i + 1}.seccomp"\n`.repeat(times);
    files[`/p/f${i}.seccomp`] = body + '# padding\n'.repeat(Math.max(0, lines - times));
  }
  return files;
}

describe('includes that multiply (#14 item 1)', () => {
  test('17 five-line files each including the next four times: one error at the root include, naming the chain', () => {
    // The root and 16 more: the chain stays within the depth limit of 16.
    const c = check(`${H}${'include "f0.seccomp"\n'.repeat(4)}allow write\n`, multiplying(16, 4));
    const errors = c.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.code), ['include-too-large']);
    assert.deepEqual(c.codes, ['include-too-large@3:9']);
    assert.match(errors[0]!.message, /`\/p\/root\.seccomp` → `\/p\/f0\.seccomp` → `\/p\/f1\.seccomp` → .* → `\/p\/f\d+\.seccomp`/);
    // The include that crossed the limit splices nothing; the root's own statements stay.
    assert.ok(c.model.statements.length < 10, `${c.model.statements.length} statements placed`);
    assert.ok(c.model.rules.some((r) => r.syscalls.includes('write')));
  });

  test('the CLI: the 17 files on disk give the error and exit 1', async () => {
    const files = Object.fromEntries(Object.entries(multiplying(16, 4)).map(([k, v]) => [k.slice(3), v]));
    const dir = tempFiles({ ...files, 'root.seccomp': `${H}${'include "f0.seccomp"\n'.repeat(4)}` });
    const r = await runCli(['check', `${dir}/root.seccomp`]);
    assert.equal(r.code, 1);
    assert.match(r.out, /root\.seccomp:3:9: error: the includes splice more than 100,000 statements.*\[include-too-large\]$/);
    assert.equal(r.out.split('\n').length, 1, r.out);
  });

  test('the limit counts statements across the whole tree', () => {
    // 3 × 3 × … splices: under the limit with 8 levels (3^8 = 6,561 files' worth), over it with 12 (531,441).
    const fine = check(`${H}include "f0.seccomp"\n`, multiplying(8, 3));
    assert.deepEqual(only(fine, 'include-too-large'), []);
    assert.ok(fine.model.rules.some((r) => r.syscalls.includes('read')));
    const over = check(`${H}include "f0.seccomp"\n`, multiplying(12, 3));
    assert.equal(only(over, 'include-too-large').length, 1);
    assert.ok(over.model.statements.length <= MAX_SPLICED_STATEMENTS);
  });

  test('the limit counts spliced text: a 6 MiB file included three times is too much', () => {
    const big = `allow read\n${'#'.repeat(6 * 1024 * 1024)}\n`;
    const c = check(`${H}include "big.seccomp"\ninclude "big.seccomp"\ninclude "big.seccomp"\n`, { '/p/big.seccomp': big });
    assert.deepEqual(c.codes, ['include-too-large@5:9']);
  });

  test('a file included twice, within the limits, is spliced twice as before', () => {
    const c = check(`${H}include "a.seccomp"\ninclude "a.seccomp"\n`, { '/p/a.seccomp': 'allow read\n' });
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(c.model.rules.filter((r) => r.syscalls.includes('read')).length, 2);
  });
});

describe('define and group chains (#14 item 2)', () => {
  const defines = (n: number, last: string) =>
    Array.from({ length: n }, (_, i) => `define D${i} = ${i === n - 1 ? last : `D${i + 1}`}`).join('\n');
  const groups = (n: number, last: string) =>
    Array.from({ length: n }, (_, i) => `group @g${i} = ${i === n - 1 ? last : `@g${i + 1}`}`).join('\n');

  test('define D0 = D1 … define D1999 = 1 resolves every define, with no stack overflow', () => {
    const c = check(`arch x86_64, i386\n${H}${defines(2000, '1')}\nallow read if fd == D0\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(c.model.defineValues!.get('D0')?.get('x86_64'), 1n);
    assert.equal(c.model.defineValues!.get('D0')?.get('i386'), 1n);
    assert.equal(c.model.defineValues!.get('D1999')?.get('x86_64'), 1n);
  });

  test('the CLI checks 2,000-long define and group chains without "Maximum call stack"', async () => {
    const dir = tempFiles({ 'p.seccomp': `${H}${defines(2000, '1')}\n${groups(2000, 'read')}\nallow @g0 if fd == D0\n` });
    const r = await runCli(['check', `${dir}/p.seccomp`]);
    assert.doesNotMatch(r.out + r.err, /Maximum call stack|RangeError/);
    assert.equal(r.code, 0, r.out + r.err);
  });

  test('a define chain of 20,000 that closes on itself is one define-cycle error', () => {
    const c = check(`${H}${defines(20000, 'D0')}\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['define-cycle']);
  });

  test('group @g0 = @g1 … group @g1999 = read expands, with no stack overflow', () => {
    const c = check(`${H}${groups(2000, 'read')}\nallow @g0\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(c.model.groupMembers!.get('g0'), ['read']);
  });

  test('a group chain that closes on itself is one group-cycle error', () => {
    const c = check(`${H}${groups(20000, '@g0')}\nallow @g0\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['group-cycle']);
  });

  test('20,000 comparisons joined by `||` and 50,000 constants joined by `|` check without overflow', () => {
    const ors = Array.from({ length: 20000 }, (_, i) => `fd == ${i}`).join(' || ');
    const c = check(`${H}allow read if ${ors}\ndefine X = ${Array.from({ length: 50000 }, (_, i) => `${1 << (i % 8)}`).join(' | ')}\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(c.model.defineValues!.get('X')?.get('x86_64'), 0xffn);
  });

  test('a chain of 1,000 shifts is a nesting error, not a stack overflow', () => {
    const c = check(`${H}define X = 1${' << 0'.repeat(1000)}\n`);
    assert.deepEqual(c.diagnostics.map((d) => d.code), ['nesting-too-deep']);
  });
});

describe('shifts and 64-bit overflow (#14 item 3)', () => {
  const errorsOf = (expr: string) => {
    const c = check(`${H}kill write if count == ${expr}\n`);
    return c.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${c.model.files.get(d.file)!.text.slice(d.range.start, d.range.end)}`);
  };

  for (const [expr, want] of [
    ['1 << 129', 'shift-out-of-range 1 << 129'],
    ['1 << 128', 'shift-out-of-range 1 << 128'],
    ['1 << 64', 'shift-out-of-range 1 << 64'],
    ['1 << 100000', 'shift-out-of-range 1 << 100000'],
    ['1 << -1', 'shift-out-of-range 1 << -1'],
    ['4 >> -1', 'shift-out-of-range 4 >> -1'],
    ['4 >> 64', 'shift-out-of-range 4 >> 64'],
    ['0x8000000000000000 << 1', 'integer-overflow 0x8000000000000000 << 1'],
    ['3 << 63', 'integer-overflow 3 << 63'],
    ['0x10000000000000000', 'integer-overflow 0x10000000000000000'],
    ['-0xffffffffffffffff', 'integer-overflow -0xffffffffffffffff'],
    ['~0xffffffffffffffff', 'integer-overflow ~0xffffffffffffffff'],
    ['(1 << 70) >> 70', 'shift-out-of-range 1 << 70'],
  ] as const) {
    test(`\`${expr}\` is an error at the expression`, () => {
      assert.deepEqual(errorsOf(expr), [want]);
    });
  }

  for (const [expr, value] of [['1 << 63', 1n << 63n], ['-1 << 63', 0x8000000000000000n], ['0xffffffffffffffff >> 63', 1n], ['-8 >> 1', 0xfffffffffffffffcn], ['1 << 0', 1n]] as const) {
    test(`\`${expr}\` is in range and compiles to ${value}`, () => {
      const c = check(`${H}kill write if count == ${expr}\n`);
      assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
      const cond = c.model.tables.get('x86_64')!.bySyscall.get(1)![0]!.condition;
      assert.equal(cond.kind === 'cmp' ? cond.value : undefined, value);
    });
  }

  test('`kill write if count == 1 << 129` is not compiled (it was `count == 0`)', () => {
    const loaded = checkPolicyText('/p/root.seccomp', `${H}kill write if count == 1 << 129\n`, memoryHost({}));
    assert.equal(loaded.program, undefined);
    assert.deepEqual(loaded.errors.map((d) => d.code), ['shift-out-of-range']);
  });

  test('a define out of 64 bits is an error even when no rule uses it', () => {
    assert.deepEqual(check(`${H}define BIG = 1 << 64\n`).diagnostics.map((d) => d.code), ['shift-out-of-range']);
  });
});

describe('messages (#14 item 8)', () => {
  test('a 100,000-character name is cut at 80 characters in the message', () => {
    const name = `x${'y'.repeat(99_999)}`;
    const c = check(`${H}allow ${name}\ndefine A = ${name}\n`);
    assert.ok(c.diagnostics.length >= 2);
    for (const d of c.diagnostics) {
      assert.ok(d.message.length < 300, `${d.code}: ${d.message.length} characters`);
      assert.ok(d.message.includes(`\`${name.slice(0, 80)}…\``), d.message.slice(0, 200));
    }
  });

  test('a 100,000-digit number is cut too, as a syscall number and as a constant', () => {
    const c = check(`${H}allow syscall(1${'0'.repeat(99_999)})\nallow read if fd == 1${'0'.repeat(99_999)}\n`);
    assert.deepEqual(c.diagnostics.map((d) => d.code).sort(), ['integer-overflow', 'invalid-syscall-number']);
    for (const d of c.diagnostics) assert.ok(d.message.length < 200, `${d.code}: ${d.message.length} characters`);
  });

  test('a constant too wide for a 32-bit `size_t` says "a `size_t`"', () => {
    const [d] = only(check(`arch i386\n${H}allow write if count == 0x100000000\n`), 'constant-out-of-range');
    assert.match(d!.message, /`count` is a `size_t`/);
  });

  test('a/an by sound', () => {
    const cases: Record<string, 'a' | 'an'> = {
      size_t: 'a', int: 'an', 'unsigned int': 'an', 'unsigned long': 'an', off_t: 'an', loff_t: 'a', u32: 'a', u64: 'a',
      uid_t: 'a', umode_t: 'a', uintptr_t: 'a', 'union bpf_attr *': 'a', fd_set: 'an', mqd_t: 'an', rwf_t: 'an', __s32: 'an', __u64: 'a',
      'const char *': 'a', 'enum x': 'an', aio_context_t: 'an', key_serial_t: 'a', pid_t: 'a', 'struct stat *': 'a', 'void *': 'a', old_sigset_t: 'an',
    };
    for (const [word, want] of Object.entries(cases)) assert.equal(article(word), want, word);
  });
});
