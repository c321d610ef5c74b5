/**
 * The formatter: one canonical layout for `.seccomp` files, shared by the
 * language server (textDocument/formatting) and `seccomp-policy fmt`.
 *
 * The layout is a function of the token sequence and the comments, never
 * of the original spacing, so formatting twice changes nothing:
 *
 * - Statements keep their order (order is meaning: first match wins), each
 *   starts at column 0. Blank lines between statements are kept, collapsed
 *   to one; blank lines at the start and end of the file are dropped.
 * - Tokens are written as they are (keywords, names, numbers in their own
 *   base, strings), separated canonically: one space around binary
 *   operators, `=`, `if`, `in`, `except`; `, ` after commas; nothing inside
 *   parentheses, nothing after a unary `! ~ -`, nothing between `errno`,
 *   `trap`, `trace`, `syscall` and their `(`.
 * - A statement longer than `maxLineLength` (default 100) wraps after a
 *   `,` (syscall lists, `arch`, `in (…)`) or after `&&` / `||`, filling
 *   each line greedily. Continuation lines are aligned under the first item
 *   of the statement's list (rules and groups), under the first ABI (`arch`),
 *   or indented by `indent` spaces (default 4) for `define` and whenever that
 *   column would be past half the line length.
 * - Comments are all kept, their text trimmed at the end. A comment on its
 *   own line stays on its own line between the same statements (at column 0,
 *   or at the continuation column inside a statement). A trailing comment
 *   stays on its line; trailing comments of consecutive lines are aligned
 *   two spaces after the longest of those lines.
 * - A statement with a comment inside it (between two of its tokens) keeps
 *   its line breaks, so each comment stays next to the code it describes;
 *   only the spacing is canonical (and over-long lines still wrap).
 * - Line breaks follow the file's first one (`\n`, `\r\n` or `\r`); the
 *   result ends with one line break. A byte-order mark is kept.
 *
 * A file with syntax errors is refused (`{ error }`): a formatter must
 * never lose text or change meaning. As a last guard, the result is parsed
 * again and must give the same statements, token for token, and the same
 * comments; otherwise the formatter refuses rather than return it.
 */
import type { Comment, Statement } from './syntax/ast';
import { parsePolicy, tokenize, type Token } from './syntax/parser';
import { LineIndex } from './text';

export interface FormatOptions {
  /** Indentation of continuation lines where they are not aligned (default 4). */
  readonly indent?: number;
  /** Lines longer than this wrap where the grammar allows (default 100). */
  readonly maxLineLength?: number;
}

export type FormatResult = { readonly text: string; readonly changed: boolean } | { readonly error: string };

export const DEFAULT_MAX_LINE_LENGTH = 100;
export const DEFAULT_INDENT = 4;

/** Formats a whole policy file, or says why it will not. */
export function formatPolicy(text: string, options: FormatOptions = {}): FormatResult {
  const indent = clampInt(options.indent, DEFAULT_INDENT, 0, 16);
  const max = clampInt(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH, 20, 10_000);
  const parsed = parsePolicy(text);
  if (parsed.diagnostics.length > 0) {
    const d = parsed.diagnostics[0]!;
    const p = new LineIndex(text).positionAt(d.range.start);
    const n = parsed.diagnostics.length;
    return { error: `cannot format: ${n} syntax error${n === 1 ? '' : 's'}; first at ${p.line + 1}:${p.character + 1}: ${d.message}` };
  }
  const { tokens } = tokenize(text);
  const layout = new Layout(text, indent, max);
  const out = layout.run(parsed.file.statements, parsed.file.comments, tokens);
  if ('error' in out) return out;
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const result = out.lines.length === 0 ? bom : bom + out.lines.join(out.eol) + out.eol;
  const guard = sameProgramText(text, result);
  if (guard) return { error: `internal formatter error (${guard}); the file was left as it is` };
  return { text: result, changed: result !== text };
}

