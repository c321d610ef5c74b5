import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ABI_NAMES } from '../../../server/src/kernel/abi';
import {
  allConstants,
  constantValue,
  constantsByFamily,
  constantsForArg,
  errnoInfo,
  errnoName,
  getConstant,
  signalName,
} from '../../../server/src/kernel/constants';
import { findArg, getSyscall } from '../../../server/src/kernel/syscalls';

describe('constant values', () => {
  it('differ per ABI where the headers differ', () => {
    assert.equal(constantValue('O_DIRECTORY', 'x86_64'), 0x10000n);
    assert.equal(constantValue('O_DIRECTORY', 'aarch64'), 0x4000n);
    assert.equal(constantValue('O_DIRECTORY', 'arm'), 0x4000n);
    assert.equal(constantValue('O_DIRECTORY', 'riscv64'), 0x10000n);
    assert.equal(constantValue('O_NOFOLLOW', 'x86_64'), 0x20000n);
    assert.equal(constantValue('O_NOFOLLOW', 'aarch64'), 0x8000n);
    assert.equal(constantValue('O_DIRECT', 'aarch64'), 0x10000n);
    assert.equal(constantValue('O_DIRECT', 'x86_64'), 0x4000n);
  });

  it('common values', () => {
    for (const abi of ABI_NAMES) {
      assert.equal(constantValue('O_RDONLY', abi), 0n);
      assert.equal(constantValue('O_CLOEXEC', abi), 0o2000000n);
      assert.equal(constantValue('AT_FDCWD', abi), -100n);
      assert.equal(constantValue('AF_INET', abi), 2n);
      assert.equal(constantValue('AF_UNIX', abi), 1n);
      assert.equal(constantValue('SOCK_STREAM', abi), 1n);
      assert.equal(constantValue('SOCK_CLOEXEC', abi), 0o2000000n);
      assert.equal(constantValue('PROT_EXEC', abi), 4n);
      assert.equal(constantValue('MAP_ANONYMOUS', abi), 0x20n);
      assert.equal(constantValue('CLONE_NEWUSER', abi), 0x10000000n);
      assert.equal(constantValue('TCGETS', abi), 0x5401n);
      assert.equal(constantValue('TIOCGWINSZ', abi), 0x5413n);
      assert.equal(constantValue('TIOCSTI', abi), 0x5412n);
      assert.equal(constantValue('FIONREAD', abi), 0x541bn);
      assert.equal(constantValue('FIOCLEX', abi), 0x5451n);
      assert.equal(constantValue('SIGKILL', abi), 9n);
      assert.equal(constantValue('SIGSYS', abi), 31n);
      assert.equal(constantValue('EPERM', abi), 1n);
      assert.equal(constantValue('ENOSYS', abi), 38n);
      assert.equal(constantValue('PR_SET_NO_NEW_PRIVS', abi), 38n);
      assert.equal(constantValue('SECCOMP_RET_KILL_PROCESS', abi), 0x80000000n);
      assert.equal(constantValue('S_IFMT', abi), 0o170000n);
      assert.equal(constantValue('FUTEX_WAIT', abi), 0n);
      assert.equal(constantValue('F_SETFL', abi), 4n);
      assert.equal(constantValue('MADV_DONTNEED', abi), 4n);
      assert.equal(constantValue('GRND_NONBLOCK', abi), 1n);
      assert.equal(constantValue('P_PIDFD', abi), 3n);
    }
  });

  it('64-bit values and per-ABI sizes', () => {
    assert.equal(constantValue('RLIM_INFINITY', 'x86_64'), 0xffffffffffffffffn);
    assert.equal(constantValue('RLIM_INFINITY', 'i386'), 0xffffffffn);
    assert.equal(constantValue('FS_IOC_GETFLAGS', 'x86_64'), 0x80086601n);
    assert.equal(constantValue('FS_IOC_GETFLAGS', 'i386'), 0x80046601n);
  });

  it('arch-specific constants are absent elsewhere', () => {
    assert.equal(constantValue('MAP_32BIT', 'x86_64'), 0x40n);
    assert.equal(constantValue('MAP_32BIT', 'aarch64'), undefined);
    assert.equal(constantValue('ARCH_SET_FS', 'x86_64'), 0x1002n);
    assert.equal(constantValue('ARCH_SET_FS', 'riscv64'), undefined);
    assert.equal(getConstant('NOT_A_CONSTANT'), undefined);
  });

  it('families', () => {
    assert.equal(getConstant('O_CLOEXEC')?.family, 'O_');
    assert.equal(getConstant('EPERM')?.family, 'E');
    assert.equal(getConstant('SIGKILL')?.family, 'SIG');
    assert.equal(getConstant('SIG_BLOCK')?.family, 'SIG_');
    assert.equal(getConstant('TCGETS')?.family, 'IOCTL');
    assert.equal(getConstant('SECCOMP_IOCTL_NOTIF_RECV')?.family, 'IOCTL');
    for (const fam of ['O_', 'AT_', 'AF_', 'SOCK_', 'PROT_', 'MAP_', 'MADV_', 'CLONE_', 'PR_', 'F_', 'FUTEX_', 'SIG', 'IOCTL',
      'S_I', 'SECCOMP_', 'IPPROTO_', 'SOL_', 'SO_', 'MSG_', 'EFD_', 'EPOLL', 'GRND_', 'RENAME_', 'P_', 'CLOCK_', 'RLIMIT_',
      'MS_', 'PTRACE_', 'SEEK_', 'MFD_', 'SA_', 'E']) {
      assert.ok(constantsByFamily(fam).length > 0, `family ${fam}`);
    }
    for (const name of ['TCSETS', 'TCSETSW', 'TCSETSF', 'TIOCSWINSZ', 'FIONBIO', 'TIOCGPGRP', 'TIOCSCTTY', 'TIOCLINUX']) {
      assert.equal(getConstant(name)?.family, 'IOCTL', name);
    }
    assert.deepEqual(constantsByFamily('nope'), []);
    const names = allConstants().map((c) => c.name);
    assert.deepEqual([...names].sort(), names);
    assert.ok(names.length > 1500);
  });
});

