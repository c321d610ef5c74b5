// A rule's condition is resolved once and shared with later ABIs only where
// every name in it means the same there (issue 14's speed work): what is
// shared must be what resolving again would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../helpers/policy';
import { conditionToString, type Cond } from '../../../server/src/policy/semantics/condition';
import type { Abi } from '../../../server/src/kernel/abi';
import type { PolicyModel } from '../../../server/src/policy/semantics/model';

const H = 'default kill_process\nallow execve\n';

/** The condition of the first entry of `syscall` on `abi`. */
function conditionOf(model: PolicyModel, abi: Abi, syscall: string): Cond {
  const table = model.tables.get(abi)!;
  for (const entries of table.bySyscall.values()) for (const e of entries) if (e.syscall === syscall) return e.condition;
  throw new Error(`no ${syscall} on ${abi}`);
}

test('a condition whose names mean the same on two ABIs is resolved once and shared', () => {
  const { model } = check(`arch x86_64, aarch64\n${H}allow openat if flags & O_ACCMODE == O_RDONLY && dirfd == 3\n`);
  assert.equal(conditionOf(model, 'aarch64', 'openat'), conditionOf(model, 'x86_64', 'openat'));
});

test('a constant with another value on the second ABI gives that ABI its own condition', () => {
  // O_DIRECTORY is 0x10000 on x86_64 and 0x4000 on aarch64.
  const { model, diagnostics } = check(`arch x86_64, aarch64\n${H}define D = O_DIRECTORY | 1\nallow openat if flags & O_DIRECTORY && flags != D\n`);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(conditionToString(conditionOf(model, 'x86_64', 'openat')), '(arg2.lo & 0x10000) != 0x0 && arg2.lo != 0x10001');
  assert.equal(conditionToString(conditionOf(model, 'aarch64', 'openat')), '(arg2.lo & 0x4000) != 0x0 && arg2.lo != 0x4001');
});

test('an argument placed differently on the second ABI gives that ABI its own condition', () => {
  // pread64's 64-bit offset is one register on x86_64 and a register pair on i386.
  const { model } = check(`arch x86_64, i386\n${H}allow pread64 if pos == 0x100000000\n`);
  assert.equal(conditionToString(conditionOf(model, 'x86_64', 'pread64')), 'arg3 == 0x100000000');
  assert.notEqual(conditionToString(conditionOf(model, 'i386', 'pread64')), 'arg3 == 0x100000000');
});

test('a condition whose resolution reported something is resolved on every ABI, so each ABI reports its own', () => {
  // ARCH_GET_CPUID exists on x86_64 and i386 but not on aarch64 or arm: one error naming each ABI that lacks it.
  const { diagnostics } = check(`arch x86_64, aarch64, i386, arm\n${H}allow prctl if option == ARCH_GET_CPUID\n`);
  assert.deepEqual(diagnostics.filter((d) => d.code === 'unknown-constant').map((d) => d.message),
    ['`ARCH_GET_CPUID` is not defined on aarch64', '`ARCH_GET_CPUID` is not defined on arm']);
  // A warning that names no ABI is given once, and the condition still applies on both ABIs.
  const pointer = check(`arch x86_64, aarch64\n${H}allow openat if pathname == 0\n`);
  assert.equal(pointer.diagnostics.filter((d) => d.code === 'pointer-argument').length, 1);
  assert.equal(conditionToString(conditionOf(pointer.model, 'aarch64', 'openat')), conditionToString(conditionOf(pointer.model, 'x86_64', 'openat')));
});

// Within a rule, a condition that resolved cleanly for one syscall is shared with the others whose
// names sit at the same places with the same widths and pointer-ness, whatever their types.
test('a clean condition is shared with a syscall of the rule whose argument has another type at the same place and width', () => {
  // write's fd (unsigned int) and kill's pid (pid_t): both the low 32 bits of register 0.
  const { model, diagnostics } = check(`arch x86_64\n${H}allow write, kill if arg0 == 3\n`);
  assert.deepEqual(diagnostics.filter((d) => d.code !== 'execve-denied' && d.severity !== 'hint').map((d) => d.code), []);
  assert.equal(conditionOf(model, 'x86_64', 'kill'), conditionOf(model, 'x86_64', 'write'));
  assert.equal(conditionToString(conditionOf(model, 'x86_64', 'kill')), conditionToString(conditionOf(model, 'x86_64', 'write')));
});

test('a clean condition is not shared with a syscall whose argument there is a pointer: that one is warned about', () => {
  // write's arg0 is an fd; open's is the path pointer.
  const { diagnostics } = check(`arch x86_64\n${H}allow write, open if arg0 == 3\n`);
  const pointer = diagnostics.filter((d) => d.code === 'pointer-argument');
  assert.equal(pointer.length, 1);
  assert.match(pointer[0]!.message, /`open`/);
});

test('a clean condition is not shared with a syscall whose argument there is narrower: its constant is checked against its own width', () => {
  // write's count is 64 bits on x86_64; lseek's whence, in the same register, is a 32-bit int.
  const { diagnostics } = check(`arch x86_64\n${H}allow write, lseek if arg2 == 0x100000000\n`);
  const range = diagnostics.filter((d) => d.code === 'constant-out-of-range');
  assert.equal(range.length, 1);
  assert.match(range[0]!.message, /does not fit in 32 bits/);
});
