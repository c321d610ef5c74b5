/**
 * The lexer of `.seccomp` files (spec §2). It never fails: a character or
 * literal it cannot make sense of becomes a token flagged `malformed` (or an
 * `invalid` token) plus a diagnostic, and lexing goes on.
 *
 * Newlines are tokens (`newline`); the parser decides where a newline ends a
 * statement and where the statement continues. Comments are not tokens:
 * they are collected separately for the formatter and folding.
 *
 * The lexer is a single linear pass over UTF-16 code units, without regular
 * expressions on the text.
 */
import type { Comment, TextRange } from './ast';
import type { SyntaxDiagnostic } from '../diagnostics';

/**
 * Every code the lexer and the parser report, with its meaning. Codes are
 * stable (users filter on them), kebab-case and all of severity `error`.
 */
export const SYNTAX_CODES = {
  // lexer
  'invalid-character': 'a character that cannot start any token (`$`, `;`, a non-ASCII letter…)',
  'unterminated-string': 'a string without its closing `"` on the same line',
  'invalid-number': 'a malformed integer literal (`0x`, `12ab`, `0b102`, `1__0`, a decimal with a leading zero like `0755`)',
  'invalid-escape': 'a backslash escape other than `\\"` and `\\\\` in a string',
  'invalid-group-name': 'a group name not matching `@[a-z0-9][a-z0-9_-]*` (`@Foo`, a lone `@`)',
  // parser
  'expected-token': 'a specific punctuation or keyword is missing (`(`, `)`, `=`, `,`, `in`)',
  'expected-expression': 'an operand or expression is missing',
  'expected-syscall': 'a syscall list item (name, `@group`, `syscall(N)`) is missing',
  'expected-action': 'an action is missing after `default` / `badarch`, or the word there is not an action',
  'expected-abi': 'an ABI name is missing after `arch` or after a `,` in it',
  'expected-string': '`include` is not followed by a quoted path',
  'expected-identifier': '`define` is not followed by a name',
  'expected-group-name': '`group` is not followed by an `@name`',
  'expected-number': '`syscall(…)` does not contain a non-negative integer literal',
  'expected-statement': 'a line starts with something that is not a word (a number, an operator, a string…)',
  'unexpected-token': 'a token where the statement should end, or an operator used where it cannot be (`==` chained, `!` as an operand, `and`/`or`/`not` words)',
  'unknown-statement': 'a line starts with a word that is neither a statement keyword nor an action',
  'missing-list': 'a rule without any syscall',
  'nesting-too-deep': 'parentheses nested deeper than the parser accepts (128)',
} as const;

export type SyntaxCode = keyof typeof SYNTAX_CODES;

/**
 * A syntax diagnostic that may carry "did you mean" fixes: replacement
 * texts for its range, best first (as `PolicyDiagnostic.suggestions`).
 */
export interface ParseDiagnostic extends SyntaxDiagnostic {
  readonly code: SyntaxCode;
  readonly suggestions?: readonly string[];
}

export type Punctuator =
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | '<<' | '>>'
  | '&' | '|' | '~' | '!' | '&&' | '||' | '-' | '=' | ',' | '(' | ')';

export type TokenKind =
  | 'identifier'
  | 'group'     // `@name`
  | 'integer'
  | 'string'
  | 'newline'   // `\n`, `\r\n` or `\r`
  | 'invalid'   // a run of characters that start no token (already reported)
  | 'eof'
  | Punctuator;

export interface Token extends TextRange {
  readonly kind: TokenKind;
  /** The source text of the token (empty for `eof`). */
  readonly text: string;
  /** `integer`: the value; 0n when malformed. */
  readonly value?: bigint;
  /** `string`: the value with escapes resolved; `group`: the name without `@`. */
  readonly stringValue?: string;
  /** The lexer reported an error for this token. */
  readonly malformed?: boolean;
}

