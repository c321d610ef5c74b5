/**
 * Go to definition: a `define`d name or a user group goes to where it is
 * defined; an `include` goes to the included file.
 */
import type { Location, Position } from 'vscode-languageserver-types';
import { occurrenceAt, offsetOf } from './find';
import { rangeOf, uriOf } from './positions';
import type { FeatureContext } from './context';

export function findDefinition(ctx: FeatureContext, position: Position): Location | null {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file) return null;
  const occ = occurrenceAt(model, ctx.doc.path, offsetOf(file, position));
  if (!occ) return null;
  if (occ.kind === 'include') {
    if (!model.files.has(occ.target)) return null;
    const zero = { line: 0, character: 0 };
    return { uri: uriOf(ctx.doc, occ.target), range: { start: zero, end: zero } };
  }
  if ((occ.kind === 'define' || occ.kind === 'group') && occ.definition) {
    return { uri: uriOf(ctx.doc, occ.definition.file), range: rangeOf(model, occ.definition.file, occ.definition.range) };
  }
  return null;
}
