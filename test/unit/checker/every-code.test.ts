/** Each semantic code, produced by a minimal policy at the expected text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEMANTIC_CODES } from '../../../server/src/policy/codes';
import { buildPolicyModel } from '../../../server/src/policy/semantics/build';
import { diagnoseModel } from '../../../server/src/compiler/diagnose';
import { memoryHost } from '../../helpers/policy';

const H = 'default kill_process\nallow execve\n';
const big = Array.from({ length: 2100 }, (_, i) => `errno(EPERM) ioctl if request == ${i} || request == ${i + 100000}`).join('\n');

/** code → [policy, text the diagnostic's range must cover, extra files]. */
const CASES: Record<keyof typeof SEMANTIC_CODES, [string, string, Record<string, string>?]> = {
  'unknown-syscall': [H + 'allow reed\n', 'reed'],
  'unknown-group': [H + 'allow @nope\n', '@nope'],
  'unknown-constant': [H + 'allow openat if flags == O_NOPE\n', 'O_NOPE'],
  'unknown-argument': [H + 'allow openat if flagz == 0\n', 'flagz'],
  'unknown-errno': [H + 'errno(ENOPE) read\n', 'ENOPE'],
  'unknown-abi': ['arch sparc\n' + H, 'sparc'],
  'missing-default': ['allow execve\n', ''],
  'duplicate-setting': [H + 'default allow\n', 'default'],
  'root-only-statement': [H + 'include "i.seccomp"\n', 'default', { '/p/i.seccomp': 'default allow\n' }],
  'include-not-found': [H + 'include "nope.seccomp"\n', '"nope.seccomp"'],
  'include-cycle': [H + 'include "root.seccomp"\n', '"root.seccomp"'],
  'include-depth': [H + 'include "d0.seccomp"\n', '"d16.seccomp"', Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`/p/d${i}.seccomp`, `include "d${i + 1}.seccomp"\n`]))],
  'include-too-large': [H + 'include "m0.seccomp"\n', '"m0.seccomp"', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`/p/m${i}.seccomp`, i === 16 ? 'allow read\n' : `include "m${i + 1}.seccomp"\n`.repeat(4)]))],
  'include-outside': [H + 'include "/etc/x.seccomp"\n', '"/etc/x.seccomp"', { '/etc/x.seccomp': 'allow read\n' }],
  'include-not-policy': [H + 'include "secret.txt"\n', '"secret.txt"', { '/p/secret.txt': 'root:x:0:0\n' }],
  'shift-out-of-range': [H + 'kill write if count == 1 << 129\n', '1 << 129'],
  'integer-overflow': [H + 'define BIG = 0x8000000000000000 << 1\n', '0x8000000000000000 << 1'],
  'constant-out-of-range': [H + 'allow socket if domain == 0x100000000\n', '0x100000000'],
  'argument-comparison': [H + 'allow dup2 if oldfd == newfd\n', 'oldfd == newfd'],
  'unsupported-expression': [H + 'allow read if fd | 1 == 1\n', 'fd | 1'],
  'type-mismatch': [H + 'allow read if fd\n', 'fd'],
  'not-constant': ['default kill_process\nallow execve\ntrap(fd) read\n', 'fd'],
  'action-value-out-of-range': [H + 'errno(4096) read\n', '4096'],
  'define-conflict': [H + 'define A = 1\ndefine A = 2\n', 'A'],
  'define-cycle': [H + 'define A = B\ndefine B = A\n', 'A'],
  'group-conflict': [H + 'group @g = read\ngroup @g = write\n', '@g'],
  'group-cycle': [H + 'group @a = @b\ngroup @b = @a\nallow @a\n', '@a'],
  'invalid-syscall-number': [H + 'allow syscall(0x80000000)\n', '0x80000000'],
  'argument-not-visible': ['arch i386\n' + H + 'allow mmap if prot == 0\n', 'prot'],
  'positional-argument-name': [H + 'allow prctl if arg4 == 0\n', 'arg4'],
  'condition-on-group-without-argument': [H + 'allow openat, read if flags == 0\n', 'flags'],
  'unreachable-rule': [H + 'allow read\nerrno(EPERM) read if fd == 1\n', 'errno(EPERM) read if fd == 1'],
  'duplicate-rule': [H + 'allow read if fd == 1\nallow read if fd == 1\n', 'allow read if fd == 1'],
  'constant-condition': [H + 'allow read if fd >= 0\n', 'fd >= 0'],
  'foreign-constant': [H + 'allow mmap if prot == O_RDONLY\n', 'O_RDONLY'],
  'exec-mapping-denied': [H + 'allow mmap if !(prot & PROT_EXEC)\n', 'default kill_process'],
  'pointer-argument': [H + 'allow openat if pathname == 0\n', 'pathname'],
  'shadowed-constant': [H + 'define O_RDONLY = 0\n', 'O_RDONLY'],
  'redundant-rule': ['default errno(EPERM)\nallow execve\nerrno(EPERM) ptrace\n', 'errno(EPERM)'],
  'syscall-missing-on-abi': ['arch x86_64, aarch64\n' + H + 'allow open\n', 'open'],
  'prefer-enosys': ['default errno(EPERM)\nallow execve, clone\n', 'default errno(EPERM)'],
  'execve-denied': ['default kill_process\nallow read\n', 'default kill_process'],
  'obsolete-syscall': [H + 'allow uselib\n', 'uselib'],
  'dangerous-syscall': [H + 'allow bpf\n', 'bpf'],
  'filter-too-large': [`default allow\nallow execve\n${big}\n`, ''],
};

for (const [code, [text, span, files]] of Object.entries(CASES)) {
  test(`${code} is reported on \`${span}\``, () => {
    const root = '/p/root.seccomp';
    const all = { ...(files ?? {}), [root]: text };
    // Includes are confined as on disk: to the root's folder, /p.
    const model = buildPolicyModel({ path: root, text }, { ...memoryHost(all), includeDirectories: () => [] });
    const found = diagnoseModel(model).filter((d) => d.code === code);
    assert.ok(found.length > 0, `no ${code} in:\n${text.slice(0, 300)}`);
    const d = found[0]!;
    assert.equal(d.severity, SEMANTIC_CODES[code as keyof typeof SEMANTIC_CODES].severity);
    if (span) assert.equal(model.files.get(d.file)!.text.slice(d.range.start, d.range.end), span);
  });
}

test('every semantic code has a case here', () => {
  assert.deepEqual(Object.keys(SEMANTIC_CODES).filter((c) => !(c in CASES)), []);
});