export interface LexResult {
  /** All tokens, ending with one `eof` token. */
  readonly tokens: Token[];
  readonly comments: Comment[];
  readonly diagnostics: ParseDiagnostic[];
}

const CH_TAB = 9, CH_LF = 10, CH_VT = 11, CH_FF = 12, CH_CR = 13, CH_SPACE = 32;
const CH_BANG = 33, CH_QUOTE = 34, CH_HASH = 35, CH_AMP = 38, CH_LPAREN = 40, CH_RPAREN = 41;
const CH_COMMA = 44, CH_MINUS = 45, CH_0 = 48, CH_9 = 57, CH_LT = 60, CH_EQ = 61, CH_GT = 62;
const CH_AT = 64, CH_A = 65, CH_Z = 90, CH_BACKSLASH = 92, CH_UNDERSCORE = 95;
const CH_a = 97, CH_z = 122, CH_PIPE = 124, CH_TILDE = 126, CH_BOM = 0xfeff;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}
function isIdentStart(c: number): boolean {
  return (c >= CH_a && c <= CH_z) || (c >= CH_A && c <= CH_Z) || c === CH_UNDERSCORE;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isGroupPart(c: number): boolean {
  return isIdentPart(c) || c === CH_MINUS;
}
function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_VT || c === CH_FF;
}
/**
 * Character classes of every UTF-16 code unit, looked up by the lexer's hot
 * loops (one load instead of a chain of comparisons per character).
 */
const C_IDENT_PART = 1, C_GROUP_PART = 2, C_BLANK = 4;
const CHAR_CLASS = ((): Uint8Array => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 128; c++) {
    if (isIdentPart(c)) table[c]! |= C_IDENT_PART;
    if (isGroupPart(c)) table[c]! |= C_GROUP_PART;
    if (isBlank(c)) table[c]! |= C_BLANK;
  }
  return table;
})();

/** Characters that begin some token, blank or comment. */
function startsSomething(c: number): boolean {
  if (isIdentPart(c) || isBlank(c)) return true;
  switch (c) {
    case CH_LF: case CH_CR: case CH_HASH: case CH_QUOTE: case CH_AT:
    case CH_BANG: case CH_AMP: case CH_LPAREN: case CH_RPAREN: case CH_COMMA:
    case CH_MINUS: case CH_LT: case CH_EQ: case CH_GT: case CH_PIPE: case CH_TILDE:
      return true;
  }
  return false;
}

const INVALID_CHAR_HINTS: Record<string, string> = {
  ';': 'a statement ends at the end of its line; no `;` is needed',
  "'": 'strings are written with double quotes: "…"',
  '\u00a0': 'this is a non-breaking space; use an ordinary space',
  '+': 'the operator `+` does not exist in conditions',
  '*': 'the operator `*` does not exist; list the syscalls or use a `@group`',
  '/': 'the operator `/` does not exist in conditions',
  '%': 'the operator `%` does not exist in conditions',
  '^': 'the operator `^` does not exist in conditions',
};

function showChars(s: string): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n++ === 12) { out += '…'; break; }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp === 0xad || (cp >= 0x2000 && cp <= 0x200f)
      || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

const RADIX_NAMES: Record<number, string> = { 2: 'binary', 8: 'octal', 10: 'decimal', 16: 'hex' };

function digitValue(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  if (c >= CH_a && c <= CH_z) return c - CH_a + 10;
  if (c >= CH_A && c <= CH_Z) return c - CH_A + 10;
  return 99;
}

