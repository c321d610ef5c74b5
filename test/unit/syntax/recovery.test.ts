import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, SYNTAX_CODES } from '../../../server/src/policy/syntax/parser';
import type * as A from '../../../server/src/policy/syntax/ast';
import { checkRanges, diags, sexpr, src } from './helpers';

function parse(text: string) {
  const r = parsePolicy(text);
  checkRanges(text, r);
  return r;
}
function firstRule(text: string): A.RuleStatement {
  const s = parse(text).file.statements[0];
  assert.ok(s && s.kind === 'RuleStatement', 'expected a rule');
  return s;
}
/** One diagnostic: [code, covered text, start]. */
function one(text: string): [string, string, number] {
  const d = diags(text);
  assert.equal(d.length, 1, `expected exactly one diagnostic for ${JSON.stringify(text)}: ${JSON.stringify(d)}`);
  return d[0]!;
}

describe('recovery: several errors per file', () => {
  it('three errors on three lines: exactly three diagnostics, valid statements kept', () => {
    const text = [
      'default errno(EPERM)',
      'allow read,',              // line 2: trailing comma, then a statement
      'allow write',
      'alow close',               // line 4: unknown statement
      'allow mmap if prot &',     // line 5: missing operand
      'allow openat if flags & O_ACCMODE == O_RDONLY',
      '',
    ].join('\n');
    const r = parse(text);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start, d.range.end]), [
      ['expected-syscall', text.indexOf('read,') + 5, text.indexOf('read,') + 5],
      ['unknown-statement', text.indexOf('alow'), text.indexOf('alow') + 4],
      ['expected-expression', text.indexOf('prot &') + 6, text.indexOf('prot &') + 6],
    ]);
    assert.equal(r.diagnostics[1]!.suggestions?.[0], 'allow');
    assert.match(r.diagnostics[1]!.message, /neither a statement keyword .* nor an action .*did you mean `allow`/);
    const kinds = r.file.statements.map((s) => (s.kind === 'RuleStatement' ? `${s.action.name} ${src(text, s.list)}` : s.kind));
    assert.deepEqual(kinds, ['DefaultStatement', 'allow read,', 'allow write', 'allow mmap', 'allow openat']);
    const mmap = r.file.statements[3] as A.RuleStatement;
    assert.equal(sexpr(mmap.condition), '(& prot ?)');
  });

  it('at most one diagnostic per statement for junk, one per offset overall', () => {
    assert.deepEqual(diags('allow read if fd == 1 foo bar (baz'), [['unexpected-token', 'foo', 22]]);
    assert.equal(diags('allow ,,,,,,,,').length, 1);
    assert.equal(diags('allow read if ((((((').length, 1);
    assert.equal(diags('allow read if a == == == 1').length, 1);
  });

  it('junk skipping follows continuations, so the next line is not a second error', () => {
    assert.deepEqual(diags('allow read if a b &&\n  c == 1\nallow x').map((d) => d[0]), ['unexpected-token']);
    assert.deepEqual(diags('alow read,\n  write\nallow x').map((d) => d[0]), ['unknown-statement']);
    assert.deepEqual(diags('allow read if (a b\n  || c)\nallow x').map((d) => d[0]), ['expected-token']);
  });

  it('lexer errors are not reported again by the parser', () => {
    assert.deepEqual(diags('allow read if fd == 0x'), [['invalid-number', '0x', 20]]);
    assert.deepEqual(diags('allow $ read'), [['invalid-character', '$', 6]]);
    assert.deepEqual(diags('allow read $'), [['invalid-character', '$', 11]]);
    assert.deepEqual(diags('$$'), [['invalid-character', '$$', 0]]);
    assert.deepEqual(diags('allow @Net'), [['invalid-group-name', '@Net', 6]]);
    const r = firstRule('allow read if fd == 12ab');
    const lit = (r.condition as A.BinaryExpression).right as A.IntegerLiteral;
    assert.equal(lit.malformed, true);
    assert.equal(((firstRule('allow @Net').list!.items[0]) as A.GroupName).malformed, true);
  });
});

