/**
 * Random policies, events and profiles for the compiler's property test
 * (test/unit/compiler/property.test.ts) and the mutation check
 * (bench/mutation.mjs): one generator, so the mutation score measures the
 * property test itself.
 */
import { ABIS, abiInfo, type Abi } from '../../server/src/kernel/abi';
import { abiOfEvent, X32_SYSCALL_BIT } from '../../server/src/kernel/seccomp';
import { getSyscall } from '../../server/src/kernel/syscalls';
import type { PolicyModel } from '../../server/src/policy/semantics/model';
import type { ArgSample, SyscallProfile } from '../../server/src/compiler/profile';
import type { Random } from './random';

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

export function randomPolicy(r: Random): { text: string; abis: Abi[] } {
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

export function randomArg(r: Random): bigint {
  const low = BigInt(r.pick([0, 1, 2, 3, 4, 0x10, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, r.u32()]));
  const high = BigInt(r.pick([0, 0, 0, 1, 0xffffffff, 0x80000000, r.u32()]));
  return (high << 32n) | low;
}

export interface RandomEvent {
  readonly arch: number;
  readonly nr: number;
  readonly args: readonly bigint[];
}

/** Events around the policy's own syscalls, plus edge numbers, random numbers and foreign archs. */
export function randomEvents(r: Random, model: PolicyModel, count: number): RandomEvent[] {
  const numbers = new Set<number>([0, 1, 39, 1000, 0xffffffff, X32_SYSCALL_BIT, X32_SYSCALL_BIT | 39, 0x80000000 | 2]);
  for (const rule of model.rules) for (const name of rule.syscalls) for (const n of Object.values(getSyscall(name)!.numbers)) numbers.add(n!);
  const list = [...numbers];
  return Array.from({ length: count }, () => {
    const abi = r.pick(ABIS);
    const nr = r.chance(0.8) ? r.pick(list) : r.u32();
    const arch = r.chance(0.05) ? r.u32() : abiInfo(abi.name).auditArch;
    return { arch, nr, args: Array.from({ length: 6 }, () => randomArg(r)) };
  });
}

/**
 * A profile as a traced run could give: skewed call counts on some of the
 * events' numbers (and on numbers no rule names), with some of the events'
 * own arguments as samples, so argument checks get reordered for calls the
 * test then makes.
 */
export function randomProfile(r: Random, events: readonly RandomEvent[]): SyscallProfile {
  const calls = new Map<Abi, Map<number, number>>();
  const args = new Map<Abi, Map<number, ArgSample[]>>();
  const add = (abi: Abi, nr: number, count: number, sample?: readonly bigint[]) => {
    let c = calls.get(abi);
    if (!c) calls.set(abi, (c = new Map()));
    c.set(nr, (c.get(nr) ?? 0) + count);
    if (!sample) return;
    let a = args.get(abi);
    if (!a) args.set(abi, (a = new Map()));
    let list = a.get(nr);
    if (!list) a.set(nr, (list = []));
    list.push({ args: sample, count });
  };
  for (const e of events) {
    const abi = abiOfEvent(e.arch, e.nr);
    if (!abi || !r.chance(0.5)) continue;
    // Mostly small counts, a few huge ones: the shape of a real run.
    const count = r.chance(0.1) ? 1 + r.int(1_000_000) : 1 + r.int(20);
    add(abi, e.nr, count, r.chance(0.7) ? e.args : Array.from({ length: 6 }, () => randomArg(r)));
  }
  for (let i = r.int(4); i > 0; i--) add(r.pick(ABIS).name, r.u32(), 1 + r.int(1000));
  return { calls, args };
}
