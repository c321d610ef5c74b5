/**
 * Lookups shared by the features: what the model says is at an offset.
 * Everything comes from the model's occurrences and the AST; nothing here
 * resolves a name again.
 */
import type { Position } from 'vscode-languageserver-types';
import type { Occurrence, PolicyModel, SourceFile } from '../policy/semantics/model';
import type { Action, Statement, TextRange } from '../policy/syntax/ast';

const byFile = new WeakMap<PolicyModel, Map<string, Occurrence[]>>();

/** The model's occurrences in one file, sorted by start offset. */
export function occurrencesIn(model: PolicyModel, file: string): readonly Occurrence[] {
  let index = byFile.get(model);
  if (!index) {
    index = new Map();
    for (const o of model.occurrences) {
      let list = index.get(o.file);
      if (!list) index.set(o.file, (list = []));
      list.push(o);
    }
    for (const list of index.values()) list.sort((a, b) => a.range.start - b.range.start);
    byFile.set(model, index);
  }
  return index.get(file) ?? [];
}

/** The occurrence whose range contains `offset` (its end included, so a cursor right after a name finds it). */
export function occurrenceAt(model: PolicyModel, file: string, offset: number): Occurrence | undefined {
  const list = occurrencesIn(model, file);
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.range.start <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Occurrences never overlap except an include's string with nothing; look back a little for safety.
  for (let i = best; i >= 0 && i >= best - 2; i--) {
    const o = list[i]!;
    if (o.range.start <= offset && offset <= o.range.end) return o;
  }
  return undefined;
}

/** The statement of `file` whose range contains `offset` (end included), if any. */
export function statementAt(file: SourceFile, offset: number): Statement | undefined {
  const i = lastStatementStartingAtOrBefore(file, offset);
  if (i < 0) return undefined;
  const s = file.ast.statements[i]!;
  return offset <= s.end ? s : undefined;
}

/** Index of the last statement that starts at or before `offset`, or -1. */
export function lastStatementStartingAtOrBefore(file: SourceFile, offset: number): number {
  const list = file.ast.statements;
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.start <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** The action of a statement, if it has one. */
export function actionOf(s: Statement): Action | undefined {
  if (s.kind === 'RuleStatement') return s.action;
  if (s.kind === 'DefaultStatement' || s.kind === 'BadarchStatement') return s.action;
  return undefined;
}

export function contains(r: TextRange, offset: number): boolean {
  return r.start <= offset && offset <= r.end;
}

/**
 * The offset of an LSP position in a file, clamped to the text (a position
 * past a line's end is that line's end, past the last line is the end).
 */
export function offsetOf(file: SourceFile, position: Position | undefined): number {
  if (!position) return 0;
  const line = Number.isFinite(position.line) ? position.line : 0;
  const character = Number.isFinite(position.character) ? position.character : 0;
  return file.lines.offsetAt({ line, character });
}

/** `0x1f (31)`: a value the way hovers print it. */
export function hexDec(v: bigint): string {
  // A negative constant is a small signed number (AT_FDCWD is -100): decimal reads best, with the
  // 32-bit pattern a condition on an int argument compares (§6: taken modulo 2^32).
  if (v < 0n) return v >= -(1n << 31n) ? `${v} (0x${BigInt.asUintN(32, v).toString(16)} as 32 bits)` : `${v}`;
  return v < 10n ? `${v}` : `0x${v.toString(16)} (${v})`;
}

