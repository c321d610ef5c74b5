// The rows of `seccomp/runEvents` in columns: what the server sends is what the panel shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceRow } from '../../../server/src/lsp/ext';
import { decodeRows, encodeRows, NO_ROWS, rowCount } from '../../../server/src/lsp/rowColumns';

const location = { uri: 'file:///w/p.seccomp', range: { start: { line: 4, character: 0 }, end: { line: 4, character: 12 } } };

function row(seq: number, syscall: string, kind: TraceRow['kind'] = 'allow'): TraceRow {
  const denied = kind !== 'allow';
  return {
    seq, pid: 100 + (seq % 2), time: seq * 1.25, syscall, abi: 'x86_64', text: `${syscall}() = ${denied ? '-1 EPERM (Operation not permitted)' : '0'}`,
    action: denied ? 'errno(EPERM)' : 'allow', kind, where: denied ? 'p.seccomp:2 (default)' : 'p.seccomp:5',
    location, applied: 'enforced', args: ['0x1', '0x2', '0x0', '0x0', '0x0', '0x0'], failed: denied,
  };
}

test('rows come back as they went, except the registers of allowed rows', () => {
  const rows = [row(0, 'brk'), row(1, 'getpid'), row(3, 'openat', 'errno'), row(4, 'brk')];
  const back = decodeRows(JSON.parse(JSON.stringify(encodeRows(rows))));
  const { args: _dropped, ...allowedWithoutArgs } = rows[0]!;
  assert.deepEqual(back[0], allowedWithoutArgs);
  assert.deepEqual(back[2], rows[2], 'a denied row keeps its registers, for "Allow with these arguments"');
  assert.deepEqual(back.map((r) => r.seq), [0, 1, 3, 4]);
  assert.deepEqual(back.map((r) => r.failed), [false, false, true, false]);
});

test('what rows share is sent once per batch', () => {
  const rows = Array.from({ length: 2000 }, (_, i) => row(i, i % 2 ? 'read' : 'write'));
  const c = encodeRows(rows);
  assert.equal(c.shapes.length, 2);
  assert.equal(rowCount(c), 2000);
  const objects = JSON.stringify(rows).length;
  const columns = JSON.stringify(c).length;
  assert.ok(columns * 4 < objects, `columns ${columns} bytes vs objects ${objects}`);
});

test('the same syscall decided by different rules keeps its rule per row', () => {
  const a = row(0, 'openat');
  const b = { ...row(1, 'openat', 'errno'), where: 'p.seccomp:9' };
  const back = decodeRows(encodeRows([a, b]));
  assert.deepEqual(back.map((r) => r.where), ['p.seccomp:5', 'p.seccomp:9']);
  assert.deepEqual(back.map((r) => r.action), ['allow', 'errno(EPERM)']);
});

test('times keep microseconds; an empty batch is empty', () => {
  const r = { ...row(0, 'brk'), time: 12.3456789 };
  assert.equal(decodeRows(encodeRows([r]))[0]!.time, 12.346);
  assert.equal(rowCount(encodeRows([])), 0);
  assert.deepEqual(decodeRows(NO_ROWS), []);
});
