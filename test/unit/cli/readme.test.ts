/** The README's examples are real: each `$ npx seccomp-policy …` block prints what it shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../../helpers/cli';

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```\n\$ npx seccomp-policy ([^\n]+)\n([\s\S]*?)```/g)];

test('the README has examples to check', () => {
  assert.ok(blocks.length >= 3);
});

for (const [, command, shown] of blocks) {
  // `run` prints pids and addresses of the run; its tests live in test/trace.
  if (command!.startsWith('run ')) continue;
  test(`README: seccomp-policy ${command}`, async () => {
    const [cmd, head] = command!.split(' | head -');
    const r = await runCli(cmd!.trim().split(/\s+/));
    let lines = (r.out + (r.out && r.err ? '\n' : '') + r.err).split('\n');
    if (head) lines = lines.slice(0, Number(head));
    const expected = shown!.trimEnd().split('\n').filter((l) => l !== '...');
    // A trailing `...` in the README means "and more lines".
    assert.deepEqual(lines.slice(0, expected.length), expected);
  });
}
