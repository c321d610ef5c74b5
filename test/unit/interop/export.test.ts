/** `compile --format oci`: a policy as a Docker/OCI profile, and the round trip import → export → import. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Abi } from '../../../server/src/kernel/abi';
import { readProfile, type OciProfile } from '../../../server/src/interop/profile';
import { importProfile, type ImportOptions } from '../../../server/src/interop/import';
import { exportProfile } from '../../../server/src/interop/export';
import { DOCKER_DEFAULT_CAPS } from '../../../server/src/interop/runtime';
import { conditionToString } from '../../../server/src/policy/semantics/condition';
import { modelOf } from '../../helpers/compile';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'oci');
const CORPORA = join(__dirname, '..', '..', '..', '..', 'shared', 'corpora');
const X86: ImportOptions = { arch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel: '6.1' };

function exported(text: string): { json: string; profile: OciProfile; warnings: readonly string[] } {
  const { model, errors } = modelOf(text);
  assert.deepEqual(errors, []);
  const r = exportProfile(model);
  if (!r.ok) throw new Error(r.error);
  const p = readProfile(r.json);
  if (!p.ok) throw new Error(p.error);
  return { json: r.json, profile: p.profile, warnings: r.warnings };
}

function exportError(text: string): string {
  const r = exportProfile(modelOf(text).model);
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

const HEAD = 'arch x86_64\ndefault errno(EPERM)\nbadarch kill_thread\n';

test('export: actions, default and architectures in the runtime\'s spelling', () => {
  const { profile } = exported('arch x86_64, i386, x32\ndefault errno(EACCES)\nbadarch kill_thread\nallow read\nlog write\ntrap close\ntrace(3) dup\n' +
    'kill_process ptrace\nkill_thread kexec_load\nnotify mount\nerrno(ENOSYS) clone3\n');
  assert.deepEqual([profile.defaultAction, profile.defaultErrnoRet, profile.architectures], ['SCMP_ACT_ERRNO', 13, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']]);
  assert.deepEqual(profile.syscalls.map((s) => [s.names.join(','), s.action, s.errnoRet]), [
    ['read', 'SCMP_ACT_ALLOW', undefined], ['write', 'SCMP_ACT_LOG', undefined], ['close', 'SCMP_ACT_TRAP', undefined], ['dup', 'SCMP_ACT_TRACE', 3],
    ['ptrace', 'SCMP_ACT_KILL_PROCESS', undefined], ['kexec_load', 'SCMP_ACT_KILL_THREAD', undefined], ['mount', 'SCMP_ACT_NOTIFY', undefined],
    ['clone3', 'SCMP_ACT_ERRNO', 38],
  ]);
});

test('export: || becomes several entries, ! is pushed onto the comparisons, == on a 32-bit argument compares its low word only', () => {
  const { profile } = exported(HEAD + 'allow openat if flags & O_ACCMODE == O_RDONLY || dirfd == 3\nallow mprotect if !(prot & PROT_EXEC)\n' +
    'allow kill if !(sig == 9 || pid == 1)\n');
  const args = profile.syscalls.map((s) => `${s.names.join(',')}: ${s.args.map((a) => `${a.index} ${a.op.slice(9)} ${a.value} ${a.valueTwo}`).join(' & ')}`);
  assert.deepEqual(args, [
    'openat: 2 MASKED_EQ 3 0',
    'openat: 0 MASKED_EQ 4294967295 3',
    'mprotect: 2 MASKED_EQ 4 0',
    'kill: 1 NE 9 0 & 0 NE 1 0',
  ]);
});

test('export: rules with different actions become order-free entries when no call matches both, and rules with the default action go', () => {
  const { profile } = exported(HEAD + 'errno(EACCES) kill if sig == 9\nallow kill if sig != 9\nerrno(EPERM) ioctl if request == 0x5412\nallow ioctl if request != 0x5412\n');
  assert.deepEqual(profile.syscalls.map((s) => [s.names[0], s.action, s.args.map((a) => `${a.op} ${a.value} ${a.valueTwo}`).join()]), [
    ['kill', 'SCMP_ACT_ERRNO', 'SCMP_CMP_MASKED_EQ 4294967295 9'],
    ['kill', 'SCMP_ACT_ALLOW', 'SCMP_CMP_NE 9 0'],
    ['ioctl', 'SCMP_ACT_ALLOW', 'SCMP_CMP_NE 21522 0'],
  ]);
});

test('export: what a profile cannot say is an error that names the rule', () => {
  const f = '/t/policy.seccomp';
  assert.equal(exportError(HEAD + 'errno(EACCES) kill if sig == 9\nallow kill if pid == 1\n'),
    `${f}:5: kill may also match the rule at ${f}:4, which has another action; a profile has no rule order, so only rules that cannot match the same call can have different actions`);
  assert.equal(exportError(HEAD + 'allow openat if flags & O_ACCMODE != O_RDONLY\n'),
    `${f}:4: \`(… & 0x3 != …)\`: a profile can compare a masked argument only with ==`);
  assert.equal(exportError(HEAD + 'allow lseek if offset > 0 && offset < 100\n'), `${f}:4: two comparisons of one argument in one entry; runc reads them as OR, not AND`);
  assert.equal(exportError(HEAD + 'trap(5) read\n'), `${f}:4: trap(5): runtimes load SCMP_ACT_TRAP with no data`);
  assert.equal(exportError('arch x86_64\ndefault errno(EPERM)\nbadarch allow\n'), 'badarch allow: a profile cannot say what a foreign ABI gets (runtimes load it with libseccomp\'s kill_thread)');
  assert.equal(exportError('arch x86_64, i386\ndefault allow\nbadarch kill_thread\nerrno(EPERM) pread64 if offset > 5\n'),
    `${f}:4: pread64 needs different entries on x86_64 and i386 (registers, widths or constants differ), and a profile's entries apply to every ABI`);
  assert.equal(exportError(HEAD + 'allow syscall(999)\n'), `${f}:4: syscall(999) has no name on x86_64, and a profile names syscalls`);
});

test('export: approximations are warnings (a 32-bit argument compared with != reads the whole register in libseccomp)', () => {
  const { warnings } = exported('arch x86_64\ndefault errno(EPERM)\nallow socket if domain != 40\n');
  assert.deepEqual(warnings, [
    'badarch kill_process: a profile cannot say what a foreign ABI gets; runtimes load it with libseccomp\'s kill_thread',
    '/t/policy.seccomp:3: `ne` on a 32-bit argument: libseccomp compares all 64 bits of the register; the same unless a program leaves garbage in its upper half',
  ]);
});

/** Per ABI and syscall, the rules in order: action and condition. */
function rules(text: string): Map<string, string[]> {
  const { model, errors } = modelOf(text);
  assert.deepEqual(errors, []);
  const out = new Map<string, string[]>();
  for (const [abi, table] of model.tables) {
    out.set(`${abi as Abi} default`, [`${table.defaultAction.kind}(${table.defaultAction.data}) badarch ${table.badarchAction.kind}`]);
    for (const [nr, list] of table.bySyscall) out.set(`${abi} ${nr}`, list.map((r) => `${r.action.kind}(${r.action.data}) if ${conditionToString(r.condition)}`));
  }
  return out;
}

