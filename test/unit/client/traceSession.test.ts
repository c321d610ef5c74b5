import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunFinishedParams, TraceRow } from '../../../server/src/lsp/ext';
import type { RunHeader } from '../../../client/shared/panelProtocol';
import { toStraceText, toTraceJson } from '../../../client/shared/traceText';
import { appendBounded, TraceSession } from '../../../client/src/panel/traceSession';
import { encodeRows } from '../../../server/src/lsp/rowColumns';

const header: RunHeader = { runId: 'r1', policyUri: 'file:///w/p.seccomp', policyLabel: 'p.seccomp', argv: ['ls', '-l'], mode: 'enforce', startedAt: 0 };
function row(seq: number, syscall: string, kind: TraceRow['kind'] = 'allow'): TraceRow {
  return {
    seq, pid: 42, time: seq * 1.5, syscall, abi: 'x86_64', text: `${syscall}() = ${kind === 'kill' ? '?' : '0'}`,
    action: kind === 'kill' ? 'kill_process' : 'allow', kind, where: kind === 'kill' ? 'p.seccomp:2 (default)' : 'p.seccomp:5',
    applied: 'enforced', failed: false,
  };
}
const finished: RunFinishedParams = {
  runId: 'r1', status: 159, sentence: 'killed by SIGSYS: `getdents64` denied by the default action at p.seccomp:2',
  fatalSeq: 3, summary: [], coverage: [], syscalls: 4,
};

test('a session ignores events of other runs and keeps its rows bounded', () => {
  const s = new TraceSession(2);
  s.reset(header);
  assert.ok(s.owns('r1') && !s.owns('r0'));
  assert.ok(s.running);
  s.addEvents({ runId: 'r1', rows: encodeRows([row(0, 'brk'), row(1, 'mmap'), row(2, 'openat')]), stdout: 'a', stderr: 'b' });
  assert.equal(s.store.size, 2);
  assert.equal(s.store.dropped, 1);
  s.finish(finished);
  assert.ok(!s.running);
});

test('a snapshot restores the same session (what the serializer relies on)', () => {
  const s = new TraceSession(100);
  s.reset(header);
  s.addEvents({ runId: 'r1', rows: encodeRows([row(0, 'brk'), row(1, 'mmap'), row(3, 'getdents64', 'kill')]), notes: [{ seq: 2, pid: 42, time: 2, text: '--- SIGCHLD ---' }], stdout: 'out\n' });
  s.finish(finished);
  const small = s.snapshot(2);
  assert.equal(small.rows.length + small.notes.length, 2, 'the page keeps only the newest items');
  assert.equal(small.dropped, 2);
  const back = TraceSession.fromSnapshot(JSON.parse(JSON.stringify(small)), 100);
  assert.equal(back.header?.runId, 'r1');
  assert.equal(back.store.total, 4);
  assert.equal(back.store.findRow(3)?.syscall, 'getdents64');
  assert.equal(back.finished?.fatalSeq, 3);
  assert.equal(back.stdout, 'out\n');
});

test('program output keeps its tail', () => {
  assert.equal(appendBounded('abc', 'def', 4), 'cdef');
  assert.equal(appendBounded('', 'xy', 4), 'xy');
});

test('a saved trace: strace text with decisions and rules, or JSON', () => {
  const s = new TraceSession(100);
  s.reset(header);
  s.addEvents({ runId: 'r1', rows: encodeRows([row(0, 'brk'), row(3, 'getdents64', 'kill')]), notes: [{ seq: 4, pid: 42, time: 6, text: '+++ killed by SIGSYS +++' }] });
  s.finish(finished);
  const text = toStraceText(s.snapshot());
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '# seccomp-policy run (enforce) under p.seccomp: ls -l');
  assert.match(lines[1]!, /^42 +0\.000000 brk\(\) = 0 +# allow  p\.seccomp:5$/);
  assert.match(lines[2]!, /getdents64\(\) = \? +# kill_process  p\.seccomp:2 \(default\)$/);
  assert.match(lines[3]!, /\+\+\+ killed by SIGSYS \+\+\+$/);
  assert.equal(lines[4], `# ${finished.sentence}`);
  const json = JSON.parse(toTraceJson(s.snapshot()));
  assert.equal(json.rows.length, 2);
  assert.equal(json.finished.status, 159);
  assert.equal(json.header.argv[1], '-l');
});

test('ask mode: the open question belongs to its run, is in the snapshot, and ends with the answer or the run', () => {
  const s = new TraceSession(100);
  s.reset({ ...header, ask: true });
  const q = { runId: 'r1', questionId: '1', pid: 42, syscall: 'getpid', call: 'getpid()', action: 'kill_process', where: 'p.seccomp:3', decidedOn: [] };
  assert.equal(s.ask({ ...q, runId: 'r0' }), false, 'another run\'s question');
  assert.equal(s.question, undefined);
  assert.equal(s.ask(q), true);
  assert.equal(s.snapshot().question?.questionId, '1');
  assert.equal(s.closeQuestion('2'), false, 'not the open question');
  assert.equal(s.closeQuestion('1'), true);
  assert.equal(s.snapshot().question, undefined);
  s.ask({ ...q, questionId: '2' });
  s.finish({ ...finished, fatalSeq: undefined });
  assert.equal(s.question, undefined, 'the run is over: nothing waits');
  assert.equal(s.ask({ ...q, questionId: '3' }), false, 'no question after the end');
});
