/**
 * Syscalls whose printing depends on more than each argument's kind, printed
 * as strace 6 prints them (issue #13, defect 6): futex per operation,
 * epoll_ctl's op, fcntl per command (argument and return value), rseq's
 * hex words, and the output buffers of getcwd and getrandom shown at exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyscallEvent } from '../../../server/src/trace/events';
import { SyscallFormatter } from '../../../server/src/trace/format';

const f = new SyscallFormatter();
const X = 3221225534;
const NR = { read: 0, fcntl: 72, getcwd: 79, futex: 202, epoll_ctl: 233, getrandom: 318, rseq: 334 } as const;

function call(nr: number, args: string[], ret: string | null, extra: Partial<SyscallEvent> = {}): string {
  const six = [...args];
  while (six.length < 6) six.push('0x0');
  const e: SyscallEvent = { type: 'syscall', pid: 1, abi: X, nr, args: six, ip: '0x1000', ret, ...(ret === null ? { noreturn: true } : {}), ...extra };
  return f.call(e, 'x86_64');
}

const U = '0x555555558080';
const U2 = '0x5555555580ac';
const EAGAIN = { errno: 11 };

test('futex prints only the arguments its operation reads (#13)', () => {
  // Leftover registers hold whatever the caller had there: nonzero here on purpose.
  const junk = ['0x7ffd1234', '0x7ffd5678', '0x99'];
  assert.equal(call(NR.futex, [U, '0x81', '0x1', ...junk], '0'), `futex(${U}, FUTEX_WAKE_PRIVATE, 1) = 0`);
  assert.equal(call(NR.futex, [U, '0x80', '0x0', '0x0', ...junk.slice(1)], '-11', EAGAIN),
    `futex(${U}, FUTEX_WAIT_PRIVATE, 0, NULL) = -1 EAGAIN (Resource temporarily unavailable)`);
  assert.equal(call(NR.futex, [U, '0x189', '0x0', '0x0', '0x0', '0xffffffff'], '-11', EAGAIN),
    `futex(${U}, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)`);
  assert.equal(call(NR.futex, [U, '0x8a', '0x1', '0x0', '0x0', '0x5'], '0'), `futex(${U}, FUTEX_WAKE_BITSET_PRIVATE, 1, 0x5) = 0`);
  assert.equal(call(NR.futex, [U, '0x83', '0x1', '0x2', U2, '0x77'], '0'), `futex(${U}, FUTEX_REQUEUE_PRIVATE, 1, 2, ${U2}) = 0`);
  assert.equal(call(NR.futex, [U, '0x84', '0x1', '0x2', U2, '0x1'], '0'), `futex(${U}, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, ${U2}, 1) = 0`);
  assert.equal(call(NR.futex, [U, '0x85', '0x1', '0x1', U2, '0x14001000'], '0'),
    `futex(${U}, FUTEX_WAKE_OP_PRIVATE, 1, 1, ${U2}, FUTEX_OP_ADD<<28|0x1<<12|FUTEX_OP_CMP_GT<<24|0) = 0`);
  assert.equal(call(NR.futex, [U, '0x5', '0x1', '0x1', U2, '0x8200a003'], '0'),
    `futex(${U}, FUTEX_WAKE_OP, 1, 1, ${U2}, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_SET<<28|0xa<<12|FUTEX_OP_CMP_LT<<24|0x3) = 0`);
  assert.equal(call(NR.futex, [U, '0x88', ...junk], '-1', { errno: 1 }), `futex(${U}, FUTEX_TRYLOCK_PI_PRIVATE) = -1 EPERM (Operation not permitted)`);
  assert.equal(call(NR.futex, [U, '0x87', ...junk], '-1', { errno: 1 }), `futex(${U}, FUTEX_UNLOCK_PI_PRIVATE) = -1 EPERM (Operation not permitted)`);
  assert.equal(call(NR.futex, [U, '0x6', '0x5', '0x7ffe0000'], '0'), `futex(${U}, FUTEX_LOCK_PI, 0x7ffe0000) = 0`);
  assert.equal(call(NR.futex, [U, '0x8b', '0x0', '0x0', U2], '0'), `futex(${U}, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, ${U2}) = 0`);
  // An operation the kernel does not know: every register, val3 in hex.
  assert.equal(call(NR.futex, [U, '0x3f', '0x1', '0x0', '0x0', '0x10'], '-38', { errno: 38 }),
    `futex(${U}, 63, 1, NULL, NULL, 0x10) = -1 ENOSYS (Function not implemented)`);
});

test('epoll_ctl names its op (#13)', () => {
  assert.equal(call(NR.epoll_ctl, ['0x3', '0x1', '0x4', '0x7ffe10'], '0'), 'epoll_ctl(3, EPOLL_CTL_ADD, 4, 0x7ffe10) = 0');
  assert.equal(call(NR.epoll_ctl, ['0x3', '0x2', '0x4', '0x0'], '0'), 'epoll_ctl(3, EPOLL_CTL_DEL, 4, NULL) = 0');
  assert.equal(call(NR.epoll_ctl, ['0x3', '0x3', '0x4', '0x7ffe10'], '0'), 'epoll_ctl(3, EPOLL_CTL_MOD, 4, 0x7ffe10) = 0');
});

test('fcntl: each command its argument and its return value (#13)', () => {
  assert.equal(call(NR.fcntl, ['0x6', '0x1', '0x7ffe'], '0'), 'fcntl(6, F_GETFD) = 0');
  assert.equal(call(NR.fcntl, ['0x6', '0x1'], '1'), 'fcntl(6, F_GETFD) = 0x1 (flags FD_CLOEXEC)');
  assert.equal(call(NR.fcntl, ['0x6', '0x1'], '3'), 'fcntl(6, F_GETFD) = 0x3 (flags FD_CLOEXEC|0x2)');
  assert.equal(call(NR.fcntl, ['0x6', '0x1'], '-9', { errno: 9 }), 'fcntl(6, F_GETFD) = -1 EBADF (Bad file descriptor)');
  assert.equal(call(NR.fcntl, ['0x6', '0x2', '0x0'], '0'), 'fcntl(6, F_SETFD, 0) = 0');
  assert.equal(call(NR.fcntl, ['0x6', '0x3'], '0'), 'fcntl(6, F_GETFL) = 0 (flags O_RDONLY)');
  assert.equal(call(NR.fcntl, ['0x6', '0x3'], '35842'), 'fcntl(6, F_GETFL) = 0x8c02 (flags O_RDWR|O_APPEND|O_NONBLOCK|O_LARGEFILE)');
  assert.equal(call(NR.fcntl, ['0x6', '0x4', '0xc00'], '0'), 'fcntl(6, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0');
  assert.equal(call(NR.fcntl, ['0x6', '0x406', '0xa'], '11'), 'fcntl(6, F_DUPFD_CLOEXEC, 10) = 11');
  assert.equal(call(NR.fcntl, ['0x4', '0x408'], '65536'), 'fcntl(4, F_GETPIPE_SZ) = 65536');
  assert.equal(call(NR.fcntl, ['0x4', '0x407', '0x100000'], '1048576'), 'fcntl(4, F_SETPIPE_SZ, 1048576) = 1048576');
  assert.equal(call(NR.fcntl, ['0x4', '0x6', '0x7ffe20'], '0'), 'fcntl(4, F_SETLK, 0x7ffe20) = 0', 'a struct flock is an address');
  assert.equal(call(NR.fcntl, ['0x4', '0xa', '0xa'], '0'), 'fcntl(4, F_SETSIG, SIGUSR1) = 0');
  assert.equal(call(NR.fcntl, ['0x4', '0xb'], '10'), 'fcntl(4, F_GETSIG) = 10 (SIGUSR1)');
  assert.equal(call(NR.fcntl, ['0x4', '0xb'], '0'), 'fcntl(4, F_GETSIG) = 0');
  assert.equal(call(NR.fcntl, ['0x4', '0x400', '0x1'], '0'), 'fcntl(4, F_SETLEASE, F_WRLCK) = 0');
  assert.equal(call(NR.fcntl, ['0x4', '0x401'], '2'), 'fcntl(4, F_GETLEASE) = 0x2 (F_UNLCK)');
  assert.equal(call(NR.fcntl, ['0x4', '0x401'], '0'), 'fcntl(4, F_GETLEASE) = 0 (F_RDLCK)');
  assert.equal(call(NR.fcntl, ['0x4', '0x409', '0x3'], '0'), 'fcntl(4, F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK) = 0');
  assert.equal(call(NR.fcntl, ['0x4', '0x40a'], '5'), 'fcntl(4, F_GET_SEALS) = 0x5 (seals F_SEAL_SEAL|F_SEAL_GROW)');
  assert.equal(call(NR.fcntl, ['0x4', '0x40a'], '0'), 'fcntl(4, F_GET_SEALS) = 0');
});

test('rseq: length and signature in hex (the signature is not a signal) (#13)', () => {
  assert.equal(call(NR.rseq, ['0x7ffff7dd1060', '0x20', '0x0', '0x53053053'], '0'), 'rseq(0x7ffff7dd1060, 0x20, 0, 0x53053053) = 0');
  assert.equal(call(NR.rseq, ['0x7ffff7dd1060', '0x20', '0x1', '0x53053053'], '0'), 'rseq(0x7ffff7dd1060, 0x20, RSEQ_FLAG_UNREGISTER, 0x53053053) = 0');
});

test('getcwd shows the path it wrote, at exit (#13)', () => {
  assert.equal(call(NR.getcwd, ['0x7ffe00', '0x1000'], '9', { buf: { 0: '/usr/lib\0' } }), 'getcwd("/usr/lib", 4096) = 9');
  assert.equal(call(NR.getcwd, ['0x7ffe00', '0x2'], '-34', { errno: 34 }), 'getcwd(0x7ffe00, 2) = -1 ERANGE (Numerical result out of range)');
  // The helper copied fewer bytes than the path has: the cut is shown.
  assert.equal(call(NR.getcwd, ['0x7ffe00', '0x1000'], '41', { buf: { 0: '/home/someone/a/long/way/down/to/th' } }),
    'getcwd("/home/someone/a/long/way/down/to/th"..., 4096) = 41');
});

test('getrandom shows the bytes it wrote, in hex, at exit (#13)', () => {
  assert.equal(call(NR.getrandom, ['0x7ffe00', '0x8', '0x0'], '8', { buf: { 0: '\x27\x63\xf1\xfa\xfd\x6d\x58\x66' } }),
    'getrandom("\\x27\\x63\\xf1\\xfa\\xfd\\x6d\\x58\\x66", 8, 0) = 8');
  assert.equal(call(NR.getrandom, ['0x7ffe00', '0x0', '0x1'], '0'), 'getrandom("", 0, GRND_NONBLOCK) = 0');
  assert.equal(call(NR.getrandom, ['0x7ffe00', '0x40', '0x0'], '64', { buf: { 0: 'A'.repeat(32) } }),
    `getrandom("${'\\x41'.repeat(32)}"..., 64, 0) = 64`);
  assert.equal(call(NR.getrandom, ['0x7ffe00', '0x8', '0x1'], '-11', EAGAIN), 'getrandom(0x7ffe00, 8, GRND_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)');
});

test('a read of nothing shows an empty string, as strace does', () => {
  assert.equal(call(NR.read, ['0x3', '0x7ffe00', '0x1000'], '0'), 'read(3, "", 4096) = 0');
});
