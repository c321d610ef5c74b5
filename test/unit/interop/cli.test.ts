/** `seccomp-policy import` and `compile --format oci` on the command line: output, errors that say where, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';
import { parseCaps } from '../../../server/src/cli/commands/import';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'oci');

test('import: prints the policy, or writes it with -o, for the options given', async () => {
  const r = await runCli(['import', join(FIXTURES, 'every-field.json'), '--arch', 'arm64', '--kernel', '5.10', '--caps', 'default,sys_admin']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^# Imported from every-field\.json by seccomp-policy import\.$/m);
  assert.match(r.out, /^# As a runtime loads it on aarch64, Linux 5\.10, with CAP_AUDIT_WRITE, .*CAP_SYS_ADMIN.*\.$/m);
  assert.match(r.out, /^arch aarch64, arm$/m);
  assert.match(r.out, /^allow setns$/m);
  const dir = tempFiles({});
  const out = join(dir, 'docker.seccomp');
  const w = await runCli(['import', join(FIXTURES, 'kill-default.json'), '-o', out, '--runc-enosys']);
  assert.equal(w.code, 0, w.err);
  assert.equal(w.out, '');
  assert.match(w.err, /docker\.seccomp: \d+ rules for x86_64|docker\.seccomp: \d+ rules for aarch64/);
  assert.match(readFileSync(out, 'utf8'), /^errno\(ENOSYS\) cachestat$/m);
});

test('import: a file that is not JSON, not a profile, or not there is exit 1 with where', async () => {
  const dir = tempFiles({ 'bad.json': '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [,]\n}\n', 'shape.json': '{"defaultAction": "SCMP_ACT_NOPE"}' });
  const bad = await runCli(['import', join(dir, 'bad.json')]);
  assert.equal(bad.code, 1);
  assert.equal(bad.err, `seccomp-policy import: ${join(dir, 'bad.json')}: not valid JSON at line 3 column 16: unexpected ','`);
  const shape = await runCli(['import', join(dir, 'shape.json')]);
  assert.equal(shape.code, 1);
  assert.match(shape.err, /shape\.json: not a seccomp profile: `defaultAction` must be one of SCMP_ACT_KILL, .* \(found "SCMP_ACT_NOPE"\) \(line 1 column 19\)$/);
  const missing = await runCli(['import', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot read .*nope\.json: no such file or directory/);
});

test('import: usage errors are exit 2; --help is exit 0', async () => {
  assert.equal((await runCli(['import'])).code, 2);
  assert.equal((await runCli(['import', join(FIXTURES, 'kill-default.json'), '--arch', 'sparc'])).code, 2);
  assert.equal((await runCli(['import', join(FIXTURES, 'kill-default.json'), '--kernel', 'six'])).code, 2);
  assert.equal((await runCli(['import', join(FIXTURES, 'kill-default.json'), '--caps', 'cap_9'])).code, 2);
  const help = await runCli(['import', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--runc-enosys/);
  assert.deepEqual(parseCaps('none'), []);
  assert.deepEqual(parseCaps('sys_admin, CAP_NET_RAW'), ['CAP_NET_RAW', 'CAP_SYS_ADMIN']);
});

test('compile --format oci: a profile on stdout; a rule a profile cannot say is exit 1 naming it', async () => {
  const dir = tempFiles({
    'ok.seccomp': 'arch x86_64\ndefault errno(EPERM)\nbadarch kill_thread\nallow read, write\nallow openat if flags & O_ACCMODE == O_RDONLY || dirfd == 3\n',
    'no.seccomp': 'arch x86_64\ndefault errno(EPERM)\nbadarch kill_thread\nerrno(EACCES) kill if sig == 9\nallow kill if pid == 1\n',
  });
  const ok = await runCli(['compile', join(dir, 'ok.seccomp'), '--format', 'oci']);
  assert.equal(ok.code, 0, ok.err);
  const profile = JSON.parse(ok.out) as { defaultAction: string; syscalls: { names: string[] }[] };
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(profile.syscalls.map((s) => s.names.join(',')), ['read,write', 'openat', 'openat']);
  const no = await runCli(['compile', join(dir, 'no.seccomp'), '--format', 'oci']);
  assert.equal(no.code, 1);
  assert.match(no.err, new RegExp(`^seccomp-policy compile: ${join(dir, 'no.seccomp').replace(/[.]/g, '\\.')}:5: kill may also match the rule at .*:4, which has another action`));
});
