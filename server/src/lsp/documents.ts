/**
 * The documents the client has open, kept as arrays of lines so that an
 * incremental edit costs the lines it touches, not the document: a burst of
 * 1,000 edits on a 5,000-line policy applied to one string (as
 * `TextDocument.update` does: a copy of the text, then a walk of the line
 * table, per change) took seconds. The text is joined once, when asked for.
 *
 * Notifications are checked before they touch anything: a `didOpen` whose
 * text is not a string, or a change that is not one, is refused with a
 * reason (the caller logs it) and the documents stay as they were.
 */
import { linesWithBreaks } from '../policy/text';

export interface Position {
  readonly line: number;
  readonly character: number;
}

/** One open document: its URI, version and text. */
export class OpenDocument {
  /** Each line with its line break; the last line has none (it is '' when the text ends with one). */
  private lines: string[];
  private text: string | undefined;

  constructor(readonly uri: string, readonly languageId: string, public version: number, text: string) {
    this.lines = linesWithBreaks(text);
    this.text = text;
  }

  getText(): string {
    this.text ??= this.lines.join('');
    return this.text;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** Replaces the whole text. */
  setText(text: string): void {
    this.lines = linesWithBreaks(text);
    this.text = text;
  }

  /**
   * Replaces `range` (positions in the text as it is now; out-of-range ones
   * clamped as LSP says, `start` after `end` swapped) with `text`.
   */
  replace(range: { start: Position; end: Position }, text: string): void {
    let [sl, sc] = this.clamp(range.start);
    let [el, ec] = this.clamp(range.end);
    if (sl > el || (sl === el && sc > ec)) [sl, sc, el, ec] = [el, ec, sl, sc];
    const lines = this.lines;
    let joined = lines[sl]!.slice(0, sc) + text + lines[el]!.slice(ec);
    // A CR ending the line before and an LF starting the new text are one line break.
    if (sl > 0 && joined.charCodeAt(0) === 10 && endsWithLoneCr(lines[sl - 1]!)) {
      sl--;
      joined = lines[sl] + joined;
    }
    const pieces = linesWithBreaks(joined);
    // Every line but the last ends with its break, so the piece after the last break belongs to the next line.
    if (el < lines.length - 1) pieces.pop();
    const removed = el - sl + 1;
    if (pieces.length === 1 && removed === 1) lines[sl] = pieces[0]!;
    else if (pieces.length < 10_000) lines.splice(sl, removed, ...pieces);
    else this.lines = lines.slice(0, sl).concat(pieces, lines.slice(el + 1));
    this.text = undefined;
  }

  /** A position as (line, character) inside the text, before the line's break. */
  private clamp(p: Position): [number, number] {
    const last = this.lines.length - 1;
    if (p.line < 0) return [0, 0];
    if (p.line > last) return [last, this.lines[last]!.length];
    const line = Math.floor(p.line);
    const content = contentLength(this.lines[line]!);
    return [line, Math.max(0, Math.min(Math.floor(p.character), content))];
  }
}

/** The open documents by URI, updated from `didOpen`, `didChange` and `didClose` parameters. */
export class OpenDocuments {
  private readonly byUri = new Map<string, OpenDocument>();

  get(uri: string): OpenDocument | undefined {
    return this.byUri.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.byUri.values()];
  }

  /** Opens (or re-opens) a document; a string is the reason it was refused. */
  open(params: unknown): OpenDocument | string {
    const td = (params as { textDocument?: unknown } | null)?.textDocument as Record<string, unknown> | undefined;
    if (!td || typeof td !== 'object') return 'didOpen without a textDocument';
    if (typeof td.uri !== 'string' || td.uri === '') return 'didOpen without a URI';
    if (typeof td.text !== 'string') return `didOpen of ${td.uri} without a text (got ${td.text === null ? 'null' : typeof td.text})`;
    const version = Number.isInteger(td.version) ? td.version as number : 0;
    const doc = new OpenDocument(td.uri, typeof td.languageId === 'string' ? td.languageId : '', version, td.text);
    this.byUri.set(td.uri, doc);
    return doc;
  }

  /**
   * Applies a `didChange`: every change in order, in one pass over the
   * lines. A malformed change is skipped (and named in `refused`); the
   * others still apply, since the client's later ranges assume they did.
   */
  change(params: unknown): { doc: OpenDocument; refused: string[] } | string {
    const p = params as { textDocument?: { uri?: unknown; version?: unknown }; contentChanges?: unknown } | null;
    const uri = p?.textDocument?.uri;
    if (typeof uri !== 'string') return 'didChange without a URI';
    const doc = this.byUri.get(uri);
    if (!doc) return `didChange of ${uri}, which is not open`;
    if (!Array.isArray(p!.contentChanges)) return `didChange of ${uri} without a list of changes`;
    const refused: string[] = [];
    for (const c of p!.contentChanges as unknown[]) {
      const change = c as { range?: { start?: Position; end?: Position }; text?: unknown } | null;
      if (!change || typeof change.text !== 'string') {
        refused.push('a change without a text');
        continue;
      }
      if (change.range === undefined) {
        doc.setText(change.text);
        continue;
      }
      if (!isPosition(change.range?.start) || !isPosition(change.range?.end)) {
        refused.push('a change with a malformed range');
        continue;
      }
      doc.replace({ start: change.range.start, end: change.range.end }, change.text);
    }
    const version = p!.textDocument!.version;
    doc.version = Number.isInteger(version) ? version as number : doc.version + 1;
    return { doc, refused };
  }

  /** Forgets a document; undefined when it was not open. */
  close(params: unknown): OpenDocument | undefined {
    const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
    if (typeof uri !== 'string') return undefined;
    const doc = this.byUri.get(uri);
    this.byUri.delete(uri);
    return doc;
  }
}

function isPosition(p: unknown): p is Position {
  return !!p && typeof p === 'object' && Number.isFinite((p as Position).line) && Number.isFinite((p as Position).character);
}

/** A line's length without its break. */
function contentLength(line: string): number {
  const n = line.length;
  if (n > 0 && line.charCodeAt(n - 1) === 10) return n > 1 && line.charCodeAt(n - 2) === 13 ? n - 2 : n - 1;
  if (n > 0 && line.charCodeAt(n - 1) === 13) return n - 1;
  return n;
}

function endsWithLoneCr(line: string): boolean {
  return line.charCodeAt(line.length - 1) === 13;
}
