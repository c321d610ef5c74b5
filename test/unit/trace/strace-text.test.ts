/** The parity test's readers of strace's text and ours (test/trace/strace-text.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOurs, readStrace, splitCall } from '../../trace/strace-text';

test('splitCall: top-level arguments, whatever nests inside them', () => {
  assert.deepEqual(splitCall('read(3, "a, \\"b\\") c", 4096) = 11'), { name: 'read', args: ['3', '"a, \\"b\\") c"', '4096'], ret: '11' });
  assert.deepEqual(splitCall('fstat(3, {st_mode=S_IFREG|0644, st_size=5, ...}) = 0'), { name: 'fstat', args: ['3', '{st_mode=S_IFREG|0644, st_size=5, ...}'], ret: '0' });
  assert.deepEqual(splitCall('getdents64(3, 0x5555 /* 4 entries, ok */, 32768) = 112'), { name: 'getdents64', args: ['3', '0x5555 /* 4 entries, ok */', '32768'], ret: '112' });
  assert.deepEqual(splitCall('pipe2([4, 5], O_CLOEXEC)          = 0'), { name: 'pipe2', args: ['[4, 5]', 'O_CLOEXEC'], ret: '0' });
  assert.deepEqual(splitCall('getpid() = 7'), { name: 'getpid', args: [], ret: '7' });
  assert.equal(splitCall('--- SIGCHLD {si_signo=SIGCHLD} ---'), undefined);
});

test('readStrace: unfinished calls are completed where they started; signals and exits are left out', () => {
  const calls = readStrace([
    '100 futex(0x7f00, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>',
    '101 write(1, "x", 1)                = 1',
    '101 read(3,  <unfinished ...>',
    '100 <... futex resumed>)            = 0',
    '101 <... read resumed>"data", 4096) = 4',
    '101 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---',
    '102 exit(0 <unfinished ...>',
    '102 +++ exited with 0 +++',
  ].join('\n'));
  assert.deepEqual(calls.map((c) => [c.pid, c.name, c.args, c.ret]), [
    [100, 'futex', ['0x7f00', 'FUTEX_WAIT_PRIVATE', '0', 'NULL'], '0'],
    [101, 'write', ['1', '"x"', '1'], '1'],
    [101, 'read', ['3', '"data"', '4096'], '4'],
    [102, 'exit', ['0'], '?'],
  ]);
});

test('readOurs: the first process from the header, [pid N] prefixes, annotations stripped', () => {
  const calls = readOurs([
    '# pid 42: /bin/x (permissive)',
    'execve("/bin/x", ["x"], 0x7ffe) = 0        # allow  p.seccomp:1 (default)',
    '[pid 43] getpid() = 43    # would kill_process  p.seccomp:2',
    '# no syscall was denied',
  ].join('\n'));
  assert.deepEqual(calls.map((c) => [c.pid, c.name, c.args, c.ret]), [
    [42, 'execve', ['"/bin/x"', '["x"]', '0x7ffe'], '0'],
    [43, 'getpid', [], '43'],
  ]);
});
