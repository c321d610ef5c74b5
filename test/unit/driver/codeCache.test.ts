/**
 * Loading a bundle through V8's code cache (server/src/driver/codeCache.ts):
 * the cache is written at exit, used by the next process, and never runs
 * the code of an earlier build (V8 alone accepts a cache for any source of
 * the same length and runs the old code). Each case is a child process, as
 * the language server's start is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const loader = resolve(__dirname, '..', '..', '..', 'server', 'src', 'driver', 'codeCache.ts');

/** Runs `bundle` through requireWithCodeCache in a new process; its stdout. */
function run(dir: string, bundle: string): string {
  const runner = join(dir, 'runner.ts');
  writeFileSync(runner, `import { requireWithCodeCache } from ${JSON.stringify(loader)};\n`
    + `const exported = requireWithCodeCache(${JSON.stringify(bundle)}) as { answer: string };\n`
    + 'process.stdout.write(`${exported.answer} ${__filename === "" ? "" : "ok"}`);\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', runner], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.cache'));

test('the cache is written at exit, then used; a rebuilt bundle of the same length runs its own code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-codecache-'));
  try {
    const bundle = join(dir, 'bundle.js');
    // The bundle sees CommonJS as Node gives it: exports, module, require (from its folder), __dirname.
    const source = (word: string) => `const { basename } = require('node:path');\n`
      + `function answer() { return '${word}'; }\nmodule.exports = { answer: answer() + ' ' + basename(__dirname).slice(0, 15) };\n`;
    writeFileSync(bundle, source('AAAA'));
    assert.equal(run(dir, bundle), 'AAAA seccomp-codecac ok');
    assert.equal(caches(dir).length, 1, 'written at exit');
    assert.equal(run(dir, bundle), 'AAAA seccomp-codecac ok');
    writeFileSync(bundle, source('BBBB'));
    assert.equal(run(dir, bundle), 'BBBB seccomp-codecac ok', 'the old cache must not run the old code');
    assert.equal(run(dir, bundle), 'BBBB seccomp-codecac ok');
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache that cannot be written or read is no error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-codecache-'));
  try {
    const bundle = join(dir, 'bundle.js');
    writeFileSync(bundle, 'module.exports = { answer: "CCCC" };\n');
    assert.equal(run(dir, bundle), 'CCCC ok');
    const [cache] = caches(dir);
    // A truncated (or foreign) cache file is ignored and replaced.
    writeFileSync(join(dir, cache!), 'not a cache');
    assert.equal(run(dir, bundle), 'CCCC ok');
    assert.ok(existsSync(join(dir, cache!)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache others may write to is not used: it could hold anyone\'s code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-codecache-'));
  try {
    const bundle = join(dir, 'bundle.js');
    const source = (word: string) => `function answer() { return '${word}'; }\nmodule.exports = { answer: answer() };\n`;
    // A valid cache of other code, labelled with the real bundle's hash (as V8 would take it: same length).
    writeFileSync(bundle, source('EVIL'));
    run(dir, bundle);
    const [name] = caches(dir);
    const cache = join(dir, name!);
    const planted = readFileSync(cache);
    writeFileSync(bundle, source('GOOD'));
    createHash('sha256').update(source('GOOD')).digest().copy(planted, 0);
    writeFileSync(cache, planted);
    chmodSync(cache, 0o666);
    assert.equal(run(dir, bundle), 'GOOD ok');
    chmodSync(cache, 0o644);
    // The same file kept to its owner is trusted as the bundle is (this is what the check above refused).
    writeFileSync(cache, planted);
    assert.equal(run(dir, bundle), 'EVIL ok');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
