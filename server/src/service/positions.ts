/** Offset ↔ position conversion for results, through each file's LineIndex. */
import type { Range } from 'vscode-languageserver-types';
import type { TextRange } from '../policy/syntax/ast';
import type { PolicyModel } from '../policy/semantics/model';
import type { PolicyDocument } from './context';

export function rangeOf(model: PolicyModel, file: string, r: TextRange): Range {
  const lines = model.files.get(file)?.lines;
  if (!lines) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: lines.positionAt(r.start), end: lines.positionAt(r.end) };
}

/** The URI of a file of the model: the document's own URI, or a file: URI for includes. */
export function uriOf(doc: PolicyDocument, file: string): string {
  if (file === doc.path) return doc.uri;
  return 'file://' + file.split('/').map(encodeURIComponent).join('/');
}
