import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionKind, TraceNote, TraceRow } from '../../../server/src/lsp/ext';
import { EMPTY_FILTER, type TraceFilter } from '../../../client/shared/panelProtocol';
import { FilteredView, isRow, matchesFilter, TraceStore } from '../../../client/shared/traceStore';

function row(seq: number, syscall = 'read', kind: DecisionKind = 'allow', extra: Partial<TraceRow> = {}): TraceRow {
  const action = kind === 'errno' ? 'errno(EPERM)' : kind === 'kill' ? 'kill_process' : kind;
  return {
    seq, pid: 100 + (seq % 2), time: seq, syscall, abi: 'x86_64',
    text: `${syscall}(3, "x", 1) = 1`, action, kind, where: `p.seccomp:${seq % 5 + 1}`,
    location: { uri: 'file:///p.seccomp', range: { start: { line: seq % 5, character: 0 }, end: { line: seq % 5, character: 4 } } },
    applied: 'enforced', failed: kind === 'errno', ...extra,
  };
}
const note = (seq: number, text: string): TraceNote => ({ seq, pid: 100, time: seq, text });
const f = (over: Partial<TraceFilter>): TraceFilter => ({ ...EMPTY_FILTER, ...over });

test('a store keeps at most its cap and counts what it dropped', () => {
  const store = new TraceStore(1000);
  for (let b = 0; b < 25; b++) store.add(Array.from({ length: 100 }, (_, i) => row(b * 100 + i)));
  assert.equal(store.size, 1000);
  assert.equal(store.dropped, 1500);
  assert.equal(store.total, 2500);
  assert.equal(store.at(0).seq, 1500, 'the oldest kept row is the first not dropped');
  assert.equal(store.at(999).seq, 2499);
  assert.equal(store.findRow(2000)?.seq, 2000);
  assert.equal(store.findRow(10), undefined, 'dropped rows are gone');
});

test('notes are merged with rows by seq', () => {
  const store = new TraceStore(10);
  store.add([row(0), row(2)], [note(1, '--- SIGCHLD ---'), note(3, '+++ exited with 0 +++')]);
  assert.deepEqual(store.toArray().map((i) => i.seq), [0, 1, 2, 3]);
  assert.equal(isRow(store.at(1)), false);
  assert.equal(store.findRow(1), undefined, 'a note is not a row');
  assert.equal(store.total, 4, 'items: rows and notes');
  assert.equal(store.syscalls, 2, 'the syscall count (the panel header) leaves the notes out');
});

test('the live summary counts every row, dropped or not, denied syscalls first', () => {
  const store = new TraceStore(3);
  store.add([row(0, 'read'), row(1, 'read'), row(2, 'read'), row(3, 'openat', 'errno'), row(4, 'write'), row(5, 'getdents64', 'kill')]);
  const s = store.summary();
  assert.deepEqual(s.map((r) => r.syscall), ['getdents64', 'openat', 'read', 'write'], 'denied first, then by calls, then by name');
  assert.equal(s.find((r) => r.syscall === 'read')!.calls, 3, 'dropped rows still count');
  assert.deepEqual(s.find((r) => r.syscall === 'openat')!.decisions, { 'errno(EPERM)': 1 });
  assert.equal(s.find((r) => r.syscall === 'openat')!.errors, 1);
  assert.ok(s.slice(0, 2).every((r) => r.denied));
});

test('filters: text, syscall, pid and decision; notes only pass text and pid', () => {
  const r = row(1, 'openat', 'errno');
  assert.ok(matchesFilter(r, f({ text: 'EPERM' })), 'text matches the action');
  assert.ok(matchesFilter(r, f({ text: 'P.SECCOMP' })), 'text matches the rule, case-insensitively');
  assert.ok(matchesFilter(r, f({ syscall: 'openat', pid: '101', decision: 'denied' })));
  assert.ok(!matchesFilter(r, f({ syscall: 'open' })), 'the syscall filter is exact');
  assert.ok(!matchesFilter(r, f({ pid: '100' })));
  assert.ok(!matchesFilter(r, f({ decision: 'kill' })));
  assert.ok(matchesFilter(r, f({ decision: 'errno' })));
  assert.ok(!matchesFilter(row(2, 'openat', 'errno', { applied: 'unfiltered' }), f({ decision: 'denied' })), 'before the filter nothing is denied');
  assert.ok(matchesFilter(note(3, '+++ killed by SIGSYS +++'), f({ text: 'sigsys', pid: '100' })));
  assert.ok(!matchesFilter(note(3, 'x'), f({ decision: 'denied' })));
});

test('a filtered view follows the store incrementally and forgets dropped rows', () => {
  const store = new TraceStore(100);
  const view = new FilteredView(store, f({ syscall: 'openat' }));
  store.add(Array.from({ length: 60 }, (_, i) => row(i, i % 3 === 0 ? 'openat' : 'read')));
  view.update();
  assert.equal(view.length, 20);
  store.add(Array.from({ length: 60 }, (_, i) => row(60 + i, (60 + i) % 3 === 0 ? 'openat' : 'read')));
  view.update();
  // 120 rows, the first 20 dropped: openat at 21, 24, …, 117.
  assert.equal(view.at(0).seq, 21);
  assert.equal(view.length, 33);
  assert.equal(view.indexOfSeq(24), 1);
  view.setFilter(EMPTY_FILTER);
  assert.equal(view.length, 100);
});

test('a million events through a bounded store and a filtered view keep memory bounded', () => {
  const store = new TraceStore(100_000);
  const all = new FilteredView(store, EMPTY_FILTER);
  const denied = new FilteredView(store, f({ decision: 'denied' }));
  const batch = 2_000;
  for (let b = 0; b < 1_000_000 / batch; b++) {
    const rows: TraceRow[] = [];
    for (let i = 0; i < batch; i++) {
      const seq = b * batch + i;
      rows.push(row(seq, seq % 1000 === 0 ? 'openat' : 'getpid', seq % 1000 === 0 ? 'errno' : 'allow'));
    }
    store.add(rows);
    all.update();
    denied.update();
  }
  assert.equal(store.total, 1_000_000);
  assert.equal(store.size, 100_000);
  assert.equal(store.dropped, 900_000);
  assert.equal(all.length, 100_000);
  assert.equal(denied.length, 100, 'one denied row per thousand kept');
  assert.equal(store.summary().find((r) => r.syscall === 'openat')!.calls, 1000);
});
