/**
 * `diffPolicies` is exact: every change it reports has an example call the
 * two programs decide differently (checked in the BPF interpreter), every
 * random call they decide differently is covered by a change it reports,
 * and programs that decide alike (rewritten policies, profile-guided
 * compiles) give no change at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abiInfo } from '../../../server/src/kernel/abi';
import { abiOfEvent } from '../../../server/src/kernel/seccomp';
import { syscallByNumber } from '../../../server/src/kernel/syscalls';
import { runProgram } from '../../../server/src/bpf/interpreter';
import { compilePolicy, type CompiledProgram } from '../../../server/src/compiler/compile';
import { diffPolicies, type PolicyDiff } from '../../../server/src/compiler/diff';
import { compileText, modelOf } from '../../helpers/compile';
import { Random, seedFromEnv } from '../../helpers/random';
import { randomEvents, randomPolicy, randomProfile } from '../../helpers/random-policy';

const ret = (p: CompiledProgram, arch: number, nr: number, args: readonly bigint[]) => runProgram(p.instructions, { arch, nr, instructionPointer: 0n, args }).action >>> 0;

function changesOf(d: PolicyDiff, abi: string) {
  return d.abis.find((a) => a.abi === abi)!.changes;
}

test('a changed action, a new syscall and a narrowed condition are each reported with the argument values that change', () => {
  const a = compileText('arch x86_64\ndefault errno(EPERM)\nallow read, write\nallow openat if flags & O_ACCMODE == O_RDONLY\nallow lseek if offset == 5\nlog ptrace\n');
  const b = compileText('arch x86_64\ndefault errno(EPERM)\nallow read, write, close\nallow openat\nallow lseek if offset > 3\nkill_process ptrace\n');
  const d = diffPolicies(a, b);
  assert.equal(d.changed, true);
  const lines = changesOf(d, 'x86_64').map((c) => `${c.syscall}: ${c.before.action} -> ${c.after.action}${c.when.length ? ' when ' + c.when.join(' && ') : ''}`);
  assert.deepEqual(lines, [
    'close: errno(EPERM) -> allow',
    'lseek: errno(EPERM) -> allow when offset >= 4 && offset != 5',
    'lseek: errno(EPERM) -> allow when offset >> 32 >= 1',
    'ptrace: log -> kill_process',
    'openat: errno(EPERM) -> allow when flags & 0x3 != 0',
  ].sort((x, y) => order(x) - order(y)));
  const close = changesOf(d, 'x86_64').find((c) => c.syscall === 'close')!;
  assert.equal(close.before.origin, '/t/policy.seccomp:2 (default)');
  assert.equal(close.after.origin, '/t/policy.seccomp:3');
  // Other ABIs: neither policy accepts them, both kill them (the default badarch).
  for (const abi of ['i386', 'x32', 'aarch64', 'arm', 'riscv64']) assert.deepEqual(changesOf(d, abi), []);
  assert.equal(d.foreignArch, undefined);
});

/** Changes come by syscall number: close 3, lseek 8, ptrace 101, openat 257. */
function order(line: string): number {
  return { close: 3, lseek: 8, ptrace: 101, openat: 257 }[line.split(':')[0]!]!;
}

test('a new default changes every call of the ABI the same way; a new badarch changes the foreign ABIs and arches', () => {
  const a = compileText('arch x86_64\ndefault errno(EPERM)\n');
  const b = compileText('arch x86_64\ndefault kill_process\nbadarch errno(ENOSYS)\n');
  const d = diffPolicies(a, b);
  assert.deepEqual(d.abis.find((x) => x.abi === 'x86_64')!.every, { before: 'errno(EPERM)', after: 'kill_process' });
  assert.deepEqual(d.abis.find((x) => x.abi === 'i386')!.every, { before: 'kill_process', after: 'errno(ENOSYS)' });
  const other = changesOf(d, 'x86_64').find((c) => c.syscall === undefined)!;
  assert.ok(other, 'numbers no syscall has are reported too');
  assert.equal(syscallByNumber('x86_64', other.example.nr), undefined);
  assert.equal(d.foreignArch?.after.action, 'errno(38)'); // no ABI, so no errno names
});

test('a rule on a number no syscall has is named syscall(N)', () => {
  const a = compileText('arch x86_64\ndefault errno(EPERM)\n');
  const b = compileText('arch x86_64\ndefault errno(EPERM)\nallow syscall(1000)\n');
  assert.deepEqual(changesOf(diffPolicies(a, b), 'x86_64').map((c) => c.syscall), ['syscall(0x3e8)']);
});

