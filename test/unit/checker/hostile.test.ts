/**
 * Issue 14's fuzz: hostile policies and include trees (deep includes,
 * fan-out, define and group chains, big shifts, long names, random bytes,
 * long operator chains). Checking and compiling each never throws, and
 * its work stays bounded: each file is read once, the spliced statements
 * stay under the limit, messages stay short. Times are in bench/fuzz.mjs.
 * Failures print the seed: replay with SEED=… .
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBounded, GENERATORS } from '../../helpers/hostile';
import { Random, seedFromEnv } from '../../helpers/random';

test('hostile policies and include trees check in bounded work and never throw', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  for (let i = 0; i < 8; i++) {
    for (const generate of GENERATORS) {
      const c = generate(r, 1);
      try {
        checkBounded(c);
      } catch (e) {
        assert.fail(`${c.shape} failed on seed ${seed}, round ${i}: ${(e as Error).stack}\n---\n${JSON.stringify(c.text.slice(0, 500))}`);
      }
    }
  }
});
