import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ABI_NAMES, type Abi } from '../../../server/src/kernel/abi';
import { X32_SYSCALL_BIT } from '../../../server/src/kernel/seccomp';
import {
  allSyscalls,
  findArg,
  getSyscall,
  syscallByNumber,
  syscallNames,
  syscallNumber,
} from '../../../server/src/kernel/syscalls';
import type { SyscallInfo } from '../../../server/src/kernel/types';

function sys(name: string): SyscallInfo {
  const s = getSyscall(name);
  assert.ok(s, `syscall ${name} should exist`);
  return s;
}

describe('syscall numbers', () => {
  it('openat on every ABI', () => {
    assert.deepEqual(sys('openat').numbers, {
      x86_64: 257,
      i386: 295,
      x32: X32_SYSCALL_BIT + 257,
      aarch64: 56,
      arm: 322,
      riscv64: 56,
    });
    assert.equal(sys('openat').numbers.x32, 0x40000101);
  });

  it('spot checks per ABI', () => {
    const cases: [Abi, string, number][] = [
      ['x86_64', 'read', 0], ['x86_64', 'write', 1], ['x86_64', 'mmap', 9], ['x86_64', 'ioctl', 16],
      ['x86_64', 'execve', 59], ['x86_64', 'clone3', 435], ['x86_64', 'listns', 470], ['x86_64', 'rseq_slice_yield', 471],
      ['i386', 'exit', 1], ['i386', 'socketcall', 102], ['i386', 'mmap2', 192], ['i386', 'socket', 359], ['i386', 'clone3', 435],
      ['x32', 'read', 0x40000000], ['x32', 'ioctl', 0x40000000 + 514], ['x32', 'execve', 0x40000000 + 520], ['x32', 'preadv2', 0x40000000 + 546],
      ['aarch64', 'ioctl', 29], ['aarch64', 'read', 63], ['aarch64', 'clone', 220], ['aarch64', 'execve', 221], ['aarch64', 'listns', 470],
      ['arm', 'read', 3], ['arm', 'ioctl', 54], ['arm', 'mmap2', 192], ['arm', 'socket', 281], ['arm', 'cacheflush', 0xf0002], ['arm', 'set_tls', 0xf0005],
      ['riscv64', 'read', 63], ['riscv64', 'riscv_flush_icache', 259], ['riscv64', 'riscv_hwprobe', 258], ['riscv64', 'rseq_slice_yield', 471],
    ];
    for (const [abi, name, nr] of cases) {
      assert.equal(syscallNumber(abi, name), nr, `${name} on ${abi}`);
      assert.equal(syscallByNumber(abi, nr)?.name, name, `number ${nr} on ${abi}`);
    }
  });

  it('absent calls', () => {
    assert.equal(sys('open').numbers.aarch64, undefined);
    assert.equal(sys('open').numbers.riscv64, undefined);
    assert.equal(sys('open').numbers.x86_64, 2);
    assert.equal(sys('fork').numbers.aarch64, undefined);
    assert.equal(sys('socketcall').numbers.x86_64, undefined);
    assert.equal(sys('mmap2').numbers.x86_64, undefined);
    // x32 lacks some x86_64 entry points and replaces them with compat calls at 512+
    assert.equal(sys('ioctl').numbers.x32, X32_SYSCALL_BIT + 514);
    assert.equal(sys('uselib').numbers.x32, undefined);
    assert.equal(getSyscall('not_a_syscall'), undefined);
    assert.equal(syscallByNumber('x86_64', 0x40000101), undefined);
  });

  it('max numbers per ABI', () => {
    const max = (abi: Abi) =>
      Math.max(...allSyscalls().map((s) => s.numbers[abi] ?? -1).filter((n) => n < 0xf0000 && n < X32_SYSCALL_BIT + 0xf0000));
    assert.equal(max('x86_64'), 471);
    assert.equal(max('aarch64'), 471);
    assert.equal(max('riscv64'), 471);
    assert.equal(max('i386'), 471);
    assert.equal(max('arm'), 471);
  });

  it('names are sorted and unique, and every ABI table is sizeable', () => {
    const names = syscallNames();
    assert.deepEqual([...names].sort(), names);
    assert.equal(new Set(names).size, names.length);
    for (const abi of ABI_NAMES) {
      const count = allSyscalls().filter((s) => s.numbers[abi] !== undefined).length;
      assert.ok(count > 300, `${abi} has ${count} syscalls`);
    }
  });

  it("agrees with the machine's own x86_64 unistd_64.h", (t) => {
    const path = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
    if (!existsSync(path)) {
      t.skip(`${path} does not exist`);
      return;
    }
    const text = readFileSync(path, 'utf8');
    let checked = 0;
    for (const m of text.matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)) {
      assert.equal(syscallNumber('x86_64', m[1]!), Number(m[2]), `__NR_${m[1]}`);
      checked++;
    }
    assert.ok(checked > 300, `only ${checked} numbers read from ${path}`);
  });
});