function clampInt(v: number | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

// ---------------------------------------------------------------- layout

interface OutLine {
  /** Code, with its indentation; for an own-line comment, the indentation only. */
  code: string;
  comment?: string;
  /** An own-line comment (not aligned with trailing comments). */
  own?: boolean;
}

/** Tokens after which a line may break when it is too long. */
const BREAK_AFTER: ReadonlySet<string> = new Set([',', '&&', '||']);
const UNARY: ReadonlySet<string> = new Set(['!', '~', '-']);

/** The canonical separator between two tokens on one line. */
function separator(prev: Token, tok: Token): string {
  if (tok.kind === ',' || tok.kind === ')') return '';
  if (prev.kind === '(' || UNARY.has(prev.kind)) return '';
  if (tok.kind === '(' && prev.kind === 'identifier' && prev.text !== 'in' && prev.text !== 'if') return '';
  return ' ';
}

function countBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) { n++; if (s.charCodeAt(i + 1) === 10) i++; }
  }
  return n;
}

/** The line break a file uses: its first one (`\n` when it has none). */
export function detectEol(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return '\n';
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
  }
  return '\n';
}

class Layout {
  private readonly out: OutLine[] = [];

  constructor(private readonly text: string, private readonly indent: number, private readonly max: number) {}

  run(statements: readonly Statement[], comments: readonly Comment[], tokens: readonly Token[]): { lines: string[]; eol: string } | { error: string } {
    // Tokens of each statement (newlines dropped).
    const perStatement: Token[][] = statements.map(() => []);
    let si = 0;
    for (const t of tokens) {
      if (t.kind === 'newline' || t.kind === 'eof') continue;
      while (si < statements.length && statements[si]!.end <= t.start) si++;
      const s = statements[si];
      if (!s || t.start < s.start || t.end > s.end) return { error: `internal formatter error: text \`${t.text}\` outside any statement` };
      perStatement[si]!.push(t);
    }
    // Comments inside a statement travel with it; the others are top-level elements.
    const interior: Comment[][] = statements.map(() => []);
    type Element = { kind: 'statement'; index: number; start: number; end: number } | { kind: 'comment'; comment: Comment; start: number; end: number };
    const elements: Element[] = statements.map((s, index) => ({ kind: 'statement', index, start: s.start, end: s.end }));
    si = 0;
    for (const c of comments) {
      while (si < statements.length && statements[si]!.end <= c.start) si++;
      const s = statements[si];
      if (s && c.start > s.start && c.start < s.end) interior[si]!.push(c);
      else elements.push({ kind: 'comment', comment: c, start: c.start, end: c.end });
    }
    elements.sort((a, b) => a.start - b.start);

    let prevEnd = -1;
    for (const el of elements) {
      const gap = prevEnd < 0 ? '' : this.text.slice(prevEnd, el.start);
      const breaks = countBreaks(gap);
      if (el.kind === 'comment' && prevEnd >= 0 && breaks === 0 && this.out.length > 0) {
        // A trailing comment: on the line of the statement before it.
        this.out[this.out.length - 1]!.comment = el.comment.text.trimEnd();
      } else {
        if (prevEnd >= 0 && breaks >= 2) this.out.push({ code: '' });
        if (el.kind === 'comment') this.out.push({ code: '', comment: el.comment.text.trimEnd(), own: true });
        else this.statement(statements[el.index]!, perStatement[el.index]!, interior[el.index]!);
      }
      prevEnd = el.end;
    }
    return { lines: this.render(), eol: detectEol(this.text) };
  }

  /** Aligns trailing comments of consecutive lines and renders each line. */
  private render(): string[] {
    const lines: string[] = [];
    let i = 0;
    const out = this.out;
    while (i < out.length) {
      const line = out[i]!;
      if (line.comment === undefined || line.own) {
        lines.push(line.comment === undefined ? line.code.trimEnd() : line.code + line.comment);
        i++;
        continue;
      }
      let j = i;
      let width = 0;
      while (j < out.length && out[j]!.comment !== undefined && !out[j]!.own) {
        width = Math.max(width, out[j]!.code.length);
        j++;
      }
      for (; i < j; i++) {
        const l = out[i]!;
        lines.push(l.code + ' '.repeat(width - l.code.length + 2) + l.comment);
      }
    }
    return lines;
  }

