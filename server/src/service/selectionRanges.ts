/**
 * Selection ranges (expand selection): from the name under the cursor out
 * through the expressions, list or action around it, the statement, and the
 * whole file.
 */
import type { Position, Range, SelectionRange } from 'vscode-languageserver-types';
import type { SourceFile } from '../policy/semantics/model';
import type { Expression, ListItem, Statement, SyscallList, TextRange } from '../policy/syntax/ast';
import { offsetOf, statementAt } from './find';
import type { FeatureContext } from './context';

export function getSelectionRanges(ctx: FeatureContext, positions: readonly Position[]): SelectionRange[] {
  const file = ctx.analysis.model.files.get(ctx.doc.path);
  return positions.map((p) => {
    if (!file) return { range: { start: p, end: p } };
    return selectionAt(file, offsetOf(file, p));
  });
}

function selectionAt(file: SourceFile, offset: number): SelectionRange {
  const chain: TextRange[] = [{ start: 0, end: file.text.length }];
  const line = file.lines.lineAt(offset);
  const lineRange = { start: file.lines.lineStart(line), end: file.lines.lineEnd(line) };
  const s = statementAt(file, offset);
  // One line of a statement over several does not hold the statement: the chain would stop at that line.
  if (!s || (lineRange.start <= s.start && s.end <= lineRange.end)) chain.push(lineRange);
  if (s) {
    chain.push(s);
    for (const r of inner(s, offset)) chain.push(r);
  }
  // Outermost first; drop repeats and anything not nested in what comes before.
  let parent: SelectionRange | undefined;
  let last: TextRange | undefined;
  for (const r of chain) {
    if (last && (r.start < last.start || r.end > last.end)) continue;
    if (last && r.start === last.start && r.end === last.end) continue;
    parent = { range: toRange(file, r), ...(parent ? { parent } : {}) };
    last = r;
  }
  return parent!;
}

function toRange(file: SourceFile, r: TextRange): Range {
  return file.lines.rangeAt(r);
}

const within = (r: TextRange | undefined, o: number): r is TextRange => !!r && r.start <= o && o <= r.end;

/** Nodes inside a statement that contain `offset`, outermost first. */
function inner(s: Statement, o: number): TextRange[] {
  const out: TextRange[] = [];
  switch (s.kind) {
    case 'ArchStatement':
      for (const a of s.abis) if (within(a, o)) out.push(a);
      break;
    case 'DefaultStatement':
    case 'BadarchStatement':
      if (within(s.action, o)) {
        out.push(s.action);
        if (within(s.action.argument, o)) out.push(...expression(s.action.argument, o));
      }
      break;
    case 'IncludeStatement':
      if (within(s.path, o)) out.push(s.path);
      break;
    case 'DefineStatement':
      if (within(s.name, o)) out.push(s.name);
      if (within(s.value, o)) out.push(...expression(s.value, o));
      break;
    case 'GroupStatement':
      if (within(s.name, o)) out.push(s.name);
      if (within(s.list, o)) out.push(...list(s.list, o));
      break;
    case 'RuleStatement':
      if (within(s.action, o)) {
        out.push(s.action);
        if (within(s.action.argument, o)) out.push(...expression(s.action.argument, o));
      } else if (within(s.list, o)) out.push(...list(s.list, o));
      else if (within(s.condition, o)) out.push(...expression(s.condition, o));
      break;
  }
  return out;
}

function list(l: SyscallList, o: number): TextRange[] {
  const out: TextRange[] = [l];
  const item = [...l.items, ...(l.except ?? [])].find((i: ListItem) => within(i, o));
  if (item) {
    out.push(item);
    if (item.kind === 'RawSyscall' && within(item.number, o)) out.push(item.number);
  }
  return out;
}

function expression(e: Expression, o: number): TextRange[] {
  const out: TextRange[] = [];
  let cur: Expression | undefined = e;
  for (let guard = 0; cur && within(cur, o) && guard < 256; guard++) {
    out.push(cur);
    const node: Expression = cur;
    cur = undefined;
    switch (node.kind) {
      case 'BinaryExpression':
        cur = within(node.left, o) ? node.left : within(node.right, o) ? node.right : undefined;
        break;
      case 'UnaryExpression':
        cur = node.operand;
        break;
      case 'ParenthesizedExpression':
        cur = node.expression;
        break;
      case 'InExpression':
        cur = within(node.subject, o) ? node.subject : node.values.find((v) => within(v, o));
        break;
    }
  }
  return out;
}
