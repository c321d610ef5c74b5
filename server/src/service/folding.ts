/**
 * Folding: statements over several lines, runs of comment lines, and
 * `# region` … `# endregion` markers.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { FeatureContext } from './context';

const REGION = /^#\s*region\b/;
const END_REGION = /^#\s*endregion\b/;

export function getFoldingRanges(ctx: FeatureContext): FoldingRange[] {
  const file = ctx.analysis.model.files.get(ctx.doc.path);
  if (!file) return [];
  const { lines } = file;
  const out: FoldingRange[] = [];
  for (const s of file.ast.statements) {
    const start = lines.lineAt(s.start);
    const end = lines.lineAt(s.end);
    if (end > start) out.push({ startLine: start, endLine: end });
  }
  // Comments: markers make regions; other runs of whole-line comments fold as one.
  const regions: number[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = runEnd = -1;
  };
  for (const c of file.ast.comments) {
    const line = lines.lineAt(c.start);
    const whole = lines.lineText(line).trimStart().startsWith('#');
    if (REGION.test(c.text)) {
      flush();
      regions.push(line);
      continue;
    }
    if (END_REGION.test(c.text)) {
      flush();
      const open = regions.pop();
      if (open !== undefined && line > open) out.push({ startLine: open, endLine: line, kind: FoldingRangeKind.Region });
      continue;
    }
    if (!whole) {
      flush();
      continue;
    }
    if (runStart >= 0 && line === runEnd + 1) runEnd = line;
    else {
      flush();
      runStart = runEnd = line;
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
