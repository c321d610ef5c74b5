// The CLI's own usage: where it goes, and how ABI lists are read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';

test('no command: the usage goes to standard error with status 2; --help prints it on standard output with 0', async () => {
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.equal(none.out, '');
  assert.match(none.err, /^usage: seccomp-policy COMMAND/);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage: seccomp-policy COMMAND/);
  assert.equal(help.err, '');
});

test('an ABI named twice, or by its alias too, is compiled once', async () => {
  const dir = tempFiles({ 'p.seccomp': 'arch x86_64, i386\ndefault kill_process\nallow read\n' });
  const once = await runCli(['compile', '--format', 'disasm', '--arch', 'x86_64', join(dir, 'p.seccomp')]);
  const twice = await runCli(['compile', '--format', 'disasm', '--arch', 'x86_64,x86_64', join(dir, 'p.seccomp')]);
  assert.equal(twice.code, 0, twice.err);
  assert.equal(twice.out, once.out);
  const alias = await runCli(['compile', '--format', 'disasm', '--arch', 'i386,x86', join(dir, 'p.seccomp')]);
  const i386 = await runCli(['compile', '--format', 'disasm', '--arch', 'i386', join(dir, 'p.seccomp')]);
  assert.equal(alias.out, i386.out);
});
