import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, SYNTAX_CODES, type Token } from '../../../server/src/policy/syntax/lexer';

function kinds(text: string): string[] {
  return tokenize(text).tokens.map((t) => (t.kind === 'identifier' || t.kind === 'integer' || t.kind === 'group' ? `${t.kind}:${t.text}` : t.kind));
}
function only(text: string): Token {
  const r = tokenize(text);
  assert.equal(r.tokens.length, 2, `expected one token in ${JSON.stringify(text)}: ${r.tokens.map((t) => t.kind).join(' ')}`);
  return r.tokens[0]!;
}
function errors(text: string): [string, string][] {
  return tokenize(text).diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]);
}

describe('lexer: tokens', () => {
  it('identifiers, keywords are plain identifiers', () => {
    assert.deepEqual(kinds('allow read_2 _x KILL'), ['identifier:allow', 'identifier:read_2', 'identifier:_x', 'identifier:KILL', 'eof']);
  });

  it('group names', () => {
    const t = only('@basic-io_2');
    assert.equal(t.kind, 'group');
    assert.equal(t.stringValue, 'basic-io_2');
    assert.equal(t.text, '@basic-io_2');
    assert.equal(only('@0day').stringValue, '0day');
    assert.equal(only('@net').malformed, undefined);
  });

  it('integers in every base, with separators, as bigint', () => {
    const cases: [string, bigint][] = [
      ['0', 0n], ['42', 42n], ['1_000_000', 1000000n], ['0x1F', 31n], ['0XfF', 255n], ['0xdead_beef', 0xdeadbeefn],
      ['0o755', 0o755n], ['0O17', 15n], ['0b1010', 10n], ['0B1_0', 2n],
      ['0xffffffffffffffff', 0xffffffffffffffffn],
      ['123456789012345678901234567890123456789', 123456789012345678901234567890123456789n],
    ];
    for (const [text, value] of cases) {
      const t = only(text);
      assert.equal(t.kind, 'integer', text);
      assert.equal(t.value, value, text);
      assert.equal(t.text, text);
      assert.equal(t.malformed, undefined, text);
    }
  });

  it('strings with escapes', () => {
    const t = only('"a\\"b\\\\c d"');
    assert.equal(t.kind, 'string');
    assert.equal(t.stringValue, 'a"b\\c d');
    assert.equal(only('""').stringValue, '');
    assert.equal(only('"héllo 🙂"').stringValue, 'héllo 🙂');
  });

  it('every operator, longest match first', () => {
    assert.deepEqual(kinds('== != < <= > >= << >> & | ~ ! && || - = , ( )').slice(0, -1),
      ['==', '!=', '<', '<=', '>', '>=', '<<', '>>', '&', '|', '~', '!', '&&', '||', '-', '=', ',', '(', ')']);
    assert.deepEqual(kinds('a&&&b').slice(0, -1), ['identifier:a', '&&', '&', 'identifier:b']);
    assert.deepEqual(kinds('<<=!==').slice(0, -1), ['<<', '=', '!=', '=']);
    assert.deepEqual(kinds('-1').slice(0, -1), ['-', 'integer:1']);
  });

  it('newlines are tokens: \\n, \\r\\n and \\r', () => {
    const r = tokenize('a\nb\r\nc\rd');
    assert.deepEqual(r.tokens.map((t) => t.kind), ['identifier', 'newline', 'identifier', 'newline', 'identifier', 'newline', 'identifier', 'eof']);
    assert.deepEqual(r.tokens.filter((t) => t.kind === 'newline').map((t) => [t.start, t.end]), [[1, 2], [3, 5], [6, 7]]);
  });

  it('comments are collected separately, up to the line break', () => {
    const text = '# head\nallow read # tail\r\n#\n';
    const r = tokenize(text);
    assert.deepEqual(r.comments.map((c) => c.text), ['# head', '# tail', '#']);
    for (const c of r.comments) assert.equal(text.slice(c.start, c.end), c.text);
    assert.deepEqual(r.tokens.map((t) => t.kind), ['newline', 'identifier', 'identifier', 'newline', 'newline', 'eof']);
    assert.equal(r.diagnostics.length, 0);
  });

  it('a `#` inside a string is not a comment', () => {
    const r = tokenize('include "a#b"');
    assert.equal(r.comments.length, 0);
    assert.equal(r.tokens[1]!.stringValue, 'a#b');
  });

  it('exact offsets; tabs, form feeds and a leading BOM are blanks', () => {
    const text = '\ufeffallow\tread,\fwrite';
    const r = tokenize(text);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.tokens.map((t) => [t.start, t.end, text.slice(t.start, t.end)]),
      [[1, 6, 'allow'], [7, 11, 'read'], [11, 12, ','], [13, 18, 'write'], [18, 18, '']]);
  });

  it('ends with one eof token, also for empty text', () => {
    assert.deepEqual(kinds(''), ['eof']);
    assert.deepEqual(tokenize('   ').tokens, [{ kind: 'eof', start: 3, end: 3, text: '' }]);
  });
});

