/**
 * Find references: every use of a name in the root and its included files.
 * Defines and user groups are matched by definition, built-in names
 * (syscalls, constants, built-in groups, errno names) by name.
 */
import type { Location, Position } from 'vscode-languageserver-types';
import type { Occurrence, PolicyModel } from '../policy/semantics/model';
import { occurrenceAt, offsetOf } from './find';
import { rangeOf, uriOf } from './positions';
import type { FeatureContext } from './context';

export function findReferences(ctx: FeatureContext, position: Position, includeDeclaration: boolean): Location[] {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file) return [];
  const occ = occurrenceAt(model, ctx.doc.path, offsetOf(file, position));
  if (!occ || occ.kind === 'include') return [];
  return sameSymbol(model, occ)
    .filter((o) => includeDeclaration || !isDeclaration(o))
    .map((o) => ({ uri: uriOf(ctx.doc, o.file), range: rangeOf(model, o.file, o.range) }));
}

/** Every occurrence that names the same thing as `occ`, in file order then text order. */
export function sameSymbol(model: PolicyModel, occ: Occurrence): Occurrence[] {
  const key = symbolKey(occ);
  if (!key) return [];
  const out = model.occurrences.filter((o) => symbolKey(o) === key);
  const order = [...model.files.keys()];
  return out.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.range.start - b.range.start);
}

function symbolKey(o: Occurrence): string | undefined {
  switch (o.kind) {
    case 'define': return `define\0${o.definition.file}\0${o.definition.range.start}`;
    case 'group': return o.definition ? `group\0${o.definition.file}\0${o.definition.range.start}` : `builtin-group\0${o.name}`;
    case 'argument': return undefined;
    case 'include': return undefined;
    default: return `${o.kind}\0${o.name}`;
  }
}

/** Whether the occurrence is the name in a `define`/`group` statement itself. */
export function isDeclaration(o: Occurrence): boolean {
  return (o.kind === 'define' || o.kind === 'group') && o.definition !== undefined
    && o.definition.file === o.file && o.definition.range.start === o.range.start;
}
