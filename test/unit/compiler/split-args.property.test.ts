/**
 * explain(compile(m)) == decide(m) where named arguments move between ABIs:
 * 64-bit values split over two registers on i386 and arm, clone's
 * CLONE_BACKWARDS order, x32's preadv2. Conditions use the parameters' own
 * names; events put interesting values in every register.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABIS, abiInfo, type Abi } from '../../../server/src/kernel/abi';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { validateProgram } from '../../../server/src/bpf/validator';
import { explain } from '../../../server/src/compiler/attribute';
import { retValue } from '../../../server/src/kernel/seccomp';
import { decide } from '../../../server/src/policy/semantics/decide';
import { compilePolicy } from '../../../server/src/compiler/compile';
import { modelOf } from '../../helpers/compile';
import { Random, seedFromEnv } from '../../helpers/random';

/** Syscalls whose parameters sit in other registers on some ABI, with the names to test. */
const MOVED: Record<string, readonly string[]> = {
  pread64: ['fd', 'count', 'offset'],
  pwrite64: ['fd', 'count', 'offset'],
  fallocate: ['fd', 'mode', 'offset', 'len'],
  sync_file_range: ['fd', 'offset', 'nbytes', 'flags'],
  arm_sync_file_range: ['fd', 'flags', 'offset', 'nbytes'],
  fadvise64: ['fd', 'offset', 'len', 'advice'],
  fadvise64_64: ['fd', 'offset', 'len', 'advice'],
  arm_fadvise64_64: ['fd', 'advice', 'offset', 'len'],
  readahead: ['fd', 'offset', 'count'],
  truncate64: ['length'],
  ftruncate64: ['fd', 'length'],
  fanotify_mark: ['fanotify_fd', 'flags', 'mask', 'dirfd'],
  lookup_dcookie: ['cookie', 'len'],
  clone: ['flags', 'stack', 'tls'],
  preadv2: ['fd', 'iovcnt', 'pos_l', 'flags'],
  pwritev2: ['fd', 'iovcnt', 'pos_l', 'flags'],
};
const EDGE = ['0', '1', '2', '0x7fffffff', '0x80000000', '0xffffffff', '0x100000000', '0x100000001', '0xffffffff00000000', '0x7fffffffffffffff', '0x1000'];
const OPS = ['==', '!=', '<', '<=', '>', '>='];

function condition(r: Random, names: readonly string[], depth: number): string {
  const name = r.pick(names);
  switch (r.int(depth > 1 ? 3 : 5)) {
    case 0: return `${name} ${r.pick(OPS)} ${r.pick(EDGE)}`;
    case 1: return `${name} & ${r.pick(['0x1', '0x80000000', '0x100000000', '0xffffffff00000000'])} ${r.pick(OPS)} ${r.pick(EDGE)}`;
    case 2: return `${name} in (${r.pick(EDGE)}, ${r.pick(EDGE)})`;
    case 3: return `!(${condition(r, names, depth + 1)})`;
    default: return `(${condition(r, names, depth + 1)}) ${r.pick(['&&', '||'])} (${condition(r, names, depth + 1)})`;
  }
}

function word(r: Random): bigint {
  return BigInt(r.pick([0, 1, 2, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff, r.u32()]));
}

test('split and moved arguments: the compiled program agrees with the model', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let policies = 0;
  let events = 0;
  let tries = 0;
  while (policies < 200 && tries++ < 2000) {
    const abis = ABIS.map((a) => a.name).filter(() => r.chance(0.5));
    if (abis.length === 0) abis.push(r.pick(['i386', 'arm'] as Abi[]));
    const lines = [`arch ${abis.join(', ')}`, `default ${r.pick(['allow', 'errno(ENOSYS)'])}`];
    for (let i = 0; i < 1 + r.int(6); i++) {
      const sys = r.pick(Object.keys(MOVED).filter((s) => abis.some((a) => getSyscall(s)!.numbers[a] !== undefined)));
      if (!sys) break;
      lines.push(`${r.pick(['allow', 'errno(EPERM)', 'trap(3)', 'log'])} ${sys} if ${condition(r, MOVED[sys]!, 0)}`);
    }
    const text = lines.join('\n') + '\n';
    const { model, errors } = modelOf(text);
    if (errors.length) continue; // a 64-bit constant against a 32-bit argument
    policies++;
    const result = compilePolicy(model);
    assert.ok(result.ok);
    assert.ok(validateProgram(result.program.instructions).ok);
    const numbers = model.rules.flatMap((rule) => rule.syscalls.flatMap((n) => Object.values(getSyscall(n)!.numbers)));
    for (let i = 0; i < 80; i++) {
      const abi = r.pick(abis);
      const nr = r.pick(numbers);
      const wide = abiInfo(abi).registerBits === 64;
      // A 32-bit task's registers hold 32 bits; a 64-bit task's may hold anything.
      const args = Array.from({ length: 6 }, () => (wide ? (word(r) << 32n) | word(r) : word(r)));
      const arch = abiInfo(abi).auditArch;
      const want = decide(model, { arch, nr, args });
      const got = explain(result.program, { arch, nr, instructionPointer: 0n, args });
      const ctx = () => `seed ${seed}, ${abi}, nr ${nr}, args ${args.map((a) => '0x' + a.toString(16)).join(',')}\n${text}`;
      assert.equal(got.ret, retValue(want.action), `action differs: ${ctx()}`);
      const wantOrigin = want.origin.kind === 'rule' ? `rule ${want.origin.entry.rule.index}` : want.origin.kind;
      const gotOrigin = got.origin.kind === 'rule' ? `rule ${got.origin.rule}` : got.origin.kind;
      assert.equal(gotOrigin, wantOrigin, `origin differs: ${ctx()}`);
      events++;
    }
  }
  assert.ok(policies >= 100, `${policies} valid policies of ${tries}`);
  assert.ok(events >= 100 * 80);
});

test('a 64-bit offset on i386 is compared on both registers', () => {
  const { model, errors } = modelOf('arch i386\ndefault allow\nerrno(EPERM) pread64 if offset > 0x7fffffff\n');
  assert.deepEqual(errors, []);
  const result = compilePolicy(model);
  assert.ok(result.ok);
  const nr = getSyscall('pread64')!.numbers.i386!;
  const arch = abiInfo('i386').auditArch;
  const run = (args: bigint[]) => explain(result.program, { arch, nr, instructionPointer: 0n, args }).ret;
  assert.equal(run([3n, 0n, 10n, 0n, 1n]), retValue({ kind: 'errno', data: 1 }), '4 GiB: low word 0, high word 1');
  assert.equal(run([3n, 0n, 10n, 0x1000n, 0n]), retValue({ kind: 'allow', data: 0 }));
  assert.equal(run([3n, 0n, 10n, 0x80000000n, 0n]), retValue({ kind: 'errno', data: 1 }));
});