describe('recovery: each code', () => {
  it('missing-list', () => {
    assert.deepEqual(one('allow'), ['missing-list', '', 5]);
    assert.deepEqual(one('allow if fd == 0'), ['missing-list', '', 5]);
    const r = firstRule('allow if fd == 0');
    assert.equal(r.list, undefined);
    assert.equal(sexpr(r.condition), '(== fd 0)');
    assert.deepEqual(one('allow except read'), ['missing-list', '', 5]);
    assert.deepEqual(firstRule('allow except read').list!.except!.map((i) => (i as A.Identifier).name), ['read']);
  });

  it('expected-syscall', () => {
    assert.deepEqual(one('allow read,'), ['expected-syscall', '', 11]);
    assert.deepEqual(one('allow read, if x'), ['expected-syscall', 'if', 12]);
    assert.deepEqual(one('allow 42'), ['expected-syscall', '42', 6]);
    assert.deepEqual(one('allow read except'), ['expected-syscall', '', 17]);
    assert.deepEqual(firstRule('allow read except').list!.except, []);
    assert.deepEqual(one('group @g ='), ['expected-syscall', '', 10]);
    // an empty slot is reported, the items around it are kept
    assert.deepEqual(one('allow read,,write'), ['expected-syscall', ',', 11]);
    assert.equal(firstRule('allow read,,write').list!.items.length, 2);
  });

  it('expected-token: a missing comma is reported and the list goes on', () => {
    assert.deepEqual(one('allow read write'), ['expected-token', '', 10]);
    assert.equal(firstRule('allow read write').list!.items.length, 2);
    assert.deepEqual(one('arch x86_64 aarch64'), ['expected-token', '', 11]);
    assert.deepEqual(one('allow x if a in (1 2)'), ['expected-token', '', 18]);
  });

  it('expected-token: parentheses', () => {
    assert.deepEqual(one('allow x if (a == 1'), ['expected-token', '', 18]);
    assert.deepEqual(one('default errno(EPERM'), ['expected-token', '', 19]);
    // `errno(EPERM read`: the `)` is missing, the list is kept
    assert.deepEqual(one('errno(EPERM read'), ['expected-token', '', 11]);
    const r = firstRule('errno(EPERM read');
    assert.equal(sexpr(r.action.argument), 'EPERM');
    assert.equal(r.list!.items.length, 1);
    // junk before a `)` on the same line is skipped
    assert.deepEqual(one('allow x if (a == 1 b c) && d'), ['expected-token', 'b', 19]);
    assert.equal(sexpr(firstRule('allow x if (a == 1 b c) && d').condition), '(&& [(== a 1)] d)');
  });

  it('expected-token: operands of errno/trace need parentheses', () => {
    assert.deepEqual(one('errno EPERM read'), ['expected-token', '', 5]);
    const r = firstRule('errno EPERM read');
    assert.equal(sexpr(r.action.argument), 'EPERM');
    assert.equal(src('errno EPERM read', r.action), 'errno EPERM');
    assert.deepEqual(one('default errno'), ['expected-token', '', 13]);
    assert.deepEqual(one('trace read'), ['expected-token', '', 5]);
    assert.deepEqual(one('trap 5 read'), ['expected-token', '', 4]);
    assert.deepEqual(one('errno() read'), ['expected-expression', ')', 6]);
  });

  it('expected-token: define and group need `=`', () => {
    assert.deepEqual(one('define X 5'), ['expected-token', '', 8]);
    const d = parse('define X 5').file.statements[0] as A.DefineStatement;
    assert.equal(sexpr(d.value), '5');
    assert.deepEqual(one('define X'), ['expected-token', '', 8]);
    assert.deepEqual(one('group @g read'), ['expected-token', '', 8]);
    assert.deepEqual(one('group @g'), ['expected-token', '', 8]);
    assert.deepEqual(one('allow x if a not (1)'), ['expected-token', '', 16]);
    assert.deepEqual(one('allow x if a in 1'), ['expected-token', '1', 16]);
  });

  it('expected-expression, with partial nodes', () => {
    assert.deepEqual(one('allow x if'), ['expected-expression', '', 10]);
    assert.equal(firstRule('allow x if').condition, undefined);
    assert.deepEqual(one('allow x if flags & O_ACCMODE =='), ['expected-expression', '', 31]);
    const r = firstRule('allow x if flags & O_ACCMODE ==');
    assert.equal(sexpr(r.condition), '(== (& flags O_ACCMODE) ?)');
    assert.equal(src('allow x if flags & O_ACCMODE ==', r.condition), 'flags & O_ACCMODE ==');
    assert.deepEqual(one('allow x if a == )'), ['expected-expression', ')', 16]);
    assert.deepEqual(one('allow x if a && || b'), ['expected-expression', '||', 16]);
    assert.equal(sexpr(firstRule('allow x if a && || b').condition), '(|| (&& a ?) b)');
    assert.deepEqual(one('allow x if !'), ['expected-expression', '', 12]);
    assert.equal(sexpr(firstRule('allow x if !').condition), '(! ?)');
    assert.deepEqual(one('allow x if -'), ['expected-expression', '', 12]);
    assert.deepEqual(one('allow x if ()'), ['expected-expression', ')', 12]);
    assert.deepEqual(one('allow x if a in ()'), ['expected-expression', ')', 17]);
    assert.deepEqual(one('define X ='), ['expected-expression', '', 10]);
    assert.deepEqual(one('allow x if @net'), ['expected-expression', '@net', 11]);
  });

  it('expected-action', () => {
    assert.deepEqual(one('default'), ['expected-action', '', 7]);
    assert.deepEqual(one('badarch 3'), ['expected-action', '3', 8]);
    const r = parse('default EPERM');
    assert.equal(r.diagnostics[0]!.code, 'expected-action');
    assert.deepEqual(r.diagnostics[0]!.suggestions, ['errno(EPERM)']);
    assert.deepEqual(parse('default deny').diagnostics[0]!.suggestions, ['errno(EPERM)', 'kill_process']);
    assert.deepEqual(parse('default kil_process').diagnostics[0]!.suggestions, ['kill_process']);
  });

  it('expected-abi, expected-string, expected-identifier, expected-group-name, expected-number', () => {
    assert.deepEqual(one('arch'), ['expected-abi', '', 4]);
    assert.deepEqual(one('arch x86_64,'), ['expected-abi', '', 12]);
    assert.deepEqual(one('arch "x86_64"'), ['expected-abi', '"x86_64"', 5]);
    assert.deepEqual(one('include'), ['expected-string', '', 7]);
    assert.deepEqual(one('include common'), ['expected-string', 'common', 8]);
    // an unquoted path is one error over the whole path (lexer errors inside it dropped), with the fix
    assert.deepEqual(one('include common/x.seccomp # c'), ['expected-string', 'common/x.seccomp', 8]);
    assert.deepEqual(parse('include common/x.seccomp').diagnostics[0]!.suggestions, ['"common/x.seccomp"']);
    assert.deepEqual(one("include 'x'"), ['expected-string', "'x'", 8]);
    assert.deepEqual(parse("include 'x'").diagnostics[0]!.suggestions, ['"x"']);
    assert.deepEqual(one('define = 3'), ['expected-identifier', '=', 7]);
    assert.deepEqual(one('define 3 = 3'), ['expected-identifier', '3', 7]);
    assert.deepEqual(one('group net = read'), ['expected-group-name', 'net', 6]);
    assert.deepEqual(parse('group net = read').diagnostics[0]!.suggestions, ['@net']);
    const g = parse('group net = read').file.statements[0] as A.GroupStatement;
    assert.equal(g.name, undefined);
    assert.equal(g.list!.items.length, 1);
    assert.deepEqual(one('group = read'), ['expected-group-name', '=', 6]);
    assert.deepEqual(one('allow syscall(FOO)'), ['expected-number', 'FOO', 14]);
    assert.deepEqual(one('allow syscall(-1)'), ['expected-number', '-', 14]);
    assert.deepEqual(one('allow syscall(1'), ['expected-token', '', 15]);
  });

  it('expected-statement and unknown-statement', () => {
    assert.deepEqual(one('42 read'), ['expected-statement', '42', 0]);
    assert.deepEqual(one('== x'), ['expected-statement', '==', 0]);
    assert.deepEqual(one('"x"'), ['expected-statement', '"x"', 0]);
    const g = parse('@net = read, write');
    assert.equal(g.diagnostics[0]!.code, 'expected-statement');
    assert.match(g.diagnostics[0]!.message, /group @net = /);
    assert.deepEqual(one('read'), ['unknown-statement', 'read', 0]);
    assert.match(parse('read').diagnostics[0]!.message, /`read` is neither a statement keyword .* nor an action/);
    assert.deepEqual(parse('defualt allow').diagnostics[0]!.suggestions, ['default']);
    assert.deepEqual(parse('deny read').diagnostics[0]!.suggestions, ['errno(EPERM)', 'kill_process']);
    assert.deepEqual(parse('LIMIT = 4').diagnostics[0]!.suggestions, ['define LIMIT']);
    assert.deepEqual(one('if x'), ['unknown-statement', 'if', 0]);
  });

  it('unexpected-token: trailing tokens, chained comparisons, `=`, words for operators, `!` as operand', () => {
    assert.deepEqual(one('allow read if a == 1)'), ['unexpected-token', ')', 20]);
    assert.match(parse('allow read if a == 1)').diagnostics[0]!.message, /expected an operator or end of line/);
    assert.deepEqual(one('default allow read'), ['unexpected-token', 'read', 14]);
    assert.deepEqual(one('include "a" "b"'), ['unexpected-token', '"b"', 12]);
    assert.deepEqual(one('allow x if a == b == c'), ['unexpected-token', '==', 18]);
    assert.match(parse('allow x if a == b == c').diagnostics[0]!.message, /cannot be chained/);
    assert.deepEqual(one('allow x if a = 1'), ['unexpected-token', '=', 13]);
    assert.equal(sexpr(firstRule('allow x if a = 1').condition), '(== a 1)');
    assert.deepEqual(one('allow x if a and b'), ['unexpected-token', 'and', 13]);
    assert.equal(sexpr(firstRule('allow x if a and b or c').condition), '(|| (&& a b) c)');
    assert.deepEqual(one('allow x if not a'), ['unexpected-token', 'not', 11]);
    assert.equal(sexpr(firstRule('allow x if not a').condition), '(! a)');
    assert.deepEqual(one('allow x if a == !b'), ['unexpected-token', '!', 16]);
    assert.equal(sexpr(firstRule('allow x if a == !b').condition), '(== a (! b))');
    assert.deepEqual(one('group @g = read if a'), ['unexpected-token', 'if', 16]);
    assert.match(parse('group @g = read if a').diagnostics[0]!.message, /group cannot have a condition/);
  });

  it('nesting-too-deep, without blowing the stack', () => {
    const text = `allow x if ${'('.repeat(5000)}a${')'.repeat(5000)}\nallow y`;
    const r = parse(text);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['nesting-too-deep']);
    assert.equal(r.file.statements.length, 2);
    assert.equal(parse(`allow x if ${'('.repeat(100)}a${')'.repeat(100)}`).diagnostics.length, 0);
    // prefix operators count as nesting too: the tree stays shallow for later stages
    assert.deepEqual(parse(`allow x if ${'!'.repeat(100000)}a`).diagnostics.map((d) => d.code), ['nesting-too-deep']);
    assert.deepEqual(parse(`allow x if ${'-'.repeat(100000)}a == 1`).diagnostics.map((d) => d.code), ['nesting-too-deep']);
    assert.equal(parse(`allow x if ${'!'.repeat(60)}${'~'.repeat(60)}a`).diagnostics.length, 0);
  });

  it('every reported code is listed in SYNTAX_CODES', () => {
    const text = [
      'allow', 'allow read,', 'allow read write', 'allow x if', 'default allow', 'default', 'arch', 'include', 'define', 'group',
      'allow syscall(x)', '1', 'foo', 'allow x if a b', '$', '"', '0x', '"\\q"', '@A', `allow x if ${'('.repeat(200)}`,
    ].join('\n');
    const codes = new Set(parse(text).diagnostics.map((d) => d.code));
    for (const c of codes) assert.ok(c in SYNTAX_CODES, c);
    assert.deepEqual([...codes].sort(), Object.keys(SYNTAX_CODES).sort());
    for (const c of Object.keys(SYNTAX_CODES)) assert.match(c, /^[a-z]+(-[a-z]+)*$/);
  });
});
