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

/**
 * Every exit code the CLI can return is in the README's table: the CLI's own
 * (literal returns in server/src/cli, the driver's EXIT), the helper's codes
 * that `run` and `learn` pass on (its EXIT_* enum in native/exit_codes.h, less the ones that mean we
 * called it wrongly, which become 70), and 128 + N for a killed program.
 */
test('README: the exit code table lists every code the CLI can return', async () => {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { EXIT, mapHelperExit } = await import('../../../server/src/driver/trace');
  const section = /### Exit codes\n([\s\S]*?)\n(?=##)/.exec(readme)?.[1] ?? '';
  const listed = new Set([...section.matchAll(/^\| (\d+(?: \+ N)?) \|/gm)].map((m) => m[1]!));
  const codes = new Set<number>(Object.values(EXIT));
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of walk('server/src/cli')) for (const m of readFileSync(file, 'utf8').matchAll(/\breturn (\d+);/g)) codes.add(Number(m[1]));
  const helper = readFileSync('native/exit_codes.h', 'utf8');
  const helperCodes = [...helper.matchAll(/^\s*EXIT_[A-Z_]+ = (\d+),/gm)].map((m) => Number(m[1]));
  assert.ok(helperCodes.length >= 8, 'the helper\'s EXIT_* enum was found');
  for (const c of helperCodes) codes.add(mapHelperExit(c));
  for (const c of codes) assert.ok(listed.has(String(c)), `exit code ${c} is not in the README's table`);
  assert.ok(listed.has('128 + N'), 'a program killed by a signal');
  for (const c of listed) if (c !== '128 + N') assert.ok(codes.has(Number(c)), `README lists ${c}, which nothing returns`);
});
