/**
 * The editor's view of a run (server/src/lsp/runReport.ts), fed synthetic
 * helper events: rows with their deciding rule's range, the verdict
 * sentence, the summary (denied first), coverage with zero counts, and the
 * bound on argument values kept per rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../server/src/trace/events';
import { MAX_SEEN_VALUES, RunReport } from '../../../server/src/lsp/runReport';
import { decodeRows } from '../../../server/src/lsp/rowColumns';
import { compileText } from '../../helpers/compile';

const X86_64 = 0xc000003e;
const NR = { read: 0, write: 1, openat: 257, mprotect: 10, getpid: 39, exit_group: 231 } as const;

function hello(mode: 'enforce' | 'permissive'): TraceEvent {
  return {
    type: 'hello', version: 1, pid: 100, tracer: 99, mode, install: mode === 'enforce' ? 'before-exec' : 'none', only_decisions: false,
    arch: 'x86_64', abi: X86_64, instructions: 10, kill_prefix: true, cpu: null, path: '/bin/prog', argv: ['/bin/prog'],
  };
}

function call(name: keyof typeof NR, args: number[] = [], ret: string | null = '0'): TraceEvent {
  const regs = [...args, 0, 0, 0, 0, 0, 0].slice(0, 6).map((v) => '0x' + v.toString(16));
  return { type: 'syscall', pid: 100, abi: X86_64, nr: NR[name], args: regs, ip: '0x401000', ret };
}

const POLICY = 'arch x86_64\ndefault allow\nkill_process mprotect\nerrno(EPERM) getpid\nallow ptrace\n';

/** The report's rows (sent in columns) as row objects, and its notes. */
function take(r: RunReport) {
  const { rows, notes } = r.take();
  return { rows: decodeRows(rows), notes };
}

function report(mode: 'enforce' | 'permissive' = 'enforce') {
  const { model, program } = compileText(POLICY);
  return new RunReport({ model, program, mode, uriOf: (p) => `file://${p}`, command: '/bin/prog' });
}

test('a kill: the fatal row, its rule range, the sentence, summary and coverage', () => {
  const r = report();
  const events: TraceEvent[] = [
    hello('enforce'),
    { type: 'install', pid: 100, how: 'before-exec', instructions: 10 },
    call('read', [0]), call('getpid', [], '-1'), call('write', [1]), call('mprotect', [0x7f0000, 4096, 1], null),
    { type: 'killed', pid: 100, signal: 31, core: false },
    { type: 'done', status: 159, reason: 'signal', program: 159 },
  ];
  events.forEach((e, i) => r.handle(e, i));
  const { rows, notes } = take(r);
  assert.deepEqual(rows.map((x) => x.syscall), ['read', 'getpid', 'write', 'mprotect']);
  assert.deepEqual(rows.map((x) => x.kind), ['allow', 'errno', 'allow', 'kill']);
  assert.equal(rows[1]!.action, 'errno(EPERM)');
  assert.equal(rows[1]!.failed, true);
  assert.equal(rows[1]!.where, 'policy.seccomp:4');
  assert.equal(rows[0]!.where, 'policy.seccomp:2 (default)');
  const fatal = rows[3]!;
  assert.equal(r.fatalSeq, fatal.seq);
  assert.deepEqual(fatal.location, { uri: 'file:///t/policy.seccomp', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 21 } } });
  assert.ok(notes.some((n) => /killed by SIGSYS/.test(n.text)), notes.map((n) => n.text).join('\n'));
  // Rows and notes share one sequence: the client can see what was dropped.
  const seqs = [...rows, ...notes].map((x) => x.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, seqs.map((_, i) => i));
  assert.equal(r.sentence({ status: 159, stopped: false, error: undefined }), 'killed by SIGSYS: `mprotect` denied by the rule at policy.seccomp:3');
  const summary = r.summary();
  assert.deepEqual(summary.map((s) => [s.syscall, s.denied]), [['getpid', true], ['mprotect', true], ['read', false], ['write', false]]);
  assert.deepEqual(summary[0]!.decisions, { 'errno(EPERM)': 1 });
  assert.equal(summary[0]!.errors, 1);
  const coverage = r.coverage().map((c) => [c.location.range.start.line, c.count]);
  assert.deepEqual(coverage, [[2, 1], [3, 1], [4, 0], [1, 2]]);
  assert.deepEqual(take(r), { rows: [], notes: [] }, 'rows are handed out once');
});

