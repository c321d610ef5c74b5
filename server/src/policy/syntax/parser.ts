/**
 * The error-recovering recursive-descent parser of `.seccomp` files
 * (spec §2b). It never throws and always returns a whole `PolicyFile`:
 * what it cannot parse becomes a diagnostic plus a partial node (missing
 * parts are `undefined`), and parsing resumes at the next statement.
 *
 * Statement continuation (spec §2): a newline ends a statement except
 * inside `(` `)` and after a token that cannot end one — `,`, `&&`, `||`,
 * a binary or unary operator, `if`, `=`, and also `in`, `not` (of
 * `not in`) and `except`. To keep one forgotten operand from swallowing
 * the next statement, a continuation line that clearly starts a statement
 * (a statement keyword or action followed by what that statement needs,
 * such as `allow read` or `define X`) is not taken as a continuation:
 * no valid continuation line looks like that.
 *
 * Error ranges: an unexpected token is reported on that token; a missing
 * piece (the line ended, or the parser recovers by pretending it was
 * there) is reported as an empty range at the end of the previous token.
 * A diagnostic is never reported at or before the end of the previous
 * one, nor where only blanks separate it from the previous one, nor where
 * the lexer already reported one: so there is at most one per offset and
 * cascades (`allow ,,,`, `a == == 1`) give one error.
 *
 * `suggestions` on a diagnostic are replacements for its range, best first
 * (`alow` → `allow`, `and` → `&&`, `net` → `@net`, `EPERM` → `errno(EPERM)`).
 */
import type * as A from './ast';
import { Lexer, tokenize, SYNTAX_CODES, type ParseDiagnostic, type SyntaxCode, type Token, type TokenKind } from './lexer';
import { editDistance } from '../spelling';

export { Lexer, tokenize, SYNTAX_CODES };
export type { ParseDiagnostic, SyntaxCode, Token, TokenKind };

export interface ParseResult {
  readonly file: A.PolicyFile;
  /** Lexical and syntax errors, ordered by position. */
  readonly diagnostics: ParseDiagnostic[];
}

/** Words that begin a statement other than a rule. */
export const STATEMENT_KEYWORDS = ['arch', 'default', 'badarch', 'include', 'define', 'group'] as const;

/** Action names (spec §4); at the start of a statement they begin a rule. */
export const ACTION_NAMES: readonly A.ActionName[] = [
  'allow', 'log', 'errno', 'trap', 'trace', 'notify', 'kill_process', 'kill_thread', 'kill',
];

/**
 * Nesting of parentheses and prefix operators deeper than this is refused,
 * which keeps the parser's stack, and the tree's depth for every later
 * stage, bounded.
 */
export const MAX_NESTING = 128;

const ACTION_SET: ReadonlySet<string> = new Set(ACTION_NAMES);
const COMPARE_OPS: ReadonlySet<TokenKind> = new Set<TokenKind>(['==', '!=', '<', '<=', '>', '>=']);
const CONTINUATION_TOKENS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  ',', '&&', '||', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '&', '|', '~', '!', '-', '=', '(',
]);
const CONTINUATION_WORDS: ReadonlySet<string> = new Set(['if', 'in', 'not', 'except']);
/** Words other tools use for an action, mapped to ours. */
const ACTION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  deny: ['errno(EPERM)', 'kill_process'],
  reject: ['errno(EPERM)', 'kill_process'],
  block: ['errno(EPERM)', 'kill_process'],
  return: ['errno'],
  accept: ['allow'],
  permit: ['allow'],
  audit: ['log'],
  user_notif: ['notify'],
};
const STATEMENT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  ...ACTION_ALIASES,
  import: ['include'],
  use: ['include'],
  const: ['define'],
  let: ['define'],
  set: ['group'],
};

/** Parses a whole policy file. Never throws. */
export function parsePolicy(text: string): ParseResult {
  const lexer = new Lexer(text);
  const parser = new Parser(text, lexer);
  const statements = parser.parseStatements();
  const absorbed = parser.absorbed;
  const lexical = absorbed.length === 0
    ? lexer.diagnostics
    : lexer.diagnostics.filter((d) => !absorbed.some((a) => d.range.start >= a.start && d.range.end <= a.end));
  const diagnostics = [...lexical, ...parser.diagnostics];
  diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return {
    file: { kind: 'PolicyFile', start: 0, end: text.length, statements, comments: lexer.comments },
    diagnostics,
  };
}

// ---------------------------------------------------------------- helpers

function range(r: A.TextRange): A.TextRange {
  return { start: r.start, end: r.end };
}

function describe(tok: Token): string {
  switch (tok.kind) {
    case 'newline': return 'end of line';
    case 'eof': return 'end of file';
    case 'string': return 'a string';
    default: {
      const t = tok.text.length > 30 ? `${tok.text.slice(0, 30)}…` : tok.text;
      return `\`${t}\``;
    }
  }
}

