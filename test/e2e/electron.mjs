#!/usr/bin/env node
// The conventional runner: @vscode/test-electron downloads VS Code (desktop,
// Electron) and runs the same in-VS-Code mocha suite as test/e2e/run.mjs,
// with the extension loaded for development and the fixture workspace open.
// It needs internet access to download VS Code, so it is not part of
// `npm test` (run.mjs runs the suite offline in code-server instead).
//
//   bash test/e2e/setup.sh          # mocha (and the offline tools)
//   node scripts/build.mjs          # dist/extension.js, dist/server.js
//   node test/e2e/electron.mjs      # VSCODE_VERSION=stable|insiders|1.x.y (default 1.100.3)
//
// On a machine without a display, run it under xvfb-run.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from './build-suite.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const workspace = join(here, 'fixtures', 'workspace');

if (!existsSync(join(here, 'node_modules', 'mocha'))) {
  console.error('test/e2e/node_modules/mocha is missing: run `bash test/e2e/setup.sh` (or `npm --prefix test/e2e install`)');
  process.exit(1);
}
for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run \`node scripts/build.mjs\` first`);
    process.exit(1);
  }
}

try {
  const extensionTestsPath = await buildSuite();
  await runTests({
    version: process.env.VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  console.log('electron e2e: PASSED');
} catch (err) {
  console.error(`electron e2e: FAILED: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
