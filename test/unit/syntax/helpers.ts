/** Shared helpers for the syntax tests (not a test file itself). */
import assert from 'node:assert/strict';
import type * as A from '../../../server/src/policy/syntax/ast';
import { parsePolicy, type ParseResult } from '../../../server/src/policy/syntax/parser';

/** The spec's §1 example, verbatim. */
export const SPEC_EXAMPLE = `# Policy for a small static web server.
arch x86_64, aarch64          # ABIs the filter accepts; others get \`badarch\`
default errno(EPERM)          # what a syscall that no rule matches gets
badarch kill_process          # what a foreign ABI gets (this is the default)

include "common/stdio.seccomp"

define LISTEN_BACKLOG = 128
group @net = socket, bind, listen, accept4, setsockopt, getsockname

allow @net
allow openat if flags & O_ACCMODE == O_RDONLY
allow mmap, mprotect if !(prot & PROT_EXEC)
allow ioctl if request in (TCGETS, TIOCGWINSZ, FIONREAD)
errno(ENOSYS) clone3          # make glibc fall back to clone(2)
allow clone if flags & CLONE_NEWUSER == 0
log   ptrace                  # allowed, but recorded in the audit log
kill_process execveat
`;

/** Parses and asserts there is no diagnostic. */
export function parseClean(text: string): A.PolicyFile {
  const r = parsePolicy(text);
  assert.deepEqual(r.diagnostics.map((d) => `${d.code}: ${d.message}`), [], `unexpected diagnostics for:\n${text}`);
  checkRanges(text, r);
  return r.file;
}

/** Parses a single statement without errors. */
export function parseOne(text: string): A.Statement {
  const file = parseClean(text);
  assert.equal(file.statements.length, 1, `expected one statement in: ${text}`);
  return file.statements[0]!;
}

/** The condition of a one-rule policy, e.g. `cond('a == 1')`. */
export function cond(expr: string): A.Expression {
  const s = parseOne(`allow x if ${expr}`);
  assert.equal(s.kind, 'RuleStatement');
  assert.ok(s.condition);
  return s.condition;
}

/** A compact, unambiguous rendering of an expression: `(== (& flags M) 1)`. */
export function sexpr(e: A.Expression | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'Identifier': return e.name;
    case 'IntegerLiteral': return e.text;
    case 'ParenthesizedExpression': return `[${sexpr(e.expression)}]`;
    case 'UnaryExpression': return `(${e.operator} ${sexpr(e.operand)})`;
    case 'BinaryExpression': return `(${e.operator} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'InExpression': return `(${e.negated ? 'not-in' : 'in'} ${sexpr(e.subject)}${e.values.map((v) => ` ${sexpr(v)}`).join('')})`;
  }
}

function isRange(v: unknown): v is A.TextRange {
  return typeof v === 'object' && v !== null && typeof (v as A.TextRange).start === 'number' && typeof (v as A.TextRange).end === 'number';
}

/** Every node and sub-range of the tree, with its parent node (iterative: trees may be deep). */
export function* walk(root: object): Generator<{ range: A.TextRange; parent: A.TextRange; key: string }> {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [key, value] of Object.entries(node)) {
      const children: unknown[] = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (!isRange(child)) continue;
        yield { range: child, parent: node as A.TextRange, key };
        if ('kind' in child) stack.push(child);
      }
    }
  }
}

/**
 * The structural invariants of any parse result: ranges inside the text,
 * start <= end, children inside parents, statements in order and
 * disjoint, diagnostics in order with distinct starts, node ranges trimmed.
 */
export function checkRanges(text: string, r: ParseResult): void {
  const n = text.length;
  assert.equal(r.file.start, 0);
  assert.equal(r.file.end, n);
  for (const { range, parent, key } of walk(r.file)) {
    assert.ok(range.start >= 0 && range.end <= n && range.start <= range.end, `bad range ${key} ${range.start}..${range.end} (length ${n})`);
    if (key !== 'comments') {
      assert.ok(range.start >= parent.start && range.end <= parent.end,
        `${key} ${range.start}..${range.end} outside its parent ${parent.start}..${parent.end}`);
    }
    // (an unterminated string runs to the end of its line, blanks included)
    if (range.end > range.start && key !== 'comments' && !text.slice(range.start, range.end).includes('"')) {
      const s = text.slice(range.start, range.end);
      // (the language's blanks; other Unicode spaces are invalid characters, i.e. tokens)
      assert.ok(!/^[ \t\v\f\r\n]|[ \t\v\f\r\n]$/.test(s), `${key} range is not trimmed: ${JSON.stringify(s)}`);
    }
  }
  let last = -1;
  for (const s of r.file.statements) {
    assert.ok(s.start >= last, 'statements overlap or are out of order');
    last = s.end;
  }
  let prevStart = -1;
  for (const d of r.diagnostics) {
    assert.ok(d.range.start >= 0 && d.range.end <= n && d.range.start <= d.range.end, `bad diagnostic range ${d.range.start}..${d.range.end}`);
    assert.ok(d.range.start > prevStart, `two diagnostics at or out of order at offset ${d.range.start}`);
    prevStart = d.range.start;
    assert.ok(/^[a-z]+(-[a-z]+)*$/.test(d.code), `code ${d.code} is not kebab-case`);
    assert.equal(d.severity, 'error');
    assert.ok(d.message.length > 0);
  }
}

/** `[code, covered text]` of each diagnostic, for compact assertions. */
export function diags(text: string): [string, string, number][] {
  const r = parsePolicy(text);
  checkRanges(text, r);
  return r.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end), d.range.start]);
}

/** Text covered by a range. */
export function src(text: string, r: A.TextRange | undefined): string {
  assert.ok(r, 'range is undefined');
  return text.slice(r.start, r.end);
}