  /** Column of continuation lines: under the first list item, or `indent`. */
  private continuationColumn(s: Statement, tokens: readonly Token[]): number {
    let anchor: number | undefined;
    if (s.kind === 'RuleStatement' || s.kind === 'GroupStatement') anchor = s.list?.start;
    else if (s.kind === 'ArchStatement') anchor = s.abis[0]?.start;
    if (anchor === undefined) return this.indent;
    let width = 0;
    for (let i = 0; i < tokens.length && tokens[i]!.start < anchor; i++) {
      width += (i === 0 ? '' : separator(tokens[i - 1]!, tokens[i]!)).length + tokens[i]!.text.length;
    }
    const col = width + 1;
    return col > this.max / 2 ? this.indent : col;
  }

  private statement(s: Statement, tokens: readonly Token[], comments: readonly Comment[]): void {
    const col = this.continuationColumn(s, tokens);
    const pad = ' '.repeat(col);
    const keepBreaks = comments.length > 0;
    let cur = '';
    let ci = 0;
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (i === 0) { cur = tok.text; continue; }
      const prev = tokens[i - 1]!;
      if (keepBreaks) {
        // Comments between prev and tok, and whether the user broke the line here.
        let trailing: string | undefined;
        const own: string[] = [];
        let lastEnd = prev.end;
        let broke = false;
        while (ci < comments.length && comments[ci]!.start < tok.start) {
          const c = comments[ci++]!;
          if (countBreaks(this.text.slice(lastEnd, c.start)) === 0 && !broke && own.length === 0) trailing = c.text.trimEnd();
          else own.push(c.text.trimEnd());
          broke = true;
          lastEnd = c.end;
        }
        if (broke || countBreaks(this.text.slice(prev.end, tok.start)) > 0) {
          this.out.push(trailing === undefined ? { code: cur } : { code: cur, comment: trailing });
          for (const c of own) this.out.push({ code: pad, comment: c, own: true });
          cur = pad + tok.text;
          continue;
        }
      }
      const sep = separator(prev, tok);
      if (BREAK_AFTER.has(prev.kind) && cur.length > col) {
        // Width of the chunk up to the next break point (or the end, or a kept break).
        let w = tok.text.length;
        for (let j = i + 1; j < tokens.length && !BREAK_AFTER.has(tokens[j - 1]!.kind); j++) {
          if (keepBreaks && countBreaks(this.text.slice(tokens[j - 1]!.end, tokens[j]!.start)) > 0) break;
          w += separator(tokens[j - 1]!, tokens[j]!).length + tokens[j]!.text.length;
        }
        if (cur.length + sep.length + w > this.max) {
          this.out.push({ code: cur });
          cur = pad + tok.text;
          continue;
        }
      }
      cur += sep + tok.text;
    }
    this.out.push({ code: cur });
  }
}

// ---------------------------------------------------------------- guard

/**
 * Checks that `after` says exactly what `before` says: no syntax error,
 * the same statements made of the same tokens, the same comments. Returns
 * what differs, or undefined.
 */
function sameProgramText(before: string, after: string): string | undefined {
  const a = statementTokens(before);
  const b = statementTokens(after);
  if (!b.ok) return 'the result does not parse';
  if (!a.ok) return 'the input does not parse';
  if (a.statements.length !== b.statements.length) return 'the number of statements changed';
  for (let i = 0; i < a.statements.length; i++) {
    if (a.statements[i] !== b.statements[i]) return `statement ${i + 1} changed`;
  }
  if (a.comments.length !== b.comments.length || a.comments.some((c, i) => c !== b.comments[i])) return 'the comments changed';
  return undefined;
}

function statementTokens(text: string): { ok: true; statements: string[]; comments: string[] } | { ok: false } {
  const parsed = parsePolicy(text);
  if (parsed.diagnostics.length > 0) return { ok: false };
  const { tokens } = tokenize(text);
  const statements = parsed.file.statements;
  const keys: string[][] = statements.map(() => []);
  let si = 0;
  for (const t of tokens) {
    if (t.kind === 'newline' || t.kind === 'eof') continue;
    while (si < statements.length && statements[si]!.end <= t.start) si++;
    if (si >= statements.length) return { ok: false };
    keys[si]!.push(`${t.kind}\u0000${t.text}`);
  }
  return {
    ok: true,
    statements: keys.map((k, i) => `${statements[i]!.kind}\u0001${k.join('\u0001')}`),
    comments: parsed.file.comments.map((c) => c.text.trimEnd()),
  };
}
