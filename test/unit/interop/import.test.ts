/** `import`: what a runtime loads from a profile, said as an idiomatic policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProfile, type OciProfile } from '../../../server/src/interop/profile';
import { importProfile, type ImportOptions } from '../../../server/src/interop/import';
import { DOCKER_DEFAULT_CAPS } from '../../../server/src/interop/runtime';
import { checkModel } from '../../../server/src/policy/check';
import { modelOf } from '../../helpers/compile';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'oci');
const X86: ImportOptions = { arch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel: '6.1' };

function profile(json: unknown): OciProfile {
  const r = readProfile(typeof json === 'string' ? json : JSON.stringify(json));
  if (!r.ok) throw new Error(r.error);
  return r.profile;
}

function imported(p: OciProfile | unknown, o: Partial<ImportOptions> = {}): string {
  const r = importProfile(typeof p === 'object' && p && 'defaultAction' in p && 'syscalls' in p && Array.isArray((p as OciProfile).archMap) ? p as OciProfile : profile(p), { ...X86, ...o });
  if (!r.ok) throw new Error(r.error);
  return r.text;
}

/** The policy's lines without comments and blank lines. */
const body = (text: string) => text.split('\n').map((l) => l.replace(/\s*#.*$/, '')).filter(Boolean);

const fixture = (name: string) => profile(readFileSync(join(FIXTURES, name), 'utf8'));

test('import: every fixture gives a policy without errors or warnings', () => {
  for (const name of ['every-field.json', 'x86_64-only.json', 'kill-default.json']) {
    for (const o of [{}, { arch: 'aarch64' as const }, { runcEnosys: true }]) {
      const text = imported(fixture(name), o);
      const { model, errors } = modelOf(text);
      assert.deepEqual(errors, [], `${name} ${JSON.stringify(o)}\n${text}`);
      const warnings = checkModel(model).filter((d) => d.severity === 'warning').map((d) => `${d.code}: ${d.message}`);
      assert.deepEqual(warnings, [], `${name} ${JSON.stringify(o)}\n${text}`);
    }
  }
});

test('import: arch from archMap for the machine, default and defaultErrnoRet, libseccomp\'s badarch', () => {
  const text = imported(fixture('every-field.json'));
  assert.deepEqual(body(text).slice(0, 3), ['arch x86_64, i386, x32', 'default errno(EPERM)', 'badarch kill_thread']);
  assert.equal(body(imported(fixture('every-field.json'), { arch: 'aarch64' }))[0], 'arch aarch64, arm');
  // no architectures at all: libseccomp's native one only
  assert.equal(body(imported(fixture('kill-default.json')))[0], 'arch x86_64');
  assert.equal(body(imported(fixture('kill-default.json'), { arch: 'riscv64' }))[0], 'arch riscv64');
  // architectures this language does not know are said in a comment
  assert.match(imported({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_PPC64LE'], syscalls: [] }),
    /^# Not ABIs this language knows, so their calls get badarch here: SCMP_ARCH_PPC64LE\.$/m);
  assert.equal(body(imported({ defaultAction: 'SCMP_ACT_TRACE', syscalls: [] }))[1], 'default trace(1)');
  assert.equal(body(imported({ defaultAction: 'SCMP_ACT_KILL', syscalls: [] }))[1], 'default kill_thread');
});

test('import: a whole built-in group becomes the group, the rest one syscall a line, sorted; comments are kept', () => {
  const lines = imported(fixture('every-field.json')).split('\n');
  const start = lines.indexOf('# A fixture written for seccomp-policy\'s tests: every field a profile can use.');
  assert.ok(start > 0);
  assert.deepEqual(lines.slice(start + 1, start + 13), [
    '# The basics, with the whole of @memlock.',
    'allow @memlock',
    'allow _llseek', 'allow brk', 'allow close', 'allow execve', 'allow exit_group', 'allow fstat', 'allow mmap2', 'allow newfstatat',
    'allow read', 'allow rt_sigreturn',
  ]);
});

test('import: every action, errnoRet, and every operator with names where the parameter sits in that register on every ABI', () => {
  const b = body(imported(fixture('every-field.json')));
  for (const line of [
    'allow personality if persona == 0xffffffff',
    'allow umask if mask <= 63',
    'errno(EACCES) umask if mask > 511',
    'errno(EINVAL) socket if domain == 16 && protocol == 9',
    'allow socket if protocol != 9',
    'allow connect if sockfd <= 100 && addrlen >= 16',
    'allow semget if semflg & 0x200 == 0',
    'trace(7) getrandom if flags & 0x1 == 1',
    'trap mincore', 'log sysinfo', 'kill_thread kexec_load', 'kill_process reboot if magic == 0xfee1dead', 'kill_thread acct', 'notify mount',
    'allow clone if flags & 0x7e020000 == 0',
    // runc: comparisons of one argument in one entry are separate rules (OR)
    'allow prctl if option == 15 || option == 16',
    // prctl's man page calls its second parameter arg2: positional here
    'allow prctl if option == 38 && arg1 == 1',
    'allow lseek if whence < 3',
  ]) assert.ok(b.includes(line), `missing: ${line}\n${b.join('\n')}`);
  // libseccomp adds socket and IPC rules to i386's socketcall and ipc, without the condition on argument 0
  assert.ok(b.includes('allow ipc if call == 2 && second & 0x200 == 0'));
  assert.ok(b.includes('allow socketcall if call == 1 && arg2 != 9'), b.join('\n'));
  assert.ok(b.includes('errno(EINVAL) socketcall if call == 1 && arg2 == 9'));
});

test('import: includes and excludes by capabilities, arches and minKernel, as moby picks entries', () => {
  const def = body(imported(fixture('every-field.json')));
  const admin = body(imported(fixture('every-field.json'), { caps: [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'], kernel: '3.10' }));
  const arm = body(imported(fixture('every-field.json'), { arch: 'aarch64' }));
  const has = (b: string[], l: string) => b.includes(l);
  assert.deepEqual([has(def, 'allow setns'), has(admin, 'allow setns')], [false, true]);
  assert.deepEqual([has(def, 'errno(ENOSYS) unshare'), has(admin, 'errno(ENOSYS) unshare')], [true, false]);
  assert.ok(has(def, 'allow tgkill'));
  assert.ok(!has(def, 'allow fchown'));
  assert.deepEqual([has(def, 'allow arch_prctl'), has(arm, 'allow arch_prctl')], [true, false]);
  assert.deepEqual([has(def, 'allow sync_file_range'), has(arm, 'allow sync_file_range')], [false, true]);
  assert.deepEqual([has(def, 'allow getcpu'), has(arm, 'allow getcpu')], [true, false]);
  assert.deepEqual([has(def, 'allow process_vm_readv'), has(admin, 'allow process_vm_readv')], [true, false]);
  assert.ok(!has(def, 'allow bpf'));
  assert.ok(has(def, 'allow memfd_create'));
  // an entry with the default action is skipped, as runc skips it
  assert.ok(!def.some((l) => l.includes('swapon')));
});

test('import: libseccomp\'s rules for one syscall: an unconditional rule wins, a value beyond a 32-bit argument never matches', () => {
  const b = body(imported(fixture('every-field.json')));
  assert.ok(b.includes('allow fcntl'));
  assert.ok(!b.some((l) => l.startsWith('errno(EBADF) fcntl')), 'the conditional fcntl rule is overridden by the unconditional one');
  const one = imported(fixture('x86_64-only.json'));
  assert.match(one, /^# Entries that can never match \(a value beyond a 32-bit argument\): umask \(syscalls\[3\]\)\.$/m);
  assert.ok(body(one).includes('errno(EINTR) kill'), 'sig < 2^32 always holds for a 32-bit argument');
  assert.ok(body(one).includes('errno(EIO) personality if persona & 0xff == 18'));
  // libseccomp leaves out a word whose mask is zero, whatever the value has there
  assert.ok(body(one).includes('errno(ENXIO) personality if persona & 0xff == 0'), one);
  assert.ok(body(one).includes('errno(ENOENT) prctl if arg1 & 0xffff000000000000 == 0x1234000000000000'));
  assert.match(one, /^# Widths: libseccomp compares a 32-bit parameter on all 64 bits of the register/m);
});

test('import: unknown names and names on other ABIs are said, not dropped silently', () => {
  const text = imported(fixture('every-field.json'));
  assert.match(text, /^# Not syscalls this project knows \(runtimes skip names libseccomp does not know\): not_a_syscall\.$/m);
  const t2 = imported({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'arm_fadvise64_64'], action: 'SCMP_ACT_ALLOW' }] });
  assert.match(t2, /^# Not on x86_64: arm_fadvise64_64\.$/m);
});

test('import: what runc cannot load, or one rule cannot say for every ABI, is an error naming the entry', () => {
  const trio = {
    defaultAction: 'SCMP_ACT_ERRNO',
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }, { index: 2, value: 9, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 16, op: 'SCMP_CMP_NE' }] },
    ],
  };
  const r = importProfile(profile(trio), X86);
  assert.ok(!r.ok);
  assert.equal(r.error, 'runc cannot load this profile here: libseccomp refuses syscalls[1] for socketcall (as libseccomp adds socket to i386\'s socketcall) ' +
    'with "File exists", because syscalls[0] has the same comparisons first with another action');
  // on x86_64 alone the same profile loads
  assert.ok(importProfile(profile({ ...trio, archMap: undefined, architectures: ['SCMP_ARCH_X86_64'] }), X86).ok);
  const wide = importProfile(profile({
    defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [{ names: ['lseek'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0x100000005, op: 'SCMP_CMP_EQ' }] }],
  }), X86);
  assert.ok(!wide.ok);
  assert.match(wide.error, /^syscalls\[0\]\.args\[0\]: libseccomp reads this comparison on lseek differently on x86_64 and i386/);
  const bigErrno = importProfile(profile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 5000 }] }), X86);
  assert.ok(!bigErrno.ok);
  assert.match(bigErrno.error, /syscalls\[0\]\.errnoRet: 5000 is more than the kernel's largest errno/);
});

test('import --runc-enosys: syscalls newer than the profile get errno(ENOSYS), except where runc adds no stub', () => {
  const text = imported(fixture('kill-default.json'), { runcEnosys: true });
  assert.match(text, /^# runc: a syscall numbered above the newest the profile names \(x86_64 435\) gets ENOSYS,$/m);
  assert.ok(body(text).includes('errno(ENOSYS) cachestat'));
  assert.ok(!body(text).includes('errno(ENOSYS) openat'));
  const allowing = imported(fixture('x86_64-only.json'), { runcEnosys: true });
  assert.match(allowing, /runc adds no ENOSYS stub to a profile whose default allows/);
  assert.ok(!body(allowing).some((l) => l.startsWith('errno(ENOSYS)')));
});
