import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommandLine } from '../../../client/src/commandLine';

test('command lines split like a shell splits plain words', () => {
  assert.deepEqual(splitCommandLine('/bin/ls -l /'), { argv: ['/bin/ls', '-l', '/'] });
  assert.deepEqual(splitCommandLine(`  sh -c 'echo "hi there"; exit 3'  `), { argv: ['sh', '-c', 'echo "hi there"; exit 3'] });
  assert.deepEqual(splitCommandLine('printf "a\\"b\\\\c" x\\ y'), { argv: ['printf', 'a"b\\c', 'x y'] });
  assert.deepEqual(splitCommandLine(`echo ''`), { argv: ['echo', ''] });
  assert.deepEqual(splitCommandLine(''), { argv: [] });
  assert.ok('error' in splitCommandLine(`echo 'oops`));
  assert.ok('error' in splitCommandLine(`echo "oops`));
});
