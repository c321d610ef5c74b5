/**
 * Arguments where the kernel puts them, per ABI: the pinned rows were written
 * down from the kernel sources (kernel/fork.c for clone's CLONE_BACKWARDS
 * order; arch/x86/kernel/sys_ia32.c for i386's lo/hi pairs without padding;
 * arch/arm64/kernel/sys32.c for arm's even-aligned pairs; fs/read_write.c and
 * arch/x86/entry/syscalls/syscall_64.tbl for x32's preadv64v2; mm/mmap.c and
 * fs/select.c for i386's old mmap and select), not from the generator.
 * Then, for every syscall, ABI and parameter: the condition compiles to
 * exactly the registers of the layout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ABI_NAMES, abiInfo, type Abi } from '../../../server/src/kernel/abi';
import { allSyscalls, argValue, findArg, getSyscall } from '../../../server/src/kernel/syscalls';
import type { ArgPlace } from '../../../server/src/kernel/types';
import { runProgram } from '../../../server/src/bpf/interpreter';
import { compilePolicy } from '../../../server/src/compiler/compile';
import type { Compare, Cond } from '../../../server/src/policy/semantics/condition';
import { modelOf } from '../../helpers/compile';

type Want = number | [number, number] | null;

/** syscall → ABI → the place of each named parameter (registers; [lo, hi] pairs; null: not visible). */
const PINNED: Record<string, Partial<Record<Abi, Record<string, Want>>>> = {
  clone: {
    x86_64: { flags: 0, stack: 1, parent_tid: 2, child_tid: 3, tls: 4 },
    x32: { flags: 0, stack: 1, parent_tid: 2, child_tid: 3, tls: 4 },
    i386: { flags: 0, stack: 1, parent_tid: 2, tls: 3, child_tid: 4 },
    arm: { flags: 0, stack: 1, parent_tid: 2, tls: 3, child_tid: 4 },
    aarch64: { flags: 0, stack: 1, parent_tid: 2, tls: 3, child_tid: 4 },
    riscv64: { flags: 0, stack: 1, parent_tid: 2, tls: 3, child_tid: 4 },
  },
  sync_file_range: {
    x86_64: { fd: 0, offset: 1, nbytes: 2, flags: 3 },
    i386: { fd: 0, offset: [1, 2], nbytes: [3, 4], flags: 5 },
    aarch64: { fd: 0, offset: 1, nbytes: 2, flags: 3 },
  },
  arm_sync_file_range: { arm: { fd: 0, flags: 1, offset: [2, 3], nbytes: [4, 5] } },
  fadvise64: { i386: { fd: 0, offset: [1, 2], len: 3, advice: 4 }, x86_64: { fd: 0, offset: 1, len: 2, advice: 3 } },
  fadvise64_64: { i386: { fd: 0, offset: [1, 2], len: [3, 4], advice: 5 } },
  arm_fadvise64_64: { arm: { fd: 0, advice: 1, offset: [2, 3], len: [4, 5] } },
  fallocate: {
    i386: { fd: 0, mode: 1, offset: [2, 3], len: [4, 5] },
    arm: { fd: 0, mode: 1, offset: [2, 3], len: [4, 5] },
    x32: { fd: 0, mode: 1, offset: 2, len: 3 },
  },
  pread64: { i386: { fd: 0, buf: 1, count: 2, offset: [3, 4] }, arm: { fd: 0, buf: 1, count: 2, offset: [4, 5] } },
  pwrite64: { i386: { fd: 0, buf: 1, count: 2, offset: [3, 4] }, arm: { fd: 0, buf: 1, count: 2, offset: [4, 5] } },
  truncate64: { i386: { path: 0, length: [1, 2] }, arm: { path: 0, length: [2, 3] } },
  ftruncate64: { i386: { fd: 0, length: [1, 2] }, arm: { fd: 0, length: [2, 3] } },
  readahead: { i386: { fd: 0, offset: [1, 2], count: 3 }, arm: { fd: 0, offset: [2, 3], count: 4 } },
  lookup_dcookie: { i386: { cookie: [0, 1], buffer: 2, len: 3 }, arm: { cookie: [0, 1], buffer: 2, len: 3 } },
  fanotify_mark: {
    i386: { fanotify_fd: 0, flags: 1, mask: [2, 3], dirfd: 4, pathname: 5 },
    arm: { fanotify_fd: 0, flags: 1, mask: [2, 3], dirfd: 4, pathname: 5 },
  },
  preadv2: {
    x86_64: { fd: 0, iov: 1, iovcnt: 2, pos_l: 3, pos_h: 4, flags: 5 },
    x32: { fd: 0, iov: 1, iovcnt: 2, pos_l: 3, pos_h: null, flags: 4 },
    i386: { fd: 0, iov: 1, iovcnt: 2, pos_l: 3, pos_h: 4, flags: 5 },
  },
  pwritev2: { x32: { fd: 0, iov: 1, iovcnt: 2, pos_l: 3, pos_h: null, flags: 4 } },
  preadv: { x32: { fd: 0, iov: 1, iovcnt: 2, pos_l: 3, pos_h: null } },
  mmap: {
    i386: { addr: null, length: null, prot: null, flags: null, fd: null, offset: null },
    x86_64: { addr: 0, length: 1, prot: 2, flags: 3, fd: 4, offset: 5 },
  },
  mmap2: { i386: { addr: 0, length: 1, prot: 2, flags: 3, fd: 4 } },
  select: { i386: { nfds: null, readfds: null } },
  _newselect: { i386: { nfds: 0, readfds: 1, writefds: 2, exceptfds: 3, timeout: 4 } },
  socketcall: { i386: { call: 0, args: 1 } },
};