test('a kill by the default action names it', () => {
  const { model, program } = compileText('arch x86_64\ndefault kill_process\nallow read\n');
  const r = new RunReport({ model, program, mode: 'enforce', uriOf: (p) => p, command: 'prog' });
  [hello('enforce'), call('read'), call('mprotect', [], null), { type: 'killed', pid: 100, signal: 31, core: false } as TraceEvent,
    { type: 'done', status: 159, reason: 'signal', program: 159 } as TraceEvent].forEach((e) => r.handle(e, 0));
  assert.equal(r.sentence({ status: 159, stopped: false, error: undefined }), 'killed by SIGSYS: `mprotect` denied by the default action at policy.seccomp:2');
});

test('permissive: nothing is fatal; the sentence says what would have been denied', () => {
  const r = report('permissive');
  [hello('permissive'), call('mprotect', [0, 4096, 1]), call('getpid'), call('getpid'), call('exit_group', [0], null),
    { type: 'exit', pid: 100, status: 0 } as TraceEvent, { type: 'done', status: 0, reason: 'exit', program: 0 } as TraceEvent].forEach((e) => r.handle(e, 0));
  const { rows } = take(r);
  assert.ok(rows.every((x) => x.applied === 'permissive'));
  assert.equal(r.fatalSeq, undefined);
  assert.equal(r.sentence({ status: 0, stopped: false, error: undefined }), 'exited with status 0; 3 calls would be denied (`getpid`, `mprotect`)');
});

test('one denied call is "1 call was denied", several "were"', () => {
  const once = report();
  [hello('enforce'), call('getpid', [], '-1'), call('exit_group', [0], null),
    { type: 'exit', pid: 100, status: 0 } as TraceEvent, { type: 'done', status: 0, reason: 'exit', program: 0 } as TraceEvent].forEach((e) => once.handle(e, 0));
  assert.equal(once.sentence({ status: 0, stopped: false, error: undefined }), 'exited with status 0; 1 call was denied (`getpid`)');
  const twice = report();
  [hello('enforce'), call('getpid', [], '-1'), call('getpid', [], '-1'), call('exit_group', [0], null),
    { type: 'exit', pid: 100, status: 0 } as TraceEvent, { type: 'done', status: 0, reason: 'exit', program: 0 } as TraceEvent].forEach((e) => twice.handle(e, 0));
  assert.equal(twice.sentence({ status: 0, stopped: false, error: undefined }), 'exited with status 0; 2 calls were denied (`getpid`)');
});

test('the sentence for a program that did not start, a stop, a time limit and our own failure', () => {
  const r = report();
  assert.equal(r.sentence({ status: 127, stopped: false, error: undefined, notStarted: { code: 127, message: 'prog: No such file or directory' } }), '`/bin/prog` was not found (exit 127)');
  assert.equal(r.sentence({ status: 126, stopped: false, error: undefined, notStarted: { code: 126, message: '/bin/prog: Permission denied' } }), '`/bin/prog` could not be executed (Permission denied; exit 126)');
  assert.equal(r.sentence({ status: undefined, stopped: true, error: undefined }), 'stopped from the editor; the program was killed');
  assert.equal(r.sentence({ status: undefined, stopped: false, error: 'the trace helper was killed by SIGKILL' }), 'the trace helper was killed by SIGKILL');
  const t = report();
  [hello('enforce'), { type: 'limit', what: 'timeout', value: 2 } as TraceEvent, { type: 'done', status: 124, reason: 'timeout', program: 137 } as TraceEvent].forEach((e) => t.handle(e, 0));
  assert.equal(t.sentence({ status: 124, stopped: false, error: undefined }), 'stopped at the time limit (2 s); the program was killed');
});

test('argument values kept per rule are bounded; counters do not grow with the run', () => {
  const r = report();
  r.handle(hello('enforce'), 0);
  for (let i = 0; i < 5000; i++) r.handle(call('getpid', [i % 3]), i);
  for (let i = 0; i < 5000; i++) r.handle(call('getpid', [0, i]), i);
  const seen = [...r.seenArgs.get(1)!.values()];
  assert.equal(seen.length, 1);
  assert.deepEqual([...seen[0]!.values[0]!], ['0x0', '0x1', '0x2']);
  assert.equal(seen[0]!.values[1], undefined, 'more values than the bound: no longer listed');
  assert.deepEqual([...seen[0]!.values[2]!], ['0x0']);
  assert.ok(MAX_SEEN_VALUES <= 16);
  assert.equal(take(r).rows.length, 10000);
  assert.equal(r.summary().length, 1);
  assert.equal(r.syscalls, 10000);
});
