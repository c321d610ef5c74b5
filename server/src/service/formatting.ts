/**
 * Document formatting for the language server: the edits that turn a
 * document into `formatPolicy`'s canonical layout. The edit is minimal at
 * line granularity: one edit replacing only the lines between the first and
 * the last that differ, so cursors and markers elsewhere stay put.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { formatPolicy, type FormatOptions } from '../policy/format';
import { LineIndex, linesWithBreaks } from '../policy/text';

export type { FormatOptions };

/**
 * Edits formatting the whole document: none when it is already formatted
 * or has syntax errors (the formatter refuses those; the diagnostics say
 * why). The editor's tab size is deliberately not used: the layout is the
 * same as `seccomp-policy fmt` gives.
 */
export function formatEdits(doc: { readonly text: string }, options: FormatOptions = {}): TextEdit[] {
  const result = formatPolicy(doc.text, options);
  if ('error' in result || !result.changed) return [];
  return [minimalEdit(doc.text, result.text)];
}

/** Why the document cannot be formatted, or undefined when it can. */
export function formatError(doc: { readonly text: string }, options: FormatOptions = {}): string | undefined {
  const result = formatPolicy(doc.text, options);
  return 'error' in result ? result.error : undefined;
}

/** One edit replacing the differing middle lines of `before` by those of `after`. */
export function minimalEdit(before: string, after: string): TextEdit {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const startOffset = a.slice(0, head).join('').length;
  const endOffset = before.length - a.slice(a.length - tail).join('').length;
  const lines = new LineIndex(before);
  return {
    range: { start: lines.positionAt(startOffset), end: lines.positionAt(endOffset) },
    newText: b.slice(head, b.length - tail).join(''),
  };
}

/** Lines with their line breaks, without the empty one after a final break; joining them gives the text back. */
function splitLines(text: string): string[] {
  const lines = linesWithBreaks(text);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
