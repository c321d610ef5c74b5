import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePolicy, ACTION_NAMES } from '../../../server/src/policy/syntax/parser';
import type * as A from '../../../server/src/policy/syntax/ast';
import { SPEC_EXAMPLE, parseClean, parseOne, cond, sexpr, src, diags } from './helpers';

function rule(text: string): A.RuleStatement {
  const s = parseOne(text);
  assert.equal(s.kind, 'RuleStatement');
  return s;
}
function items(list: readonly A.ListItem[] | undefined): string[] {
  return (list ?? []).map((i) => (i.kind === 'Identifier' ? i.name : i.kind === 'GroupName' ? `@${i.name}` : `syscall(${i.number?.text})`));
}

describe('parser: the spec example', () => {
  it('is the §1 example of docs/policy-language.md, verbatim', () => {
    const doc = readFileSync(new URL('../../../docs/policy-language.md', import.meta.url), 'utf8');
    assert.ok(doc.includes('```\n' + SPEC_EXAMPLE + '```'), 'the fixture differs from the spec');
  });

  it('parses with zero diagnostics into the expected statements', () => {
    const file = parseClean(SPEC_EXAMPLE);
    assert.deepEqual(file.statements.map((s) => s.kind), [
      'ArchStatement', 'DefaultStatement', 'BadarchStatement', 'IncludeStatement', 'DefineStatement', 'GroupStatement',
      'RuleStatement', 'RuleStatement', 'RuleStatement', 'RuleStatement', 'RuleStatement', 'RuleStatement', 'RuleStatement', 'RuleStatement',
    ]);
    assert.equal(file.comments.length, 6);
    assert.equal(file.comments[0]!.text, '# Policy for a small static web server.');
    const lines = SPEC_EXAMPLE.split('\n');
    // Every statement covers its line exactly, minus the trailing comment and blanks.
    const stmtLines = lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.replace(/#.*/, '').trimEnd());
    assert.deepEqual(file.statements.map((s) => src(SPEC_EXAMPLE, s)), stmtLines);
  });
});

describe('parser: statements', () => {
  it('arch with one or several ABIs', () => {
    const s = parseOne('arch x86_64, i386,aarch64');
    assert.equal(s.kind, 'ArchStatement');
    assert.deepEqual(s.abis.map((a) => a.name), ['x86_64', 'i386', 'aarch64']);
    assert.deepEqual(s.keyword, { start: 0, end: 4 });
  });

  it('default and badarch with every action', () => {
    for (const a of ['allow', 'log', 'notify', 'kill', 'kill_process', 'kill_thread', 'trap', 'trap(3)', 'trace(1)', 'errno(EPERM)', 'errno(13)', 'errno ( EACCES )']) {
      for (const kw of ['default', 'badarch'] as const) {
        const text = `${kw} ${a}`;
        const s = parseOne(text);
        assert.equal(s.kind, kw === 'default' ? 'DefaultStatement' : 'BadarchStatement');
        if (s.kind !== 'DefaultStatement' && s.kind !== 'BadarchStatement') continue;
        assert.equal(src(text, s.action), a);
        assert.equal(s.action!.name, a.replace(/\s*\(.*/, ''));
      }
    }
  });

  it('action operands are expressions', () => {
    const d = parseOne('default errno(EPERM)');
    assert.ok(d.kind === 'DefaultStatement');
    assert.deepEqual(d.action!.argument, { kind: 'Identifier', name: 'EPERM', start: 14, end: 19 });
    assert.deepEqual(d.action!.nameRange, { start: 8, end: 13 });
    const t = rule('trap(1 << 4) read');
    assert.equal(sexpr(t.action.argument), '(<< 1 4)');
    assert.equal(rule('trap read').action.argument, undefined);
    assert.equal(sexpr(rule('errno(-1) read').action.argument), '(- 1)');
  });

  it('include', () => {
    const s = parseOne('include "dir/a \\"b\\".seccomp"');
    assert.ok(s.kind === 'IncludeStatement');
    assert.equal(s.path!.value, 'dir/a "b".seccomp');
    assert.deepEqual([s.path!.start, s.path!.end], [8, 29]);
  });

  it('define', () => {
    const s = parseOne('define MASK = (O_CREAT | O_EXCL) & ~0x3');
    assert.ok(s.kind === 'DefineStatement');
    assert.equal(s.name!.name, 'MASK');
    assert.equal(sexpr(s.value), '(& [(| O_CREAT O_EXCL)] (~ 0x3))');
  });

  it('group with names, groups, raw numbers and except', () => {
    const s = parseOne('group @io-2 = read, @basic-io, syscall(0x27) except write, syscall(1)');
    assert.ok(s.kind === 'GroupStatement');
    assert.equal(s.name!.name, 'io-2');
    assert.deepEqual(items(s.list!.items), ['read', '@basic-io', 'syscall(0x27)']);
    assert.deepEqual(items(s.list!.except), ['write', 'syscall(1)']);
    const raw = s.list!.items[2]!;
    assert.ok(raw.kind === 'RawSyscall');
    assert.equal(raw.number!.value, 0x27n);
  });

  it('rules with every action, lists and conditions', () => {
    for (const a of ACTION_NAMES) {
      const act = a === 'errno' ? 'errno(EPERM)' : a === 'trace' ? 'trace(7)' : a;
      const text = `${act} read, @net except accept if fd == 1`;
      const r = rule(text);
      assert.equal(r.action.name, a);
      assert.deepEqual(items(r.list!.items), ['read', '@net']);
      assert.deepEqual(items(r.list!.except), ['accept']);
      assert.equal(src(text, r.list!.exceptKeyword), 'except');
      assert.equal(src(text, r.ifKeyword), 'if');
      assert.equal(sexpr(r.condition), '(== fd 1)');
    }
  });

  it('a rule without a condition or except', () => {
    const r = rule('allow read');
    assert.equal(r.ifKeyword, undefined);
    assert.equal(r.condition, undefined);
    assert.equal(r.list!.except, undefined);
    assert.equal(r.list!.exceptKeyword, undefined);
  });

  it('blank lines, comment-only lines and a missing final newline', () => {
    const file = parseClean('\n\n  # only a comment\n\n\tallow read   \r\n\r\nallow write');
    assert.equal(file.statements.length, 2);
    assert.equal(parseClean('').statements.length, 0);
    assert.equal(parseClean('# nothing').comments.length, 1);
  });
});

describe('parser: precedence and associativity', () => {
  const cases: [string, string][] = [
    ['flags & O_ACCMODE == O_RDONLY', '(== (& flags O_ACCMODE) O_RDONLY)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c', '(|| (&& a b) c)'],
    ['a || b || c', '(|| (|| a b) c)'],
    ['!x == 1', '(! (== x 1))'],
    ['!!x', '(! (! x))'],
    ['!a && b', '(&& (! a) b)'],
    ['!(prot & PROT_EXEC)', '(! [(& prot PROT_EXEC)])'],
    ['!flags & O_CREAT', '(! (& flags O_CREAT))'],
    ['a | b & c', '(| a (& b c))'],
    ['a & b | c', '(| (& a b) c)'],
    ['a & b << 2', '(& a (<< b 2))'],
    ['a << 1 >> 2', '(>> (<< a 1) 2)'],
    ['~a & -b', '(& (~ a) (- b))'],
    ['- - ~1', '(- (- (~ 1)))'],
    ['a | b == c | d', '(== (| a b) (| c d))'],
    ['a < 1 || a >= 0x10 && a != 3', '(|| (< a 1) (&& (>= a 0x10) (!= a 3)))'],
    ['a <= 1', '(<= a 1)'],
    ['a > 1', '(> a 1)'],
    ['request in (TCGETS, TIOCGWINSZ, FIONREAD)', '(in request TCGETS TIOCGWINSZ FIONREAD)'],
    ['fd not in (0, 1 | 2)', '(not-in fd 0 (| 1 2))'],
    ['flags & 3 in (1, 2) && x', '(&& (in (& flags 3) 1 2) x)'],
    ['!a in (1)', '(! (in a 1))'],
    ['(a)', '[a]'],
    ['((a == 1))', '[[(== a 1)]]'],
    ['flags & O_CREAT', '(& flags O_CREAT)'],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.equal(sexpr(cond(text)), expected));
  }
});

describe('parser: statement continuation', () => {
  it('after a trailing comma', () => {
    const r = rule('allow read, write,\n      close');
    assert.deepEqual(items(r.list!.items), ['read', 'write', 'close']);
  });

  it('after && and a binary operator, and inside parentheses', () => {
    const text = 'allow openat if flags & O_ACCMODE == O_RDONLY &&\n                (flags & O_CREAT) == 0';
    const r = rule(text);
    assert.equal(sexpr(r.condition), '(&& (== (& flags O_ACCMODE) O_RDONLY) (== [(& flags O_CREAT)] 0))');
    assert.equal(r.end, text.length);
    assert.equal(sexpr(cond('a ==\n 1')), '(== a 1)');
    assert.equal(sexpr(cond('a |\n b')), '(| a b)');
    assert.equal(sexpr(cond('(a\n ==\n 1\n)')), '[(== a 1)]');
    assert.equal(sexpr(cond('a in (\n 1,\n 2\n)')), '(in a 1 2)');
    assert.equal(sexpr(cond('a ||\n\n  # a comment between\n  b')), '(|| a b)');
  });

  it('after if, =, except, in, not in and unary operators', () => {
    assert.equal(sexpr(rule('allow read if\n  fd == 0').condition), '(== fd 0)');
    const d = parseOne('define X =\n  4');
    assert.ok(d.kind === 'DefineStatement');
    assert.equal(sexpr(d.value), '4');
    const g = parseOne('group @g =\n read,\n write except\n write');
    assert.ok(g.kind === 'GroupStatement');
    assert.deepEqual(items(g.list!.items), ['read', 'write']);
    assert.deepEqual(items(g.list!.except), ['write']);
    assert.equal(sexpr(cond('a not in\n (1)')), '(not-in a 1)');
    assert.equal(sexpr(cond('~\n1 == -\n2')), '(== (~ 1) (- 2))');
    assert.equal(sexpr(parseOne('errno(\n  EPERM\n) read').kind === 'RuleStatement' ? rule('errno(\n  EPERM\n) read').action.argument : undefined), 'EPERM');
  });

  it('a newline ends the statement elsewhere', () => {
    const file = parseClean('allow read\nallow write if a\n== 1'.replace('\n== 1', ' == 1'));
    assert.equal(file.statements.length, 2);
    assert.deepEqual(diags('allow read\n, write').map((d) => d[0]), ['expected-statement']);
    assert.deepEqual(diags('allow\nread').map((d) => d[0]), ['missing-list', 'unknown-statement']);
  });

  it('a trailing operator before a line that starts a statement does not swallow it', () => {
    const text = 'allow read if fd ==\nallow write\ndefine X =\ngroup @g = read,\nerrno(EPERM) open';
    const r = parsePolicy(text);
    assert.deepEqual(r.file.statements.map((s) => s.kind), ['RuleStatement', 'RuleStatement', 'DefineStatement', 'GroupStatement', 'RuleStatement']);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start, d.range.end]), [
      ['expected-expression', text.indexOf('==') + 2, text.indexOf('==') + 2],
      ['expected-expression', text.indexOf('X =') + 3, text.indexOf('X =') + 3],
      ['expected-syscall', text.indexOf('read,') + 5, text.indexOf('read,') + 5],
    ]);
  });

  it('an unclosed parenthesis stops before the next statement', () => {
    const text = 'allow read if (fd == 1\n  || fd == 2\nallow write';
    const r = parsePolicy(text);
    assert.equal(r.file.statements.length, 2);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start]), [['expected-token', 35]]);
    const first = r.file.statements[0]!;
    assert.ok(first.kind === 'RuleStatement');
    assert.equal(sexpr(first.condition), '[(|| (== fd 1) (== fd 2))]');
  });
});

