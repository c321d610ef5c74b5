/**
 * The compiled program, run in the BPF interpreter, decides exactly what
 * §7 says when evaluated on the model: same action, same deciding rule,
 * for random policies and random events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABIS, abiInfo, type Abi } from '../../../server/src/kernel/abi';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { validateProgram } from '../../../server/src/bpf/validator';
import { explain } from '../../../server/src/compiler/attribute';
import { retValue, X32_SYSCALL_BIT } from '../../../server/src/kernel/seccomp';
import { decide } from '../../../server/src/policy/semantics/decide';
import { compilePolicy } from '../../../server/src/compiler/compile';
import { modelOf } from '../../helpers/compile';
import { Random, seedFromEnv } from '../../helpers/random';

const SYSCALLS = ['read', 'write', 'openat', 'close', 'mmap', 'ioctl', 'socket', 'clone', 'getpid', 'kill', 'futex', 'lseek',
  'dup3', 'fcntl', 'prctl', 'personality', 'mprotect', 'exit_group', 'execve', 'pipe2', 'clone3', 'open', 'socketcall', 'mmap2', 'getuid'];
const ACTIONS = ['allow', 'log', 'errno(EPERM)', 'errno(ENOSYS)', 'errno(0)', 'errno(4095)', 'trap', 'trap(7)', 'trace(3)', 'notify', 'kill_thread', 'kill_process', 'kill'];
const EDGE = ['0', '1', '2', '-1', '-2', '0x7fffffff', '0x80000000', '0xffffffff', '0x100000000', '0xffffffff00000000', '0x8000000000000000', '-0x80000000', '0x10', '0x1000'];
const OPS = ['==', '!=', '<', '<=', '>', '>='];

function randomCondition(r: Random, depth: number): string {
  const k = r.int(depth > 2 ? 3 : 7);
  const arg = `arg${r.int(6)}`;
  const value = () => r.pick(EDGE);
  switch (k) {
    case 0: return `${arg} ${r.pick(OPS)} ${value()}`;
    case 1: return `${arg} & ${r.pick(['0x1', '0x3', '0xff00', '0x80000000', '0x100000000', '0xffffffff', '0xf0000000f'])} ${r.pick(OPS)} ${value()}`;
    case 2: return `${arg} & ${r.pick(['0x1', '0x4', '0x100000000'])}`;
    case 3: return `${arg} ${r.chance(0.5) ? 'not ' : ''}in (${Array.from({ length: 1 + r.int(3) }, value).join(', ')})`;
    case 4: return `!(${randomCondition(r, depth + 1)})`;
    case 5: return `(${randomCondition(r, depth + 1)}) && (${randomCondition(r, depth + 1)})`;
    default: return `(${randomCondition(r, depth + 1)}) || (${randomCondition(r, depth + 1)})`;
  }
}

function randomPolicy(r: Random): { text: string; abis: Abi[] } {
  const abis = ABIS.map((a) => a.name).filter(() => r.chance(0.4));
  if (abis.length === 0) abis.push(r.pick(ABIS).name);
  const lines = [`arch ${abis.join(', ')}`, `default ${r.pick(ACTIONS)}`];
  if (r.chance(0.5)) lines.push(`badarch ${r.pick(ACTIONS)}`);
  const n = 1 + r.int(12);
  for (let i = 0; i < n; i++) {
    const names = Array.from({ length: 1 + r.int(3) }, () => r.pick(SYSCALLS)).filter((s) => abis.some((a) => getSyscall(s)?.numbers[a] !== undefined));
    if (r.chance(0.1)) names.push(`syscall(${r.pick([39, 1000, 0, 3])})`);
    if (names.length === 0) continue;
    const cond = r.chance(0.6) ? ` if ${randomCondition(r, 0)}` : '';
    lines.push(`${r.pick(ACTIONS)} ${[...new Set(names)].join(', ')}${cond}`);
  }
  return { text: lines.join('\n') + '\n', abis };
}

function randomArg(r: Random): bigint {
  const low = BigInt(r.pick([0, 1, 2, 3, 4, 0x10, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, r.u32()]));
  const high = BigInt(r.pick([0, 0, 0, 1, 0xffffffff, 0x80000000, r.u32()]));
  return (high << 32n) | low;
}

test('compiled programs agree with the model on random policies and events', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let policies = 0;
  let events = 0;
  while (policies < 300) {
    const { text } = randomPolicy(r);
    const { model, errors } = modelOf(text);
    if (errors.length) continue; // e.g. a 64-bit constant against a 32-bit argument
    policies++;
    const result = compilePolicy(model);
    assert.ok(result.ok, `too large for seed ${seed}`);
    const program = result.program;
    const valid = validateProgram(program.instructions);
    assert.ok(valid.ok, `invalid program (seed ${seed}): ${JSON.stringify(valid)}\n${text}`);
    const numbers = new Set<number>([0, 1, 39, 1000, 0xffffffff, X32_SYSCALL_BIT, X32_SYSCALL_BIT | 39, 0x80000000 | 2]);
    for (const rule of model.rules) for (const name of rule.syscalls) for (const n of Object.values(getSyscall(name)!.numbers)) numbers.add(n!);
    for (let i = 0; i < 60; i++) {
      const abi = r.pick(ABIS);
      const nr = r.chance(0.8) ? r.pick([...numbers]) : r.u32();
      const arch = r.chance(0.05) ? r.u32() : abiInfo(abi.name).auditArch;
      const args = Array.from({ length: 6 }, () => randomArg(r));
      const want = decide(model, { arch, nr, args });
      const got = explain(program, { arch, nr, instructionPointer: 0n, args });
      events++;
      const ctx = () => `seed ${seed}, arch 0x${arch.toString(16)}, nr 0x${nr.toString(16)}, args ${args.map((a) => '0x' + a.toString(16)).join(',')}\n${text}`;
      assert.equal(got.ret, retValue(want.action), `action differs: ${ctx()}`);
      const wantOrigin = want.origin.kind === 'rule' ? `rule ${want.origin.entry.rule.index}` : want.origin.kind;
      const gotOrigin = got.origin.kind === 'rule' ? `rule ${got.origin.rule}` : got.origin.kind;
      assert.equal(gotOrigin, wantOrigin, `origin differs: ${ctx()}`);
    }
  }
  assert.ok(events >= 300 * 60);
});

test('32-bit arguments ignore the upper half of the register; 64-bit ones do not', () => {
  const { model } = modelOf('default errno(EPERM)\nallow execve\nallow socket if domain == 1\nallow mmap if length == 1\n');
  const program = compilePolicy(model).program;
  const arch = abiInfo('x86_64').auditArch;
  const garbage = 0xdead_beef_0000_0001n;
  assert.equal(explain(program, { arch, nr: 41, instructionPointer: 0n, args: [garbage] }).origin.kind, 'rule');
  assert.equal(explain(program, { arch, nr: 9, instructionPointer: 0n, args: [0n, garbage] }).origin.kind, 'default');
});

test('x32 calls get badarch on an x86_64-only filter, and the x32 table when x32 is listed', () => {
  const only = modelOf('arch x86_64\ndefault allow\nbadarch kill_thread\n').model;
  const both = modelOf('arch x86_64, x32\ndefault allow\nbadarch kill_thread\nerrno(EPERM) getpid\n').model;
  const arch = abiInfo('x86_64').auditArch;
  const p1 = compilePolicy(only).program;
  const p2 = compilePolicy(both).program;
  const x32getpid = getSyscall('getpid')!.numbers.x32!;
  assert.ok(x32getpid & X32_SYSCALL_BIT);
  assert.equal(explain(p1, { arch, nr: x32getpid, instructionPointer: 0n, args: [] }).origin.kind, 'badarch');
  assert.equal(explain(p1, { arch, nr: 39, instructionPointer: 0n, args: [] }).origin.kind, 'default');
  assert.equal(explain(p2, { arch, nr: x32getpid, instructionPointer: 0n, args: [] }).origin.kind, 'rule');
  assert.equal(explain(p2, { arch, nr: 39, instructionPointer: 0n, args: [] }).origin.kind, 'rule');
});
