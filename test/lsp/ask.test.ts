// Ask mode over the editor protocol (server/src/lsp/ext.ts, "ask mode"), against the bundled
// server over stdio and a real program (test/native/c/ask-prog.c): `seccomp/run` with ask:true,
// the questions as `seccomp/runAsk`, the answers as `seccomp/runAnswer`, rows as in a normal run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RunAnswerResult, RunAskParams, RunEventsParams, RunFinishedParams, RunResult, TraceRow } from '../../server/src/lsp/ext';
import { decodeRows } from '../../server/src/lsp/rowColumns';
import { machine, skipUnless, type Missing } from '../helpers/machine';
import { askProg } from '../native/harness';
import { ensureBuilt, REPO, TestClient } from './client';

const HELPER = join(REPO, 'native', 'build', 'seccomp-run');

/** Ask mode needs seccomp user notification and pidfd_getfd: Linux 5.6 (docs/trace-protocol.md). */
function userNotif(): Missing | undefined {
  const [major = 0, minor = 0] = release().split('.').map((n) => parseInt(n, 10));
  return major > 5 || (major === 5 && minor >= 6) ? undefined : { kind: 'kernel', reason: `ask mode needs Linux 5.6 (seccomp user notification, pidfd_getfd); this is ${release()}` };
}

const missing = (): Array<Missing | undefined> => [machine.linuxX64(), machine.gcc(), userNotif()];
const dir = mkdtempSync(join(tmpdir(), 'seccomp-lsp-ask-'));

class AskClient extends TestClient {
  readonly events = new Map<string, RunEventsParams[]>();
  readonly finished = new Map<string, RunFinishedParams>();
  readonly asks: RunAskParams[] = [];

  constructor(init: Record<string, unknown> = {}) {
    super({ initializationOptions: { diagnosticDelay: 10, ...init } });
    this.conn.onNotification('seccomp/runEvents', (p: RunEventsParams) => {
      this.events.set(p.runId, [...(this.events.get(p.runId) ?? []), p]);
    });
    this.conn.onNotification('seccomp/runFinished', (p: RunFinishedParams) => { this.finished.set(p.runId, p); });
    this.conn.onNotification('seccomp/runAsk', (p: RunAskParams) => { this.asks.push(p); });
  }

  openPolicy(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    const uri = pathToFileURL(path).href;
    this.open(uri, text);
    return uri;
  }

  async startAsk(uri: string, out: string): Promise<string> {
    const r = await this.request<RunResult>('seccomp/run', { uri, argv: [askProg(), out], mode: 'enforce', ask: true });
    assert.ok(r.ok, `run refused: ${JSON.stringify(r)}`);
    return r.runId;
  }

  question(runId: string, syscall: string): Promise<RunAskParams> {
    return this.waitFor(`runAsk for ${syscall}`, () => this.asks.find((a) => a.runId === runId && a.syscall === syscall), 20_000);
  }

  end(runId: string): Promise<RunFinishedParams> {
    return this.waitFor(`runFinished of ${runId}`, () => this.finished.get(runId), 20_000);
  }

  rows(runId: string): TraceRow[] {
    return (this.events.get(runId) ?? []).flatMap((e) => decodeRows(e.rows));
  }