test('policies that decide alike give no change: reordered rules, rewritten conditions, groups spelled out', () => {
  const a = compileText('arch x86_64, aarch64\ndefault errno(EPERM)\nallow read, write\nallow openat if flags & O_ACCMODE == O_RDONLY\nallow ioctl if request in (TCGETS, TIOCGWINSZ)\n');
  const b = compileText('arch aarch64, x86_64\ndefault errno(EPERM)\nallow ioctl if request == TIOCGWINSZ || request == TCGETS\nallow openat if !(flags & O_ACCMODE != O_RDONLY)\nallow write\nallow read\n');
  const d = diffPolicies(a, b);
  assert.equal(d.changed, false);
  assert.ok(d.abis.every((x) => x.changes.length === 0 && x.every === undefined));
});

test('random policy pairs: each reported change is real, and each differing random call is reported', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let pairs = 0;
  let differing = 0;
  while (pairs < 40) {
    const first = randomPolicy(r);
    // Half the time a small edit of the first (one line dropped or its action swapped), else an unrelated policy.
    let secondText: string;
    if (r.chance(0.5)) {
      const lines = first.text.trimEnd().split('\n');
      const i = 2 + r.int(Math.max(1, lines.length - 2));
      if (i < lines.length) lines[i] = r.chance(0.5) ? '' : lines[i]!.replace(/^\S+/, r.pick(['allow', 'errno(EACCES)', 'kill_process', 'log']));
      secondText = lines.join('\n') + '\n';
    } else {
      secondText = randomPolicy(r).text;
    }
    const ma = modelOf(first.text);
    const mb = modelOf(secondText);
    if (ma.errors.length || mb.errors.length) continue;
    const ca = compilePolicy(ma.model);
    const cb = compilePolicy(mb.model);
    if (!ca.ok || !cb.ok) continue;
    pairs++;
    const where = `seed ${seed}\n--- before\n${first.text}--- after\n${secondText}`;
    const d = diffPolicies({ program: ca.program, model: ma.model }, { program: cb.program, model: mb.model });
    for (const abi of d.abis) {
      for (const c of abi.changes) {
        const arch = abiInfo(c.abi).auditArch;
        const x = ret(ca.program, arch, c.example.nr, c.example.args);
        const y = ret(cb.program, arch, c.example.nr, c.example.args);
        assert.notEqual(x, y, `reported change is not one: ${c.abi} ${c.syscall} ${JSON.stringify(c.when)}\n${where}`);
        assert.deepEqual([x, y], [c.before.ret, c.after.ret], where);
      }
    }
    const events = [...randomEvents(r, ma.model, 100), ...randomEvents(r, mb.model, 100)];
    for (const e of events) {
      const x = ret(ca.program, e.arch, e.nr, e.args);
      const y = ret(cb.program, e.arch, e.nr, e.args);
      if (x === y) continue;
      differing++;
      const abi = abiOfEvent(e.arch, e.nr >>> 0);
      const ctx = `arch 0x${e.arch.toString(16)} nr 0x${e.nr.toString(16)} args ${e.args.map((v) => '0x' + v.toString(16)).join(',')}: ${x.toString(16)} -> ${y.toString(16)}\n${where}`;
      if (!abi) {
        assert.deepEqual([d.foreignArch?.before.ret, d.foreignArch?.after.ret], [x, y], `foreign arch change missed: ${ctx}`);
        continue;
      }
      const name = syscallByNumber(abi, e.nr >>> 0)?.name;
      const hit = changesOf(d, abi).some((c) => (name ? c.syscall === name : c.syscall === undefined || c.syscall.startsWith('syscall(')) && c.before.ret === x && c.after.ret === y);
      assert.ok(hit, `differing call not reported: ${abi} ${name ?? 'no syscall'} ${ctx}`);
    }
  }
  assert.ok(differing > 0, 'the random pairs exercised some differences');
});

test('a profile-guided compile decides exactly as the plain one', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let done = 0;
  while (done < 30) {
    const { text } = randomPolicy(r);
    const { model, errors } = modelOf(text);
    if (errors.length) continue;
    const plain = compilePolicy(model);
    const guided = compilePolicy(model, { profile: randomProfile(r, randomEvents(r, model, 40)) });
    if (!plain.ok || !guided.ok) continue;
    done++;
    assert.equal(diffPolicies({ program: plain.program }, { program: guided.program }).changed, false, `seed ${seed}\n${text}`);
  }
});