/** Checks one integer literal (a maximal run of `[A-Za-z0-9_]` that starts with a digit). */
function checkNumber(word: string): { value: bigint; error?: string } {
  // Most literals are short decimals: read them without building digit strings.
  if (word.length <= 15 && (word.length === 1 || word.charCodeAt(0) !== CH_0)) {
    let n = 0;
    let i = 0;
    for (; i < word.length; i++) {
      const d = word.charCodeAt(i) - CH_0;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === word.length) return { value: BigInt(n) };
  }
  let radix = 10;
  let digitsStart = 0;
  if (word.length >= 2 && word.charCodeAt(0) === CH_0) {
    const p = word[1]!.toLowerCase();
    if (p === 'x') radix = 16;
    else if (p === 'o') radix = 8;
    else if (p === 'b') radix = 2;
    if (radix !== 10) digitsStart = 2;
  }
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  if (digitsStart === word.length) {
    return { value: 0n, error: `invalid number \`${shown}\`: expected ${RADIX_NAMES[radix]} digits after \`${word}\`` };
  }
  let clean = '';
  let segStart = digitsStart;
  for (let i = digitsStart; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === CH_UNDERSCORE) {
      const prevOk = i > digitsStart && digitValue(word.charCodeAt(i - 1)) < radix;
      const nextOk = i + 1 < word.length && digitValue(word.charCodeAt(i + 1)) < radix;
      if (!prevOk || !nextOk) {
        return { value: 0n, error: `invalid number \`${shown}\`: \`_\` may only appear between two digits` };
      }
      clean += word.slice(segStart, i);
      segStart = i + 1;
    } else if (digitValue(c) >= radix) {
      const ch = word[i]!;
      const what = radix === 10 && i === digitsStart ? '' : ` \`${ch}\` is not a ${RADIX_NAMES[radix]} digit`;
      return { value: 0n, error: `invalid number \`${shown}\`:${what || ' not a number'}` };
    }
  }
  clean += word.slice(segStart);
  if (radix === 10 && clean.length > 1 && clean.charCodeAt(0) === CH_0) {
    const digits = clean.replace(/^0+/, '') || '0';
    let octal = true;
    for (let i = 0; i < digits.length; i++) if (digitValue(digits.charCodeAt(i)) >= 8) octal = false;
    const fix = octal ? `write \`0o${digits}\` for octal or \`${digits}\` for decimal` : `write \`${digits}\``;
    return { value: 0n, error: `invalid number \`${shown}\`: a decimal number cannot start with \`0\`; ${fix}` };
  }
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  return { value: BigInt(prefix + clean) };
}

/**
 * The value of `text[start, end)` if it is a hex literal (`0x`/`0X`) of one
 * to seven digits, without `_` (so it fits an int32 and is valid); else -1.
 * Masks and flags are mostly written in hex: these skip `checkNumber`.
 */
function shortHexValue(text: string, start: number, end: number): number {
  const digits = end - start - 2;
  if (digits < 1 || digits > 7 || text.charCodeAt(start) !== CH_0) return -1;
  const x = text.charCodeAt(start + 1);
  if (x !== 120 /* x */ && x !== 88 /* X */) return -1;
  let n = 0;
  for (let k = start + 2; k < end; k++) {
    const d = digitValue(text.charCodeAt(k));
    if (d >= 16) return -1;
    n = n * 16 + d;
  }
  return n;
}

function isGroupNameValid(name: string): boolean {
  if (name.length === 0) return false;
  const c0 = name.charCodeAt(0);
  if (!((c0 >= CH_a && c0 <= CH_z) || isDigit(c0))) return false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= CH_a && c <= CH_z) || isDigit(c) || c === CH_UNDERSCORE || c === CH_MINUS)) return false;
  }
  return true;
}

/**
 * Token kinds as small numbers, for the token table the parser reads (a
 * byte per token instead of an object). `TOKEN_KIND_NAMES[code]` is the
 * `TokenKind`. Punctuators of one family are contiguous: comparisons are
 * `EqEq`…`GtEq`, and every code from `EqEq` to `LParen` is a token after
 * which a statement continues on the next line.
 */
export const enum Tk {
  Identifier, Group, Integer, String, Newline, Invalid, Eof,
  EqEq, NotEq, Lt, LtEq, Gt, GtEq, Shl, Shr, Amp, Pipe, Tilde, Bang, AmpAmp, PipePipe, Minus, Eq, Comma, LParen,
  RParen,
}

