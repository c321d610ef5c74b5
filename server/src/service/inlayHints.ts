/**
 * Inlay hints: each syscall's number on the first shown ABI, after its
 * name. Off unless `inlayHints.syscallNumbers` is set.
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import { getSyscall } from '../kernel/syscalls';
import { occurrencesIn } from './find';
import { shownAbis } from './hover';
import type { FeatureContext } from './context';

export function getInlayHints(ctx: FeatureContext, range: Range): InlayHint[] {
  if (!ctx.settings.inlayHints.syscallNumbers) return [];
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  const abi = shownAbis(model, ctx.settings)[0];
  if (!file || !abi) return [];
  const from = file.lines.offsetAt(range.start);
  const to = file.lines.offsetAt(range.end);
  const out: InlayHint[] = [];
  for (const o of occurrencesIn(model, file.path)) {
    if (o.kind !== 'syscall' || o.range.end < from || o.range.start > to) continue;
    const nr = getSyscall(o.name)?.numbers[abi];
    out.push({
      position: file.lines.positionAt(o.range.end),
      label: nr === undefined ? `∅` : `${nr}`,
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
      tooltip: nr === undefined ? `${o.name} does not exist on ${abi}` : `${o.name} is syscall ${nr} on ${abi}`,
    });
  }
  return out;
}
