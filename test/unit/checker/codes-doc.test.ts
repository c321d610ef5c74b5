import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SYNTAX_CODES } from '../../../server/src/policy/syntax/lexer';
import { SEMANTIC_CODES } from '../../../server/src/policy/codes';

test('docs/diagnostics.md lists exactly the codes the core can report', () => {
  const doc = readFileSync('docs/diagnostics.md', 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  const codes = new Set([...Object.keys(SYNTAX_CODES), ...Object.keys(SEMANTIC_CODES)]);
  assert.deepEqual([...codes].filter((c) => !documented.has(c)), [], 'codes missing from the doc');
  assert.deepEqual([...documented].filter((c) => !codes.has(c)), [], 'documented codes that do not exist');
});