/** Close candidates for a mistyped keyword, best first. */
function suggest(word: string, candidates: readonly string[], aliases: Readonly<Record<string, readonly string[]>>): string[] {
  const alias = Object.prototype.hasOwnProperty.call(aliases, word.toLowerCase()) ? aliases[word.toLowerCase()] : undefined;
  if (alias) return [...alias];
  if (word.length > 40) return [];
  const max = word.length <= 3 ? 1 : 2;
  const scored: { name: string; d: number }[] = [];
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), max);
    if (d <= max) scored.push({ name: c, d });
  }
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.name);
}

function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  if (suggestions.length === 1) return `; did you mean \`${suggestions[0]}\`?`;
  return `; did you mean ${suggestions.slice(0, -1).map((s) => `\`${s}\``).join(', ')} or \`${suggestions[suggestions.length - 1]}\`?`;
}

function looksLikeErrnoName(tok: Token): boolean {
  if (tok.kind !== 'identifier' || tok.text.length < 2 || tok.text[0] !== 'E') return false;
  for (let i = 1; i < tok.text.length; i++) {
    const c = tok.text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

function isEnd(tok: Token): boolean {
  return tok.kind === 'newline' || tok.kind === 'eof';
}

function isWord(tok: Token, word: string): boolean {
  return tok.kind === 'identifier' && tok.text === word;
}

function canStartExpression(tok: Token): boolean {
  switch (tok.kind) {
    case 'integer': case 'identifier': case '(': case '~': case '-': case '!':
      return true;
  }
  return false;
}

function canStartItem(tok: Token): boolean {
  if (tok.kind === 'group') return true;
  return tok.kind === 'identifier' && tok.text !== 'if' && tok.text !== 'except';
}

/**
 * `operands[0] op operands[1] op …` as a balanced tree (`between[i]` is the
 * operator token after `operands[i]`); the left half takes the odd operand,
 * so three operands read `(a op b) op c` as left associativity would.
 */
function balanced(operands: readonly A.Expression[], between: readonly Token[], operator: A.BinaryOperator,
  lo = 0, hi = operands.length): A.Expression {
  if (hi - lo === 1) return operands[lo]!;
  const mid = lo + Math.ceil((hi - lo) / 2);
  return binary(balanced(operands, between, operator, lo, mid), between[mid - 1]!, operator, balanced(operands, between, operator, mid, hi));
}

function binary(left: A.Expression, op: Token, operator: A.BinaryOperator, right: A.Expression | undefined): A.BinaryExpression {
  return {
    kind: 'BinaryExpression', operator, operatorRange: range(op), left, right,
    start: left.start, end: right ? right.end : op.end,
  };
}

// ---------------------------------------------------------------- parser

/** The levels of binary operators, loosest first. */
const enum Level { Or, And, BitOr, BitAnd, Shift }
type BinaryLevel = Level;

class Parser {
  readonly diagnostics: ParseDiagnostic[] = [];
  /** Ranges whose lexer diagnostics are superseded by a parser diagnostic. */
  readonly absorbed: A.TextRange[] = [];
  private pos = 0;
  /** End offset of the last consumed token. */
  private lastEnd = 0;
  private parenDepth = 0;
  private exprDepth = 0;
  private stmtStart = 0;
  private stmtHasError = false;
  /** Set after `nesting-too-deep`: the rest of the statement is skipped silently. */
  private bailed = false;
  /** End of the last reported (or absorbed) diagnostic; nothing is reported at or before it. */
  private lastErrorEnd = -1;
  /** Position at which newline skipping was already refused (avoids rescanning). */
  private noSkipAt = -1;
  /** What may follow at the current point, for "unexpected token" messages. */
  private trailingHint = 'end of line';

  /**
   * The window of tokens still needed: `buf[k]` is token number `base + k`.
   * Tokens before the current statement are dropped, so they die young.
   */
  private buf: Token[] = [];
  private base = 0;
  private eofToken: Token | undefined;
  /** Where the lexer reported errors: the parser reports nothing more there. */
  private readonly lexErrorStarts = new Set<number>();
  private lexDiagnosticsSeen = 0;

  constructor(
    private readonly text: string,
    private readonly lexer: Lexer,
  ) {}

  // -------------------------------------------------------------- tokens

  /** Token number `i` (`eof` past the end), lexing on demand. */
  private at(i: number): Token {
    const k = i - this.base;
    while (k >= this.buf.length) {
      if (this.eofToken) return this.eofToken;
      const t = this.lexer.next();
      this.buf.push(t);
      const lexDiagnostics = this.lexer.diagnostics;
      while (this.lexDiagnosticsSeen < lexDiagnostics.length) {
        this.lexErrorStarts.add(lexDiagnostics[this.lexDiagnosticsSeen++]!.range.start);
      }
      if (t.kind === 'eof') this.eofToken = t;
    }
    return this.buf[k]!;
  }

  /** Forgets the tokens before the current statement. */
  private release(): void {
    const dead = this.pos - this.base;
    if (dead >= 256) {
      this.buf = this.buf.slice(dead);
      this.base = this.pos;
    }
  }

  private peek(): Token {
    if (this.parenDepth > 0) this.skipNewlines();
    return this.at(this.pos);
  }

  /** The raw token after the current one (no newline skipping). */
  private peekNext(): Token {
    const t = this.at(this.pos);
    return t.kind === 'eof' ? t : this.at(this.pos + 1);
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    this.lastEnd = t.end;
    return t;
  }

  /**
   * Skips newlines where the statement continues, unless the next line
   * clearly starts a statement of its own.
   */
  private skipNewlines(): void {
    if (this.bailed || this.pos === this.noSkipAt) return;
    let i = this.pos;
    while (this.at(i).kind === 'newline') i++;
    if (i === this.pos) return;
    if (this.startsStatement(i)) this.noSkipAt = this.pos;
    else this.pos = i;
  }

  /** Does token `i` (first on its line) begin a statement rather than continue one? */
  private startsStatement(i: number): boolean {
    const t = this.at(i);
    if (t.kind !== 'identifier') return false;
    const n = this.at(i + 1);
    const isItem = canStartItem(n) && !(n.kind === 'identifier' && (n.text === 'in' || n.text === 'not'));
    switch (t.text) {
      case 'arch': case 'default': case 'badarch': case 'define':
        return n.kind === 'identifier' && !CONTINUATION_WORDS.has(n.text);
      case 'include': return n.kind === 'string';
      case 'group': return n.kind === 'group';
      case 'errno': case 'trace': return n.kind === '(';
      case 'trap': return n.kind === '(' || isItem;
      case 'allow': case 'log': case 'notify': case 'kill': case 'kill_process': case 'kill_thread':
        return isItem;
    }
    return false;
  }

  // -------------------------------------------------------------- diagnostics

  private report(code: SyntaxCode, message: string, at: A.TextRange, suggestions?: readonly string[]): void {
    this.stmtHasError = true;
    if (this.bailed) return;
    if (this.touchesLastError(at.start) || this.lexErrorStarts.has(at.start)) {
      // Touches the previous error: part of the same mistake (`allow ,,,`, `a == == 1`).
      if (at.end > this.lastErrorEnd) this.lastErrorEnd = at.end;
      return;
    }
    this.lastErrorEnd = at.end;
    this.diagnostics.push(suggestions && suggestions.length > 0
      ? { code, severity: 'error', message, range: range(at), suggestions }
      : { code, severity: 'error', message, range: range(at) });
  }

  /** Is `start` at or before the last error's end, or separated from it by blanks only? */
  private touchesLastError(start: number): boolean {
    if (this.lastErrorEnd < 0) return false;
    if (start <= this.lastErrorEnd) return true;
    for (let i = this.lastErrorEnd; i < start; i++) {
      const c = this.text.charCodeAt(i);
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }

  /** A piece is missing: empty range at the end of the previous token. */
  private missing(code: SyntaxCode, message: string): void {
    this.report(code, message, { start: this.lastEnd, end: this.lastEnd });
  }

  /**
   * Something specific was expected at the current token: reported on the
   * token, or as missing when the line ended. Consumes nothing.
   */
  private expected(code: SyntaxCode, what: string, suggestions?: readonly string[]): void {
    const tok = this.peek();
    if (tok.kind === 'invalid') { this.stmtHasError = true; return; } // already reported by the lexer
    if (isEnd(tok)) this.missing(code, `expected ${what}`);
    else this.report(code, `expected ${what}, found ${describe(tok)}`, tok, suggestions);
  }

  /**
   * Expects `)`. On another token: if a matching `)` follows on the same
   * line, the tokens before it are reported and skipped; otherwise the `)`
   * is reported missing and nothing is consumed (`errno(EPERM read`).
   */
  private closeParen(): void {
    const tok = this.peek();
    if (tok.kind === ')') { this.advance(); return; }
    if (isEnd(tok) || tok.kind === 'invalid') { this.expected('expected-token', '`)`'); return; }
    let depth = 0;
    let match = -1;
    for (let i = this.pos, n = 0; n < 1000; i++, n++) {
      const k = this.at(i).kind;
      if (k === 'newline' || k === 'eof') break;
      if (k === '(') depth++;
      else if (k === ')' && depth-- === 0) { match = i; break; }
    }
    if (match < 0) {
      this.missing('expected-token', `expected \`)\` before ${describe(tok)}`);
      return;
    }
    this.report('expected-token', `expected \`)\`, found ${describe(tok)}`, tok);
    while (this.pos <= match) this.advance();
  }

  private bail(): void {
    const tok = this.peek();
    this.report('nesting-too-deep', `expression nested more than ${MAX_NESTING} levels deep`, tok);
    this.bailed = true;
    while (!isEnd(this.at(this.pos))) this.pos++;
  }

  // -------------------------------------------------------------- statements

  parseStatements(): A.Statement[] {
    const statements: A.Statement[] = [];
    for (;;) {
      const tok = this.at(this.pos);
      if (tok.kind === 'eof') break;
      if (tok.kind === 'newline') { this.pos++; continue; }
      this.release();
      this.stmtStart = this.pos;
      this.stmtHasError = false;
      this.bailed = false;
      this.parenDepth = 0;
      this.exprDepth = 0;
      this.trailingHint = 'end of line';
      const stmt = this.parseStatement();
      if (stmt) statements.push(stmt);
      this.parenDepth = 0;
      this.finishStatement();
    }
    return statements;
  }

  /** Reports and skips whatever is left of the statement. */
  private finishStatement(): void {
    let tok = this.at(this.pos);
    if (isEnd(tok)) return;
    if (!this.stmtHasError && tok.kind !== 'invalid') {
      const why = tok.kind === '-' ? '; there is no subtraction, `-` only negates a value' : '';
      this.report('unexpected-token', `unexpected ${describe(tok)}; expected ${this.trailingHint}${why}`, tok);
    }
    let depth = 0;
    for (let i = this.stmtStart; i < this.pos; i++) {
      const k = this.at(i).kind;
      if (k === '(') depth++;
      else if (k === ')' && depth > 0) depth--;
    }
    for (;;) {
      tok = this.at(this.pos);
      if (tok.kind === 'eof') return;
      if (tok.kind === 'newline') {
        const prev = this.at(this.pos - 1);
        const continues = depth > 0 || CONTINUATION_TOKENS.has(prev.kind)
          || (prev.kind === 'identifier' && CONTINUATION_WORDS.has(prev.text));
        if (!continues || this.bailed) return;
        let j = this.pos;
        while (this.at(j).kind === 'newline') j++;
        if (this.startsStatement(j)) return;
        this.pos = j;
        continue;
      }
      if (tok.kind === '(') depth++;
      else if (tok.kind === ')' && depth > 0) depth--;
      this.pos++;
    }
  }

  private parseStatement(): A.Statement | undefined {
    const tok = this.peek();
    if (tok.kind !== 'identifier') {
      if (tok.kind === 'invalid') { this.stmtHasError = true; return undefined; }
      let hint = '';
      if (tok.kind === 'group' && this.peekNext().kind === '=') hint = `; to define a group write \`group ${tok.text} = …\``;
      this.report('expected-statement', `expected a statement, found ${describe(tok)}${hint}`, tok,
        hint ? [`group ${tok.text}`] : undefined);
      return undefined;
    }
    switch (tok.text) {
      case 'arch': return this.parseArch();
      case 'default': case 'badarch': return this.parseDefaultOrBadarch(tok.text);
      case 'include': return this.parseInclude();
      case 'define': return this.parseDefine();
      case 'group': return this.parseGroup();
    }
    if (ACTION_SET.has(tok.text)) return this.parseRule();
    const next = this.peekNext();
    let suggestions: string[];
    let message: string;
    if (next.kind === '=') {
      suggestions = [`define ${tok.text}`];
      message = `\`${tok.text}\` is neither a statement keyword nor an action; to define a constant write \`define ${tok.text} = …\``;
    } else {
      suggestions = suggest(tok.text, [...STATEMENT_KEYWORDS, ...ACTION_NAMES], STATEMENT_ALIASES);
      message = `\`${tok.text}\` is neither a statement keyword (${STATEMENT_KEYWORDS.join(', ')}) nor an action (${ACTION_NAMES.join(', ')})${didYouMean(suggestions)}`;
    }
    this.report('unknown-statement', message, tok, suggestions);
    return undefined;
  }

  private parseArch(): A.ArchStatement {
    const kw = this.advance();
    const abis: A.Identifier[] = [];
    const what = 'an ABI name such as `x86_64` or `aarch64`';
    this.trailingHint = '`,` or end of line';
    let tok = this.peek();
    if (tok.kind !== 'identifier') {
      this.expected('expected-abi', what);
    } else {
      for (;;) {
        tok = this.peek();
        if (tok.kind === 'identifier') {
          this.advance();
          abis.push({ kind: 'Identifier', name: tok.text, start: tok.start, end: tok.end });
        } else {
          this.expected('expected-abi', what);
          if (tok.kind !== ',') break;
        }
        tok = this.peek();
        if (tok.kind === ',') { this.advance(); this.skipNewlines(); continue; }
        if (tok.kind === 'identifier') { this.missing('expected-token', 'expected `,` between ABI names'); continue; }
        break;
      }
    }
    return { kind: 'ArchStatement', keyword: range(kw), abis, start: kw.start, end: this.lastEnd };
  }

  private parseDefaultOrBadarch(which: 'default' | 'badarch'): A.DefaultStatement | A.BadarchStatement {
    const kw = this.advance();
    const action = this.parseActionOperand(which);
    return which === 'default'
      ? { kind: 'DefaultStatement', keyword: range(kw), action, start: kw.start, end: this.lastEnd }
      : { kind: 'BadarchStatement', keyword: range(kw), action, start: kw.start, end: this.lastEnd };
  }

  /** The action after `default` / `badarch`. */
  private parseActionOperand(after: string): A.Action | undefined {
    const tok = this.peek();
    if (tok.kind === 'identifier' && ACTION_SET.has(tok.text)) return this.parseAction();
    const what = `an action after \`${after}\` (${ACTION_NAMES.join(', ')})`;
    if (tok.kind === 'identifier') {
      const suggestions = looksLikeErrnoName(tok)
        ? [`errno(${tok.text})`]
        : suggest(tok.text, ACTION_NAMES, ACTION_ALIASES);
      this.report('expected-action', `\`${tok.text}\` is not an action${didYouMean(suggestions)}`, tok, suggestions);
      this.advance();
      return undefined;
    }
    this.expected('expected-action', what);
    return undefined;
  }

  private parseInclude(): A.IncludeStatement {
    const kw = this.advance();
    const tok = this.peek();
    let path: A.StringLiteral | undefined;
    if (tok.kind === 'string') {
      this.advance();
      path = { kind: 'StringLiteral', value: tok.stringValue ?? '', start: tok.start, end: tok.end };
    } else if (isEnd(tok)) {
      this.expected('expected-string', 'a quoted path, like `include "common.seccomp"`');
    } else {
      // `include common/x.seccomp`, `include 'x'`: one error over the whole
      // unquoted path (lexer errors inside it are dropped), with the fix.
      let last = tok;
      while (!isEnd(this.at(this.pos))) last = this.at(this.pos++);
      const raw = this.text.slice(tok.start, last.end);
      const unquoted = raw.length >= 2 && raw[0] === "'" && raw[raw.length - 1] === "'" ? raw.slice(1, -1) : raw;
      const fixed = `"${unquoted.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
      this.lastEnd = last.end;
      this.absorbed.push({ start: tok.start, end: last.end });
      this.stmtHasError = true;
      this.lastErrorEnd = last.end;
      this.diagnostics.push({
        code: 'expected-string', severity: 'error', message: `expected the path in double quotes: \`include ${fixed}\``,
        range: { start: tok.start, end: last.end }, suggestions: [fixed],
      });
    }
    return { kind: 'IncludeStatement', keyword: range(kw), path, start: kw.start, end: this.lastEnd };
  }

  private parseDefine(): A.DefineStatement {
    const kw = this.advance();
    let name: A.Identifier | undefined;
    let value: A.Expression | undefined;
    let tok = this.peek();
    if (tok.kind === 'identifier') {
      this.advance();
      name = { kind: 'Identifier', name: tok.text, start: tok.start, end: tok.end };
    } else {
      this.expected('expected-identifier', 'a name for the constant, like `define LIMIT = 16`');
      if (!isEnd(tok) && this.peekNext().kind === '=') this.advance();
      else if (tok.kind !== '=') return { kind: 'DefineStatement', keyword: range(kw), name, value, start: kw.start, end: this.lastEnd };
    }
    tok = this.peek();
    if (tok.kind === '=') {
      this.advance();
      this.skipNewlines();
      this.trailingHint = 'an operator or end of line';
      value = this.parseExpression();
    } else if (canStartExpression(tok)) {
      this.missing('expected-token', 'expected `=` before the value');
      this.trailingHint = 'an operator or end of line';
      value = this.parseExpression();
    } else {
      this.expected('expected-token', '`=`');
    }
    return { kind: 'DefineStatement', keyword: range(kw), name, value, start: kw.start, end: this.lastEnd };
  }

  private parseGroup(): A.GroupStatement {
    const kw = this.advance();
    let name: A.GroupName | undefined;
    let list: A.SyscallList | undefined;
    let tok = this.peek();
    if (tok.kind === 'group') {
      this.advance();
      name = tok.malformed
        ? { kind: 'GroupName', name: tok.stringValue ?? '', malformed: true, start: tok.start, end: tok.end }
        : { kind: 'GroupName', name: tok.stringValue ?? '', start: tok.start, end: tok.end };
    } else if (tok.kind === 'identifier') {
      const fixed = `@${tok.text.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
      this.report('expected-group-name', `expected a group name starting with \`@\`, like \`${fixed}\``, tok, [fixed]);
      this.advance();
    } else {
      this.expected('expected-group-name', 'a group name, like `@net`');
      if (tok.kind !== '=') return { kind: 'GroupStatement', keyword: range(kw), name, list, start: kw.start, end: this.lastEnd };
    }
    tok = this.peek();
    if (tok.kind === '=') {
      this.advance();
      this.skipNewlines();
    } else if (canStartItem(tok)) {
      this.missing('expected-token', 'expected `=` before the group\'s syscalls');
    } else {
      this.expected('expected-token', '`=`');
      return { kind: 'GroupStatement', keyword: range(kw), name, list, start: kw.start, end: this.lastEnd };
    }
    list = this.parseList(false);
    this.trailingHint = '`,`, `except` or end of line';
    if (isWord(this.peek(), 'if')) {
      this.report('unexpected-token', 'a group cannot have a condition; put the condition on the rule that uses the group', this.peek());
    }
    return { kind: 'GroupStatement', keyword: range(kw), name, list, start: kw.start, end: this.lastEnd };
  }

  private parseRule(): A.RuleStatement {
    const action = this.parseAction();
    const list = this.parseList(true);
    this.trailingHint = list?.except ? '`,`, `if` or end of line' : '`,`, `except`, `if` or end of line';
    let ifKeyword: A.TextRange | undefined;
    let condition: A.Expression | undefined;
    const tok = this.peek();
    if (isWord(tok, 'if')) {
      this.advance();
      ifKeyword = range(tok);
      this.skipNewlines();
      this.trailingHint = 'an operator or end of line';
      condition = this.parseExpression();
    }
    return { kind: 'RuleStatement', action, list, ifKeyword, condition, start: action.start, end: this.lastEnd };
  }

  /** An action; the current token is an action name. */
  private parseAction(): A.Action {
    const nameTok = this.advance();
    const name = nameTok.text as A.ActionName;
    let argument: A.Expression | undefined;
    if (name === 'errno' || name === 'trap' || name === 'trace') {
      const tok = this.peek();
      if (tok.kind === '(') {
        this.advance();
        this.parenDepth++;
        if (this.peek().kind === ')') {
          this.report('expected-expression',
            name === 'errno' ? 'expected an errno name or number, like `errno(EPERM)`' : `expected a number, like \`${name}(1)\``,
            this.peek());
        } else {
          argument = this.parseExpression();
        }
        this.closeParen();
        this.parenDepth--;
      } else if (name !== 'trap' || tok.kind === 'integer') {
        const example = name === 'errno' ? 'errno(EPERM)' : `${name}(1)`;
        if (tok.kind === 'integer' || (name === 'errno' && looksLikeErrnoName(tok))) {
          // `errno EPERM read`: take the operand, say the parentheses are missing.
          this.report('expected-token', `expected \`(\`: write the operand in parentheses, like \`${example}\``,
            { start: nameTok.end, end: nameTok.end });
          this.advance();
          argument = tok.kind === 'integer'
            ? this.integer(tok)
            : { kind: 'Identifier', name: tok.text, start: tok.start, end: tok.end };
        } else {
          this.missing('expected-token', `expected \`(\`: \`${name}\` needs an operand, like \`${example}\``);
        }
      }
    }
    return { kind: 'Action', name, nameRange: range(nameTok), argument, start: nameTok.start, end: this.lastEnd };
  }

  // -------------------------------------------------------------- syscall lists

  private parseList(isRule: boolean): A.SyscallList | undefined {
    const first = this.peek();
    const items: A.ListItem[] = [];
    let except: A.ListItem[] | undefined;
    let exceptKeyword: A.TextRange | undefined;
    const start = first.start;
    if (isWord(first, 'except')) {
      if (isRule) this.missing('missing-list', 'expected the syscalls this rule applies to before `except`');
      else this.missing('expected-syscall', 'expected the group\'s syscalls before `except`');
    } else if (canStartItem(first) || first.kind === ',') {
      this.parseItems(items);
    } else {
      if (isRule && (isEnd(first) || isWord(first, 'if'))) {
        this.missing('missing-list', 'expected the syscalls this rule applies to (names, `@groups` or `syscall(N)`)');
      } else {
        this.expected('expected-syscall', 'a syscall name, `@group` or `syscall(N)`');
      }
      return undefined;
    }
    const tok = this.peek();
    if (isWord(tok, 'except')) {
      this.advance();
      exceptKeyword = range(tok);
      except = [];
      this.skipNewlines();
      if (canStartItem(this.peek()) || this.peek().kind === ',') this.parseItems(except);
      else this.expected('expected-syscall', 'the syscalls to leave out after `except`');
    }
    return { kind: 'SyscallList', items, except, exceptKeyword, start, end: this.lastEnd };
  }

  private parseItems(into: A.ListItem[]): void {
    for (;;) {
      const item = this.parseItem();
      if (item) into.push(item);
      else {
        this.expected('expected-syscall', 'a syscall name, `@group` or `syscall(N)`');
        if (this.peek().kind !== ',') return;
      }
      const tok = this.peek();
      if (tok.kind === ',') {
        this.advance();
        this.skipNewlines();
        continue;
      }
      if (canStartItem(tok)) {
        this.missing('expected-token', 'expected `,` between syscalls');
        continue;
      }
      return;
    }
  }

  private parseItem(): A.ListItem | undefined {
    const tok = this.peek();
    if (tok.kind === 'group') {
      this.advance();
      return tok.malformed
        ? { kind: 'GroupName', name: tok.stringValue ?? '', malformed: true, start: tok.start, end: tok.end }
        : { kind: 'GroupName', name: tok.stringValue ?? '', start: tok.start, end: tok.end };
    }
    if (!canStartItem(tok)) return undefined;
    this.advance();
    if (tok.text === 'syscall' && this.at(this.pos).kind === '(') {
      this.advance();
      this.parenDepth++;
      let number: A.IntegerLiteral | undefined;
      const n = this.peek();
      if (n.kind === 'integer') {
        this.advance();
        number = this.integer(n);
      } else {
        this.expected('expected-number', 'a syscall number, like `syscall(39)`');
      }
      this.closeParen();
      this.parenDepth--;
      return { kind: 'RawSyscall', number, start: tok.start, end: this.lastEnd };
    }
    return { kind: 'Identifier', name: tok.text, start: tok.start, end: tok.end };
  }

  // -------------------------------------------------------------- expressions

  private integer(tok: Token): A.IntegerLiteral {
    return tok.malformed
      ? { kind: 'IntegerLiteral', value: tok.value ?? 0n, text: tok.text, malformed: true, start: tok.start, end: tok.end }
      : { kind: 'IntegerLiteral', value: tok.value ?? 0n, text: tok.text, start: tok.start, end: tok.end };
  }

  private parseExpression(): A.Expression | undefined {
    if (this.exprDepth >= MAX_NESTING) {
      this.bail();
      return undefined;
    }
    this.exprDepth++;
    try {
      return this.parseOr();
    } finally {
      this.exprDepth--;
    }
  }

  /** `and`/`or` written as words: reported, then read as `&&`/`||`. */
  private wordOperator(word: 'and' | 'or'): boolean {
    const tok = this.peek();
    if (!isWord(tok, word) || !canStartExpression(this.peekNext())) return false;
    const op = word === 'and' ? '&&' : '||';
    this.report('unexpected-token', `use \`${op}\` instead of \`${word}\``, tok, [op]);
    return true;
  }

  /**
   * One left-associative level of binary operators, `next (op next)*`
   * (`next` is the level below, `operatorAt` says which operator of the
   * level the current token is, or undefined where the level ends). A
   * chain of an associative operator (`||`, `&&`, `|`, `&`) becomes a
   * balanced tree, so thousands of `||` give a tree of depth log n that
   * every walker (resolver, lints, compiler, features) may recurse on. What
   * nests instead (a shift on a shift, an operator whose right operand is
   * missing) counts as nesting, bounded like parentheses. Levels are
   * numbers rather than closures, and an operand without an operator (the
   * common case) allocates nothing.
   */
  private binaryLevel(level: BinaryLevel): A.Expression | undefined {
    const first = this.operandOf(level);
    if (!first) return undefined;
    let tok = this.peek();
    let op = this.operatorAt(level, tok);
    if (op === undefined) return first;
    const associative = level !== Level.Shift;
    let operands: A.Expression[] = [first];
    let between: Token[] = [];
    let operator: A.BinaryOperator | undefined;
    let nested = 0;
    for (;;) {
      this.advance();
      this.skipNewlines();
      const right = this.operandOf(level);
      if (associative && right) {
        operands.push(right);
        between.push(tok);
        operator = op;
      } else {
        const left = balanced(operands, between, operator ?? op);
        operands = [binary(left, tok, op, right)];
        between = [];
        if (this.exprDepth + ++nested >= MAX_NESTING) {
          this.bail();
          break;
        }
      }
      tok = this.peek();
      const next = this.operatorAt(level, tok);
      if (next === undefined) break;
      op = next;
    }
    return balanced(operands, between, operator ?? '||');
  }

  /** The operand of a binary level: the next level down. */
  private operandOf(level: BinaryLevel): A.Expression | undefined {
    switch (level) {
      case Level.Or: return this.binaryLevel(Level.And);
      case Level.And: return this.parseNot();
      case Level.BitOr: return this.binaryLevel(Level.BitAnd);
      case Level.BitAnd: return this.binaryLevel(Level.Shift);
      case Level.Shift: return this.parseUnary();
    }
  }

  /** The level's operator the token `tok` is, or undefined (a misspelt `and`/`or` is reported and taken). */
  private operatorAt(level: BinaryLevel, tok: Token): A.BinaryOperator | undefined {
    switch (level) {
      case Level.Or: return tok.kind === '||' || this.wordOperator('or') ? '||' : undefined;
      case Level.And: return tok.kind === '&&' || this.wordOperator('and') ? '&&' : undefined;
      case Level.BitOr: return tok.kind === '|' ? '|' : undefined;
      case Level.BitAnd: return tok.kind === '&' ? '&' : undefined;
      case Level.Shift: return tok.kind === '<<' || tok.kind === '>>' ? tok.kind : undefined;
    }
  }

  private parseOr(): A.Expression | undefined {
    return this.binaryLevel(Level.Or);
  }

  /** `not = "!" not | compare`: `!` binds looser than comparisons. */
  private parseNot(): A.Expression | undefined {
    return this.prefixLevel(true);
  }

  /** Does the current token `tok` start a `!` (or a misspelt `not`, reported and taken)? */
  private takesNot(tok: Token): boolean {
    if (tok.kind === '!') return true;
    if (!isWord(tok, 'not') || isWord(this.peekNext(), 'in') || !canStartExpression(this.peekNext())) return false;
    this.report('unexpected-token', 'use `!` to negate a condition', tok, ['!']);
    return true;
  }

  /** Does the current token `tok` start a `~` or `-` (or a misplaced `!`, reported and taken)? */
  private takesUnary(tok: Token): boolean {
    if (tok.kind !== '!') return tok.kind === '~' || tok.kind === '-';
    this.report('unexpected-token',
      '`!` negates a whole condition and cannot be an operand here; write `!(…)` around the comparison, or use `~` for bitwise not',
      tok);
    return true;
  }

  /**
   * Prefix operators, then the level inside, iteratively (no recursion on
   * long prefixes): `!` before a comparison (`not`), or `~`/`-` before a
   * primary.
   */
  private prefixLevel(not: boolean): A.Expression | undefined {
    let ops: Token[] | undefined;
    while (not ? this.takesNot(this.peek()) : this.takesUnary(this.peek())) {
      (ops ??= []).push(this.advance());
      if (this.exprDepth + ops.length >= MAX_NESTING) {
        this.bail();
        return undefined;
      }
      this.skipNewlines();
    }
    if (!ops) return not ? this.parseCompare() : this.parsePrimary();
    const depth = ops.length;
    this.exprDepth += depth;
    let expr = not ? this.parseCompare() : this.parsePrimary();
    this.exprDepth -= depth;
    for (let i = depth - 1; i >= 0; i--) {
      const op = ops[i]!;
      expr = { kind: 'UnaryExpression', operator: not ? '!' : (op.kind as A.UnaryOperator), operand: expr, start: op.start, end: expr ? expr.end : op.end };
    }
    return expr;
  }

  private parseCompare(): A.Expression | undefined {
    let left = this.parseBitOr();
    if (!left) return undefined;
    let comparisons = 0;
    for (;;) {
      const tok = this.peek();
      const isIn = isWord(tok, 'in') || isWord(tok, 'not');
      const isAssign = tok.kind === '=';
      if (!COMPARE_OPS.has(tok.kind) && !isIn && !isAssign) return left;
      if (comparisons > 0 && this.exprDepth + comparisons >= MAX_NESTING) {
        // Each chained comparison nests the tree one level deeper.
        this.bail();
        return left;
      }
      if (comparisons++ > 0) {
        this.report('unexpected-token',
          `comparisons cannot be chained: ${describe(tok)} follows a comparison; combine comparisons with \`&&\``, tok);
      } else if (isAssign) {
        this.report('unexpected-token', 'use `==` to compare; `=` only appears in `define` and `group`', tok, ['==']);
      }
      if (isIn) {
        left = this.parseIn(left);
        continue;
      }
      this.advance();
      this.skipNewlines();
      const operator = isAssign ? '==' : (tok.kind as A.BinaryOperator);
      left = binary(left, tok, operator, this.parseBitOr());
    }
  }

  /** `subject [not] in (v, …)`; the current token is `in` or `not`. */
  private parseIn(subject: A.Expression): A.InExpression {
    let negated = false;
    const first = this.advance();
    if (first.text === 'not') {
      negated = true;
      if (isWord(this.peek(), 'in')) this.advance();
      else this.missing('expected-token', 'expected `in` after `not`');
    }
    this.skipNewlines();
    const values: A.Expression[] = [];
    if (this.peek().kind === '(') {
      this.advance();
      this.parenDepth++;
      if (this.peek().kind === ')') {
        this.report('expected-expression', 'expected at least one value in `in (…)`', this.peek());
      } else if (this.exprDepth >= MAX_NESTING) {
        this.bail();
      } else {
        this.exprDepth++;
        for (;;) {
          const v = this.parseBitOr();
          if (v) values.push(v);
          const sep = this.peek();
          if (sep.kind === ',') { this.advance(); continue; }
          if (v && canStartExpression(sep) && sep.kind !== '!') {
            this.missing('expected-token', 'expected `,` between values');
            continue;
          }
          break;
        }
        this.exprDepth--;
      }
      this.closeParen();
      this.parenDepth--;
    } else {
      this.expected('expected-token', '`(` and a list of values, like `in (1, 2)`');
    }
    return { kind: 'InExpression', negated, subject, values, start: subject.start, end: this.lastEnd };
  }

  private parseBitOr(): A.Expression | undefined {
    return this.binaryLevel(Level.BitOr);
  }

  /** `unary = ("~" | "-") unary | primary`, iteratively (no recursion on long prefixes). */
  private parseUnary(): A.Expression | undefined {
    return this.prefixLevel(false);
  }

  private parsePrimary(): A.Expression | undefined {
    const tok = this.peek();
    switch (tok.kind) {
      case 'integer':
        this.advance();
        return this.integer(tok);
      case 'identifier':
        this.advance();
        return { kind: 'Identifier', name: tok.text, start: tok.start, end: tok.end };
      case '(': {
        this.advance();
        this.parenDepth++;
        let expression: A.Expression | undefined;
        if (this.peek().kind === ')') this.report('expected-expression', 'expected an expression inside `( )`', this.peek());
        else expression = this.parseExpression();
        if (!this.bailed) this.closeParen();
        this.parenDepth--;
        return { kind: 'ParenthesizedExpression', expression, start: tok.start, end: this.lastEnd };
      }
    }
    this.expected('expected-expression', 'an expression');
    return undefined;
  }
}
