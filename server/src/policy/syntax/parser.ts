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
import {
  tokenize, scanTokens, recycleTokenTable, SYNTAX_CODES, Tk, TOKEN_KIND_NAMES, TOKEN_MALFORMED, TOKEN_BIG_VALUE,
  type ParseDiagnostic, type SyntaxCode, type Token, type TokenKind, type TokenTable,
} from './lexer';
import { editDistance } from '../spelling';

export { tokenize, SYNTAX_CODES };
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

/** Words that begin a statement, as numbers: `STATEMENT_WORDS[word]`; the actions last, as in `ACTION_NAMES`. */
const enum Word {
  None, Arch, Default, Badarch, Include, Define, Group,
  Allow, Log, Errno, Trap, Trace, Notify, KillProcess, KillThread, Kill,
  FirstAction = Allow,
}
const STATEMENT_WORDS: readonly string[] = ['', 'arch', 'default', 'badarch', 'include', 'define', 'group', ...ACTION_NAMES];
/**
 * The `Word` a word may be, by its first character and length (no two
 * statement words share both), at `(first << 4) | length`: one load and
 * one comparison with that word tell a statement word, without looking
 * the word up in the parser's table of words.
 */
const WORD_BY_SHAPE = ((): Uint8Array => {
  const table = new Uint8Array(128 << 4);
  STATEMENT_WORDS.forEach((word, code) => {
    if (code === Word.None) return;
    const at = (word.charCodeAt(0) << 4) | word.length;
    if (table[at] !== 0) throw new Error(`statement words \`${STATEMENT_WORDS[table[at]!]}\` and \`${word}\` share a shape`);
    table[at] = code;
  });
  return table;
})();
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
  const table = scanTokens(text);
  const parser = new Parser(text, table);
  const statements = parser.parseStatements();
  recycleTokenTable(table);
  const absorbed = parser.absorbed;
  const lexical = absorbed.length === 0
    ? table.diagnostics
    : table.diagnostics.filter((d) => !absorbed.some((a) => d.range.start >= a.start && d.range.end <= a.end));
  const diagnostics = [...lexical, ...parser.diagnostics];
  diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return {
    file: { kind: 'PolicyFile', start: 0, end: text.length, statements, comments: table.comments },
    diagnostics,
  };
}

// ---------------------------------------------------------------- helpers