describe('parser: contextual keywords', () => {
  it('in a syscall list, action names and keywords are syscall names', () => {
    const r = rule('kill_process kill');
    assert.equal(r.action.name, 'kill_process');
    assert.deepEqual(items(r.list!.items), ['kill']);
    // Decision: `allow allow` is syntactically a rule on a syscall named `allow`
    // (the checker reports it as an unknown syscall).
    assert.deepEqual(items(rule('allow allow, log, default, arch, include, group, define, in, not, syscall').list!.items),
      ['allow', 'log', 'default', 'arch', 'include', 'group', 'define', 'in', 'not', 'syscall']);
    assert.deepEqual(items(rule('kill kill, errno, trap, trace').list!.items), ['kill', 'errno', 'trap', 'trace']);
  });

  it('a bare kill at the start of a statement is an action', () => {
    assert.equal(rule('kill read').action.name, 'kill');
  });

  it('syscall(N) is a raw number only when followed by `(`', () => {
    const r = rule('allow syscall(12), syscall');
    assert.equal(r.list!.items[0]!.kind, 'RawSyscall');
    assert.equal(r.list!.items[1]!.kind, 'Identifier');
  });

  it('keywords may name arguments and constants in conditions', () => {
    assert.equal(sexpr(cond('allow == kill')), '(== allow kill)');
    assert.equal(sexpr(cond('in in (not)')), '(in in not)');
  });

  it('keywords are case sensitive', () => {
    assert.deepEqual(diags('ALLOW read').map((d) => d[0]), ['unknown-statement']);
  });
});

