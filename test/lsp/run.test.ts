// The editor protocol (server/src/lsp/ext.ts) against the bundled server over stdio:
// compile with links, traced runs of real programs, stop, allow, learn, trust, coverage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, InlayHint, CodeAction, TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  AllowSyscallResult, CompileResult, LearnResult, RunEventsParams, RunFinishedParams, RunResult, ServerStatusParams, TraceRow,
} from '../../server/src/lsp/ext';
import { decodeRows, rowCount } from '../../server/src/lsp/rowColumns';
import { ensureBuilt, REPO, TestClient } from './client';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { alive } from '../helpers/processes';

const HELPER = join(REPO, 'native', 'build', 'seccomp-run');
const skip: string | false = process.platform !== 'linux' || process.arch !== 'x64' ? 'needs x86_64 Linux' : false;

const dir = mkdtempSync(join(tmpdir(), 'seccomp-lsp-run-'));
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;

/** A client that records the run notifications. */
class RunClient extends TestClient {
  readonly events = new Map<string, RunEventsParams[]>();
  readonly finished = new Map<string, RunFinishedParams[]>();
  readonly status: ServerStatusParams[] = [];
  readonly texts = new Map<string, string>();

  constructor(init: Record<string, unknown> = {}) {
    super({ initializationOptions: { diagnosticDelay: 10, ...init } });
    this.conn.onNotification('seccomp/runEvents', (p: RunEventsParams) => {
      const list = this.events.get(p.runId) ?? [];
      list.push(p);
      this.events.set(p.runId, list);
    });
    this.conn.onNotification('seccomp/runFinished', (p: RunFinishedParams) => {
      const list = this.finished.get(p.runId) ?? [];
      list.push(p);
      this.finished.set(p.runId, list);
    });
    this.conn.onNotification('seccomp/serverStatus', (p: ServerStatusParams) => { this.status.push(p); });
  }

  openPolicy(name: string, text: string): string {
    const uri = uriOf(name);
    writeFileSync(join(dir, name), text);
    this.open(uri, text);
    this.texts.set(uri, text);
    return uri;
  }

  rows(runId: string): TraceRow[] {
    return (this.events.get(runId) ?? []).flatMap((e) => decodeRows(e.rows));
  }

  output(runId: string, stream: 'stdout' | 'stderr'): string {
    return (this.events.get(runId) ?? []).map((e) => e[stream] ?? '').join('');
  }

  /** Starts a run and waits for its runFinished. */
  async run(uri: string, argv: string[], extra: Record<string, unknown> = {}): Promise<{ runId: string; finished: RunFinishedParams }> {
    const r = await this.request<RunResult>('seccomp/run', { uri, argv, mode: 'enforce', ...extra });
    assert.ok(r.ok, `run refused: ${JSON.stringify(r)}`);
    const finished = await this.waitFor('runFinished', () => this.finished.get(r.runId)?.[0], 20_000);
    return { runId: r.runId, finished };
  }
}