describe('lexer: errors', () => {
  it('invalid characters: one diagnostic per run, surrogate pairs kept whole', () => {
    assert.deepEqual(errors('allow $read'), [['invalid-character', '$']]);
    assert.deepEqual(errors('a $%. b'), [['invalid-character', '$%.']]);
    assert.deepEqual(errors('a 🙂 b'), [['invalid-character', '🙂']]);
    assert.deepEqual(errors('a\u0000b'), [['invalid-character', '\u0000']]);
    const r = tokenize('a ; b');
    assert.match(r.diagnostics[0]!.message, /no `;` is needed/);
    assert.equal(r.tokens[1]!.kind, 'invalid');
    assert.match(tokenize('\u00a0').diagnostics[0]!.message, /U\+00A0.*non-breaking space/);
    assert.match(tokenize('x\ufeff').diagnostics[0]!.message, /U\+FEFF/);
  });

  it('unterminated strings stop at the end of the line', () => {
    const text = 'include "abc  \nallow read';
    assert.deepEqual(errors(text), [['unterminated-string', '"abc  ']]);
    const r = tokenize(text);
    assert.equal(r.tokens[1]!.stringValue, 'abc  ');
    assert.equal(r.tokens[1]!.malformed, true);
    assert.equal(r.tokens[2]!.kind, 'newline');
    assert.deepEqual(errors('"a\\'), [['unterminated-string', '"a\\']]);
    assert.deepEqual(errors('"a\\"'), [['unterminated-string', '"a\\"']]);
  });

  it('invalid escapes are reported and kept as written', () => {
    assert.deepEqual(errors('"a\\nb\\tc"'), [['invalid-escape', '\\n'], ['invalid-escape', '\\t']]);
    assert.equal(only('"a\\nb"').stringValue, 'a\\nb');
    assert.deepEqual(errors('"\\🙂"'), [['invalid-escape', '\\🙂']]);
  });

  it('invalid numbers: empty prefix, bad digits, misplaced `_`, leading zero', () => {
    for (const bad of ['0x', '0b', '0o', '12ab', '0b102', '0o8', '0xg', '1__0', '1_', '0x_1', '0755', '00', '5read']) {
      assert.deepEqual(errors(bad), [['invalid-number', bad]], bad);
      const t = only(bad);
      assert.equal(t.kind, 'integer');
      assert.equal(t.malformed, true);
      assert.equal(t.value, 0n);
    }
    assert.match(tokenize('0755').diagnostics[0]!.message, /`0o755` for octal/);
    assert.match(tokenize('09').diagnostics[0]!.message, /write `9`/);
    assert.match(tokenize('0b102').diagnostics[0]!.message, /`2` is not a binary digit/);
  });

  it('invalid group names', () => {
    assert.deepEqual(errors('@Foo'), [['invalid-group-name', '@Foo']]);
    assert.match(tokenize('@Foo').diagnostics[0]!.message, /did you mean `@foo`/);
    assert.deepEqual(errors('@ x'), [['invalid-group-name', '@']]);
    assert.deepEqual(errors('@_x'), [['invalid-group-name', '@_x']]);
    assert.deepEqual(errors('@-x'), [['invalid-group-name', '@-x']]);
    assert.equal(only('@Foo').malformed, true);
  });

  it('every code it reports is listed in SYNTAX_CODES', () => {
    const all = errors('$ "a\\q" 0x @A "b');
    assert.deepEqual(all.map((e) => e[0]), ['invalid-character', 'invalid-escape', 'invalid-number', 'invalid-group-name', 'unterminated-string']);
    for (const [code] of all) assert.ok(code in SYNTAX_CODES);
  });
});
