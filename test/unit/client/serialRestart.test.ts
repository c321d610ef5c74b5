// Restarts of the language server run one at a time, and requests made during one fold into one more
// (client/src/serialRestart.ts): a restart that stops a server still starting makes the language
// client fail that start and tell the user so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialRestart } from '../../../client/src/serialRestart';

/** A restart that records when it runs and finishes only when `release` is called. */
function recorder() {
  const log: string[] = [];
  let running = 0;
  const releases: (() => void)[] = [];
  let n = 0;
  const restartNow = () => {
    const id = ++n;
    running++;
    log.push(`start ${id}${running > 1 ? ' (overlapping)' : ''}`);
    return new Promise<void>((resolve) => releases.push(() => {
      running--;
      log.push(`end ${id}`);
      resolve();
    }));
  };
  const release = async () => {
    await new Promise((r) => setImmediate(r));
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { log, restartNow, release };
}

test('a restart asked for during one runs after it, never at the same time', async () => {
  const r = recorder();
  const restart = serialRestart(r.restartNow);
  const first = restart();
  await new Promise((res) => setImmediate(res));
  const second = restart();
  await r.release();
  await r.release();
  await Promise.all([first, second]);
  assert.deepEqual(r.log, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('several requests during one restart fold into one more restart', async () => {
  const r = recorder();
  const restart = serialRestart(r.restartNow);
  const first = restart();
  await new Promise((res) => setImmediate(res));
  const waits = [restart(), restart(), restart()];
  await r.release();
  await r.release();
  await Promise.all([first, ...waits]);
  assert.deepEqual(r.log, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('requests in the same moment are one restart', async () => {
  const r = recorder();
  const restart = serialRestart(r.restartNow);
  const waits = [restart(), restart()];
  await r.release();
  await Promise.all(waits);
  assert.deepEqual(r.log, ['start 1', 'end 1']);
});

test('a failed restart does not stop the next one', async () => {
  let calls = 0;
  const restart = serialRestart(async () => {
    calls++;
    if (calls === 1) throw new Error('start failed');
  });
  await restart();
  await restart();
  assert.equal(calls, 2);
});
