// When the extension can run programs, and what it says when it cannot (client/src/canRun.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotRunReason } from '../../../client/src/canRun';

test('Linux and a trusted workspace: programs run', () => {
  assert.equal(cannotRunReason('linux', true), undefined);
});

test('macOS and Windows: the sentence names the platform and the way out (a Remote or WSL window)', () => {
  for (const [platform, name] of [['darwin', 'macOS'], ['win32', 'Windows']] as const) {
    const why = cannotRunReason(platform, true)!;
    assert.ok(why, platform);
    assert.match(why.message, /needs Linux/);
    assert.match(why.message, new RegExp(`runs on ${name}\\b`));
    assert.match(why.message, /Remote .* or WSL window/);
    assert.equal(why.trust, false, 'trusting the workspace would not help');
  }
});

test('an untrusted workspace on Linux: Restricted Mode, and trusting it helps', () => {
  const why = cannotRunReason('linux', false)!;
  assert.match(why.message, /Restricted Mode/);
  assert.equal(why.trust, true);
});

test('not Linux wins over trust: trusting would not make it run', () => {
  assert.equal(cannotRunReason('win32', false)!.trust, false);
});