describe('parser: exact ranges', () => {
  it('of statements, actions, lists and items', () => {
    const text = '  errno(EPERM) read , @net except syscall( 3 ) if fd == 1   # c';
    const r = rule(text);
    assert.equal(src(text, r), 'errno(EPERM) read , @net except syscall( 3 ) if fd == 1');
    assert.equal(src(text, r.action), 'errno(EPERM)');
    assert.equal(src(text, r.action.nameRange), 'errno');
    assert.equal(src(text, r.list), 'read , @net except syscall( 3 )');
    assert.deepEqual(r.list!.items.map((i) => src(text, i)), ['read', '@net']);
    assert.equal(src(text, r.list!.except![0]), 'syscall( 3 )');
    assert.equal(src(text, (r.list!.except![0] as A.RawSyscall).number), '3');
    assert.equal(src(text, r.condition), 'fd == 1');
  });

  it('of expressions', () => {
    const text = 'allow x if !( a & 0x1 ) || b not in ( 1 , 2 ) && - c';
    const r = rule(text);
    const or = r.condition as A.BinaryExpression;
    assert.equal(src(text, or), '!( a & 0x1 ) || b not in ( 1 , 2 ) && - c');
    assert.equal(src(text, or.operatorRange), '||');
    assert.equal(src(text, or.left), '!( a & 0x1 )');
    const not = or.left as A.UnaryExpression;
    assert.equal(src(text, not.operand), '( a & 0x1 )');
    assert.equal(src(text, (not.operand as A.ParenthesizedExpression).expression), 'a & 0x1');
    const and = or.right as A.BinaryExpression;
    assert.equal(src(text, and.left), 'b not in ( 1 , 2 )');
    assert.deepEqual((and.left as A.InExpression).values.map((v) => src(text, v)), ['1', '2']);
    assert.equal(src(text, and.right), '- c');
  });

  it('of multi-line statements', () => {
    const text = 'allow read,\n  write, # c\n  close if a &&\n  b\nallow x';
    const r = parsePolicy(text);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(src(text, r.file.statements[0]), 'allow read,\n  write, # c\n  close if a &&\n  b');
  });

  it('of the file', () => {
    const text = '\n\nallow read\n\n';
    const r = parsePolicy(text);
    assert.deepEqual([r.file.start, r.file.end], [0, text.length]);
  });
});

describe('the parser\'s own storage', () => {
  it('a parse after another (which reuses its token storage) reads only its own text', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `allow read_${i} if fd == ${i} && flags & 0x${i.toString(16)} == 0`).join('\n');
    const first = JSON.stringify(parsePolicy(many), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const small = parsePolicy('allow write');
    assert.deepEqual(small.diagnostics, []);
    assert.equal(small.file.statements.length, 1);
    assert.equal(src('allow write', (small.file.statements[0] as A.RuleStatement).list), 'write');
    assert.equal(JSON.stringify(parsePolicy(many), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)), first);
  });

  it('words that differ in one character keep their own names (the table of words)', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `LIMIT_${i}`);
    const text = names.map((n) => `define ${n} = 1`).join('\n') + '\n' + names.map((n) => `define X${n} = ${n}`).join('\n');
    const file = parseClean(text);
    const defs = file.statements as A.DefineStatement[];
    for (let i = 0; i < names.length; i++) {
      assert.equal(defs[i]!.name!.name, names[i]);
      assert.equal((defs[names.length + i]!.value as A.Identifier).name, names[i]);
    }
  });
});
