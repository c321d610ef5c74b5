/** The real CLI process: a reader that goes away early (`| head`) gets no stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFiles } from '../../helpers/cli';

test('output to a closed pipe ends quietly', async () => {
  if (!existsSync('dist/cli.js')) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status, 0);
  const dir = tempFiles({});
  const file = join(dir, 'many.seccomp');
  writeFileSync(file, 'default allow\n' + 'allow reed\n'.repeat(50_000));
  const child = spawn(process.execPath, ['bin/seccomp-policy', 'check', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.notEqual(code, null, 'it exited rather than being killed');
});
