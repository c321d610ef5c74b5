/**
 * Offset ↔ line/character conversion for one text, the way LSP counts:
 * 0-based lines and UTF-16 code units. Line breaks are `\n`, `\r\n` and
 * a lone `\r`.
 */
import type { TextRange } from './syntax/ast';

export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 code unit offset in the line. */
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export class LineIndex {
  /** Offset of the first character of each line; always starts with 0. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = lineStarts(text);
  }

  /** Number of lines (a text ending with a line break has an empty last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset where `line` starts; clamped to the text. */
  lineStart(line: number): number {
    if (line <= 0 || Number.isNaN(line)) return 0;
    if (line >= this.starts.length) return this.text.length;
    return this.starts[Math.floor(line)]!;
  }

  /** Offset where `line`'s content ends (before its line break); clamped. */
  lineEnd(line: number): number {
    if (line < 0 || Number.isNaN(line)) line = 0;
    line = Math.floor(line);
    if (line >= this.starts.length - 1) return this.text.length;
    let end = this.starts[line + 1]!;
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The text of `line` without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The line containing `offset` (clamped to the text). */
  lineAt(offset: number): number {
    const starts = this.starts;
    if (!(offset > 0)) return 0;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Line and character of `offset`, clamped to `[0, text.length]`. */
  positionAt(offset: number): Position {
    if (!(offset > 0)) offset = 0;
    else if (offset > this.text.length) offset = this.text.length;
    else offset = Math.floor(offset);
    const line = this.lineAt(offset);
    return { line, character: offset - this.starts[line]! };
  }

  /**
   * Offset of a position. A line past the end gives the text's length; a
   * character past the line's end gives the end of the line (before its
   * line break), as LSP specifies.
   */
  offsetAt(position: Position): number {
    const { line, character } = position;
    if (line < 0 || Number.isNaN(line)) return 0;
    if (line >= this.starts.length) return this.text.length;
    const start = this.lineStart(line);
    const end = this.lineEnd(line);
    if (!(character > 0)) return start;
    return Math.min(start + Math.floor(character), end);
  }

  /** Both ends of a range as positions. */
  rangeAt(range: TextRange): Range {
    return { start: this.positionAt(range.start), end: this.positionAt(range.end) };
  }
}

/**
 * The offset of the first character of each line. A function of its own:
 * when V8 optimizes a loop here in the middle of a first call, what follows
 * the loop has never run, and a property store there (`this.starts = …`)
 * would throw the optimized code away; a return does not.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  const len = text.length;
  if (text.indexOf('\r') < 0) {
    // Only `\n` breaks lines: let `indexOf` find them (much faster than a loop over every character).
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (i + 1 < len && text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * The lines of `text` with their line breaks (`\n`, `\r\n`, `\r`), the last
 * one empty when the text ends with a break: joining them gives the text back.
 */
export function linesWithBreaks(text: string): string[] {
  const starts = lineStarts(text);
  const out = new Array<string>(starts.length);
  for (let i = 0; i < starts.length; i++) out[i] = text.slice(starts[i]!, i + 1 < starts.length ? starts[i + 1] : text.length);
  return out;
}