describe('errno and signals', () => {
  it('errno messages', () => {
    assert.equal(errnoInfo('EPERM')?.message, 'Operation not permitted');
    assert.equal(errnoInfo('ENOSYS')?.message, 'Function not implemented');
    assert.equal(errnoInfo('EACCES')?.message, 'Permission denied');
    assert.equal(errnoInfo('ENOENT')?.values.aarch64, 2n);
    assert.equal(errnoInfo('O_RDONLY'), undefined);
    for (const c of constantsByFamily('E')) assert.ok(c.message && c.message.length > 0, c.name);
  });

  it('errno names by value prefer the usual name', () => {
    assert.equal(errnoName('x86_64', 1), 'EPERM');
    assert.equal(errnoName('arm', 38n), 'ENOSYS');
    assert.equal(errnoName('x86_64', 11), 'EAGAIN');
    assert.equal(errnoName('x86_64', 35), 'EDEADLK');
    assert.equal(errnoName('x86_64', 95), 'EOPNOTSUPP');
    assert.equal(errnoName('x86_64', 100000), undefined);
    assert.equal(constantValue('EWOULDBLOCK', 'x86_64'), 11n);
    assert.equal(constantValue('ENOTSUP', 'riscv64'), 95n);
  });

  it('signal names by value', () => {
    assert.equal(signalName('x86_64', 9), 'SIGKILL');
    assert.equal(signalName('aarch64', 6), 'SIGABRT');
    assert.equal(signalName('x86_64', 29), 'SIGIO');
    assert.equal(signalName('i386', 31n), 'SIGSYS');
  });
});

describe('constantsForArg', () => {
  const arg = (s: string, n: string) => findArg(getSyscall(s)!, n)!.arg;
  const names = (s: string, n: string) => constantsForArg(arg(s, n)).map((c) => c.name);

  it('expands families, exact names and prefixes', () => {
    assert.ok(names('openat', 'flags').includes('O_CLOEXEC'));
    assert.ok(names('openat', 'flags').includes('O_DIRECTORY'));
    assert.ok(!names('openat', 'flags').includes('AT_FDCWD'));
    assert.deepEqual(names('openat', 'dirfd'), ['AT_FDCWD']);
    assert.ok(names('socket', 'domain').includes('AF_INET6'));
    assert.ok(names('ioctl', 'request').includes('TIOCSTI'));
    assert.ok(names('kill', 'sig').includes('SIGTERM'));
    assert.ok(!names('kill', 'sig').includes('SIG_BLOCK'));
    assert.deepEqual(names('rt_sigprocmask', 'how'), ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK']);
    assert.ok(names('setns', 'nstype').every((n) => n.startsWith('CLONE_NEW')));
    assert.ok(names('seccomp', 'flags').includes('SECCOMP_FILTER_FLAG_NEW_LISTENER'));
    assert.deepEqual(constantsForArg({ constants: [] }), []);
  });
});