function want(p: ArgPlace): Want {
  return p.kind === 'reg' ? p.reg : p.kind === 'pair' ? [p.lo, p.hi] : null;
}

describe('argument layout: rows pinned from the kernel sources', () => {
  for (const [sys, byAbi] of Object.entries(PINNED)) {
    it(sys, () => {
      const info = getSyscall(sys)!;
      assert.ok(info, sys);
      for (const [abi, args] of Object.entries(byAbi) as [Abi, Record<string, Want>][]) {
        assert.ok(info.numbers[abi] !== undefined, `${sys} exists on ${abi}`);
        for (const [name, w] of Object.entries(args)) {
          const found = findArg(info, name, abi);
          assert.ok(found, `${sys}.${name}`);
          assert.deepEqual(want(found.place), w, `${sys}.${name} on ${abi}`);
        }
      }
    });
  }

  it('a value split over two registers is put together low word first', () => {
    assert.equal(argValue([0n, 0x2n, 0x1n], { kind: 'pair', lo: 1, hi: 2 }), 0x1_0000_0002n);
    assert.equal(argValue([0n, 0xffff_ffff_0000_0005n, 0xaaaa_aaaa_0000_0001n], { kind: 'pair', lo: 1, hi: 2 }), 0x1_0000_0005n);
  });

  it('argN is always register N, whatever the man page calls a parameter', () => {
    const prctl = getSyscall('prctl')!;
    assert.equal(prctl.args[3]!.name, 'arg4'); // the man page's option, arg2, arg3, arg4, arg5
    for (const abi of ['x86_64', 'i386'] as const) {
      assert.deepEqual(want(findArg(prctl, 'arg4', abi)!.place), 4);
      assert.deepEqual(want(findArg(prctl, 'arg2', abi)!.place), 2);
    }
    // On i386, register 4 of clone holds child_tid.
    const clone = getSyscall('clone')!;
    assert.equal(findArg(clone, 'arg4', 'i386')!.arg.name, 'child_tid');
    assert.equal(findArg(clone, 'arg4', 'x86_64')!.arg.name, 'tls');
    // Half of a pair is a plain 32-bit register.
    const r = findArg(getSyscall('pread64')!, 'arg4', 'i386')!;
    assert.equal(r.arg.name, 'arg4');
    assert.equal(r.arg.width.i386, 32);
  });
});