function roundTrip(p: OciProfile, o: ImportOptions): void {
  const first = importProfile(p, o);
  if (!first.ok) throw new Error(first.error);
  const { profile } = exported(first.text);
  const second = importProfile(profile, o);
  if (!second.ok) throw new Error(second.error);
  // the same rules, in the same order, for every syscall of every ABI
  assert.deepEqual(rules(second.text), rules(first.text));
  // and the text itself after one trip: the same lines (the first trip may merge the profile's
  // entries with equal actions and conditions, which can let a built-in group cover more)
  const third = importProfile(exported(second.text).profile, o);
  if (!third.ok) throw new Error(third.error);
  const ruleLines = (t: string) => t.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\s*#.*$/, '')).sort();
  assert.deepEqual(ruleLines(third.text), ruleLines(second.text));
}

const load = (path: string) => {
  const r = readProfile(readFileSync(path, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.profile;
};

test('round trip: import → export → import gives the same policy on every fixture', () => {
  for (const name of ['every-field.json', 'x86_64-only.json', 'kill-default.json']) {
    for (const o of [X86, { ...X86, arch: 'aarch64' as const }, { ...X86, runcEnosys: true }]) roundTrip(load(join(FIXTURES, name)), o);
  }
});

for (const file of ['moby-default.json', 'podman-seccomp.json']) {
  test(`round trip: import → export → import gives the same policy on ../shared/corpora/${file}`, (t) => {
    const path = join(CORPORA, file);
    if (!existsSync(path)) { t.skip(`${path} is not on this machine`); return; }
    for (const o of [X86, { ...X86, arch: 'aarch64' as const }, { ...X86, caps: [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'] }]) roundTrip(load(path), o);
  });
}
