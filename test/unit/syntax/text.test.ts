import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../../server/src/policy/text';

describe('LineIndex', () => {
  it('counts lines with \\n, \\r\\n and lone \\r', () => {
    assert.equal(new LineIndex('').lineCount, 1);
    assert.equal(new LineIndex('a').lineCount, 1);
    assert.equal(new LineIndex('a\n').lineCount, 2);
    const li = new LineIndex('ab\ncd\r\nef\rg');
    assert.equal(li.lineCount, 4);
    assert.deepEqual([0, 1, 2, 3].map((l) => li.lineStart(l)), [0, 3, 7, 10]);
    assert.deepEqual([0, 1, 2, 3].map((l) => li.lineText(l)), ['ab', 'cd', 'ef', 'g']);
    assert.equal(new LineIndex('\r\n\r\n').lineCount, 3);
  });

  it('positionAt and offsetAt round-trip on every offset', () => {
    const text = 'allow read\r\n\r\n# ü 🙂\nx\ry';
    const li = new LineIndex(text);
    for (let off = 0; off <= text.length; off++) {
      const p = li.positionAt(off);
      // offsets inside a \r\n pair map to the end of the line
      const back = li.offsetAt(p);
      if (!(text[off - 1] === '\r' && text[off] === '\n')) assert.equal(back, off, `offset ${off}`);
    }
    assert.deepEqual(li.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(10), { line: 0, character: 10 });
    assert.deepEqual(li.positionAt(12), { line: 1, character: 0 });
    assert.deepEqual(li.positionAt(14), { line: 2, character: 0 });
  });

  it('counts UTF-16 code units, as LSP does', () => {
    const li = new LineIndex('🙂x\né');
    assert.deepEqual(li.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(li.positionAt(3), { line: 0, character: 3 });
    assert.equal(li.offsetAt({ line: 1, character: 1 }), 5);
  });

  it('clamps out-of-range input', () => {
    const li = new LineIndex('ab\ncd');
    assert.deepEqual(li.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(99), { line: 1, character: 2 });
    assert.deepEqual(li.positionAt(NaN), { line: 0, character: 0 });
    assert.equal(li.offsetAt({ line: 0, character: 99 }), 2); // end of line, before the break
    assert.equal(li.offsetAt({ line: 9, character: 0 }), 5);
    assert.equal(li.offsetAt({ line: -1, character: 3 }), 0);
    assert.equal(li.offsetAt({ line: 1, character: -3 }), 3);
    assert.equal(li.lineStart(-1), 0);
    assert.equal(li.lineStart(7), 5);
    assert.equal(new LineIndex('a\r\n').offsetAt({ line: 0, character: 5 }), 1);
  });

  it('rangeAt converts both ends', () => {
    const li = new LineIndex('a\nbcd');
    assert.deepEqual(li.rangeAt({ start: 1, end: 4 }), { start: { line: 0, character: 1 }, end: { line: 1, character: 2 } });
  });

  it('maps offsets in large texts', () => {
    const text = 'allow read, write if fd == 1\n'.repeat(100000);
    const li = new LineIndex(text);
    for (let i = 0; i < 1000; i++) {
      const off = (i * 7919) % text.length;
      assert.deepEqual(li.positionAt(off), { line: Math.floor(off / 29), character: off % 29 });
    }
    assert.deepEqual(li.positionAt(29 * 5000 + 3), { line: 5000, character: 3 });
  });
});