/** Registers a compare reads: [lo] or [lo, hi]. */
function registersOf(c: Cond): Want {
  assert.equal(c.kind, 'cmp', JSON.stringify(c, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  const cmp = c as Compare;
  return cmp.hi !== undefined ? [cmp.arg, cmp.hi] : cmp.arg;
}

describe('argument layout: every syscall, ABI and parameter compiles to its registers', () => {
  for (const abi of ABI_NAMES) {
    it(abi, () => {
      const regBits = abiInfo(abi).registerBits;
      let checked = 0;
      const syscalls = allSyscalls().filter((s) => s.numbers[abi] !== undefined && s.args.length > 0);
      // One policy per parameter position keeps each rule's syscall alone.
      for (let k = 0; k < 6; k++) {
        const rows = syscalls.filter((s) => s.args.length > k);
        const value = (s: (typeof rows)[number]) => (s.args[k]!.width[abi] === 64 ? 0x1_0000_0000n + BigInt(k + 2) : BigInt(k + 2));
        const text = [`arch ${abi}`, 'default allow', ...rows.map((s) => `errno(${k + 1}) ${s.name} if ${s.args[k]!.name} == 0x${value(s).toString(16)}`)].join('\n') + '\n';
        const { model, errors } = modelOf(text);
        const table = model.tables.get(abi)!;
        const invisible = new Set(rows.filter((s) => findArg(s, s.args[k]!.name, abi)!.place.kind === 'none').map((s) => s.name));
        for (const e of errors) assert.ok(/^argument-not-visible: /.test(e), `${abi}: ${e}`);
        assert.equal(errors.length, invisible.size, `${abi}: one error per invisible parameter`);
        const program = compilePolicy(model, { abis: [abi] });
        assert.ok(program.ok);
        for (const s of rows) {
          if (invisible.has(s.name)) continue;
          const place = findArg(s, s.args[k]!.name, abi)!.place;
          const nr = s.numbers[abi]!;
          const rule = table.bySyscall.get(nr)!.find((r) => r.syscall === s.name)!;
          assert.deepEqual(registersOf(rule.condition), want(place), `${s.name}.${s.args[k]!.name} on ${abi}`);
          // The compiled filter: the value where the layout puts it (junk elsewhere) decides errno;
          // the same value in register k alone, when the layout says otherwise, does not.
          const v = value(s);
          const args = [0x7e7e_0001n, 0x7e7e_0002n, 0x7e7e_0003n, 0x7e7e_0004n, 0x7e7e_0005n, 0x7e7e_0006n];
          if (place.kind === 'reg') args[place.reg] = v;
          else if (place.kind === 'pair') { args[place.lo] = v & 0xffff_ffffn; args[place.hi] = v >> 32n; }
          if (regBits === 32) for (let i = 0; i < 6; i++) args[i] = args[i]! & 0xffff_ffffn;
          const run = (a: bigint[]): number => runProgram(program.program.instructions, { nr, arch: abiInfo(abi).auditArch, instructionPointer: 0n, args: a }).action;
          assert.equal(run(args), 0x0005_0000 + k + 1, `${s.name}.${s.args[k]!.name} on ${abi}: errno`);
          if (!(place.kind === 'reg' && place.reg === k)) {
            const naive = [0n, 0n, 0n, 0n, 0n, 0n];
            naive[k] = regBits === 32 ? v & 0xffff_ffffn : v;
            assert.equal(run(naive), 0x7fff_0000, `${s.name}.${s.args[k]!.name} on ${abi}: register ${k} alone must not match`);
          }
          checked++;
        }
      }
      assert.ok(checked > 200, `${abi}: ${checked} parameters checked`);
    });
  }
});