export const TOKEN_KIND_NAMES: readonly TokenKind[] = [
  'identifier', 'group', 'integer', 'string', 'newline', 'invalid', 'eof',
  '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '&', '|', '~', '!', '&&', '||', '-', '=', ',', '(',
  ')',
];

/** `flags` bits of a token. */
export const TOKEN_MALFORMED = 1;
/** An integer whose value is in `values[aux]` rather than `aux` itself (too large for an int32). */
export const TOKEN_BIG_VALUE = 2;

/**
 * All tokens of a text as parallel arrays (the lexer's output for the
 * parser): no object per token, so lexing a large file allocates almost
 * nothing the garbage collector must trace. Token `i` spans
 * `[starts[i], ends[i])`; its text is the source's slice there. `aux[i]`
 * holds an integer's value (or its index in `values`, see
 * `TOKEN_BIG_VALUE`) and a string's index in `strings` (its value with
 * escapes resolved). The last token is `eof`.
 */
export interface TokenTable {
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly aux: Int32Array;
  readonly flags: Uint8Array;
  readonly values: bigint[];
  readonly strings: string[];
  readonly comments: Comment[];
  readonly diagnostics: ParseDiagnostic[];
  /** The storage of the columns, for `recycleTokenTable`. */
  readonly columns: TokenColumns;
}

/** Growable columns of the token table while lexing. */
class TokenColumns {
  count = 0;
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  aux: Int32Array;
  flags: Uint8Array;

  constructor(capacity: number) {
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.aux = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  grow(): void {
    const capacity = this.kinds.length * 2;
    const kinds = new Uint8Array(capacity); kinds.set(this.kinds); this.kinds = kinds;
    const starts = new Int32Array(capacity); starts.set(this.starts); this.starts = starts;
    const ends = new Int32Array(capacity); ends.set(this.ends); this.ends = ends;
    const aux = new Int32Array(capacity); aux.set(this.aux); this.aux = aux;
    const flags = new Uint8Array(capacity); flags.set(this.flags); this.flags = flags;
  }

  push(kind: Tk, start: number, end: number, aux: number, flags: number): void {
    if (this.count === this.kinds.length) this.grow();
    const n = this.count++;
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
    this.aux[n] = aux;
    this.flags[n] = flags;
  }
}

/**
 * Lexes the whole text into a token table. One linear pass; the common
 * tokens (words, short decimals, punctuation) allocate nothing but their
 * table entries.
 */
export function scanTokens(text: string): TokenTable {
  const len = text.length;
  const capacity = (len >> 2) + 64;
  let cols: TokenColumns;
  if (spareColumns && spareColumns.kinds.length >= capacity) {
    cols = spareColumns;
    cols.count = 0;
    spareColumns = undefined;
  } else {
    cols = new TokenColumns(capacity);
  }
  const scan = new Scan(text, cols);
  scanLoop(scan, len > 0 && text.charCodeAt(0) === CH_BOM ? 1 : 0);
  cols.push(Tk.Eof, len, len, 0, 0);
  return {
    count: cols.count, kinds: cols.kinds, starts: cols.starts, ends: cols.ends, aux: cols.aux, flags: cols.flags,
    values: scan.values, strings: scan.strings, comments: scan.comments, diagnostics: scan.diagnostics, columns: cols,
  };
}

/**
 * The lexer's loop from offset `i` to the end of the text. Only the
 * common tokens are read here, written out plainly; the rest (comments,
 * groups, strings, other numbers, invalid characters) are `Scan`'s
 * methods. A first parse runs this loop before V8 has optimized it: kept
 * small, it is optimized sooner, and it is a function of its own so that
 * nothing after the loop (which has not run yet when the loop is
 * optimized) throws the optimized code away.
 */
function scanLoop(scan: Scan, i: number): void {
  const text = scan.text;
  const cols = scan.cols;
  const len = text.length;
  while (i < len) {
    const c = text.charCodeAt(i);
    const cls = CHAR_CLASS[c]!;
    if ((cls & C_BLANK) !== 0) { i++; continue; }
    const start = i;
    if ((cls & C_IDENT_PART) !== 0 && !isDigit(c)) {
      // `aux` of a word is a hash of its characters, for the parser's table of names.
      i = wordEnd(text, i);
      cols.push(Tk.Identifier, start, i, wordHash, 0);
      continue;
    }
    if (c === CH_LF) { cols.push(Tk.Newline, start, i + 1, 0, 0); i++; continue; }
    if (c === CH_CR) {
      const end = i + 1 < len && text.charCodeAt(i + 1) === CH_LF ? i + 2 : i + 1;
      cols.push(Tk.Newline, start, end, 0, 0);
      i = end;
      continue;
    }
    if (isDigit(c)) {
      // Short decimals (no leading zero, at most 9 digits) fit an int32: read in place.
      let j = i + 1;
      let n = c - CH_0;
      let plain = c !== CH_0;
      for (; j < len; j++) {
        const d = text.charCodeAt(j);
        if ((CHAR_CLASS[d]! & C_IDENT_PART) === 0) break;
        if (d >= CH_0 && d <= CH_9) n = n * 10 + (d - CH_0);
        else plain = false;
      }
      if ((plain || j === i + 1) && j - i <= 9) {
        cols.push(Tk.Integer, start, j, n, 0);
      } else if ((n = shortHexValue(text, start, j)) >= 0) {
        cols.push(Tk.Integer, start, j, n, 0);
      } else {
        scan.number(start, j);
      }
      i = j;
      continue;
    }
    const n = i + 1 < len ? text.charCodeAt(i + 1) : -1;
    let kind = -1;
    let width = 1;
    switch (c) {
      case CH_EQ: if (n === CH_EQ) kind = Tk.EqEq, width = 2; else kind = Tk.Eq; break;
      case CH_BANG: if (n === CH_EQ) kind = Tk.NotEq, width = 2; else kind = Tk.Bang; break;
      case CH_LT:
        if (n === CH_EQ) kind = Tk.LtEq, width = 2;
        else if (n === CH_LT) kind = Tk.Shl, width = 2;
        else kind = Tk.Lt;
        break;
      case CH_GT:
        if (n === CH_EQ) kind = Tk.GtEq, width = 2;
        else if (n === CH_GT) kind = Tk.Shr, width = 2;
        else kind = Tk.Gt;
        break;
      case CH_AMP: if (n === CH_AMP) kind = Tk.AmpAmp, width = 2; else kind = Tk.Amp; break;
      case CH_PIPE: if (n === CH_PIPE) kind = Tk.PipePipe, width = 2; else kind = Tk.Pipe; break;
      case CH_TILDE: kind = Tk.Tilde; break;
      case CH_MINUS: kind = Tk.Minus; break;
      case CH_COMMA: kind = Tk.Comma; break;
      case CH_LPAREN: kind = Tk.LParen; break;
      case CH_RPAREN: kind = Tk.RParen; break;
      case CH_HASH: i = scan.comment(start); continue;
      case CH_AT: i = scan.group(start); continue;
      case CH_QUOTE: i = scan.string(start); continue;
    }
    if (kind >= 0) {
      cols.push(kind, start, i + width, 0, 0);
      i += width;
      continue;
    }
    i = scan.invalid(start);
  }
}

/** The hash of the word `wordEnd` read last. */
let wordHash = 0;

/**
 * The end of the word that starts at `start`; its hash goes to `wordHash`.
 * Most characters of a policy are in words: a small function of its own,
 * this loop is optimized early in a first parse.
 */
function wordEnd(text: string, start: number): number {
  const len = text.length;
  let hash = text.charCodeAt(start);
  let j = start + 1;
  while (j < len) {
    const d = text.charCodeAt(j);
    if ((CHAR_CLASS[d]! & C_IDENT_PART) === 0) break;
    // `Math.imul(hash, 31) + d` without the call (slow before V8 optimizes): hash * 31 + d is exact in a double.
    hash = (hash * 31 + d) | 0;
    j++;
  }
  wordHash = hash;
  return j;
}

/** What `scanLoop` fills besides the columns, and the tokens it leaves to methods. */
class Scan {
  readonly values: bigint[] = [];
  readonly strings: string[] = [];
  readonly comments: Comment[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];

  constructor(readonly text: string, readonly cols: TokenColumns) {}

  private error(code: SyntaxCode, message: string, start: number, end: number): void {
    this.diagnostics.push({ code, severity: 'error', message, range: { start, end } });
  }

  /** An integer literal `[start, end)` other than a short decimal or hex: its value goes to `values`. */
  number(start: number, end: number): void {
    const checked = checkNumber(this.text.slice(start, end));
    let flags = TOKEN_BIG_VALUE;
    if (checked.error !== undefined) {
      this.error('invalid-number', checked.error, start, end);
      flags |= TOKEN_MALFORMED;
    }
    this.cols.push(Tk.Integer, start, end, this.values.length, flags);
    this.values.push(checked.value);
  }

  /** A comment from its `#` at `start`; returns where it ends. */
  comment(start: number): number {
    const text = this.text;
    const len = text.length;
    let j = start + 1;
    while (j < len) {
      const d = text.charCodeAt(j);
      if (d === CH_LF || d === CH_CR) break;
      j++;
    }
    this.comments.push({ start, end: j, text: text.slice(start, j) });
    return j;
  }

  /** A group name from its `@` at `start`; returns where it ends. */
  group(start: number): number {
    const text = this.text;
    const len = text.length;
    let j = start + 1;
    while (j < len && (CHAR_CLASS[text.charCodeAt(j)]! & C_GROUP_PART) !== 0) j++;
    const name = text.slice(start + 1, j);
    let flags = 0;
    if (!isGroupNameValid(name)) {
      const raw = text.slice(start, j);
      let message: string;
      if (name.length === 0) message = 'expected a group name after `@`, like `@basic-io`';
      else {
        const lower = name.toLowerCase();
        const fix = isGroupNameValid(lower) ? `; did you mean \`@${lower}\`?` : '';
        message = `invalid group name \`${raw}\`: group names are lowercase letters, digits, \`_\` and \`-\`, starting with a letter or digit${fix}`;
      }
      this.error('invalid-group-name', message, start, j);
      flags = TOKEN_MALFORMED;
    }
    this.cols.push(Tk.Group, start, j, this.strings.length, flags);
    this.strings.push(name);
    return j;
  }

  /** A string from its opening `"` at `start`; returns where it ends. */
  string(start: number): number {
    const text = this.text;
    const len = text.length;
    let j = start + 1;
    let value = '';
    let seg = j;
    let malformed = false;
    let closed = false;
    while (j < len) {
      const d = text.charCodeAt(j);
      if (d === CH_LF || d === CH_CR) break;
      if (d === CH_QUOTE) { closed = true; break; }
      if (d === CH_BACKSLASH) {
        const e = j + 1 < len ? text.charCodeAt(j + 1) : -1;
        if (e === CH_QUOTE || e === CH_BACKSLASH) {
          value += text.slice(seg, j) + String.fromCharCode(e);
          j += 2;
          seg = j;
          continue;
        }
        if (e === -1 || e === CH_LF || e === CH_CR) { j++; continue; }
        const escEnd = e >= 0xd800 && e <= 0xdbff && j + 2 < len ? j + 3 : j + 2;
        this.error('invalid-escape', `invalid escape \`${showChars(text.slice(j, escEnd))}\`: only \`\\"\` and \`\\\\\` are escapes in a string`, j, escEnd);
        malformed = true;
        j = escEnd; // the characters are kept as written
        continue;
      }
      j++;
    }
    value += text.slice(seg, j);
    if (closed) j++;
    else {
      this.error('unterminated-string', 'unterminated string: expected a closing `"` on the same line', start, j);
      malformed = true;
    }
    this.cols.push(Tk.String, start, j, this.strings.length, malformed ? TOKEN_MALFORMED : 0);
    this.strings.push(value);
    return j;
  }

  /** A run of characters that start nothing, from `start`: one token, one diagnostic; returns where it ends. */
  invalid(start: number): number {
    const text = this.text;
    const len = text.length;
    let j = start;
    while (j < len) {
      const d = text.charCodeAt(j);
      if (startsSomething(d)) break;
      j += d >= 0xd800 && d <= 0xdbff && j + 1 < len && (text.charCodeAt(j + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    }
    const bad = text.slice(start, j);
    const hint = INVALID_CHAR_HINTS[bad];
    const plural = bad.length > 1 && !(bad.length === 2 && bad.codePointAt(0)! > 0xffff);
    this.error('invalid-character', `invalid character${plural ? 's' : ''} \`${showChars(bad)}\`${hint ? `: ${hint}` : ''}`, start, j);
    this.cols.push(Tk.Invalid, start, j, 0, TOKEN_MALFORMED);
    return j;
  }
}

/**
 * The columns of one finished table, kept for the next `scanTokens` (which
 * would otherwise allocate and zero them anew for every parse). Only
 * scratch memory, never a result: every entry is written before it is read.
 */
let spareColumns: TokenColumns | undefined;
/** Larger tables are not kept (4M tokens of a huge file would hold 50 MB). */
const MAX_SPARE_TOKENS = 1 << 20;

/** Gives a table's storage back for reuse; the table must not be read afterwards. */
export function recycleTokenTable(table: TokenTable): void {
  if (table.columns.kinds.length <= MAX_SPARE_TOKENS) spareColumns = table.columns;
}

/** Token `i` of a table as a `Token` object (for callers that want objects rather than speed). */
function tokenAt(table: TokenTable, text: string, i: number): Token {
  const kind = table.kinds[i]! as Tk;
  const start = table.starts[i]!;
  const end = table.ends[i]!;
  const malformed = (table.flags[i]! & TOKEN_MALFORMED) !== 0;
  switch (kind) {
    case Tk.Eof: return { kind: 'eof', start, end, text: '' };
    case Tk.Identifier: case Tk.Newline: return { kind: TOKEN_KIND_NAMES[kind]!, start, end, text: text.slice(start, end) };
    case Tk.Integer: {
      const value = (table.flags[i]! & TOKEN_BIG_VALUE) !== 0 ? table.values[table.aux[i]!]! : BigInt(table.aux[i]!);
      return malformed
        ? { kind: 'integer', start, end, text: text.slice(start, end), value, malformed }
        : { kind: 'integer', start, end, text: text.slice(start, end), value };
    }
    case Tk.Group: case Tk.String: {
      const stringValue = table.strings[table.aux[i]!]!;
      const k = TOKEN_KIND_NAMES[kind]!;
      return malformed
        ? { kind: k, start, end, text: text.slice(start, end), stringValue, malformed }
        : { kind: k, start, end, text: text.slice(start, end), stringValue };
    }
    case Tk.Invalid: return { kind: 'invalid', start, end, text: text.slice(start, end), malformed: true };
    default: {
      const k = TOKEN_KIND_NAMES[kind]!;
      return { kind: k, start, end, text: k };
    }
  }
}

/** Splits `text` into tokens (ending with `eof`), comments and lexical diagnostics. */
export function tokenize(text: string): LexResult {
  const table = scanTokens(text);
  const tokens: Token[] = [];
  for (let i = 0; i < table.count; i++) tokens.push(tokenAt(table, text, i));
  return { tokens, comments: table.comments, diagnostics: table.diagnostics };
}
