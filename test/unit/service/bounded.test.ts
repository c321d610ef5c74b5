// Issue 14: checking is bounded. "Did you mean" is computed for the problems
// an editor can show, not for every unknown name of a huge policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSyscall, syscallNames } from '../../../server/src/kernel/syscalls';
import { SUGGESTION_BUDGET } from '../../../server/src/policy/semantics/suggest';
import { MAX_COMPLETION_ITEMS } from '../../../server/src/service/completion';
import { fixture } from './helpers';

test('suggestions only for the first names reported: past the budget, no "did you mean" (#14)', () => {
  // Distinct names one letter off a real syscall: every one of them has a suggestion to compute.
  const typos = new Set<string>();
  for (const s of syscallNames()) {
    for (let p = 1; p < Math.min(s.length, 6); p++) {
      const typo = `${s.slice(0, p)}q${s.slice(p + 1)}`;
      if (s.length >= 5 && !getSyscall(typo)) typos.add(typo);
    }
  }
  const names = [...typos].slice(0, SUGGESTION_BUDGET + 200);
  assert.equal(names.length, SUGGESTION_BUDGET + 200);
  const text = 'arch x86_64\ndefault allow\n' + names.map((n) => `allow ${n}\n`).join('');
  const f = fixture(text, {}, { maxNumberOfProblems: names.length + 10 });
  const unknown = f.service.analyze(f.doc).diagnostics.filter((d) => d.code === 'unknown-syscall');
  assert.equal(unknown.length, names.length);
  assert.deepEqual(unknown.slice(0, SUGGESTION_BUDGET).filter((d) => !d.suggestions?.length).map((d) => d.message), []);
  assert.deepEqual(unknown.slice(SUGGESTION_BUDGET).filter((d) => d.suggestions?.length), []);
  assert.ok(unknown.slice(SUGGESTION_BUDGET).every((d) => !/did you mean/.test(d.message)));
});

test('completion keeps only the items that fit the typed word, and says the list is incomplete (#14)', () => {
  const f = fixture('arch x86_64\ndefault allow\nallow opat|');
  const list = f.service.doComplete(f.doc, f.position);
  const labels = list.items.map((i) => i.label);
  assert.ok(labels.includes('openat'), 'letters in order, as editors filter');
  assert.ok(!labels.includes('read'));
  assert.ok(labels.length < 20, `${labels.length} items`);
  assert.equal(list.isIncomplete, true);
  const all = f.service.doComplete(f.doc, { line: 2, character: 'allow '.length });
  assert.ok(all.items.length > 300 && all.items.length <= MAX_COMPLETION_ITEMS);
});

test('settings sent again unchanged keep the analyses (no second check at start) (#14)', () => {
  const f = fixture('arch x86_64\ndefault allow\nallow read\n');
  f.service.analyze(f.doc);
  f.service.configure({ ...f.service.settings });
  assert.equal(f.service.isAnalyzed(f.doc), true);
  f.service.configure({ maxNumberOfProblems: 7 });
  assert.equal(f.service.isAnalyzed(f.doc), false);
});
