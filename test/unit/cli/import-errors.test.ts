/** `seccomp-policy import` of files that are not JSON: a message that reads as a sentence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';

test('import of an empty or cut-off file says "unexpected end of the file"', async () => {
  const dir = tempFiles({ 'empty.json': '', 'cut.json': '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' });
  const empty = await runCli(['import', join(dir, 'empty.json')]);
  assert.equal(empty.err, `seccomp-policy import: ${join(dir, 'empty.json')}: not valid JSON at line 1 column 1: unexpected end of the file`);
  assert.equal(empty.code, 1);
  const cut = await runCli(['import', join(dir, 'cut.json')]);
  assert.equal(cut.err, `seccomp-policy import: ${join(dir, 'cut.json')}: not valid JSON at line 1 column 50: unexpected end of the file`);
  assert.equal(cut.code, 1);
});
