/**
 * Entry point of the in-VS-Code test suite: the extension host `require`s
 * this module (extensionTestsPath) and awaits `run()`. It runs every
 * `*.spec.js` next to it with mocha (tdd interface).
 *
 * Used by both runners: test/e2e/run.mjs (code-server + Chromium, offline)
 * and test/e2e/electron.mjs (@vscode/test-electron, needs internet).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface MochaRunner {
  on(event: 'fail', fn: (test: { fullTitle(): string }, err: unknown) => void): MochaRunner;
}
interface MochaInstance {
  addFile(path: string): void;
  run(done: (failures: number) => void): MochaRunner;
}
type MochaConstructor = new (options: Record<string, unknown>) => MochaInstance;

export function run(): Promise<void> {
  // mocha is installed in test/e2e/node_modules (by test/e2e/setup.sh), which
  // Node finds from test/e2e/out/suite/ where this file is compiled to.
  const Mocha = require('mocha') as MochaConstructor;
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.SECCOMP_E2E_TEST_TIMEOUT ?? 30_000),
    slow: 5_000,
  });
  const grep = process.env.SECCOMP_E2E_GREP;
  if (grep) (mocha as unknown as { grep(re: RegExp): void }).grep(new RegExp(grep));
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.spec.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.spec.js files in ${__dirname}`));
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
