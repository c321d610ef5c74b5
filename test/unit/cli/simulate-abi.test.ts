/** `simulate` reads arguments where the kernel puts them on each ABI, and refuses what a 32-bit task cannot pass. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';

const POLICY = 'arch i386, x86_64\ndefault allow\nerrno(EPERM) pread64 if offset > 0x7fffffff\nerrno(EACCES) clone if tls != 0\n';

test('simulate: split offsets and clone\'s backwards order per ABI', async () => {
  const p = join(tempFiles({ 'p.seccomp': POLICY }), 'p.seccomp');
  const sim = async (...a: string[]) => (await runCli(['simulate', p, ...a])).out;
  // i386 pread64: the offset is registers 3 (low) and 4 (high); 4 GiB is low 0, high 1.
  assert.match(await sim('--arch', 'i386', '--syscall', 'pread64', '--args', '3,0,10,0,1'), /errno\(EPERM\)|EPERM/);
  assert.match(await sim('--arch', 'i386', '--syscall', 'pread64', '--args', '3,0,10,0x1000,0'), /allow/);
  // clone's tls is register 3 on i386, 4 on x86_64.
  assert.match(await sim('--arch', 'i386', '--syscall', 'clone', '--args', '0,0,0,0x1234,0'), /EACCES/);
  assert.match(await sim('--arch', 'i386', '--syscall', 'clone', '--args', '0,0,0,0,0x1234'), /allow/);
  assert.match(await sim('--arch', 'x86_64', '--syscall', 'clone', '--args', '0,0,0,0,0x1234'), /EACCES/);
});

test('simulate --arch i386 refuses register values above 32 bits; -1 is 0xffffffff', async () => {
  const p = join(tempFiles({ 'p.seccomp': POLICY }), 'p.seccomp');
  const big = await runCli(['simulate', p, '--arch', 'i386', '--syscall', 'pread64', '--args', '3,0,10,0x100000000']);
  assert.equal(big.code, 2);
  assert.match(big.err, /does not fit in a 32-bit register of i386.*two registers/);
  const neg = await runCli(['simulate', p, '--arch', 'i386', '--syscall', 'pread64', '--args', '3,0,10,-1', '--json']);
  assert.equal(neg.code, 0, neg.err);
  assert.deepEqual(JSON.parse(neg.out).args.slice(0, 4), ['0x3', '0x0', '0xa', '0xffffffff']);
  const wide = await runCli(['simulate', p, '--arch', 'x86_64', '--syscall', 'pread64', '--args', '3,0,10,0x100000000']);
  assert.equal(wide.code, 0, wide.err);
});

test('simulate --syscall refuses a number wider than 32 bits (it was simulated as its low word: 4294967296 as read)', async () => {
  const p = join(tempFiles({ 'p.seccomp': POLICY }), 'p.seccomp');
  const wide = await runCli(['simulate', p, '--syscall', '4294967296']);
  assert.equal(wide.err, 'seccomp-policy simulate: syscall number 4294967296 does not fit in 32 bits (seccomp_data.nr)');
  assert.equal(wide.code, 2);
  assert.equal(wide.out, '');
  const widest = await runCli(['simulate', p, '--syscall', '0xffffffff', '--json']);
  assert.equal(widest.code, 0, widest.err);
  assert.equal(JSON.parse(widest.out).nr, 0xffffffff);
});

test('simulate --arch with several ABIs is a usage error (it simulated on the first and said nothing of the others)', async () => {
  const p = join(tempFiles({ 'p.seccomp': POLICY }), 'p.seccomp');
  const r = await runCli(['simulate', p, '--arch', 'i386,x86_64', '--syscall', 'clone']);
  assert.equal(r.err, "seccomp-policy simulate: --arch takes one ABI (a call is simulated on one), not 'i386,x86_64'");
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
});