/** Applies a WorkspaceEdit's edits for `uri` to `text`. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'seccomp', 1, text), [...edits]);
}

before(() => {
  if (skip) return;
  ensureBuilt();
  const m = spawnSync('make', ['-s', '-C', join(REPO, 'native')], { encoding: 'utf8' });
  if (m.status !== 0 || !existsSync(HELPER)) throw new Error(`make -C native failed:\n${m.stderr}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('seccomp/* requests (trusted workspace)', { skip }, () => {
  const c = new RunClient();
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('serverStatus says runs are possible', async () => {
    const s = await c.waitFor('serverStatus', () => c.status[0]);
    assert.equal(s.canRun, true, s.message);
    assert.equal(s.health, 'ok');
  });

  test('compile: a listing with links from instructions to the policy lines', async () => {
    const uri = c.openPolicy('compile.seccomp', 'arch x86_64\ndefault errno(EPERM)\nallow read, write\nkill_process ptrace\n');
    const r = await c.request<CompileResult>('seccomp/compile', { uri, format: 'disasm' });
    assert.ok(r.ok, JSON.stringify(r));
    const lines = r.text.split('\n').filter(Boolean);
    assert.equal(lines.length, r.instructions);
    assert.deepEqual(r.abis, ['x86_64']);
    const linked = new Set(r.links.map((l) => l.location.range.start.line));
    for (const line of [1, 2, 3]) assert.ok(linked.has(line), `policy line ${line + 1} is linked: ${[...linked]}`);
    for (const l of r.links) {
      assert.equal(l.location.uri, uri);
      assert.ok(l.line >= 0 && l.line < lines.length);
    }
    // The ptrace line's RET links back to the kill_process rule.
    const ptrace = r.links.find((l) => l.location.range.start.line === 3)!;
    assert.match(lines[ptrace.line]!, /KILL_PROCESS|kill/i);
    const raw = await c.request<CompileResult>('seccomp/compile', { uri, format: 'raw' });
    assert.ok(raw.ok);
    assert.equal(Buffer.from(raw.text, 'base64').length, 8 * raw.instructions);
    const header = await c.request<CompileResult>('seccomp/compile', { uri, format: 'c' });
    assert.ok(header.ok && /struct sock_filter/.test(header.text));
    const json = await c.request<CompileResult>('seccomp/compile', { uri, format: 'json' });
    assert.ok(json.ok && Array.isArray(JSON.parse(json.text).instructions));
  });

  test('a run killed by the policy: rows, the fatal row with its rule, the sentence, summary and coverage', async () => {
    const uri = c.openPolicy('kill.seccomp', 'arch x86_64\ndefault allow\nkill_process mprotect\nallow ptrace\n');
    const { runId, finished } = await c.run(uri, ['/bin/true']);
    const rows = c.rows(runId);
    assert.ok(rows.length > 3, `rows arrived (${rows.length})`);
    assert.equal(c.finished.get(runId)!.length, 1, 'exactly one runFinished');
    assert.equal(finished.status, 128 + 31);
    assert.match(finished.sentence, /^killed by SIGSYS: `mprotect` denied by the rule at kill\.seccomp:3$/);
    assert.notEqual(finished.fatalSeq, undefined);
    const fatal = rows.find((r) => r.seq === finished.fatalSeq)!;
    assert.equal(fatal.syscall, 'mprotect');
    assert.equal(fatal.kind, 'kill');
    assert.equal(fatal.action, 'kill_process');
    assert.equal(fatal.applied, 'enforced');
    assert.equal(fatal.where, 'kill.seccomp:3');
    assert.deepEqual(fatal.location, { uri, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 21 } } });
    assert.equal(fatal.args?.length, 6);
    assert.match(fatal.text, /^mprotect\(/);
    const allowed = rows.find((r) => r.kind === 'allow')!;
    assert.match(allowed.where, /kill\.seccomp:2 \(default\)/);
    // The summary: denied first.
    assert.equal(finished.summary[0]!.syscall, 'mprotect');
    assert.equal(finished.summary[0]!.denied, true);
    assert.ok(finished.summary.slice(1).every((s) => !s.denied));
    // Coverage: every rule, the unreached one with 0.
    const byLine = new Map(finished.coverage.map((r) => [r.location.range.start.line, r.count]));
    assert.equal(byLine.get(2), 1);
    assert.equal(byLine.get(3), 0);
    assert.ok((byLine.get(1) ?? 0) > 0, 'the default decided');
    assert.equal(finished.syscalls, rows.length);
  });

  test('after a run: the unreached rule is dimmed, the rule that decided has a count and a narrowing action', async () => {
    const uri = c.openPolicy('cov.seccomp', 'arch x86_64\ndefault allow\nallow ptrace\nallow openat, read, close\n');
    const before = await c.diagnostics(uri);
    assert.ok(!before.some((d) => d.message === 'not reached in the last run'));
    const { finished } = await c.run(uri, ['/bin/cat', '/etc/hostname']);
    assert.equal(finished.status, 0, finished.sentence);
    const diags = await c.diagnostics(uri, (d) => d.some((x) => x.message === 'not reached in the last run'));
    const dim = diags.filter((d) => d.message === 'not reached in the last run');
    assert.deepEqual(dim.map((d) => d.range.start.line), [2]);
    assert.deepEqual(dim[0]!.tags, [1]);
    assert.equal(dim[0]!.severity, 4);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    const openHint = hints.find((h) => h.position.line === 3);
    assert.match(String(openHint?.label), /^decided \d+× in the last run$/);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, context: { diagnostics: [] },
    });
    const narrow = actions.find((a) => /Narrow/.test(a.title));
    assert.ok(narrow, actions.map((a) => a.title).join(', '));
    const narrowed = applyEdits(c.texts.get(uri)!, narrow.edit!.changes![uri]!);
    assert.match(narrowed, /allow openat if dirfd == -100 && flags in? /);
    assert.match(narrowed, /allow read if fd /);
    // Editing the rule clears its coverage; the narrowed policy still runs the program.
    c.change(uri, 2, [{ text: narrowed }]);
    await c.diagnostics(uri, (d) => !d.some((x) => x.range.start.line === 3 && x.message === 'not reached in the last run'), 2);
    c.texts.set(uri, narrowed);
    const again = await c.run(uri, ['/bin/cat', '/etc/hostname']);
    assert.equal(again.finished.status, 0, again.finished.sentence);
  });

  test('the program\'s output is captured and never corrupts the LSP stream', async () => {
    const uri = c.openPolicy('echo.seccomp', 'default allow\n');
    const { runId, finished } = await c.run(uri, ['/bin/sh', '-c', 'echo "Content-Length: 5"; echo; echo hello; echo oops >&2; cat']);
    assert.equal(finished.status, 0, finished.sentence);
    assert.equal(c.output(runId, 'stdout'), 'Content-Length: 5\n\nhello\n');
    assert.equal(c.output(runId, 'stderr'), 'oops\n');
    assert.match(finished.sentence, /^exited with status 0; no syscall was denied$/);
    // The connection still works.
    const r = await c.request<CompileResult>('seccomp/compile', { uri, format: 'disasm' });
    assert.ok(r.ok);
  });

  test('the unsaved buffer is what runs (didChange without save)', async () => {
    const uri = c.openPolicy('unsaved.seccomp', 'arch x86_64\ndefault allow\n');
    c.change(uri, 2, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'errno(EACCES) openat\n' }]);
    const { runId, finished } = await c.run(uri, ['/bin/cat', '/etc/hostname']);
    const denied = c.rows(runId).filter((r) => r.syscall === 'openat' && r.kind === 'errno');
    assert.ok(denied.length > 0, 'openat was denied by the unsaved rule');
    assert.equal(denied[0]!.action, 'errno(EACCES)');
    assert.equal(denied[0]!.failed, true);
    assert.match(denied[0]!.text, /= -1 EACCES/);
    assert.notEqual(finished.status, 0);
    assert.match(finished.sentence, /^exited with status \d+; (1 call was|\d+ calls were) denied \(`openat`\)$/);
  });

  test('an untitled buffer runs; cwd and env reach the program', async () => {
    const uri = 'untitled:Untitled-1';
    c.open(uri, 'default allow\n');
    const { runId, finished } = await c.run(uri, ['/bin/sh', '-c', 'echo "$SECCOMP_TEST_VAR $(pwd)"'], { env: { SECCOMP_TEST_VAR: 'from-env' }, cwd: dir });
    assert.equal(finished.status, 0, finished.sentence);
    assert.equal(c.output(runId, 'stdout'), `from-env ${dir}\n`);
    const bad = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'enforce', cwd: join(dir, 'nope') });
    assert.ok(!bad.ok && bad.reason === 'bad-request' && /does not exist/.test(bad.message), JSON.stringify(bad));
  });

  test('a policy with errors is not run: the reason and the first error\'s location', async () => {
    const uri = c.openPolicy('bad.seccomp', 'default allow\nallow nosuchcall\nallow alsonot\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'enforce' });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.reason, 'policy-errors');
    assert.match(r.message, /2 errors/);
    assert.equal(r.location?.uri, uri);
    assert.equal(r.location?.range.start.line, 1);
    const compiled = await c.request<CompileResult>('seccomp/compile', { uri, format: 'disasm' });
    assert.equal(compiled.ok, false);
    const empty = await c.request<RunResult>('seccomp/run', { uri, argv: [], mode: 'enforce' });
    assert.ok(!empty.ok && empty.reason === 'bad-request');
  });

  test('a program that does not exist: one sentence and status 127', async () => {
    const uri = c.openPolicy('nf.seccomp', 'default allow\n');
    const { finished } = await c.run(uri, ['/nonexistent/program']);
    assert.equal(finished.status, 127);
    assert.equal(finished.sentence, '`/nonexistent/program` was not found (exit 127)');
  });

  test('a policy that denies the program\'s own execve says so', async () => {
    const killed = c.openPolicy('noexec-kill.seccomp', 'default allow\nkill_process execve\n');
    const k = await c.run(killed, ['/bin/true']);
    assert.equal(k.finished.sentence, "killed by SIGSYS: `execve` denied by the rule at noexec-kill.seccomp:2 (the filter is installed before the program's execve; allow it)");
    const denied = c.openPolicy('noexec-errno.seccomp', 'default allow\nerrno(EPERM) execve\n');
    const d = await c.run(denied, ['/bin/true']);
    assert.equal(d.finished.status, 126);
    assert.equal(d.finished.sentence, "`/bin/true` could not be executed: `execve` denied with errno(EPERM) by the rule at noexec-errno.seccomp:2 (the filter is installed before the program's execve; allow it) (exit 126)");
  });

  test('stopRun kills a running program; runFinished follows', async () => {
    const uri = c.openPolicy('sleep.seccomp', 'default allow\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/sleep', '100'], mode: 'enforce' });
    assert.ok(r.ok);
    // The sleep itself is reported when it returns; any row says the program is running.
    await c.waitFor('a row', () => c.rows(r.runId).length > 0 || undefined);
    const s = await c.request<{ stopped: boolean }>('seccomp/stopRun', { runId: r.runId });
    assert.equal(s.stopped, true);
    const f = await c.waitFor('runFinished', () => c.finished.get(r.runId)?.[0]);
    assert.match(f.sentence, /^stopped from the editor/);
    assert.equal(f.error, undefined);
    const again = await c.request<{ stopped: boolean }>('seccomp/stopRun', { runId: r.runId });
    assert.equal(again.stopped, false);
  });

  test('allowSyscall returns an edit that makes the next run succeed', async () => {
    const text = 'arch x86_64\ndefault allow\nkill_process mprotect\n';
    const uri = c.openPolicy('allow.seccomp', text);
    const first = await c.run(uri, ['/bin/true']);
    assert.equal(first.finished.status, 128 + 31);
    const r = await c.request<AllowSyscallResult>('seccomp/allowSyscall', { uri, syscall: 'mprotect' });
    assert.ok(r.edit, r.message);
    const next = applyEdits(text, r.edit.changes![uri]!);
    assert.match(next, /allow mprotect\nkill_process mprotect/);
    c.change(uri, 2, [{ text: next }]);
    const second = await c.run(uri, ['/bin/true']);
    assert.equal(second.finished.status, 0, second.finished.sentence);
  });

  test('allowSyscall with arguments: a rule conditioned on the values seen, by argument name', async () => {
    const text = 'arch x86_64\ndefault allow\nkill_process mprotect\n';
    const uri = c.openPolicy('allow-args.seccomp', text);
    const run = await c.run(uri, ['/bin/true']);
    const fatal = c.rows(run.runId).find((x) => x.seq === run.finished.fatalSeq)!;
    const r = await c.request<AllowSyscallResult>('seccomp/allowSyscall', { uri, syscall: 'mprotect', abi: 'x86_64', args: fatal.args });
    assert.ok(r.edit);
    const next = applyEdits(text, r.edit.changes![uri]!);
    // Only the protection bits: the address changes from run to run.
    assert.match(next, /^allow mprotect if prot == 0x\d+$/m);
    c.change(uri, 2, [{ text: next }]);
    const diags = await c.diagnostics(uri, () => true, 2);
    assert.deepEqual(diags.filter((d: Diagnostic) => d.severity === 1), []);
  });

  test('learn returns a policy that lets the program run', async () => {
    const r = await c.request<LearnResult>('seccomp/learn', { argv: ['/bin/cat', '/etc/hostname'] });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.text, /^default kill_process$/m);
    assert.match(r.text, /\bopenat\b/);
    const uri = c.openPolicy('learned.seccomp', r.text);
    const run = await c.run(uri, ['/bin/cat', '/etc/hostname']);
    assert.equal(run.finished.status, 0, run.finished.sentence);
  });

  test('cancelling learn stops the program and learns nothing', async () => {
    const pidFile = join(dir, 'learn-cancel.pid');
    const source = new CancellationTokenSource();
    const reply = c.request<LearnResult>('seccomp/learn', { argv: ['/bin/sh', '-c', `echo $$ > ${pidFile}; exec sleep 300`] }, source.token)
      .then((r) => ({ r }), (e: unknown) => ({ e }));
    let pid: number | undefined;
    for (let i = 0; i < 300 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(pidFile)) pid = Number(readFileSync(pidFile, 'utf8')) || undefined;
    }
    assert.ok(pid, 'the program started');
    source.cancel();
    const answer = await reply;
    if ('r' in answer) assert.ok(!answer.r.ok && /cancelled/.test(answer.r.message), JSON.stringify(answer.r));
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!alive(pid), `the program (pid ${pid}) was stopped`);
  });

  test('permissive: the program runs to the end; the rows say what the policy would have done', async () => {
    const uri = c.openPolicy('permissive.seccomp', 'arch x86_64\ndefault allow\nkill_process mprotect\n');
    const { runId, finished } = await c.run(uri, ['/bin/true'], { mode: 'permissive' });
    assert.equal(finished.status, 0, finished.sentence);
    assert.equal(finished.fatalSeq, undefined);
    const would = c.rows(runId).filter((r) => r.syscall === 'mprotect');
    assert.ok(would.length > 0 && would.every((r) => r.applied === 'permissive' && r.kind === 'kill'));
    assert.match(finished.sentence, /^exited with status 0; \d+ calls? would be denied \(`mprotect`\)$/);
  });

  test('a long run streams in batches of at most 2,000 rows, every row once, in order', async () => {
    const uri = c.openPolicy('many.seccomp', 'default allow\n');
    const { runId, finished } = await c.run(uri, ['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=6000']);
    assert.equal(finished.status, 0, finished.sentence);
    const batches = c.events.get(runId)!;
    assert.ok(batches.every((b) => rowCount(b.rows) <= 2000), `batch sizes: ${batches.map((b) => rowCount(b.rows))}`);
    const rows = c.rows(runId);
    assert.ok(rows.length > 12000, `${rows.length} rows`);
    assert.equal(rows.length, finished.syscalls);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.seq > rows[i - 1]!.seq);
    const reads = finished.summary.find((r) => r.syscall === 'read')!;
    assert.ok(reads.calls >= 6000);
  });

  test('a time limit ends the run with a sentence', async () => {
    const uri = c.openPolicy('timeout.seccomp', 'default allow\n');
    const { finished } = await c.run(uri, ['/bin/sleep', '100'], { timeout: 0.5 });
    assert.match(finished.sentence, /^stopped at the time limit \(0\.5 s\)/);
    assert.equal(finished.error, undefined);
  });

  test('malformed parameters get an answer, never a crash', async () => {
    for (const params of [null, {}, { uri: 42 }, { uri: 'file:///nonexistent/x.seccomp', argv: 'true', format: 'exe', syscall: 7, args: [{}] }]) {
      for (const method of ['seccomp/compile', 'seccomp/run', 'seccomp/stopRun', 'seccomp/allowSyscall', 'seccomp/learn', 'seccomp/policyInfo', 'seccomp/syscallList', 'seccomp/syscallDoc']) {
        const r = await c.request<unknown>(method, params);
        if (r && typeof r === 'object' && 'ok' in r) assert.equal((r as { ok: boolean }).ok, false, `${method} ${JSON.stringify(params)}`);
      }
    }
    const missing = await c.request<CompileResult>('seccomp/compile', { uri: 'file:///nonexistent/x.seccomp', format: 'disasm' });
    assert.ok(!missing.ok && missing.reason === 'io' && /no such file/.test(missing.message), JSON.stringify(missing));
    const s = await c.waitFor('serverStatus', () => c.status[0]);
    assert.equal(s.canRun, true, 'still alive');
  });

  test('policyInfo, syscallList and syscallDoc', async () => {
    const uri = c.openPolicy('info.seccomp', 'arch x86_64, aarch64\ndefault allow\n');
    const info = await c.request<{ abis: string[]; instructions: number; errors: number }>('seccomp/policyInfo', { uri });
    assert.deepEqual(info.abis, ['x86_64', 'aarch64']);
    assert.ok(info.instructions > 0);
    assert.equal(info.errors, 0);
    const list = await c.request<{ name: string; summary: string }[]>('seccomp/syscallList', {});
    assert.ok(list.some((s) => s.name === 'openat' && s.summary.length > 0));
    const doc = await c.request<{ markdown: string } | null>('seccomp/syscallDoc', { name: 'openat' });
    assert.match(doc?.markdown ?? '', /openat/);
    assert.equal(await c.request('seccomp/syscallDoc', { name: 'nosuch' }), null);
  });
});

describe('an untrusted workspace', { skip }, () => {
  const c = new RunClient({ trusted: false });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('run and learn are refused with a sentence; compile works', async () => {
    const s = await c.waitFor('serverStatus', () => c.status[0]);
    assert.equal(s.canRun, false);
    assert.match(s.message ?? '', /not trusted/);
    const uri = c.openPolicy('untrusted.seccomp', 'default allow\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'enforce' });
    assert.ok(!r.ok && r.reason === 'untrusted', JSON.stringify(r));
    assert.match(r.message, /untrusted workspace/);
    const l = await c.request<LearnResult>('seccomp/learn', { argv: ['/bin/true'] });
    assert.ok(!l.ok && l.reason === 'untrusted');
    const compiled = await c.request<CompileResult>('seccomp/compile', { uri, format: 'disasm' });
    assert.ok(compiled.ok);
  });
});

describe('a helper path that does not exist', { skip }, () => {
  const c = new RunClient({ helperPath: join(dir, 'no-such-helper') });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('serverStatus and run name the setting', async () => {
    const s = await c.waitFor('serverStatus', () => c.status[0]);
    assert.equal(s.canRun, false);
    assert.match(s.message ?? '', /seccompPolicy\.helper\.path/);
    const uri = c.openPolicy('nohelper.seccomp', 'default allow\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'enforce' });
    assert.ok(!r.ok && r.reason === 'no-helper', JSON.stringify(r));
  });
});

describe('a helper that fails', { skip }, () => {
  const fake = join(dir, 'fake-helper');
  writeFileSync(fake, '#!/bin/sh\ncase "$FAKE_HELPER" in\n  garbage) echo "not json" >&3 ;;\n  die) kill -9 $$ ;;\nesac\nexit 0\n', { mode: 0o755 });
  const c = new RunClient({ helperPath: fake });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  for (const [how, sentence] of [
    ['garbage', /^the trace helper's report could not be read \(malformed event line 1: not json\)$/],
    ['die', /^the trace helper was killed by SIGKILL$/],
  ] as const) {
    test(`${how}: runFinished carries the error as its sentence`, async () => {
      const uri = c.openPolicy(`fail-${how}.seccomp`, 'default allow\n');
      const { finished } = await c.run(uri, ['/bin/true'], { env: { FAKE_HELPER: how } });
      assert.match(finished.sentence, sentence);
      assert.equal(finished.error, finished.sentence);
      assert.equal(finished.status, undefined);
    });
  }
});