  stdout(runId: string): string {
    return (this.events.get(runId) ?? []).map((e) => e.stdout ?? '').join('');
  }
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('ask mode in the editor (seccomp/run ask:true, runAsk, runAnswer)', () => {
  const c = new AskClient();
  let skipped = false;
  before(async () => {
    if (missing().some((m) => m)) { skipped = true; return; }
    ensureBuilt();
    const m = spawnSync('make', ['-s', '-C', join(REPO, 'native')], { encoding: 'utf8' });
    if (m.status !== 0 || !existsSync(HELPER)) throw new Error(`make -C native failed:\n${m.stderr}`);
    await c.start();
  });
  after(async () => {
    if (!skipped) await c.stop();
    else c.proc.kill();
  });

  test('deny: the question carries the policy\'s action and line; the call fails with EPERM, twice (remembered), and the rows say so', async (t) => {
    if (skipUnless(t, ...missing())) return;
    const uri = c.openPolicy('deny.seccomp', 'arch x86_64\ndefault allow\nerrno(EACCES) getpid\n');
    const runId = await c.startAsk(uri, mkdtempSync(join(dir, 'out-')));
    const q = await c.question(runId, 'getpid');
    assert.equal(q.action, 'errno(EACCES)');
    assert.equal(q.where, 'deny.seccomp:3');
    assert.equal(q.location?.uri, uri);
    assert.equal(q.location?.range.start.line, 2);
    assert.deepEqual(q.decidedOn, []);
    assert.match(q.call, /^getpid\(/);
    const a = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: q.questionId, answer: 'deny' });
    assert.equal(a.accepted, true, a.message);
    const finished = await c.end(runId);
    assert.equal(finished.status, 0, finished.sentence);
    assert.match(c.stdout(runId), /^getpid: error EPERM\ngetpid again: error EPERM\nmkdir 0700: ok\n/);
    assert.equal(c.asks.filter((x) => x.runId === runId).length, 1, 'asked once: the second call got the remembered answer');
    const rows = c.rows(runId).filter((r) => r.syscall === 'getpid');
    assert.equal(rows.length, 2, JSON.stringify(c.rows(runId)));
    for (const r of rows) {
      assert.equal(r.action, 'errno(EPERM)');
      assert.equal(r.kind, 'errno');
      assert.equal(r.failed, true);
      assert.equal(r.applied, 'enforced');
      assert.equal(r.where, 'deny.seccomp:3');
      assert.equal(r.location?.range.start.line, 2);
      assert.match(r.text, /^getpid\(.*\) = -1 EPERM \((answered|remembered): deny EPERM; the policy says errno\(EACCES\)\)$/);
    }
    assert.match(finished.sentence, /^exited with status 0; 2 calls were denied \(`getpid`\)$/);
    assert.deepEqual(finished.coverage, [], 'an ask run sees only the calls it asks about: no coverage');
  });

  test('always: the answer returns the edit adding the rule; the file on disk is left alone', async (t) => {
    if (skipUnless(t, ...missing())) return;
    const text = 'arch x86_64\ndefault allow\nerrno(EACCES) mkdirat if mode == 0o755\n';
    const uri = c.openPolicy('always.seccomp', text);
    const runId = await c.startAsk(uri, mkdtempSync(join(dir, 'out-')));
    const q = await c.question(runId, 'mkdirat');
    assert.deepEqual(q.decidedOn, [{ name: 'mode', value: '0o755' }]);
    const a = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: q.questionId, answer: 'always' });
    assert.equal(a.accepted, true, a.message);
    const edits = a.edit?.changes?.[uri];
    assert.ok(edits?.length, JSON.stringify(a));
    const edited = TextDocument.applyEdits(TextDocument.create(uri, 'seccomp', 1, text), edits);
    assert.match(edited, /^allow mkdirat if mode == 0o755$/m);
    const finished = await c.end(runId);
    assert.equal(finished.status, 0, finished.sentence);
    assert.match(c.stdout(runId), /mkdir 0755: error EEXIST\n/, 'the call ran (the directory was made by the 0700 call)');
    const row = c.rows(runId).find((r) => r.syscall === 'mkdirat');
    assert.equal(row?.action, 'allow');
    assert.match(row?.text ?? '', /\(answered: allow always; the policy says errno\(EACCES\)\)$/);
    assert.equal(readFileSync(join(dir, 'always.seccomp'), 'utf8'), text, 'the server never writes the policy');
  });

  test('runAnswer for an unknown run or question is refused with a reason', async (t) => {
    if (skipUnless(t, ...missing())) return;
    const noRun = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId: 'run-999', questionId: '1', answer: 'allow' });
    assert.equal(noRun.accepted, false);
    assert.match(noRun.message ?? '', /no ask run/);
    const uri = c.openPolicy('unknown.seccomp', 'arch x86_64\ndefault allow\nkill_process uname\n');
    const runId = await c.startAsk(uri, mkdtempSync(join(dir, 'out-')));
    const q = await c.question(runId, 'uname');
    const wrong = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: `${q.questionId}999`, answer: 'allow' });
    assert.equal(wrong.accepted, false);
    assert.match(wrong.message ?? '', /no longer open/);
    const kill = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: q.questionId, answer: 'kill' });
    assert.equal(kill.accepted, true);
    const again = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: q.questionId, answer: 'allow' });
    assert.equal(again.accepted, false, 'answered already');
    const finished = await c.end(runId);
    assert.equal(finished.status, 137, finished.sentence);
    const fatal = c.rows(runId).find((r) => r.seq === finished.fatalSeq);
    assert.equal(fatal?.syscall, 'uname');
    assert.equal(fatal?.kind, 'kill');
  });

  test('stopRun while a question is open ends the run; the question is then refused', async (t) => {
    if (skipUnless(t, ...missing())) return;
    const uri = c.openPolicy('stop.seccomp', 'arch x86_64\ndefault allow\nkill_process getpid\n');
    const runId = await c.startAsk(uri, mkdtempSync(join(dir, 'out-')));
    const q = await c.question(runId, 'getpid');
    const stopped = await c.request<{ stopped: boolean }>('seccomp/stopRun', { runId });
    assert.equal(stopped.stopped, true);
    const finished = await c.end(runId);
    assert.match(finished.sentence, /^stopped from the editor/);
    assert.equal(c.stdout(runId), '', 'the program never got past the question');
    const late = await c.request<RunAnswerResult>('seccomp/runAnswer', { runId, questionId: q.questionId, answer: 'allow' });
    assert.equal(late.accepted, false);
  });

  test('ask mode with permissive is refused', async (t) => {
    if (skipUnless(t, ...missing())) return;
    const uri = c.openPolicy('perm.seccomp', 'default allow\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'permissive', ask: true });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason === 'bad-request');
  });
});

