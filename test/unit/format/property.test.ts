/**
 * Property test: random valid policies, written with random spacing, line
 * breaks, blank lines and comments, format to text that parses cleanly,
 * compiles to the same program, keeps every comment, and is a fixed point.
 * Replay a failure with SEED=… (the seed is in the test name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicy } from '../../../server/src/policy/format';
import { Random, seedFromEnv } from '../../helpers/random';
import { randomPolicy as policy } from './generate';
import { assertFormatsSafely } from './helpers';

const P = '/t/policy.seccomp';

const seed = seedFromEnv();

test(`random policies format safely (seed ${seed})`, () => {
  const r = new Random(seed);
  let formatted = 0;
  for (let i = 0; i < 300; i++) {
    const text = policy(r);
    const result = formatPolicy(text);
    assert.ok(!('error' in result), `generator made an invalid policy (seed ${seed}, case ${i}):\n${text}\n${'error' in result ? result.error : ''}`);
    const maxLineLength = r.pick([100, 100, 60, 30]);
    assertFormatsSafely(P, text, { maxLineLength, indent: r.pick([2, 4]) });
    formatted++;
  }
  assert.equal(formatted, 300);
});

test(`random policies: the formatted text does not depend on the input's layout (seed ${seed})`, () => {
  // Two random layouts of the same statements format to the same text when they have no comments.
  for (let i = 0; i < 100; i++) {
    const r1 = new Random(seed + i);
    const text = policy(r1).replace(/#[^\r\n]*/g, '');
    const canonical = formatPolicy(text);
    assert.ok(!('error' in canonical));
    const squashed = text.replace(/,[ \t]*(\r?\n\s*)+/g, ', ').replace(/(&&|\|\||\bif|=|\bexcept)[ \t]*(\r?\n\s*)+/g, '$1 ').replace(/[ \t]+/g, ' ');
    const again = formatPolicy(squashed);
    assert.ok(!('error' in again), squashed);
    assert.equal(again.text, canonical.text, `layout leaked into the result (seed ${seed + i}):\n${text}`);
  }
});
