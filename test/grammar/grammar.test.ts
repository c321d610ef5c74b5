// The TextMate grammar and the language configuration.
// Runs `vscode-tmgrammar-test` on test/grammar/fixtures/*.seccomp (scope
// assertions in comments; see the fixtures), loading the grammar through the
// manifest's `contributes.grammars`, so the manifest's path is checked too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const fixtures = join(here, 'fixtures');
const cli = createRequire(join(root, 'package.json')).resolve('vscode-tmgrammar-test/dist/unit.js');

function runCli(...files: string[]) {
  // cwd = repository root: the CLI reads ./package.json for the grammars.
  return spawnSync(process.execPath, [cli, '--compact', ...files], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

test('grammar fixtures pass vscode-tmgrammar-test', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.seccomp')).map((f) => join(fixtures, f));
  assert.ok(files.length >= 5, `expected the grammar fixtures in ${fixtures}`);
  const r = runCli(...files);
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
  for (const f of files) assert.match(r.stdout, new RegExp(`${f.split('/').pop()!.replace('.', '\\.')}`), 'every fixture is reported');
});

test('a wrong scope assertion makes the CLI fail (the check is not vacuous)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-grammar-'));
  try {
    const bad = join(dir, 'bad.seccomp');
    writeFileSync(bad, '# SYNTAX TEST "source.seccomp" "negative"\nkill_process kill\n#            ^^^^ keyword.control.action.kill.seccomp\n');
    const r = runCli(bad);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stdout + r.stderr, /missing required scopes/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the manifest contributes the language with this grammar and configuration', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'seccomp');
  assert.ok(lang, 'language seccomp');
  assert.deepEqual(lang.extensions, ['.seccomp']);
  const grammar = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'seccomp');
  assert.equal(grammar.scopeName, 'source.seccomp');
  const tm = JSON.parse(readFileSync(join(root, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, 'source.seccomp');
  JSON.parse(readFileSync(join(root, lang.configuration), 'utf8'));
});

test('language configuration: comments, brackets, word pattern, folding, indentation', () => {
  const conf = JSON.parse(readFileSync(join(root, 'syntaxes', 'language-configuration.json'), 'utf8'));
  assert.equal(conf.comments.lineComment, '#');
  assert.deepEqual(conf.brackets, [['(', ')']]);
  const opens = conf.autoClosingPairs.map((p: { open: string }) => p.open);
  assert.deepEqual(opens.sort(), ['"', '(']);
  const word = new RegExp(conf.wordPattern);
  for (const w of ['@basic-io', '@net', 'openat', 'O_RDONLY', 'kill_process', '0x1f', 'arg0']) {
    assert.equal(` ${w},`.match(word)?.[0], w, `word pattern takes ${w} whole`);
  }
  const start = new RegExp(conf.folding.markers.start);
  const end = new RegExp(conf.folding.markers.end);
  assert.ok(start.test('# region network') && start.test('  #region'));
  assert.ok(end.test('# endregion') && !end.test('# region'));
  assert.ok(!start.test('allow read # region'));
  const next = new RegExp(conf.indentationRules.indentNextLinePattern);
  for (const l of ['allow read,', 'allow openat if', 'allow x if a &&', 'define X =', 'allow read,   # comment']) {
    assert.ok(next.test(l), `continuation after: ${l}`);
  }
  for (const l of ['allow read', '# a comment,', 'allow read  # a, b,']) assert.ok(!next.test(l), `no continuation after: ${l}`);
});
