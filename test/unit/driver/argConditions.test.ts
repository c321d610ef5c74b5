/** Rules conditioned on the argument values a run passed (server/src/service/argConditions.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionFor, narrowRuleEdit, valueLiteral } from '../../../server/src/service/argConditions';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileText, modelOf } from '../../helpers/compile';

test('values are written as the language reads them for the argument', () => {
  const openat = getSyscall('openat')!;
  assert.equal(valueLiteral(0xffffff9cn, openat.args[0]!, 'x86_64'), '-100');
  assert.equal(valueLiteral(0x80000n, openat.args[2]!, 'x86_64'), '0x80000');
  assert.equal(valueLiteral(0o644n, openat.args[3]!, 'x86_64'), '0o644');
});

test('a condition on the seen values, by argument name, leaving out pointers and addresses', () => {
  assert.equal(
    conditionFor('openat', [{ abi: 'x86_64', registers: [['0xffffff9c'], ['0x7ffd1234'], ['0x80000', '0x0'], ['0x0']] }]),
    'dirfd == -100 && flags in (0x80000, 0x0) && mode == 0o0',
  );
  assert.equal(conditionFor('mprotect', [{ abi: 'x86_64', registers: [['0x7f0000001000'], ['0x1000'], ['0x1']] }]), 'prot == 0x1');
  // Too many distinct values: the argument is left free.
  assert.equal(conditionFor('read', [{ abi: 'x86_64', registers: [undefined, ['0x1'], ['0x10']] }]), undefined);
  assert.equal(conditionFor('nosuch', [{ abi: 'x86_64', registers: [] }]), undefined);
});

test('narrowing a rule: one conditioned rule per syscall seen, the result still checks', () => {
  const text = 'arch x86_64\ndefault kill_process\nallow openat, close, read\n';
  const { model } = compileText(text);
  const doc = { uri: 'file:///t/policy.seccomp', path: '/t/policy.seccomp', version: 1, text };
  const seen = new Map([
    ['openat', [{ abi: 'x86_64' as const, registers: [['0xffffff9c'], ['0x1'], ['0x80000'], ['0x0']] }]],
    ['close', [{ abi: 'x86_64' as const, registers: [['0x3']] }]],
  ]);
  const edit = narrowRuleEdit(model, doc, 0, seen)!;
  const out = TextDocument.applyEdits(TextDocument.create(doc.uri, 'seccomp', 1, text), edit.changes![doc.uri]!);
  assert.equal(out, 'arch x86_64\ndefault kill_process\nallow openat if dirfd == -100 && flags == 0x80000 && mode == 0o0\nallow close if fd == 3\n');
  assert.deepEqual(modelOf(out).errors, []);
  // A rule with a condition is left alone.
  const cond = compileText('arch x86_64\ndefault kill_process\nallow close if fd == 3\n');
  assert.equal(narrowRuleEdit(cond.model, { ...doc, text: 'x' }, 0, seen), undefined);
});
