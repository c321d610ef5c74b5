/** Hovers that explain: actions in under 60 words, constants with their meaning, numbers, groups. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, textOf } from './helpers';

const HEAD = 'arch x86_64, aarch64\ndefault errno(EPERM)\n';

/** The hover's markdown at `|` (and the text its range covers), or undefined. */
function check(input: string) {
  const f = fixture(input);
  const h = f.service.doHover(f.doc, f.position);
  if (!h) return undefined;
  return { value: (h.contents as { value: string }).value, span: h.range ? textOf(f, h.range) : '' };
}

test('action hovers stay under 60 words and still name the kernel value', () => {
  for (const a of ['allow', 'log', 'errno(EPERM)', 'trap', 'trace', 'notify', 'kill_thread', 'kill_process', 'kill']) {
    const name = a.replace(/\(.*/, '');
    const h = check(`${HEAD}${name.slice(0, 1)}|${a.slice(1)} read\n`)!;
    const words = h.value.split(/\s+/).filter(Boolean).length;
    assert.ok(words < 60, `${name}: ${words} words`);
    assert.match(h.value, /SECCOMP_RET_/, name);
  }
});
