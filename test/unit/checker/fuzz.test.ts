/**
 * The checker (model, lints, compiler size check) never throws and always
 * returns in bounded time, on random bytes and on mutations of valid
 * policies. Failures print the seed: replay with SEED=… .
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPolicyModel } from '../../../server/src/policy/semantics/build';
import { diagnoseModel } from '../../../server/src/compiler/diagnose';
import { compilePolicy } from '../../../server/src/compiler/compile';
import { memoryHost } from '../../helpers/policy';
import { Random, seedFromEnv } from '../../helpers/random';
import { SPEC_EXAMPLE } from '../syntax/helpers';

const VALID = [
  SPEC_EXAMPLE,
  `arch x86_64, i386, x32, aarch64, arm, riscv64
default errno(EPERM)
badarch kill
define MASK = 0x3 << 1
group @io = read, write, @basic-io except close
allow @io, execve
allow openat if flags & O_ACCMODE == O_RDONLY && dirfd == AT_FDCWD || !(flags & O_CREAT)
allow ioctl if request not in (TIOCSTI, TIOCLINUX)
trap(3) kill if sig in (SIGKILL, -1) && pid > 0
trace(9) syscall(1000) if arg5 >= 0xffffffff00000000
errno(ENOSYS) clone3
allow mmap if prot & MASK == MASK
log ptrace`,
];
const PIECES = ['allow', 'errno(', 'EPERM', ')', 'if', '&&', '||', '!', '(', ')', ',', 'in', 'not', '@io', 'flags', '==', '0x', '-1',
  '\n', '#', 'include "x.seccomp"', 'define', 'group', '=', 'arch', 'default', 'syscall(', '~', '<<', '>=', 'except', '"', '\\', '\u00e9', '\0'];

function mutate(r: Random, text: string): string {
  let t = text;
  for (let n = 1 + r.int(6); n > 0; n--) {
    const at = r.int(t.length + 1);
    switch (r.int(4)) {
      case 0: t = t.slice(0, at) + r.pick(PIECES) + t.slice(at); break;
      case 1: t = t.slice(0, at) + t.slice(at + 1 + r.int(8)); break;
      case 2: { const from = r.int(t.length + 1); t = t.slice(0, at) + t.slice(from, from + r.int(40)) + t.slice(at); break; }
      default: t = t.slice(0, at) + String.fromCharCode(r.int(0x3000)) + t.slice(at);
    }
  }
  return t;
}

test('the checker never throws and stays fast on broken input', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  const files = { '/p/x.seccomp': 'allow read\ninclude "root.seccomp"\n' };
  for (let i = 0; i < 400; i++) {
    const text = i % 5 === 0
      ? Array.from({ length: r.int(300) }, () => String.fromCharCode(r.int(128))).join('')
      : mutate(r, r.pick(VALID));
    try {
      const model = buildPolicyModel({ path: '/p/root.seccomp', text }, memoryHost({ ...files, '/p/root.seccomp': text }));
      const ds = diagnoseModel(model);
      for (const d of ds) {
        assert.ok(d.range.start >= 0 && d.range.start <= d.range.end, `bad range in ${d.code}`);
        assert.ok(d.range.end <= model.files.get(d.file)!.text.length, `range past the end in ${d.code}`);
      }
      if (!ds.some((d) => d.severity === 'error')) compilePolicy(model);
    } catch (e) {
      assert.fail(`threw on seed ${seed}, case ${i}: ${(e as Error).stack}\n---\n${JSON.stringify(text)}`);
    }
  }
});
