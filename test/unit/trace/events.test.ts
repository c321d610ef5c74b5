/** The event-stream parser on recorded helper output: chunking, versions, bad lines, byte strings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventParser, ProtocolError, bytesOf, parseEventLines, regNumber, type TraceEvent } from '../../../server/src/trace/events';

const FIXTURES = join(__dirname, 'fixtures');
const recorded = readFileSync(join(FIXTURES, 'ls-permissive.jsonl'));

test('a recorded stream parses into hello … done', () => {
  const events = parseEventLines(recorded.toString('latin1'));
  assert.equal(events.length, 150);
  assert.equal(events[0]!.type, 'hello');
  assert.equal(events.at(-1)!.type, 'done');
});

test('any chunking gives the same events (lines split across chunks)', () => {
  const whole = parseEventLines(recorded.toString('latin1'));
  for (const size of [1, 7, 100, 4096]) {
    const got: TraceEvent[] = [];
    const p = new EventParser((e) => got.push(e));
    for (let i = 0; i < recorded.length; i += size) p.push(recorded.subarray(i, i + size));
    p.end();
    assert.deepEqual(got, whole, `chunks of ${size}`);
  }
});

test('a last line without a newline is read at the end', () => {
  const got: TraceEvent[] = [];
  const p = new EventParser((e) => got.push(e));
  p.push('{"type":"hello","version":1,"pid":1}\n{"type":"done","status":0,"reason":"exit","program":0}');
  assert.equal(got.length, 1);
  p.end();
  assert.equal(got.length, 2);
});

test('another protocol version is refused with a clear message', () => {
  assert.throws(() => parseEventLines('{"type":"hello","version":2,"pid":1}\n'), (e: unknown) =>
    e instanceof ProtocolError && /version 2; this seccomp-policy reads version 1/.test(e.message));
});

test('malformed lines and a missing hello are errors; error/done without hello are fine', () => {
  assert.throws(() => parseEventLines('{"type":"hello","version":1}\n{"type":"syscall",\n'), ProtocolError);
  assert.throws(() => parseEventLines('[1,2]\n'), ProtocolError);
  assert.throws(() => parseEventLines('{"type":"syscall","pid":1}\n'), /does not start with a hello/);
  const ev = parseEventLines('{"type":"error","code":127,"message":"x: not found"}\n{"type":"done","status":127,"reason":"error","program":-1}\n');
  assert.deepEqual(ev.map((e) => e.type), ['error', 'done']);
});

test('strings are byte strings (latin1): \\u00XX escapes are bytes', () => {
  const ev = parseEventLines('{"type":"hello","version":1}\n{"type":"syscall","pid":1,"abi":3221225534,"nr":0,"args":[],"ip":"0x0","ret":"2","buf":{"1":"\\u00ff\\u0000"}}\n');
  const s = ev[1]!.type === 'syscall' ? ev[1]!.buf!['1']! : '';
  assert.deepEqual([...bytesOf(s)], [0xff, 0]);
  // Raw bytes ≥ 0x80 in a chunk (not produced by the helper, but tolerated) decode one char per byte.
  const got: TraceEvent[] = [];
  const p = new EventParser((e) => got.push(e));
  p.push(Buffer.concat([Buffer.from('{"type":"hello","version":1,"path":"'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
  assert.equal((got[0] as { path: string }).path.charCodeAt(0), 0xe9);
});

test('regNumber', () => {
  assert.equal(regNumber('0x0'), 0);
  assert.equal(regNumber('0xffffff9c'), 0xffffff9c);
  assert.equal(regNumber('0x1fffffffffffff'), 2 ** 53 - 1);
  assert.equal(regNumber('0xffffffffffffffff'), undefined);
});
