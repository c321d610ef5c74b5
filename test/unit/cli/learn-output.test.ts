/** `learn -o FILE` in a folder that is not there: said before the program runs, not after (the learned policy was lost). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { locateHelper } from '../../../server/src/driver/helper';
import { outputFolderProblem } from '../../../server/src/driver/outputs';
import { runCli, tempFiles } from '../../helpers/cli';

test('learn -o into a missing folder fails before running the program', { skip: !locateHelper().ok && 'no trace helper (make -C native)' }, async () => {
  const dir = tempFiles({});
  const marker = join(dir, 'ran');
  const out = join(dir, 'missing', 'learned.seccomp');
  const r = await runCli(['learn', '-o', out, '--', '/bin/sh', '-c', `: > ${marker}`]);
  assert.equal(r.err, `seccomp-policy learn: cannot write ${out}: no such file or directory`);
  assert.equal(r.code, 2);
  assert.equal(existsSync(marker), false, 'the program did not run');
});

test('outputFolderProblem: a missing folder, a file as a folder, and a folder that is fine', () => {
  const dir = tempFiles({ 'file.txt': '' });
  assert.equal(outputFolderProblem(join(dir, 'missing', 'x')), 'no such file or directory');
  assert.equal(outputFolderProblem(join(dir, 'file.txt', 'x')), 'a component of the path is not a directory');
  assert.equal(outputFolderProblem(join(dir, 'x')), undefined);
});
