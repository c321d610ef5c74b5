/**
 * The emitter at the edge of a conditional jump's reach (jt/jf are 8 bits:
 * at most 255 instructions ahead). Random policies compile to programs too
 * short to get there, so the mutation check (bench/mutation.mjs) found that
 * no test would notice a limit of 256; this one does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BPF_JEQ } from '../../../server/src/bpf/instructions';
import { runProgram } from '../../../server/src/bpf/interpreter';
import { validateProgram } from '../../../server/src/bpf/validator';
import { Emitter } from '../../../server/src/compiler/emitter';

test('a jump to a target 250–260 instructions ahead reaches it, with a trampoline from 256 on', () => {
  for (let distance = 250; distance <= 260; distance++) {
    const e = new Emitter();
    const far = e.ret(1);
    // Distinct RETs are never shared, so each one puts the target one instruction further away.
    for (let i = 0; i < distance; i++) e.ret(1000 + i);
    const near = { label: e.here - 1 };
    e.jump(BPF_JEQ, 0, { label: far }, near, { origin: { kind: 'dispatch' } });
    const { instructions } = e.finish();
    const valid = validateProgram(instructions);
    assert.ok(valid.ok, `distance ${distance}: ${JSON.stringify(valid)}`);
    assert.equal(instructions.length, distance + 2 + (distance > 255 ? 1 : 0), `distance ${distance}: a trampoline only when out of reach`);
    // A starts at 0, so `jeq #0` takes the far branch.
    assert.equal(runProgram(instructions, { nr: 0, arch: 0, instructionPointer: 0n, args: [] }).action, 1, `distance ${distance}`);
  }
});
