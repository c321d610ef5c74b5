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

// `--events-format compact` (docs/trace-protocol.md, "Compact records"): each record below and the
// JSON line the helper writes for the same call must read as the same event, members in the same
// order (`run --json` prints the event as it was read).
const HELLO = '{"type":"hello","version":1,"pid":7}\n';
const PAIRS: readonly (readonly [string, string])[] = [
  ['s\t7\t3221225534\t39\t0x0\t0x1\t0x2\t0x3\t0x4\t0xffffffffffffffff\t0x7f00\tr7',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":39,"args":["0x0","0x1","0x2","0x3","0x4","0xffffffffffffffff"],"ip":"0x7f00","ret":"7"}'],
  ['s\t7\t3221225534\t257\t0xffffff9c\t0x10\t0x241\t0x1b6\t0x0\t0x0\t0x7f00\tS1:/tmp/a "b"\\t\u00e9\tr-13\tE13',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":257,"args":["0xffffff9c","0x10","0x241","0x1b6","0x0","0x0"],"ip":"0x7f00","str":{"1":"/tmp/a \\"b\\"\\t\\u00e9"},"ret":"-13","errno":13}'],
  ['s\t7\t3221225534\t265\t0x1\t0x0\t0x2\t0x3\t0x0\t0x0\t0x7f00\tS1\tS3:\tt3\tr0',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":265,"args":["0x1","0x0","0x2","0x3","0x0","0x0"],"ip":"0x7f00","str":{"1":null,"3":""},"truncated":[3],"ret":"0"}'],
  ['s\t7\t3221225534\t59\t0x10\t0x20\t0x30\t0x0\t0x0\t0x0\t0x7f00\tS0:/bin/x\tA\ta:x\ta\ta:\\\\n\tT\tt0\tr0',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":59,"args":["0x10","0x20","0x30","0x0","0x0","0x0"],"ip":"0x7f00","str":{"0":"/bin/x"},"argv":["x",null,"\\\\n"],"argv_truncated":true,"truncated":[0],"ret":"0"}'],
  ['s\t7\t3221225534\t59\t0x10\t0x0\t0x0\t0x0\t0x0\t0x0\t0x7f00\tS0:/bin/x\tA\tn',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":59,"args":["0x10","0x0","0x0","0x0","0x0","0x0"],"ip":"0x7f00","str":{"0":"/bin/x"},"argv":[],"ret":null,"noreturn":true}'],
  ['s\t7\t3221225534\t0\t0x0\t0x10\t0x1\t0x0\t0x0\t0x0\t0x7f00\tB1:\u0000\\n\r\\\\\tr1',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":0,"args":["0x0","0x10","0x1","0x0","0x0","0x0"],"ip":"0x7f00","buf":{"1":"\\u0000\\n\\r\\\\"},"ret":"1"}'],
  ['s\t7\t3221225534\t157\t0x26\t0x1\t0x0\t0x0\t0x0\t0x0\t0x40b0d4\tr0\tU',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":157,"args":["0x26","0x1","0x0","0x0","0x0","0x0"],"ip":"0x40b0d4","ret":"0","startup":true}'],
  ['s\t7\t1073741827\t-1\t0x0\t0x0\t0x0\t0x0\t0x0\t0x0\t0x8049000\tn\tD2',
    '{"type":"syscall","pid":7,"abi":1073741827,"nr":-1,"args":["0x0","0x0","0x0","0x0","0x0","0x0"],"ip":"0x8049000","ret":null,"noreturn":true,"seccomp":{"data":2}}'],
  ['s\t7\t3221225534\t83\t0x10\t0x1ff\t0x0\t0x0\t0x0\t0x0\t0x7f00\tS0:d\tr-1\tE1\tD0\tX0x50001',
    '{"type":"syscall","pid":7,"abi":3221225534,"nr":83,"args":["0x10","0x1ff","0x0","0x0","0x0","0x0"],"ip":"0x7f00","str":{"0":"d"},"ret":"-1","errno":1,"seccomp":{"data":0,"action":"0x50001"}}'],
];

test('a compact record reads as the event of its JSON line, members in the same order', () => {
  for (const [compact, json] of PAIRS) {
    const [a] = parseEventLines(HELLO + compact + '\n').slice(1);
    const [b] = parseEventLines(HELLO + json + '\n').slice(1);
    assert.equal(JSON.stringify(a), JSON.stringify(b), compact);
  }
});

test('compact records and JSON lines mix, in any chunking', () => {
  const stream = HELLO + PAIRS.map(([c, j]) => `${c}\n${j}\n`).join('') + '{"type":"done","status":0,"reason":"exit","program":0}\n';
  const whole = parseEventLines(stream);
  assert.equal(whole.length, 2 + 2 * PAIRS.length);
  for (const size of [1, 5, 64]) {
    const got: TraceEvent[] = [];
    const p = new EventParser((e) => got.push(e));
    for (let i = 0; i < stream.length; i += size) p.push(stream.slice(i, i + size));
    p.end();
    assert.deepEqual(got, whole, `chunks of ${size}`);
  }
});

test('a compact record before the hello, with an unknown field or a bad number is an error', () => {
  assert.throws(() => parseEventLines(PAIRS[0]![0] + '\n'), /does not start with a hello/);
  assert.throws(() => parseEventLines(HELLO + PAIRS[0]![0] + '\tQ1\n'), (e: unknown) => e instanceof ProtocolError && /malformed event line 2/.test(e.message));
  assert.throws(() => parseEventLines(HELLO + 's\tx\t3221225534\t0\t0x0\t0x0\t0x0\t0x0\t0x0\t0x0\t0x0\tr0\n'), ProtocolError);
  assert.throws(() => parseEventLines(HELLO + 's\t7\t3221225534\t0\t0x0\n'), ProtocolError);
  assert.throws(() => parseEventLines(HELLO + 's\t7\t3221225534\t0\t0x0\t0x0\t0x0\t0x0\t0x0\t0x0\t0x0\tB1\n'), ProtocolError);
});
