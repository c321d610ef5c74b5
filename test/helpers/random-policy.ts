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
import type { Compare, Cond } from '../../server/src/policy/semantics/condition';
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

/**
 * Events for a policy: half of them anywhere (any arch the kernel knows, the
 * policy's syscalls on every ABI, edge and random numbers, random
 * registers), half aimed at its rules (one of its ABIs, a syscall it has
 * rules for, and arguments at and around the values its conditions compare
 * with, in the half of the register they are compared on, with garbage or
 * not in the other half). The aimed half is what reaches the deep parts of
 * a program: bench/mutation.mjs measured that random registers alone leave
 * most of a program's jumps unexercised.
 */
export function randomEvents(r: Random, model: PolicyModel, count: number): RandomEvent[] {
  // Where the dispatch tree splits: the policy's numbers and their neighbours, and the edges of the x32 ranges.
  const numbers = new Set<number>([0, 1, 39, 1000, 0xffffffff, X32_SYSCALL_BIT - 1, X32_SYSCALL_BIT, X32_SYSCALL_BIT | 39, 0x7fffffff, 0x80000000, 0x80000000 | 2, 0xbfffffff, 0xc0000000]);
  for (const rule of model.rules) {
    for (const name of rule.syscalls) {
      for (const n of Object.values(getSyscall(name)?.numbers ?? {})) for (const d of [-1, 0, 1]) numbers.add((n! + d) >>> 0);
    }
  }
  for (const table of model.tables.values()) for (const n of table.bySyscall.keys()) for (const d of [-1, 0, 1]) numbers.add((n + d) >>> 0);
  const list = [...numbers];
  const anywhere = (): RandomEvent => {
    const abi = r.pick(ABIS);
    const nr = r.chance(0.8) ? r.pick(list) : r.u32();
    const arch = r.chance(0.05) ? r.u32() : abiInfo(abi.name).auditArch;
    return { arch, nr, args: Array.from({ length: 6 }, () => randomArg(r)) };
  };
  const aimed = (): RandomEvent => {
    const abi = r.pick(model.abis);
    const table = model.tables.get(abi);
    const nrs = table ? [...table.bySyscall.keys()] : [];
    const nr = nrs.length > 0 && r.chance(0.9) ? r.pick(nrs) : r.pick(list);
    const args = Array.from({ length: 6 }, () => randomArg(r));
    const compares: Compare[] = [];
    for (const rule of table?.bySyscall.get(nr) ?? []) collectCompares(rule.condition, compares);
    for (const c of compares) if (r.chance(0.6)) placeNear(r, c, args);
    return { arch: abiInfo(abi).auditArch, nr, args };
  };
  return Array.from({ length: count }, () => (r.chance(0.5) ? anywhere() : aimed()));
}

function collectCompares(cond: Cond, out: Compare[]): void {
  switch (cond.kind) {
    case 'cmp': out.push(cond); break;
    case 'not': collectCompares(cond.item, out); break;
    case 'and': case 'or': for (const i of cond.items) collectCompares(i, out); break;
    default: break;
  }
}

/** Writes a value at or next to `c`'s bound into the registers `c` reads. */
function placeNear(r: Random, c: Compare, args: bigint[]): void {
  const max = c.width === 32 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
  const v = BigInt.asUintN(c.width, r.pick([c.value, c.value - 1n, c.value + 1n, c.value | (~c.mask & max), c.value & c.mask, c.mask, 0n, max]));
  const garbage = () => BigInt(r.pick([0, 0, 0xffffffff, 1, r.u32()])) << 32n;
  if (c.hi !== undefined) {
    args[c.arg] = garbage() | (v & 0xffff_ffffn);
    args[c.hi] = garbage() | (v >> 32n);
  } else if (c.width === 32) {
    args[c.arg] = garbage() | v;
  } else {
    args[c.arg] = v;
  }
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
