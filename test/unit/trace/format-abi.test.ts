/** The trace printer reads each parameter from the registers the kernel reads it from on the event's ABI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyscallEvent } from '../../../server/src/trace/events';
import { SyscallFormatter } from '../../../server/src/trace/format';
import { LearnCollector } from '../../../server/src/trace/learn';

const I386 = 0x40000003;
const f = new SyscallFormatter();

function sys(abi: number, nr: number, args: string[], ret: string, extra: Partial<SyscallEvent> = {}): SyscallEvent {
  const six = [...args];
  while (six.length < 6) six.push('0x0');
  return { type: 'syscall', pid: 1, abi, nr, args: six, ip: '0x1000', ret, ...extra };
}

test('i386: a 64-bit offset is put together from its two registers', () => {
  // pread64(fd, buf, count, offset lo, offset hi): 4 GiB is low 0, high 1.
  assert.equal(f.call(sys(I386, 180, ['0x3', '0x1000', '0xa', '0x0', '0x1'], '10'), 'i386'), 'pread64(3, 0x1000, 10, 4294967296) = 10');
  // sync_file_range(fd, offset lo/hi, nbytes lo/hi, flags): flags in register 5.
  assert.match(f.call(sys(I386, 314, ['0x3', '0x10', '0x0', '0x2', '0x0', '0x4'], '0'), 'i386'), /^sync_file_range\(3, 16, 2, (0x4|SYNC_FILE_RANGE_WAIT_AFTER)\) = 0$/);
});

test('i386: clone prints tls (register 3) before child_tid (register 4); old mmap is one pointer', () => {
  assert.equal(f.call(sys(I386, 120, ['0x11', '0x0', '0x0', '0x1234', '0x5678'], '42'), 'i386'), 'clone(SIGCHLD, 0, NULL, 4660, 0x5678) = 42');
  assert.equal(f.call(sys(I386, 90, ['0xbf000000'], '0'), 'i386'), 'mmap(0xbf000000) = 0x0');
});

test('learn reads socket\'s domain and openat\'s flags through the layout', () => {
  const c = new LearnCollector();
  c.handle(sys(I386, 359, ['0xa', '0x1', '0x0'], '3'));
  const seen = c.seen.get('i386')!.get('socket')!;
  assert.deepEqual([...seen.domains], [[10, 1]]);
});
