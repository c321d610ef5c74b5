/** strace-style formatting, on recorded events and on made-up ones for each argument kind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventLines, type SyscallEvent } from '../../../server/src/trace/events';
import { formatExit, formatKilled, formatSignal, quote, SyscallFormatter } from '../../../server/src/trace/format';

const FIXTURES = join(__dirname, 'fixtures');
const f = new SyscallFormatter();
const X = 3221225534;

function sys(nr: number, args: string[], ret: string | null, extra: Partial<SyscallEvent> = {}): SyscallEvent {
  const six = [...args];
  while (six.length < 6) six.push('0x0');
  return { type: 'syscall', pid: 1, abi: X, nr, args: six, ip: '0x1000', ret, ...(ret === null ? { noreturn: true } : {}), ...extra };
}

test('recorded ls run: the lines strace would print', () => {
  const events = parseEventLines(readFileSync(join(FIXTURES, 'ls-permissive.jsonl'), 'latin1')).filter((e): e is SyscallEvent => e.type === 'syscall');
  const lines = events.map((e) => f.call(e, 'x86_64'));
  assert.match(lines[0]!, /^execve\("\/usr\/bin\/ls", \["ls", "\/"\], 0x[0-9a-f]+\) = 0$/);
  assert.match(lines[1]!, /^brk\(NULL\) = 0x[0-9a-f]+$/);
  assert.match(lines[2]!, /^mmap\(NULL, 8192, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$/);
  assert.equal(lines[3], 'access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)');
  assert.equal(lines[4], 'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3');
  assert.match(lines[5]!, /^newfstatat\(3, "", 0x[0-9a-f]+, AT_EMPTY_PATH\) = 0$/);
  assert.ok(lines.includes('close(3) = 0'));
  assert.ok(lines.some((l) => /^read\(3, "\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0.*"\.\.\., 832\) = 832$/.test(l)), 'binary buffer in octal');
  assert.ok(lines.some((l) => /^openat\(AT_FDCWD, "\/", O_RDONLY\|O_NONBLOCK\|O_CLOEXEC\|O_DIRECTORY\) = 3$/.test(l)));
  assert.ok(lines.some((l) => /^ioctl\(1, TCGETS, 0x[0-9a-f]+\) = -1 ENOTTY \(Inappropriate ioctl for device\)$/.test(l)));
  assert.ok(lines.some((l) => /^statx\(AT_FDCWD, "\/", AT_STATX_SYNC_AS_STAT\|AT_NO_AUTOMOUNT, STATX_MODE, 0x[0-9a-f]+\) = 0$/.test(l)));
  assert.equal(lines.at(-1), 'exit_group(0) = ?');
});

test('flags: names, a zero name, unknown bits as a hex remainder', () => {
  assert.equal(f.call(sys(257, ['0xffffff9c', '0x0', '0x80241', '0x1a4'], '3', { str: { 1: 'out' } }), 'x86_64'),
    'openat(AT_FDCWD, "out", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 3');
  assert.equal(f.call(sys(10, ['0x7f0000000000', '0x1000', '0x0'], '0'), 'x86_64'), 'mprotect(0x7f0000000000, 4096, PROT_NONE) = 0');
  assert.equal(f.call(sys(10, ['0x1000', '0x1000', '0x80000005'], '0'), 'x86_64'), 'mprotect(0x1000, 4096, PROT_READ|PROT_EXEC|0x80000000) = 0');
  assert.equal(f.call(sys(21, ['0x0', '0x0'], '0', { str: { 0: '/x' } }), 'x86_64'), 'access("/x", F_OK) = 0');
  assert.equal(f.call(sys(56, ['0x1200011', '0x0', '0x0', '0x7f00', '0x0'], '42'), 'x86_64'),
    'clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f00, NULL) = 42');
  assert.equal(f.call(sys(41, ['0xa', '0x80001', '0x0'], '3'), 'x86_64'), 'socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3');
});

test('enums, signals, modes, sizes, fds, pids, uids', () => {
  assert.equal(f.call(sys(62, ['0x4d2', '0xf'], '0'), 'x86_64'), 'kill(1234, SIGTERM) = 0');
  assert.equal(f.call(sys(62, ['0xffffffff', '0x9'], '-3', { errno: 3 }), 'x86_64'), 'kill(-1, SIGKILL) = -1 ESRCH (No such process)');
  assert.equal(f.call(sys(83, ['0x0', '0x1ed'], '0', { str: { 0: 'd' } }), 'x86_64'), 'mkdir("d", 0755) = 0');
  assert.equal(f.call(sys(95, ['0x12'], '18'), 'x86_64'), 'umask(022) = 18');
  assert.equal(f.call(sys(8, ['0x3', '0xfffffffffffffff6', '0x2'], '100'), 'x86_64'), 'lseek(3, -10, SEEK_END) = 100');
  assert.equal(f.call(sys(105, ['0xffffffff'], '0'), 'x86_64'), 'setuid(-1) = 0');
  assert.equal(f.call(sys(72, ['0x3', '0x2', '0x1'], '0'), 'x86_64'), 'fcntl(3, F_SETFD, FD_CLOEXEC) = 0');
  assert.equal(f.call(sys(72, ['0x3', '0x3'], '32770'), 'x86_64'), 'fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)');
  assert.equal(f.call(sys(202, ['0x7f00', '0x81', '0x1'], '0'), 'x86_64').slice(0, 35), 'futex(0x7f00, FUTEX_WAKE_PRIVATE, 1');
  assert.equal(f.call(sys(39, [], '77'), 'x86_64'), 'getpid() = 77');
});

test('strings: escapes, truncation with ..., NULL and unreadable pointers', () => {
  assert.equal(quote('a"b\\c\n\t\x01\x7f\xff', 100, false), '"a\\"b\\\\c\\n\\t\\1\\177\\377"');
  assert.equal(quote('\x001', 100, false), '"\\0001"', 'an octal escape before a digit is written in full');
  assert.equal(quote('x'.repeat(40), 32, false), `"${'x'.repeat(32)}"...`);
  assert.equal(quote('abc', 32, true), '"abc"...', 'cut by the helper');
  assert.equal(f.call(sys(1, ['0x1', '0x5000', '0x40'], '64', { buf: { 1: 'y'.repeat(32) } }), 'x86_64'), `write(1, "${'y'.repeat(32)}"..., 64) = 64`);
  assert.equal(f.call(sys(1, ['0x1', '0x5000', '0x3'], '3', { buf: { 1: 'hi\n' } }), 'x86_64'), 'write(1, "hi\\n", 3) = 3');
  assert.equal(f.call(sys(1, ['0x1', '0x5000', '0x3'], '-9', { errno: 9 }), 'x86_64'), 'write(1, 0x5000, 3) = -1 EBADF (Bad file descriptor)');
  assert.equal(f.call(sys(21, ['0x0', '0x0'], '-14', { errno: 14, str: { 0: null } }), 'x86_64'), 'access(NULL, F_OK) = -1 EFAULT (Bad address)');
  assert.equal(f.call(sys(21, ['0x10', '0x0'], '-14', { errno: 14, str: { 0: null } }), 'x86_64'), 'access(0x10, F_OK) = -1 EFAULT (Bad address)');
  assert.equal(f.call(sys(59, ['0x10', '0x20', '0x30'], null, { str: { 0: '/bin/sh' }, argv: ['sh', '-c', 'x'], argv_truncated: true }), 'x86_64'),
    'execve("/bin/sh", ["sh", "-c", "x", ...], 0x30) = ?');
});

test('return values: restart codes, unknown syscalls, 32-bit ABI', () => {
  assert.equal(f.call(sys(35, ['0x7f00', '0x0'], '-514', { errno: 514 }), 'x86_64'), 'nanosleep(0x7f00, NULL) = ? ERESTARTNOHAND (To be restarted if no handler)');
  assert.equal(f.call(sys(999, ['0x1'], '-38', { errno: 38 }), 'x86_64'), 'syscall_0x3e7(0x1, 0x0, 0x0, 0x0, 0x0, 0x0) = -1 ENOSYS (Function not implemented)');
  assert.equal(f.call({ ...sys(20, [], '7'), abi: 1073741827 }, 'i386'), 'getpid() = 7');
});

test('signals, exits, kills', () => {
  assert.equal(formatSignal({ type: 'signal', pid: 1, sig: 31, code: 1, errno: 0, syscall: 110, arch: X, call_addr: '0x7f01' }, 'x86_64'),
    '--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x7f01, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---');
  assert.equal(formatSignal({ type: 'signal', pid: 1, sig: 17, code: 1, errno: 0, child: 5, status: 3 }, 'x86_64'),
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=5, si_status=3} ---');
  assert.equal(formatSignal({ type: 'signal', pid: 1, sig: 15, code: 0, sender: 9, uid: 0 }, 'x86_64'),
    '--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=9, si_uid=0} ---');
  assert.equal(formatSignal({ type: 'signal', pid: 1, sig: 11, code: 1, addr: '0x0' }, 'x86_64'),
    '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---');
  assert.equal(formatExit({ type: 'exit', pid: 1, status: 0 }), '+++ exited with 0 +++');
  assert.equal(formatKilled({ type: 'killed', pid: 1, signal: 31, core: true }, 'x86_64'), '+++ killed by SIGSYS (core dumped) +++');
  assert.equal(formatKilled({ type: 'killed', pid: 1, signal: 9, core: false }, 'x86_64'), '+++ killed by SIGKILL +++');
});