function range(r: A.TextRange): A.TextRange {
  return { start: r.start, end: r.end };
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

function binary(left: A.Expression, operatorRange: A.TextRange, operator: A.BinaryOperator, right: A.Expression | undefined): A.BinaryExpression {
  return {
    kind: 'BinaryExpression', operator, operatorRange, left, right,
    start: left.start, end: right ? right.end : operatorRange.end,
  };
}

/**
 * Spreads a word's hash over its low bits: words differing only in their
 * last character (`LIMIT_1`, `LIMIT_2`) have neighbouring hashes, which
 * would cluster in an open-addressing table.
 */
function mixHash(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

// ---------------------------------------------------------------- parser

/**
 * The levels of the expression grammar, loosest first: binary levels
 * (`||`, `&&`, `|`, `&`, shifts), comparisons, and the two prefix levels
 * (`!` above comparisons, `~`/`-` above primaries). `level + 1` is the
 * level of a level's operands.
 */
const enum Level { Or, And, Not, Compare, BitOr, BitAnd, Shift, Unary }
/** The levels whose operators are binary and parsed by `continueLevel`. */
type BinaryLevel = Level.Or | Level.And | Level.BitOr | Level.BitAnd | Level.Shift;
/** `operatorLevel` of a token that is no operator. */
const NO_OPERATOR = -1;

/** The numbers of a slot of the parser's table of words (`Parser.nameInfo`), and their places. */
const NAME_INFO = 3;
const INFO_HASH = 0, INFO_START = 1, INFO_LENGTH = 2;

/**
 * A token is referred to by its number in the token table (`TokenIndex`);
 * its kind, offsets and text are read from the table. Numbers past the
 * `eof` token read as `eof`.
 */
type TokenIndex = number;

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

  private readonly count: number;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Where the lexer reported errors: the parser reports nothing more there. */
  private readonly lexErrorStarts = new Set<number>();
  /**
   * Operands and operator tokens of the binary chains being parsed
   * (`continueLevel`), each chain above the chains that enclose it; the
   * slots above `operandTop` / `operatorTop` are free.
   */
  private readonly operandStack: A.Expression[] = [];
  private operandTop = 0;
  private readonly operatorStack: TokenIndex[] = [];
  private operatorTop = 0;
  /** Items of the syscall list being parsed (lists do not nest). */
  private readonly itemStack: A.ListItem[] = [];
  /** The distinct words met so far (`name`), by slot; the number of slots is a power of two. */
  private names: string[];
  /**
   * What the table of words knows of each slot, `NAME_INFO` numbers a
   * slot: the hash, the offset of the word's first occurrence in the text
   * and its length (0 for a free slot). A lookup reads only this
   * array and the text, not the strings (which lie all over the heap).
   */
  private nameInfo: Int32Array;
  private nameCount = 0;

  constructor(
    private readonly text: string,
    private readonly table: TokenTable,
  ) {
    this.count = table.count;
    this.kinds = table.kinds;
    this.starts = table.starts;
    this.ends = table.ends;
    // About one distinct word per 64 characters of a large policy; the table grows past that if needed.
    let size = 64;
    while (size < text.length >> 6 && size < 8192) size *= 2;
    this.names = new Array<string>(size);
    this.nameInfo = new Int32Array(size * NAME_INFO);
    for (const d of table.diagnostics) this.lexErrorStarts.add(d.range.start);
  }

  // -------------------------------------------------------------- tokens

  /** The kind of token `i` (`eof` past the end). */
  private kind(i: TokenIndex): Tk {
    return i < this.count ? this.kinds[i]! as Tk : Tk.Eof;
  }

  private clamp(i: TokenIndex): TokenIndex {
    return i < this.count ? i : this.count - 1;
  }

  /** The source text of token `i` (empty for `eof`). */
  private textOf(i: TokenIndex): string {
    i = this.clamp(i);
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  private rangeOf(i: TokenIndex): A.TextRange {
    i = this.clamp(i);
    return { start: this.starts[i]!, end: this.ends[i]! };
  }

  private malformed(i: TokenIndex): boolean {
    return (this.table.flags[i]! & TOKEN_MALFORMED) !== 0;
  }

  /**
   * Is token `i` the identifier `word`? Compared in place, character by
   * character: the words asked about are short, and a loop is cheaper than
   * a call of `startsWith`.
   */
  private isWord(i: TokenIndex, word: string): boolean {
    if (this.kind(i) !== Tk.Identifier) return false;
    const start = this.starts[i]!;
    const length = word.length;
    if (this.ends[i]! - start !== length) return false;
    const text = this.text;
    for (let j = 0; j < length; j++) if (text.charCodeAt(start + j) !== word.charCodeAt(j)) return false;
    return true;
  }

  /** The statement keyword or action token `i` is, or `Word.None`. */
  private wordAt(i: TokenIndex): Word {
    if (this.kind(i) !== Tk.Identifier) return Word.None;
    const start = this.starts[i]!;
    const length = this.ends[i]! - start;
    const first = this.text.charCodeAt(start);
    if (length > 15 || first > 127) return Word.None;
    const word = WORD_BY_SHAPE[(first << 4) | length]! as Word;
    return word !== Word.None && this.isWord(i, STATEMENT_WORDS[word]!) ? word : Word.None;
  }

  private isEnd(i: TokenIndex): boolean {
    const k = this.kind(i);
    return k === Tk.Newline || k === Tk.Eof;
  }

  private canStartExpression(i: TokenIndex): boolean {
    switch (this.kind(i)) {
      case Tk.Integer: case Tk.Identifier: case Tk.LParen: case Tk.Tilde: case Tk.Minus: case Tk.Bang:
        return true;
    }
    return false;
  }

  private canStartItem(i: TokenIndex): boolean {
    const k = this.kind(i);
    if (k === Tk.Group) return true;
    return k === Tk.Identifier && !this.isWord(i, 'if') && !this.isWord(i, 'except');
  }

  private isContinuationWord(i: TokenIndex): boolean {
    return this.kind(i) === Tk.Identifier && CONTINUATION_WORDS.has(this.textOf(i));
  }

  private looksLikeErrnoName(i: TokenIndex): boolean {
    if (this.kind(i) !== Tk.Identifier) return false;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    if (end - start < 2 || this.text.charCodeAt(start) !== 69 /* E */) return false;
    for (let j = start + 1; j < end; j++) {
      const c = this.text.charCodeAt(j);
      if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
    }
    return true;
  }

  private describe(i: TokenIndex): string {
    switch (this.kind(i)) {
      case Tk.Newline: return 'end of line';
      case Tk.Eof: return 'end of file';
      case Tk.String: return 'a string';
      default: {
        const text = this.textOf(i);
        const t = text.length > 30 ? `${text.slice(0, 30)}…` : text;
        return `\`${t}\``;
      }
    }
  }

  private peek(): TokenIndex {
    if (this.parenDepth > 0) this.skipNewlines();
    return this.pos;
  }

  /** The raw token after the current one (no newline skipping). */
  private peekNext(): TokenIndex {
    return this.kind(this.pos) === Tk.Eof ? this.pos : this.pos + 1;
  }

  private advance(): TokenIndex {
    const t = this.peek();
    if (this.kinds[t] !== Tk.Eof) this.pos++;
    this.lastEnd = this.ends[t]!;
    return t;
  }

  /**
   * Consumes `tok`, the current token as `peek` just returned it, known not
   * to be `eof`: `advance` without a second `peek`.
   */
  private take(tok: TokenIndex): void {
    this.pos = tok + 1;
    this.lastEnd = this.ends[tok]!;
  }

  /**
   * Skips newlines where the statement continues, unless the next line
   * clearly starts a statement of its own.
   */
  private skipNewlines(): void {
    if (this.bailed || this.pos === this.noSkipAt) return;
    let i = this.pos;
    while (this.kind(i) === Tk.Newline) i++;
    if (i === this.pos) return;
    if (this.startsStatement(i)) this.noSkipAt = this.pos;
    else this.pos = i;
  }

  /** Does token `i` (first on its line) begin a statement rather than continue one? */
  private startsStatement(i: TokenIndex): boolean {
    if (this.kind(i) !== Tk.Identifier) return false;
    const n = i + 1;
    const nk = this.kind(n);
    const isItem = this.canStartItem(n) && !(this.isWord(n, 'in') || this.isWord(n, 'not'));
    switch (this.wordAt(i)) {
      case Word.Arch: case Word.Default: case Word.Badarch: case Word.Define:
        return nk === Tk.Identifier && !this.isContinuationWord(n);
      case Word.Include: return nk === Tk.String;
      case Word.Group: return nk === Tk.Group;
      case Word.Errno: case Word.Trace: return nk === Tk.LParen;
      case Word.Trap: return nk === Tk.LParen || isItem;
      case Word.Allow: case Word.Log: case Word.Notify: case Word.Kill: case Word.KillProcess: case Word.KillThread:
        return isItem;
      case Word.None:
        return false;
    }
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
    if (this.kind(tok) === Tk.Invalid) { this.stmtHasError = true; return; } // already reported by the lexer
    if (this.isEnd(tok)) this.missing(code, `expected ${what}`);
    else this.report(code, `expected ${what}, found ${this.describe(tok)}`, this.rangeOf(tok), suggestions);
  }

  /**
   * Expects `)`. On another token: if a matching `)` follows on the same
   * line, the tokens before it are reported and skipped; otherwise the `)`
   * is reported missing and nothing is consumed (`errno(EPERM read`).
   */
  private closeParen(): void {
    const tok = this.peek();
    const tk = this.kind(tok);
    if (tk === Tk.RParen) { this.advance(); return; }
    if (this.isEnd(tok) || tk === Tk.Invalid) { this.expected('expected-token', '`)`'); return; }
    let depth = 0;
    let match = -1;
    for (let i = this.pos, n = 0; n < 1000; i++, n++) {
      const k = this.kind(i);
      if (k === Tk.Newline || k === Tk.Eof) break;
      if (k === Tk.LParen) depth++;
      else if (k === Tk.RParen && depth-- === 0) { match = i; break; }
    }
    if (match < 0) {
      this.missing('expected-token', `expected \`)\` before ${this.describe(tok)}`);
      return;
    }
    this.report('expected-token', `expected \`)\`, found ${this.describe(tok)}`, this.rangeOf(tok));
    while (this.pos <= match) this.advance();
  }

  private bail(): void {
    const tok = this.peek();
    this.report('nesting-too-deep', `expression nested more than ${MAX_NESTING} levels deep`, this.rangeOf(tok));
    this.bailed = true;
    while (!this.isEnd(this.pos)) this.pos++;
  }

  // -------------------------------------------------------------- statements

  parseStatements(): A.Statement[] {
    const statements: A.Statement[] = [];
    for (;;) {
      const k = this.kind(this.pos);
      if (k === Tk.Eof) break;
      if (k === Tk.Newline) { this.pos++; continue; }
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
    let tok = this.pos;
    if (this.isEnd(tok)) return;
    if (!this.stmtHasError && this.kind(tok) !== Tk.Invalid) {
      const why = this.kind(tok) === Tk.Minus ? '; there is no subtraction, `-` only negates a value' : '';
      this.report('unexpected-token', `unexpected ${this.describe(tok)}; expected ${this.trailingHint}${why}`, this.rangeOf(tok));
    }
    let depth = 0;
    for (let i = this.stmtStart; i < this.pos; i++) {
      const k = this.kind(i);
      if (k === Tk.LParen) depth++;
      else if (k === Tk.RParen && depth > 0) depth--;
    }
    for (;;) {
      tok = this.pos;
      const k = this.kind(tok);
      if (k === Tk.Eof) return;
      if (k === Tk.Newline) {
        const prev = this.pos - 1;
        const pk = this.kind(prev);
        // Every token kind from `==` to `(` is one after which the statement continues.
        const continues = depth > 0 || (pk >= Tk.EqEq && pk <= Tk.LParen) || this.isContinuationWord(prev);
        if (!continues || this.bailed) return;
        let j = this.pos;
        while (this.kind(j) === Tk.Newline) j++;
        if (this.startsStatement(j)) return;
        this.pos = j;
        continue;
      }
      if (k === Tk.LParen) depth++;
      else if (k === Tk.RParen && depth > 0) depth--;
      this.pos++;
    }
  }

  private parseStatement(): A.Statement | undefined {
    const tok = this.peek();
    const k = this.kind(tok);
    if (k !== Tk.Identifier) {
      if (k === Tk.Invalid) { this.stmtHasError = true; return undefined; }
      let hint = '';
      if (k === Tk.Group && this.kind(this.peekNext()) === Tk.Eq) hint = `; to define a group write \`group ${this.textOf(tok)} = …\``;
      this.report('expected-statement', `expected a statement, found ${this.describe(tok)}${hint}`, this.rangeOf(tok),
        hint ? [`group ${this.textOf(tok)}`] : undefined);
      return undefined;
    }
    const code = this.wordAt(tok);
    switch (code) {
      case Word.Arch: return this.parseArch();
      case Word.Default: return this.parseDefaultOrBadarch('default');
      case Word.Badarch: return this.parseDefaultOrBadarch('badarch');
      case Word.Include: return this.parseInclude();
      case Word.Define: return this.parseDefine();
      case Word.Group: return this.parseGroup();
    }
    if (code >= Word.FirstAction) return this.parseRule(code);
    const word = this.name(tok);
    const next = this.peekNext();
    let suggestions: string[];
    let message: string;
    if (this.kind(next) === Tk.Eq) {
      suggestions = [`define ${word}`];
      message = `\`${word}\` is neither a statement keyword nor an action; to define a constant write \`define ${word} = …\``;
    } else {
      suggestions = suggest(word, [...STATEMENT_KEYWORDS, ...ACTION_NAMES], STATEMENT_ALIASES);
      message = `\`${word}\` is neither a statement keyword (${STATEMENT_KEYWORDS.join(', ')}) nor an action (${ACTION_NAMES.join(', ')})${didYouMean(suggestions)}`;
    }
    this.report('unknown-statement', message, this.rangeOf(tok), suggestions);
    return undefined;
  }

  private identifier(i: TokenIndex): A.Identifier {
    return { kind: 'Identifier', name: this.name(i), start: this.starts[i]!, end: this.ends[i]! };
  }

  /**
   * The text of word `i`, one string per distinct word of the file: a
   * policy repeats its names (`flags`, `arg0`, constants) thousands of
   * times, and every copy would live as long as the tree.
   */
  private name(i: TokenIndex): string {
    const slot = this.slotOf(i); // first: finding the slot may grow the table
    return this.names[slot]!;
  }

  /**
   * The slot of word `i` in the table of words (`names`, `nameInfo`): an
   * open-addressing table keyed by the hash the lexer left in `aux`. A
   * candidate is compared with the word's first occurrence character by
   * character (words are short: cheaper than a call of `startsWith`).
   */
  private slotOf(i: TokenIndex): number {
    const start = this.starts[i]!;
    const length = this.ends[i]! - start;
    const hash = this.table.aux[i]!;
    const info = this.nameInfo;
    const text = this.text;
    const mask = this.names.length - 1;
    for (let k = mixHash(hash) & mask; ; k = (k + 1) & mask) {
      const at = k * NAME_INFO;
      const known = info[at + INFO_LENGTH]!;
      if (known === 0) {
        const fresh = text.slice(start, start + length);
        this.names[k] = fresh;
        info[at + INFO_HASH] = hash;
        info[at + INFO_START] = start;
        info[at + INFO_LENGTH] = length;
        if (++this.nameCount * 2 > this.names.length) {
          this.growNames();
          return this.slotOf(i);
        }
        return k;
      }
      if (info[at + INFO_HASH] === hash && known === length) {
        const first = info[at + INFO_START]!;
        let j = 0;
        while (j < length && text.charCodeAt(start + j) === text.charCodeAt(first + j)) j++;
        if (j === length) return k;
      }
    }
  }

  private growNames(): void {
    const oldNames = this.names;
    const oldInfo = this.nameInfo;
    const size = oldNames.length * 2;
    const names = new Array<string>(size);
    const info = new Int32Array(size * NAME_INFO);
    const mask = size - 1;
    for (let j = 0; j < oldNames.length; j++) {
      const from = j * NAME_INFO;
      if (oldInfo[from + INFO_LENGTH] === 0) continue;
      let k = mixHash(oldInfo[from + INFO_HASH]!) & mask;
      while (info[k * NAME_INFO + INFO_LENGTH] !== 0) k = (k + 1) & mask;
      names[k] = oldNames[j]!;
      info.set(oldInfo.subarray(from, from + NAME_INFO), k * NAME_INFO);
    }
    this.names = names;
    this.nameInfo = info;
  }

  private groupName(i: TokenIndex): A.GroupName {
    const name = this.table.strings[this.table.aux[i]!] ?? '';
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    return this.malformed(i)
      ? { kind: 'GroupName', name, malformed: true, start, end }
      : { kind: 'GroupName', name, start, end };
  }

  private parseArch(): A.ArchStatement {
    const kw = this.advance();
    const abis: A.Identifier[] = [];
    const what = 'an ABI name such as `x86_64` or `aarch64`';
    this.trailingHint = '`,` or end of line';
    let tok = this.peek();
    if (this.kind(tok) !== Tk.Identifier) {
      this.expected('expected-abi', what);
    } else {
      for (;;) {
        tok = this.peek();
        if (this.kind(tok) === Tk.Identifier) {
          this.advance();
          abis.push(this.identifier(tok));
        } else {
          this.expected('expected-abi', what);
          if (this.kind(tok) !== Tk.Comma) break;
        }
        tok = this.peek();
        if (this.kind(tok) === Tk.Comma) { this.advance(); this.skipNewlines(); continue; }
        if (this.kind(tok) === Tk.Identifier) { this.missing('expected-token', 'expected `,` between ABI names'); continue; }
        break;
      }
    }
    return { kind: 'ArchStatement', keyword: this.rangeOf(kw), abis, start: this.starts[kw]!, end: this.lastEnd };
  }

  private parseDefaultOrBadarch(which: 'default' | 'badarch'): A.DefaultStatement | A.BadarchStatement {
    const kw = this.advance();
    const action = this.parseActionOperand(which);
    return which === 'default'
      ? { kind: 'DefaultStatement', keyword: this.rangeOf(kw), action, start: this.starts[kw]!, end: this.lastEnd }
      : { kind: 'BadarchStatement', keyword: this.rangeOf(kw), action, start: this.starts[kw]!, end: this.lastEnd };
  }

  /** The action after `default` / `badarch`. */
  private parseActionOperand(after: string): A.Action | undefined {
    const tok = this.peek();
    const isIdentifier = this.kind(tok) === Tk.Identifier;
    const code = this.wordAt(tok);
    if (code >= Word.FirstAction) return this.parseAction(code);
    const what = `an action after \`${after}\` (${ACTION_NAMES.join(', ')})`;
    if (isIdentifier) {
      const word = this.textOf(tok);
      const suggestions = this.looksLikeErrnoName(tok)
        ? [`errno(${word})`]
        : suggest(word, ACTION_NAMES, ACTION_ALIASES);
      this.report('expected-action', `\`${word}\` is not an action${didYouMean(suggestions)}`, this.rangeOf(tok), suggestions);
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
    if (this.kind(tok) === Tk.String) {
      this.advance();
      path = { kind: 'StringLiteral', value: this.table.strings[this.table.aux[tok]!] ?? '', start: this.starts[tok]!, end: this.ends[tok]! };
    } else if (this.isEnd(tok)) {
      this.expected('expected-string', 'a quoted path, like `include "common.seccomp"`');
    } else {
      // `include common/x.seccomp`, `include 'x'`: one error over the whole
      // unquoted path (lexer errors inside it are dropped), with the fix.
      let last = tok;
      while (!this.isEnd(this.pos)) last = this.pos++;
      const start = this.starts[tok]!;
      const lastEnd = this.ends[last]!;
      const raw = this.text.slice(start, lastEnd);
      const unquoted = raw.length >= 2 && raw[0] === "'" && raw[raw.length - 1] === "'" ? raw.slice(1, -1) : raw;
      const fixed = `"${unquoted.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
      this.lastEnd = lastEnd;
      this.absorbed.push({ start, end: lastEnd });
      this.stmtHasError = true;
      this.lastErrorEnd = lastEnd;
      this.diagnostics.push({
        code: 'expected-string', severity: 'error', message: `expected the path in double quotes: \`include ${fixed}\``,
        range: { start, end: lastEnd }, suggestions: [fixed],
      });
    }
    return { kind: 'IncludeStatement', keyword: this.rangeOf(kw), path, start: this.starts[kw]!, end: this.lastEnd };
  }

  private parseDefine(): A.DefineStatement {
    const kw = this.advance();
    let name: A.Identifier | undefined;
    let value: A.Expression | undefined;
    let tok = this.peek();
    if (this.kind(tok) === Tk.Identifier) {
      this.advance();
      name = this.identifier(tok);
    } else {
      this.expected('expected-identifier', 'a name for the constant, like `define LIMIT = 16`');
      if (!this.isEnd(tok) && this.kind(this.peekNext()) === Tk.Eq) this.advance();
      else if (this.kind(tok) !== Tk.Eq) return { kind: 'DefineStatement', keyword: this.rangeOf(kw), name, value, start: this.starts[kw]!, end: this.lastEnd };
    }
    tok = this.peek();
    if (this.kind(tok) === Tk.Eq) {
      this.advance();
      this.skipNewlines();
      this.trailingHint = 'an operator or end of line';
      value = this.parseExpression();
    } else if (this.canStartExpression(tok)) {
      this.missing('expected-token', 'expected `=` before the value');
      this.trailingHint = 'an operator or end of line';
      value = this.parseExpression();
    } else {
      this.expected('expected-token', '`=`');
    }
    return { kind: 'DefineStatement', keyword: this.rangeOf(kw), name, value, start: this.starts[kw]!, end: this.lastEnd };
  }

  private parseGroup(): A.GroupStatement {
    const kw = this.advance();
    let name: A.GroupName | undefined;
    let list: A.SyscallList | undefined;
    let tok = this.peek();
    if (this.kind(tok) === Tk.Group) {
      this.advance();
      name = this.groupName(tok);
    } else if (this.kind(tok) === Tk.Identifier) {
      const fixed = `@${this.textOf(tok).toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
      this.report('expected-group-name', `expected a group name starting with \`@\`, like \`${fixed}\``, this.rangeOf(tok), [fixed]);
      this.advance();
    } else {
      this.expected('expected-group-name', 'a group name, like `@net`');
      if (this.kind(tok) !== Tk.Eq) return { kind: 'GroupStatement', keyword: this.rangeOf(kw), name, list, start: this.starts[kw]!, end: this.lastEnd };
    }
    tok = this.peek();
    if (this.kind(tok) === Tk.Eq) {
      this.advance();
      this.skipNewlines();
    } else if (this.canStartItem(tok)) {
      this.missing('expected-token', 'expected `=` before the group\'s syscalls');
    } else {
      this.expected('expected-token', '`=`');
      return { kind: 'GroupStatement', keyword: this.rangeOf(kw), name, list, start: this.starts[kw]!, end: this.lastEnd };
    }
    list = this.parseList(false);
    this.trailingHint = '`,`, `except` or end of line';
    if (this.isWord(this.peek(), 'if')) {
      this.report('unexpected-token', 'a group cannot have a condition; put the condition on the rule that uses the group', this.rangeOf(this.peek()));
    }
    return { kind: 'GroupStatement', keyword: this.rangeOf(kw), name, list, start: this.starts[kw]!, end: this.lastEnd };
  }

  /** A rule; the current token is the action name `word`. */
  private parseRule(word: Word): A.RuleStatement {
    const action = this.parseAction(word);
    const list = this.parseList(true);
    this.trailingHint = list?.except ? '`,`, `if` or end of line' : '`,`, `except`, `if` or end of line';
    let ifKeyword: A.TextRange | undefined;
    let condition: A.Expression | undefined;
    const tok = this.peek();
    if (this.isWord(tok, 'if')) {
      this.advance();
      ifKeyword = this.rangeOf(tok);
      this.skipNewlines();
      this.trailingHint = 'an operator or end of line';
      condition = this.parseExpression();
    }
    return { kind: 'RuleStatement', action, list, ifKeyword, condition, start: action.start, end: this.lastEnd };
  }

  /** An action; the current token is the action name `word`. */
  private parseAction(word: Word): A.Action {
    const nameTok = this.advance();
    const name = ACTION_NAMES[word - Word.FirstAction]!;
    let argument: A.Expression | undefined;
    if (word === Word.Errno || word === Word.Trap || word === Word.Trace) {
      const tok = this.peek();
      const tk = this.kind(tok);
      if (tk === Tk.LParen) {
        this.advance();
        this.parenDepth++;
        if (this.kind(this.peek()) === Tk.RParen) {
          this.report('expected-expression',
            name === 'errno' ? 'expected an errno name or number, like `errno(EPERM)`' : `expected a number, like \`${name}(1)\``,
            this.rangeOf(this.peek()));
        } else {
          argument = this.parseExpression();
        }
        this.closeParen();
        this.parenDepth--;
      } else if (name !== 'trap' || tk === Tk.Integer) {
        const example = name === 'errno' ? 'errno(EPERM)' : `${name}(1)`;
        if (tk === Tk.Integer || (name === 'errno' && this.looksLikeErrnoName(tok))) {
          // `errno EPERM read`: take the operand, say the parentheses are missing.
          const nameEnd = this.ends[nameTok]!;
          this.report('expected-token', `expected \`(\`: write the operand in parentheses, like \`${example}\``,
            { start: nameEnd, end: nameEnd });
          this.advance();
          argument = tk === Tk.Integer ? this.integer(tok) : this.identifier(tok);
        } else {
          this.missing('expected-token', `expected \`(\`: \`${name}\` needs an operand, like \`${example}\``);
        }
      }
    }
    return { kind: 'Action', name, nameRange: this.rangeOf(nameTok), argument, start: this.starts[nameTok]!, end: this.lastEnd };
  }

  // -------------------------------------------------------------- syscall lists

  private parseList(isRule: boolean): A.SyscallList | undefined {
    const first = this.peek();
    let items: A.ListItem[] = [];
    let except: A.ListItem[] | undefined;
    let exceptKeyword: A.TextRange | undefined;
    const start = this.starts[first]!;
    if (this.isWord(first, 'except')) {
      if (isRule) this.missing('missing-list', 'expected the syscalls this rule applies to before `except`');
      else this.missing('expected-syscall', 'expected the group\'s syscalls before `except`');
    } else if (this.canStartItem(first) || this.kind(first) === Tk.Comma) {
      items = this.parseItems();
    } else {
      if (isRule && (this.isEnd(first) || this.isWord(first, 'if'))) {
        this.missing('missing-list', 'expected the syscalls this rule applies to (names, `@groups` or `syscall(N)`)');
      } else {
        this.expected('expected-syscall', 'a syscall name, `@group` or `syscall(N)`');
      }
      return undefined;
    }
    const tok = this.peek();
    if (this.isWord(tok, 'except')) {
      this.advance();
      exceptKeyword = this.rangeOf(tok);
      except = [];
      this.skipNewlines();
      if (this.canStartItem(this.peek()) || this.kind(this.peek()) === Tk.Comma) except = this.parseItems();
      else this.expected('expected-syscall', 'the syscalls to leave out after `except`');
    }
    return { kind: 'SyscallList', items, except, exceptKeyword, start, end: this.lastEnd };
  }

  /**
   * The items of a list, as an array of exactly their number (they wait on
   * `itemStack` meanwhile: an array grown by `push` keeps room for 16).
   */
  private parseItems(): A.ListItem[] {
    const stack = this.itemStack;
    let n = 0;
    for (;;) {
      const item = this.parseItem();
      if (item) stack[n++] = item;
      else {
        this.expected('expected-syscall', 'a syscall name, `@group` or `syscall(N)`');
        if (this.kind(this.peek()) !== Tk.Comma) break;
      }
      const tok = this.peek();
      if (this.kind(tok) === Tk.Comma) {
        this.advance();
        this.skipNewlines();
        continue;
      }
      if (this.canStartItem(tok)) {
        this.missing('expected-token', 'expected `,` between syscalls');
        continue;
      }
      break;
    }
    // Most lists have one to three items: an array literal is cheaper than a call of `slice`.
    switch (n) {
      case 0: return [];
      case 1: return [stack[0]!];
      case 2: return [stack[0]!, stack[1]!];
      case 3: return [stack[0]!, stack[1]!, stack[2]!];
    }
    return stack.slice(0, n);
  }

  private parseItem(): A.ListItem | undefined {
    const tok = this.peek();
    if (this.kinds[tok] === Tk.Group) {
      this.take(tok);
      return this.groupName(tok);
    }
    if (!this.canStartItem(tok)) return undefined;
    this.take(tok);
    if (this.isWord(tok, 'syscall') && this.kind(this.pos) === Tk.LParen) {
      this.advance();
      this.parenDepth++;
      let number: A.IntegerLiteral | undefined;
      const n = this.peek();
      if (this.kind(n) === Tk.Integer) {
        this.advance();
        number = this.integer(n);
      } else {
        this.expected('expected-number', 'a syscall number, like `syscall(39)`');
      }
      this.closeParen();
      this.parenDepth--;
      return { kind: 'RawSyscall', number, start: this.starts[tok]!, end: this.lastEnd };
    }
    return this.identifier(tok);
  }

  // -------------------------------------------------------------- expressions

  private integer(i: TokenIndex): A.IntegerLiteral {
    const flags = this.table.flags[i]!;
    const value = (flags & TOKEN_BIG_VALUE) !== 0 ? this.table.values[this.table.aux[i]!]! : BigInt(this.table.aux[i]!);
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    const text = this.text.slice(start, end);
    return (flags & TOKEN_MALFORMED) !== 0
      ? { kind: 'IntegerLiteral', value, text, malformed: true, start, end }
      : { kind: 'IntegerLiteral', value, text, start, end };
  }

  private parseExpression(): A.Expression | undefined {
    if (this.exprDepth >= MAX_NESTING) {
      this.bail();
      return undefined;
    }
    this.exprDepth++;
    try {
      return this.parseAt(Level.Or);
    } finally {
      this.exprDepth--;
    }
  }

  /** `and`/`or` written as words: reported, then read as `&&`/`||`. */
  private wordOperator(word: 'and' | 'or'): boolean {
    const tok = this.peek();
    if (!this.isWord(tok, word) || !this.canStartExpression(this.peekNext())) return false;
    const op = word === 'and' ? '&&' : '||';
    this.report('unexpected-token', `use \`${op}\` instead of \`${word}\``, this.rangeOf(tok), [op]);
    return true;
  }

  /**
   * `operands[0] op operands[1] op …` as a balanced tree, where operand
   * `i` is `operandStack[base + i]` and the operator token after it
   * `operatorStack[opBase + i]`; the left half takes the odd operand, so
   * three operands read `(a op b) op c` as left associativity would.
   */
  private balanced(base: number, opBase: number, operator: A.BinaryOperator, lo: number, hi: number): A.Expression {
    if (hi - lo === 1) return this.operandStack[base + lo]!;
    if (hi - lo === 2) {
      // The common chain of two, without the calls for its leaves.
      return binary(this.operandStack[base + lo]!, this.rangeOf(this.operatorStack[opBase + lo]!), operator,
        this.operandStack[base + lo + 1]!);
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    return binary(this.balanced(base, opBase, operator, lo, mid), this.rangeOf(this.operatorStack[opBase + mid - 1]!), operator,
      this.balanced(base, opBase, operator, mid, hi));
  }

  /**
   * One left-associative level of binary operators, `next (op next)*`
   * (`next` is the level below, `operatorAt` says which operator of the
   * level the current token is, or undefined where the level ends), after
   * its first operand `first`. A chain of an associative operator (`||`,
   * `&&`, `|`, `&`) becomes a balanced tree, so thousands of `||` give a
   * tree of depth log n that every walker (resolver, lints, compiler,
   * features) may recurse on. What nests instead (a shift on a shift, an
   * operator whose right operand is missing) counts as nesting, bounded
   * like parentheses. The chain's operands and operator tokens wait on the
   * parser's two stacks (above what enclosing levels hold there) rather
   * than in arrays of their own, so a chain allocates only its nodes, and
   * an operand without an operator (the common case) allocates nothing.
   */
  private continueLevel(level: BinaryLevel, first: A.Expression): A.Expression {
    let tok = this.peek();
    let op = this.operatorAt(level, tok);
    if (op === undefined) return first;
    const associative = level !== Level.Shift;
    const base = this.operandTop;
    const opBase = this.operatorTop;
    this.operandStack[this.operandTop++] = first;
    let operator: A.BinaryOperator | undefined;
    let nested = 0;
    for (;;) {
      this.take(tok);
      this.skipNewlines();
      const right = this.operandOf(level);
      if (associative && right) {
        this.operandStack[this.operandTop++] = right;
        this.operatorStack[this.operatorTop++] = tok;
        operator = op;
      } else {
        const left = this.balanced(base, opBase, operator ?? op, 0, this.operandTop - base);
        this.operandStack[base] = binary(left, this.rangeOf(tok), op, right);
        this.operandTop = base + 1;
        this.operatorTop = opBase;
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
    const result = this.balanced(base, opBase, operator ?? '||', 0, this.operandTop - base);
    this.operandTop = base;
    this.operatorTop = opBase;
    return result;
  }

  /** The operand of a binary level: the next level down. */
  private operandOf(level: BinaryLevel): A.Expression | undefined {
    return this.parseAt(level + 1);
  }

  /**
   * An expression of `level` (and the levels below it), built as descending
   * through every level to the primary and back would build it, with the
   * same diagnostics, but without the descent: no level has anything to do
   * on the way down except the two prefix levels. Most operands start with
   * a name, a number or `(`, which no prefix operator can precede: the
   * primary is read at once and the levels from the primary up to `level`
   * continue from it (`climb`). Otherwise the prefix level the descent
   * would reach first reads the operand (`!` at or above the `!` level,
   * else `~`/`-`, which also report a missing operand), and the levels
   * above it continue from there.
   */
  private parseAt(level: Level): A.Expression | undefined {
    const tok = this.peek();
    const k = this.kinds[tok]! as Tk;
    if (k === Tk.Integer) {
      this.take(tok);
      return this.climb(this.integer(tok), level);
    }
    // `not` at or above the `!` level may be a misspelt `!` (`takesNot`): that descends.
    if (k === Tk.Identifier && (level > Level.Not || !this.isWord(tok, 'not'))) {
      this.take(tok);
      return this.climb(this.identifier(tok), level);
    }
    if (k === Tk.LParen) return this.climb(this.parsePrimary()!, level);
    if (level <= Level.Not) {
      const not = this.prefixLevel(true);
      return not && this.climb(not, level, Level.And);
    }
    const unary = this.prefixLevel(false);
    return unary && this.climb(unary, level);
  }

  /**
   * Continues the operand `e` through the levels from `next` up to
   * `floor`, as the descent's levels would on their way back: each level
   * that the next token is an operator of continues in turn (shifts, `&`,
   * `|`, comparisons, `&&`, `||`). A level whose operator the token is not
   * ends at once without side effects, so those are skipped; after a level
   * has continued, only looser levels remain. `next` is the first level
   * above the one that read `e`: shifts above a primary or `~`/`-`, `&&`
   * above a `!`.
   */
  private climb(e: A.Expression, floor: Level, next: Level = Level.Shift): A.Expression {
    for (;;) {
      const lv = this.operatorLevel(this.peek());
      if (lv < floor || lv > next) return e;
      e = lv === Level.Compare ? this.compareRest(e) : this.continueLevel(lv as BinaryLevel, e);
      next = lv - 1;
    }
  }

  /**
   * The level whose operator token `tok` may be (`NO_OPERATOR` for none).
   * The words `and`/`or` are only candidates: their level decides
   * (`wordOperator`) whether they are taken.
   */
  private operatorLevel(tok: TokenIndex): Level | typeof NO_OPERATOR {
    switch (this.kinds[tok]! as Tk) {
      case Tk.Shl: case Tk.Shr: return Level.Shift;
      case Tk.Amp: return Level.BitAnd;
      case Tk.Pipe: return Level.BitOr;
      case Tk.EqEq: case Tk.NotEq: case Tk.Lt: case Tk.LtEq: case Tk.Gt: case Tk.GtEq: case Tk.Eq: return Level.Compare;
      case Tk.AmpAmp: return Level.And;
      case Tk.PipePipe: return Level.Or;
      case Tk.Identifier: {
        const length = this.ends[tok]! - this.starts[tok]!;
        if (length === 2) {
          if (this.isWord(tok, 'in')) return Level.Compare;
          if (this.isWord(tok, 'or')) return Level.Or;
        } else if (length === 3) {
          if (this.isWord(tok, 'not')) return Level.Compare;
          if (this.isWord(tok, 'and')) return Level.And;
        }
        return NO_OPERATOR;
      }
    }
    return NO_OPERATOR;
  }

  /** The level's operator the token `tok` is, or undefined (a misspelt `and`/`or` is reported and taken). */
  private operatorAt(level: BinaryLevel, tok: TokenIndex): A.BinaryOperator | undefined {
    const k = this.kind(tok);
    switch (level) {
      case Level.Or: return k === Tk.PipePipe || this.wordOperator('or') ? '||' : undefined;
      case Level.And: return k === Tk.AmpAmp || this.wordOperator('and') ? '&&' : undefined;
      case Level.BitOr: return k === Tk.Pipe ? '|' : undefined;
      case Level.BitAnd: return k === Tk.Amp ? '&' : undefined;
      case Level.Shift: return k === Tk.Shl ? '<<' : k === Tk.Shr ? '>>' : undefined;
    }
  }

  /** Does the current token `tok` start a `!` (or a misspelt `not`, reported and taken)? */
  private takesNot(tok: TokenIndex): boolean {
    if (this.kind(tok) === Tk.Bang) return true;
    if (!this.isWord(tok, 'not') || this.isWord(this.peekNext(), 'in') || !this.canStartExpression(this.peekNext())) return false;
    this.report('unexpected-token', 'use `!` to negate a condition', this.rangeOf(tok), ['!']);
    return true;
  }

  /** Does the current token `tok` start a `~` or `-` (or a misplaced `!`, reported and taken)? */
  private takesUnary(tok: TokenIndex): boolean {
    const k = this.kind(tok);
    if (k !== Tk.Bang) return k === Tk.Tilde || k === Tk.Minus;
    this.report('unexpected-token',
      '`!` negates a whole condition and cannot be an operand here; write `!(…)` around the comparison, or use `~` for bitwise not',
      this.rangeOf(tok));
    return true;
  }

  /**
   * Prefix operators, then the level inside, iteratively (no recursion on
   * long prefixes): `!` before a comparison (`not`), or `~`/`-` before a
   * primary. The operator tokens wait on the operator stack (above what
   * enclosing chains hold there) rather than in an array of their own.
   */
  private prefixLevel(not: boolean): A.Expression | undefined {
    const base = this.operatorTop;
    while (not ? this.takesNot(this.peek()) : this.takesUnary(this.peek())) {
      this.operatorStack[this.operatorTop++] = this.advance();
      if (this.exprDepth + (this.operatorTop - base) >= MAX_NESTING) {
        this.operatorTop = base;
        this.bail();
        return undefined;
      }
      this.skipNewlines();
    }
    const depth = this.operatorTop - base;
    if (depth === 0) return not ? this.parseCompare() : this.parsePrimary();
    this.exprDepth += depth;
    let expr = not ? this.parseCompare() : this.parsePrimary();
    this.exprDepth -= depth;
    for (let i = depth - 1; i >= 0; i--) {
      const op = this.operatorStack[base + i]!;
      const operator = not ? '!' : (TOKEN_KIND_NAMES[this.kind(op)] as A.UnaryOperator);
      const start = this.starts[op]!;
      expr = { kind: 'UnaryExpression', operator, operand: expr, start, end: expr ? expr.end : this.ends[op]! };
    }
    this.operatorTop = base;
    return expr;
  }

  /** `compare = bitor (("==" | … | "in" | "not in") bitor)?`; a chain of comparisons is reported. */
  private parseCompare(): A.Expression | undefined {
    return this.parseAt(Level.Compare);
  }

  /** The comparisons after the operand `left` of a comparison. */
  private compareRest(left: A.Expression): A.Expression {
    let comparisons = 0;
    for (;;) {
      const tok = this.peek();
      const k = this.kinds[tok]! as Tk;
      const isIn = k === Tk.Identifier && (this.isWord(tok, 'in') || this.isWord(tok, 'not'));
      const isAssign = k === Tk.Eq;
      if (!(k >= Tk.EqEq && k <= Tk.GtEq) && !isIn && !isAssign) return left;
      if (comparisons > 0 && this.exprDepth + comparisons >= MAX_NESTING) {
        // Each chained comparison nests the tree one level deeper.
        this.bail();
        return left;
      }
      if (comparisons++ > 0) {
        this.report('unexpected-token',
          `comparisons cannot be chained: ${this.describe(tok)} follows a comparison; combine comparisons with \`&&\``, this.rangeOf(tok));
      } else if (isAssign) {
        this.report('unexpected-token', 'use `==` to compare; `=` only appears in `define` and `group`', this.rangeOf(tok), ['==']);
      }
      if (isIn) {
        left = this.parseIn(left);
        continue;
      }
      this.take(tok);
      this.skipNewlines();
      const operator = isAssign ? '==' : (TOKEN_KIND_NAMES[k] as A.BinaryOperator);
      left = binary(left, this.rangeOf(tok), operator, this.parseBitOr());
    }
  }

  /** `subject [not] in (v, …)`; the current token is `in` or `not`. */
  private parseIn(subject: A.Expression): A.InExpression {
    let negated = false;
    const first = this.advance();
    if (this.isWord(first, 'not')) {
      negated = true;
      if (this.isWord(this.peek(), 'in')) this.advance();
      else this.missing('expected-token', 'expected `in` after `not`');
    }
    this.skipNewlines();
    // The values wait on the operand stack (see `parseItems`); nested chains use it above them.
    const base = this.operandTop;
    if (this.kind(this.peek()) === Tk.LParen) {
      this.advance();
      this.parenDepth++;
      if (this.kind(this.peek()) === Tk.RParen) {
        this.report('expected-expression', 'expected at least one value in `in (…)`', this.rangeOf(this.peek()));
      } else if (this.exprDepth >= MAX_NESTING) {
        this.bail();
      } else {
        this.exprDepth++;
        for (;;) {
          const v = this.parseBitOr();
          if (v) this.operandStack[this.operandTop++] = v;
          const sep = this.peek();
          if (this.kind(sep) === Tk.Comma) { this.advance(); continue; }
          if (v && this.canStartExpression(sep) && this.kind(sep) !== Tk.Bang) {
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
    const values = this.operandStack.slice(base, this.operandTop);
    this.operandTop = base;
    return { kind: 'InExpression', negated, subject, values, start: subject.start, end: this.lastEnd };
  }

  /** The `|` level: the operand of a comparison or of an `in` list. */
  private parseBitOr(): A.Expression | undefined {
    return this.parseAt(Level.BitOr);
  }

  private parsePrimary(): A.Expression | undefined {
    const tok = this.peek();
    switch (this.kind(tok)) {
      case Tk.Integer:
        this.advance();
        return this.integer(tok);
      case Tk.Identifier:
        this.advance();
        return this.identifier(tok);
      case Tk.LParen: {
        this.advance();
        this.parenDepth++;
        let expression: A.Expression | undefined;
        if (this.kind(this.peek()) === Tk.RParen) this.report('expected-expression', 'expected an expression inside `( )`', this.rangeOf(this.peek()));
        else expression = this.parseExpression();
        if (!this.bailed) this.closeParen();
        this.parenDepth--;
        return { kind: 'ParenthesizedExpression', expression, start: this.starts[tok]!, end: this.lastEnd };
      }
    }
    this.expected('expected-expression', 'an expression');
    return undefined;
  }
}
