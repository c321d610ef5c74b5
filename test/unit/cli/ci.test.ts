/**
 * The CLI as a CI tool: `check --format sarif` is a SARIF 2.1.0 log with the
 * structure the standard requires; `diff` says which decisions change and
 * exits 0/1/2; every subcommand's --help has examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';
import { SEMANTIC_CODES } from '../../../server/src/policy/codes';
import { SYNTAX_CODES } from '../../../server/src/policy/syntax/parser';

const MISTAKES = 'arch x86_64\nallow read, write, opneat\nallow mmap if prot & PROT_EXECUTE\nallow read if fd >= 0\n';

type Json = Record<string, any>;

/**
 * The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) a log of
 * ours uses, checked as the schema states them: required properties, enums,
 * minimums, and the references between results and rules.
 */
function assertSarif(log: Json): void {
  assert.equal(log.version, '2.1.0');
  assert.equal(typeof log.$schema, 'string');
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1, 'runs: one run');
  const run = log.runs[0];
  const driver = run.tool?.driver;
  assert.equal(typeof driver?.name, 'string', 'tool.driver.name is required');
  assert.ok(['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind));
  const rules = driver.rules as Json[];
  assert.ok(Array.isArray(rules));
  const ids = new Set<string>();
  for (const r of rules) {
    assert.equal(typeof r.id, 'string', 'reportingDescriptor.id is required');
    assert.ok(!ids.has(r.id), `rule ${r.id} listed twice`);
    ids.add(r.id);
    assert.equal(typeof r.shortDescription?.text, 'string', 'multiformatMessageString.text is required');
    assert.ok(['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration?.level));
  }
  assert.ok(Array.isArray(run.results));
  for (const res of run.results as Json[]) {
    assert.equal(typeof res.message?.text, 'string', 'result.message is required');
    assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
    assert.ok(Number.isInteger(res.ruleIndex) && res.ruleIndex >= 0);
    assert.equal(rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule named by ruleId');
    for (const loc of res.locations as Json[]) {
      const p = loc.physicalLocation;
      assert.equal(typeof p.artifactLocation.uri, 'string');
      assert.doesNotThrow(() => new URL(p.artifactLocation.uri, 'file:///checkout/'), 'uri is a URI reference');
      const g = p.region;
      for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(Number.isInteger(g[k]) && g[k] >= 1, `region.${k} >= 1`);
      assert.ok(g.endLine > g.startLine || (g.endLine === g.startLine && g.endColumn >= g.startColumn), 'the region does not end before it starts');
    }
  }
}

test('check --format sarif: a valid SARIF 2.1.0 log, one rule per diagnostic code, results with regions and levels', async () => {
  const dir = tempFiles({ 'm.seccomp': MISTAKES });
  const file = join(dir, 'm.seccomp');
  const r = await runCli(['check', '--format', 'sarif', file]);
  assert.equal(r.code, 1, 'errors still fail the check');
  const log = JSON.parse(r.out);
  assertSarif(log);
  const run = log.runs[0];
  const ruleIds = (run.tool.driver.rules as Json[]).map((x) => x.id);
  for (const code of [...Object.keys(SYNTAX_CODES), ...Object.keys(SEMANTIC_CODES)]) assert.ok(ruleIds.includes(code), `rule for ${code}`);
  const byRule = new Map((run.results as Json[]).map((x) => [x.ruleId, x]));
  const typo = byRule.get('unknown-syscall')!;
  assert.equal(typo.level, 'error');
  assert.match(typo.message.text, /did you mean `openat`/);
  assert.deepEqual(typo.locations[0].physicalLocation.region, { startLine: 2, startColumn: 20, endLine: 2, endColumn: 26 });
  assert.equal(typo.locations[0].physicalLocation.artifactLocation.uri, new URL(`file://${file}`).href);
  assert.equal(byRule.get('missing-default')!.level, 'error');
  assert.equal(byRule.get('constant-condition')!.level, 'warning');
  // The rule's default level comes from the code's severity.
  const rule = (run.tool.driver.rules as Json[]).find((x) => x.id === 'redundant-rule')!;
  assert.equal(rule.defaultConfiguration.level, 'note');
});

test('check --format sarif: relative paths stay relative; a clean policy has no results and exits 0', async () => {
  const dir = tempFiles({ 'ok.seccomp': 'default errno(EPERM)\nallow read, write, execve\n' });
  const r = await runCli(['check', '--format=sarif', join(dir, 'ok.seccomp')]);
  assert.equal(r.code, 0);
  const log = JSON.parse(r.out);
  assertSarif(log);
  assert.deepEqual(log.runs[0].results, []);
  const missing = await runCli(['check', '--format', 'sarif', 'no/such dir/p.seccomp']);
  assert.equal(missing.code, 1);
  const m = JSON.parse(missing.out);
  assertSarif(m);
  assert.equal(m.runs[0].results[0].ruleId, 'unreadable-file');
  assert.equal(m.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'no/such%20dir/p.seccomp');
  assert.equal((await runCli(['check', '--format', 'xml', 'x'])).code, 2);
  assert.equal((await runCli(['check', '--json', '--format', 'sarif', 'x'])).code, 2);
});

const OLD = 'arch x86_64, aarch64\ndefault errno(EPERM)\nallow read, write\nallow openat if flags & O_ACCMODE == O_RDONLY\n';
const NEW = 'arch x86_64, aarch64\ndefault errno(EPERM)\nallow read, write, close\nallow openat\n';

test('diff: the changed syscalls per ABI, with the argument values that change, and exit 1', async () => {
  const dir = tempFiles({ 'old.seccomp': OLD, 'new.seccomp': NEW, 'same.seccomp': 'arch aarch64, x86_64\ndefault errno(EPERM)\nallow write\nallow read\nallow openat if !(flags & O_ACCMODE != O_RDONLY)\n' });
  const [o, n, s] = ['old', 'new', 'same'].map((x) => join(dir, `${x}.seccomp`)) as [string, string, string];
  const r = await runCli(['diff', o, n]);
  assert.equal(r.code, 1);
  // The same changes on both ABIs: one block, syscalls by name.
  assert.deepEqual(r.out.split('\n'), [
    'x86_64, aarch64:',
    `  close: errno(EPERM) (${o}:2 (default)) -> allow (${n}:3)`,
    `  openat when flags & 0x3 != 0: errno(EPERM) (${o}:2 (default)) -> allow (${n}:4)`,
  ]);
  const same = await runCli(['diff', o, s]);
  assert.equal(same.code, 0);
  assert.equal(same.out, 'no decision changes');
  const json = await runCli(['diff', '--json', '--arch', 'x86_64', o, n]);
  assert.equal(json.code, 1);
  const d = JSON.parse(json.out);
  assert.equal(d.changed, true);
  assert.deepEqual(d.abis.map((a: Json) => a.abi), ['x86_64']);
  const openat = d.abis[0].changes.find((c: Json) => c.syscall === 'openat');
  assert.deepEqual(openat.when, ['flags & 0x3 != 0']);
  assert.equal(openat.example.nr, 257);
  assert.equal(openat.example.args[2], '0x1');
  assert.deepEqual([openat.before.action, openat.after.action], ['errno(EPERM)', 'allow']);
});

test('diff: a new default is one line per ABI; usage errors and broken policies exit 2', async () => {
  const dir = tempFiles({ 'a.seccomp': 'default errno(EPERM)\n', 'b.seccomp': 'default kill_process\n', 'bad.seccomp': 'allow reed\n' });
  const r = await runCli(['diff', '--arch', 'x86_64', join(dir, 'a.seccomp'), join(dir, 'b.seccomp')]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.out.split('\n'), ['x86_64:', `  every syscall: errno(EPERM) (${join(dir, 'a.seccomp')}:1 (default)) -> kill_process (${join(dir, 'b.seccomp')}:1 (default))`]);
  assert.equal((await runCli(['diff', join(dir, 'a.seccomp')])).code, 2);
  assert.equal((await runCli(['diff', '--bogus', 'x', 'y'])).code, 2);
  assert.equal((await runCli(['diff', '--arch', 'vax', join(dir, 'a.seccomp'), join(dir, 'b.seccomp')])).code, 2);
  const bad = await runCli(['diff', join(dir, 'a.seccomp'), join(dir, 'bad.seccomp')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown syscall `reed`/);
  assert.equal((await runCli(['diff', join(dir, 'a.seccomp'), join(dir, 'missing.seccomp')])).code, 2);
});

test('every subcommand has --help with examples, exit 0', async () => {
  const top = await runCli(['--help']);
  const commands = [...top.out.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
  assert.ok(commands.includes('diff') && commands.includes('check') && commands.length >= 8, commands.join(' '));
  for (const c of commands) {
    const r = await runCli([c, '--help']);
    assert.equal(r.code, 0, `${c} --help`);
    assert.match(r.out, /^usage: seccomp-policy /, `${c} --help starts with its usage`);
    const examples = /\n *[Ee]xamples?:\n((?: +seccomp-policy .*\n?)+)/.exec(r.out);
    assert.ok(examples, `${c} --help has examples`);
    for (const line of examples[1]!.split("\n").filter((l) => l.trim())) {
      assert.match(line, new RegExp(`seccomp-policy ${c}\\b`), `${c}: each example runs ${c}: ${line}`);
    }
  }
});