describe('ask mode on a kernel without user notification (a stand-in helper that fails as the real one does)', () => {
  // What native/ask.c does before Linux 5.6: die(EXIT_UNSUPPORTED, ...), i.e. an error and a done line, exit 69.
  const fake = join(dir, 'old-kernel-helper');
  const c = new AskClient({ helperPath: fake });
  before(async () => {
    writeFileSync(fake, [
      '#!/bin/sh',
      'while [ "$1" != "--events-fd" ]; do shift; done',
      'eval "exec 1>&$2"',
      "echo '{\"type\":\"error\",\"code\":69,\"message\":\"this kernel lacks pidfd_getfd (ask mode needs Linux 5.6)\"}'",
      "echo '{\"type\":\"done\",\"status\":69,\"reason\":\"error\"}'",
      'exit 69',
      '',
    ].join('\n'));
    chmodSync(fake, 0o755);
    await c.start();
  });
  after(() => c.stop());

  test('the run ends at once with the helper\'s reason, no question and no hang', async (t) => {
    if (skipUnless(t, machine.linuxX64())) return;
    const uri = c.openPolicy('old.seccomp', 'arch x86_64\ndefault allow\nkill_process getpid\n');
    const r = await c.request<RunResult>('seccomp/run', { uri, argv: ['/bin/true'], mode: 'enforce', ask: true });
    assert.ok(r.ok, JSON.stringify(r));
    const finished = await c.end(r.runId);
    assert.match(finished.error ?? '', /ask mode needs Linux 5\.6/);
    assert.match(finished.sentence, /ask mode needs Linux 5\.6/);
    assert.equal(c.asks.length, 0);
  });
});
