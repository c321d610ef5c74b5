/**
 * Finding the trace helper (server/src/driver/helper.ts) and naming a
 * helper failure (driver/trace.ts): messages that say what to do, a lost
 * execute bit restored, an explicit setting that must exist.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateHelper } from '../../../server/src/driver/helper';
import { traceFailure, type TraceOutcome } from '../../../server/src/driver/trace';
import { ProtocolError } from '../../../server/src/trace/events';

const skip = process.platform !== 'linux' ? 'the helper lookup answers "needs Linux" elsewhere' : false;
const dir = mkdtempSync(join(tmpdir(), 'seccomp-helper-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `f` with $SECCOMP_RUN_HELPER unset (a developer may have it set). */
function withoutEnv<T>(f: () => T): T {
  const saved = process.env.SECCOMP_RUN_HELPER;
  delete process.env.SECCOMP_RUN_HELPER;
  try {
    return f();
  } finally {
    if (saved !== undefined) process.env.SECCOMP_RUN_HELPER = saved;
  }
}

test('no helper built: the message names the make command for the native folder that exists', { skip }, () => {
  const root = join(dir, 'tree');
  mkdirSync(join(root, 'native'), { recursive: true });
  writeFileSync(join(root, 'native', 'Makefile'), 'all:\n');
  mkdirSync(join(root, 'dist'));
  const r = withoutEnv(() => locateHelper(undefined, join(root, 'dist')));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.reason, 'no-helper');
  assert.match(r.message, new RegExp(`make -C ${join(root, 'native').replace(/[/.]/g, '\\$&')}\``));
  assert.match(r.message, /seccompPolicy\.helper\.path/);
  assert.doesNotMatch(r.message, /dist\/native/);
});

test('a built helper without its execute bit gets it back', { skip }, () => {
  const root = join(dir, 'noexec');
  mkdirSync(join(root, 'native', 'build'), { recursive: true });
  const helper = join(root, 'native', 'build', 'seccomp-run');
  writeFileSync(helper, '#!/bin/sh\n');
  chmodSync(helper, 0o644);
  const r = withoutEnv(() => locateHelper(undefined, root));
  assert.deepEqual(r, { ok: true, path: helper });
  assert.equal(statSync(helper).mode & 0o777, 0o755);
});

test('an explicit helper path must exist; an existing one is used', { skip }, () => {
  const missing = locateHelper(join(dir, 'nope'));
  assert.ok(!missing.ok && /seccompPolicy\.helper\.path does not exist/.test(missing.message));
  const mine = join(dir, 'my-helper');
  writeFileSync(mine, '#!/bin/sh\n');
  chmodSync(mine, 0o755);
  assert.deepEqual(locateHelper(mine), { ok: true, path: mine });
});

const base: TraceOutcome = { code: 0, signal: null, interrupted: undefined, stopped: false, spawnError: undefined, protocolError: undefined };
const done = { type: 'done', status: 0, reason: 'exit', program: 0 } as const;

test('helper failures: one sentence and our exit code', () => {
  assert.equal(traceFailure(base, { done }, 'h'), undefined);
  const eacces = Object.assign(new Error('spawn h EACCES'), { code: 'EACCES' });
  assert.deepEqual(traceFailure({ ...base, spawnError: eacces }, {}, 'h'), { message: 'cannot start the trace helper h: permission denied (is it executable?)', code: 69 });
  assert.deepEqual(traceFailure({ ...base, protocolError: new ProtocolError('line 3: not JSON') }, {}, 'h'), { message: 'the trace helper\'s report could not be read (line 3: not JSON)', code: 70 });
  // The helper's own error: it printed its line; 65 (bad filter) is ours to own, 127 passes through.
  assert.deepEqual(traceFailure(base, { error: { type: 'error', code: 65, message: 'x' } }, 'h'), { message: undefined, code: 70 });
  assert.deepEqual(traceFailure(base, { error: { type: 'error', code: 127, message: 'x' } }, 'h'), { message: undefined, code: 127 });
  assert.deepEqual(traceFailure({ ...base, interrupted: 'SIGINT' }, {}, 'h'), { message: 'interrupted (SIGINT); the traced program was killed', code: 130 });
  assert.deepEqual(traceFailure({ ...base, stopped: true, code: null, signal: 'SIGTERM' }, {}, 'h'), { message: 'stopped; the traced program was killed', code: 143 });
  assert.deepEqual(traceFailure({ ...base, code: null, signal: 'SIGKILL' }, {}, 'h'), { message: 'the trace helper was killed by SIGKILL', code: 70 });
});
