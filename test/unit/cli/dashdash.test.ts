/** `--` ends the options; for commands that take files, what follows are files (they were dropped). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';

const CLEAN = 'default allow\nkill_process ptrace\n';
const BROKEN = 'default allow\nallow opneat\n';

test('check A -- B checks B too (it checked A alone and exited 0 with B broken)', async () => {
  const dir = tempFiles({ 'a.seccomp': CLEAN, 'b.seccomp': BROKEN });
  const r = await runCli(['check', join(dir, 'a.seccomp'), '--', join(dir, 'b.seccomp')]);
  assert.match(r.out, /b\.seccomp:2:7: error: unknown syscall `opneat`/);
  assert.equal(r.code, 1);
});

test('a file whose name starts with a dash can be named after --', async () => {
  const dir = tempFiles({ '-odd.seccomp': CLEAN });
  const file = join(dir, '-odd.seccomp');
  const check = await runCli(['check', '--', file]);
  assert.equal(check.code, 0, check.err);
  const fmt = await runCli(['fmt', '--', file]);
  assert.equal(fmt.code, 0, fmt.err);
  assert.equal(fmt.err, '');
  const compile = await runCli(['compile', '--format', 'disasm', '--', file]);
  assert.equal(compile.code, 0, compile.err);
  assert.match(compile.out, /^0000: ld \[4\]/);
  const diff = await runCli(['diff', '--', file, file]);
  assert.equal(diff.out, 'no decision changes');
  assert.equal(diff.code, 0);
});