describe('syscall info', () => {
  it('documentation fields', () => {
    const s = sys('openat');
    assert.equal(s.manPage, 'https://man7.org/linux/man-pages/man2/openat.2.html');
    assert.equal(typeof s.summary, 'string');
    assert.equal(typeof s.note, 'string');
    assert.equal(typeof s.obsolete, 'boolean');
    assert.match(s.signature, /^int openat\(int dirfd, const char \*pathname, int flags, mode_t mode\)$/);
  });

  it('every syscall has a signature and consistent arguments', () => {
    for (const s of allSyscalls()) {
      assert.ok(s.signature.includes(`${s.name}(`), s.name);
      assert.ok(s.args.length <= 6, `${s.name} has ${s.args.length} args`);
      const names = new Set<string>();
      s.args.forEach((a, i) => {
        for (const n of [a.name, ...a.aliases]) {
          assert.ok(!names.has(n), `${s.name}: argument name ${n} repeated`);
          names.add(n);
        }
        // 32-bit ABIs: one register is 32 bits; a register pair carries a 64-bit value.
        for (const abi of ['i386', 'arm'] as const) {
          if (s.numbers[abi] === undefined) continue;
          assert.equal(a.width[abi], s.layout[abi]![i]!.kind === 'pair' ? 64 : 32, `${s.name}.${a.name} on ${abi}`);
        }
        assert.equal(a.width.x32, a.width.x86_64);
        assert.equal(a.width.aarch64, a.width.x86_64);
      });
    }
  });
});

