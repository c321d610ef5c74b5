/**
 * The compiled program, run in the BPF interpreter, decides exactly what
 * §7 says when evaluated on the model: same action, same deciding rule,
 * for random policies and random events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abiInfo } from '../../../server/src/kernel/abi';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { validateProgram } from '../../../server/src/bpf/validator';
import { explain } from '../../../server/src/compiler/attribute';
import { retValue, X32_SYSCALL_BIT } from '../../../server/src/kernel/seccomp';
import { decide } from '../../../server/src/policy/semantics/decide';
import { compilePolicy, type CompiledProgram } from '../../../server/src/compiler/compile';
import type { PolicyModel } from '../../../server/src/policy/semantics/model';
import { modelOf } from '../../helpers/compile';
import { Random, seedFromEnv } from '../../helpers/random';
import { randomEvents, randomPolicy, randomProfile, type RandomEvent } from '../../helpers/random-policy';

/** Runs the events through the program and the model: same action, same deciding rule. */
function assertAgrees(model: PolicyModel, program: CompiledProgram, events: readonly RandomEvent[], where: () => string): void {
  const valid = validateProgram(program.instructions);
  assert.ok(valid.ok, `invalid program (${where()}): ${JSON.stringify(valid)}`);
  for (const { arch, nr, args } of events) {
    const want = decide(model, { arch, nr, args });
    const got = explain(program, { arch, nr, instructionPointer: 0n, args });
    const ctx = () => `${where()}, arch 0x${arch.toString(16)}, nr 0x${nr.toString(16)}, args ${args.map((a) => '0x' + a.toString(16)).join(',')}`;
    assert.equal(got.ret, retValue(want.action), `action differs: ${ctx()}`);
    const wantOrigin = want.origin.kind === 'rule' ? `rule ${want.origin.entry.rule.index}` : want.origin.kind;
    const gotOrigin = got.origin.kind === 'rule' ? `rule ${got.origin.rule}` : got.origin.kind;
    assert.equal(gotOrigin, wantOrigin, `origin differs: ${ctx()}`);
  }
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
    const list = randomEvents(r, model, 60);
    assertAgrees(model, result.program, list, () => `seed ${seed}\n${text}`);
    events += list.length;
  }
  assert.ok(events >= 300 * 60);
});

test('profile-guided programs agree with the model too, whatever the profile', () => {
  // The profile reshapes the dispatch tree, tests hot numbers first and
  // reorders argument checks: none of it may change a decision.
  const seed = seedFromEnv();
  const r = new Random(seed);
  let policies = 0;
  while (policies < 200) {
    const { text } = randomPolicy(r);
    const { model, errors } = modelOf(text);
    if (errors.length) continue;
    policies++;
    const list = randomEvents(r, model, 60);
    const result = compilePolicy(model, { profile: randomProfile(r, list) });
    assert.ok(result.ok, `too large for seed ${seed}`);
    assertAgrees(model, result.program, list, () => `seed ${seed}, with a profile\n${text}`);
  }
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
