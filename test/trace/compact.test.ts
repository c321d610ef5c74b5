/**
 * `--events-format compact` (docs/trace-protocol.md, "Compact records"), which the CLI and the
 * language server ask the helper for: the same runs of real programs, recorded in both formats
 * and read by the one reader (server/src/trace/events.ts), give the same events, member for
 * member and in the same order (`run --json` prints an event as it was read).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventLines, type TraceEvent } from '../../server/src/trace/events';
import { NR, RET, policy } from '../native/harness';
import { HELPER, prepare, skipReason, work } from './harness';

const skip = skipReason;
before(() => { if (!skip) prepare(); });

function record(format: 'json' | 'compact', args: string[]): { raw: string; events: TraceEvent[] } {
  const r = spawnSync(HELPER, ['--events-fd', '3', '--events-format', format, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'], cwd: work(), timeout: 20_000, maxBuffer: 64 * 1024 * 1024,
  });
  const raw = r.output?.[3]?.toString('latin1') ?? '';
  return { raw, events: parseEventLines(raw) };
}

/**
 * What of a syscall event does not depend on the run (pids, addresses, random bytes, the
 * order in which processes ran): its members in order, and the values the helper read.
 */
function projection(e: TraceEvent): string {
  if (e.type !== 'syscall') return e.type;
  const { pid: _pid, args: _args, ip: _ip, ret, buf, ...rest } = e;
  return JSON.stringify({
    keys: Object.keys(e), ...rest, failed: ret !== null && ret.startsWith('-') ? ret : undefined,
    buf: buf && e.nr !== 318 /* getrandom */ ? buf : buf && Object.keys(buf),
  });
}

function sameEvents(args: string[]): TraceEvent[] {
  const json = record('json', args);
  const compact = record('compact', args);
  assert.match(compact.raw, /^s\t/m, 'the compact stream has records');
  assert.doesNotMatch(json.raw, /^s\t/m);
  const a = json.events.map(projection).sort();
  const b = compact.events.map(projection).sort();
  assert.deepEqual(b, a);
  return compact.events;
}

test('every member a syscall event can carry reads the same from a compact record', { skip }, () => {
  const odd = join(work(), 'a "quoted"\tname\u00e9\\');
  writeFileSync(odd, 'line one\n\ttabbed \u00ff\n');
  const script = [
    `cat ${JSON.stringify(odd)} > /dev/null`, // str with escapes, buf with a tab, a newline and bytes >= 0x80
    'cat /nonexistent 2>/dev/null', // errno
    `/bin/true ${Array.from({ length: 40 }, (_, i) => `a${i}`).join(' ')}`, // argv beyond 32 entries
    'ls /usr/share > /dev/null', // truncated strings (--strings 8)
  ].join('; ');
  const allow = join(work(), 'allow.bpf');
  writeFileSync(allow, policy([]));
  const events = sameEvents(['--strings', '8', '--filter', allow, '--', '/bin/sh', '-c', script]);
  const calls = events.filter((e) => e.type === 'syscall');
  for (const member of ['str', 'argv', 'argv_truncated', 'truncated', 'buf', 'errno', 'noreturn', 'startup'] as const) {
    assert.ok(calls.some((e) => e[member] !== undefined), `a call with ${member}`);
  }
});

test('the fast path\'s seccomp member reads the same from a compact record', { skip }, () => {
  const f = join(work(), 'trace-getpid.bpf');
  writeFileSync(f, policy([[NR.getpid, RET.TRACE | 0]]));
  const events = sameEvents(['--only-decisions', '--actions', String(RET.ERRNO | 1), '--filter', f, '--', '/bin/sh', '-c', 'echo $PPID; kill -0 $$']);
  assert.ok(events.some((e) => e.type === 'syscall' && e.seccomp?.action !== undefined), 'a call with seccomp.action');
});