describe('arguments', () => {
  it('argument names follow the man page', () => {
    assert.deepEqual(sys('openat').args.map((a) => a.name), ['dirfd', 'pathname', 'flags', 'mode']);
    assert.deepEqual(sys('mmap').args.map((a) => a.name), ['addr', 'length', 'prot', 'flags', 'fd', 'offset']);
    assert.deepEqual(sys('socket').args.map((a) => a.name), ['domain', 'type', 'protocol']);
    assert.deepEqual(sys('clone').args.map((a) => a.name)[0], 'flags');
    assert.deepEqual(sys('prctl').args.map((a) => a.name)[0], 'option');
    assert.deepEqual(sys('futex').args.map((a) => a.name)[1], 'futex_op');
    assert.equal(sys('getpid').args.length, 0);
  });

  it('kernel names are aliases', () => {
    const dup = findArg(sys('dup'), 'fildes');
    assert.equal(dup?.index, 0);
    assert.equal(dup?.arg.name, 'oldfd');
    assert.equal(findArg(sys('dup'), 'oldfd')?.index, 0);
    const ioctl = findArg(sys('ioctl'), 'cmd');
    assert.equal(ioctl?.index, 1);
    assert.equal(ioctl?.arg.name, 'request');
    assert.equal(findArg(sys('ioctl'), 'request')?.index, 1);
    assert.equal(findArg(sys('openat'), 'dfd')?.arg.name, 'dirfd');
    assert.equal(findArg(sys('clone'), 'clone_flags')?.index, 0);
    assert.equal(findArg(sys('openat'), 'nonsense'), undefined);
  });

  it('positional names', () => {
    const o = sys('openat');
    assert.equal(findArg(o, 'arg2')?.arg.name, 'flags');
    assert.equal(findArg(o, 'arg0')?.index, 0);
    const beyond = findArg(o, 'arg5');
    assert.equal(beyond?.index, 5);
    assert.equal(beyond?.arg.kind, 'int');
    assert.equal(beyond?.arg.width.x86_64, 64);
    assert.equal(beyond?.arg.width.i386, 32);
    assert.equal(findArg(o, 'arg6'), undefined);
    assert.equal(findArg(sys('getpid'), 'arg0')?.arg.width.aarch64, 64);
  });

  it('widths come from the kernel types', () => {
    const w = (s: string, a: string) => findArg(sys(s), a)!.arg.width;
    assert.equal(w('openat', 'flags').x86_64, 32);
    assert.equal(w('openat', 'pathname').x86_64, 64);
    assert.equal(w('openat', 'pathname').i386, 32);
    assert.equal(w('mmap', 'length').x86_64, 64);
    assert.equal(w('mmap', 'length').i386, 32);
    assert.equal(w('mmap', 'length').aarch64, 64);
    for (const abi of ABI_NAMES) assert.equal(w('ioctl', 'request')[abi], 32, `ioctl request on ${abi}`);
    assert.equal(findArg(sys('ioctl'), 'request')!.arg.type, 'unsigned int');
    assert.equal(findArg(sys('ioctl'), 'request')!.arg.signed, false);
    assert.equal(w('ioctl', 'arg').x86_64, 64);
    assert.equal(w('prctl', 'option').x86_64, 32);
    assert.equal(w('prctl', 'arg2').x86_64, 64);
    assert.equal(w('clone', 'flags').x86_64, 64);
    assert.equal(w('kill', 'pid').x86_64, 32);
    assert.equal(findArg(sys('kill'), 'pid')!.arg.signed, true);
    assert.equal(w('lseek', 'offset').x86_64, 64);
    assert.equal(w('add_key', 'keyring').x86_64, 32);
    assert.equal(w('read', 'count').x32, 64);
  });

  it('kinds and constant families', () => {
    const a = (s: string, n: string) => findArg(sys(s), n)!.arg;
    assert.equal(a('openat', 'dirfd').kind, 'dirfd');
    assert.deepEqual(a('openat', 'dirfd').constants, ['AT_FDCWD']);
    assert.equal(a('openat', 'pathname').kind, 'path');
    assert.equal(a('openat', 'flags').kind, 'flags');
    assert.deepEqual(a('openat', 'flags').constants, ['O_']);
    assert.equal(a('openat', 'mode').kind, 'mode');
    assert.deepEqual(a('socket', 'domain').constants, ['AF_']);
    assert.deepEqual(a('socket', 'type').constants, ['SOCK_']);
    assert.deepEqual(a('mmap', 'prot').constants, ['PROT_']);
    assert.deepEqual(a('mmap', 'flags').constants, ['MAP_']);
    assert.deepEqual(a('madvise', 'advice').constants, ['MADV_']);
    assert.ok(a('clone', 'flags').constants.includes('CLONE_'));
    assert.deepEqual(a('prctl', 'option').constants, ['PR_']);
    assert.deepEqual(a('fcntl', 'cmd').constants, ['F_']);
    assert.deepEqual(a('futex', 'futex_op').constants, ['FUTEX_']);
    assert.equal(a('kill', 'sig').kind, 'signal');
    assert.equal(a('read', 'fd').kind, 'fd');
    assert.equal(a('read', 'buf').kind, 'buffer');
    assert.equal(a('read', 'count').kind, 'size');
    assert.equal(a('kill', 'pid').kind, 'pid');
    assert.equal(a('setuid', 'uid').kind, 'uid');
    assert.equal(a('ioctl', 'request').kind, 'enum');
    assert.deepEqual(a('newfstatat', 'flags').constants, ['AT_']);
  });
});
