// Semantic tokens, inlay hints and code lenses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEMANTIC_TOKENS_LEGEND, type ServiceSettings } from '../../../server/src/service/service';
import { fixture } from './helpers';

function check(input: string, settings: Partial<ServiceSettings> = {}) {
  const f = fixture(input, {}, settings);
  return {
    f,
    /** `text:type[+modifier…]` for every token. */
    tokens: () => {
      const data = f.service.getSemanticTokens(f.doc).data;
      const out: string[] = [];
      let line = 0;
      let ch = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i]!;
        ch = data[i] === 0 ? ch + data[i + 1]! : data[i + 1]!;
        const text = f.text.split('\n')[line]!.slice(ch, ch + data[i + 2]!);
        const mods = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, b) => data[i + 4]! & (1 << b));
        out.push(`${text}:${SEMANTIC_TOKENS_LEGEND.tokenTypes[data[i + 3]!]}${mods.map((m) => `+${m}`).join('')}`);
      }
      return out;
    },
    hints: () => f.service.getInlayHints(f.doc, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }).map((h) => `${h.position.line}:${h.position.character}=${h.label}`),
    lenses: () => f.service.getCodeLenses(f.doc).map((l) => `${l.command!.command}: ${l.command!.title}`),
  };
}

test('semantic tokens for every kind of name, deprecated for obsolete syscalls', () => {
  const c = check('arch x86_64\ndefault errno(EPERM)\ndefine RO = O_RDONLY\ngroup @g = read\nallow @g, uselib\nallow openat if flags == RO\nallow @basic-io\n');
  const t = c.tokens();
  for (const want of [
    'x86_64:type', 'errno:keyword', 'EPERM:enumMember+readonly+defaultLibrary', 'RO:variable+declaration+readonly',
    'O_RDONLY:enumMember+readonly+defaultLibrary', '@g:namespace+declaration', 'read:function+defaultLibrary', 'allow:keyword',
    '@g:namespace', 'uselib:function+deprecated+defaultLibrary', 'openat:function+defaultLibrary', 'flags:parameter',
    'RO:variable+readonly', '@basic-io:namespace+defaultLibrary',
  ]) assert.ok(t.includes(want), `${want} in ${t.join(' ')}`);
});

test('inlay hints show numbers for the first ABI, only when the setting is on', () => {
  const text = 'arch aarch64, x86_64\ndefault allow\nallow openat, read\n';
  assert.deepEqual(check(text).hints(), []);
  assert.deepEqual(check(text, { inlayHints: { syscallNumbers: true } }).hints(), ['2:12=56', '2:18=63']);
  assert.deepEqual(check(text, { inlayHints: { syscallNumbers: true }, abis: ['x86_64'] }).hints(), ['2:12=257', '2:18=0']);
});

test('code lenses: the filter size per ABI and the compile and test-run commands', () => {
  const lenses = check('arch x86_64, aarch64\ndefault errno(EPERM)\nallow read, write\n').lenses();
  assert.equal(lenses.length, 2);
  assert.match(lenses[0]!, /^seccompPolicy\.compile: BPF: x86_64 \d+ · aarch64 \d+ instructions$/);
  assert.equal(lenses[1], 'seccompPolicy.testRun: Test run…');
});

test('no size while the policy has errors; no lenses on a fragment', () => {
  assert.deepEqual(check('arch x86_64\ndefault errno(EPERM)\nallow nosuch\n').lenses(), ['seccompPolicy.compile: BPF: fix the errors to compile']);
  assert.deepEqual(check('allow read\n').lenses(), []);
});
