/**
 * Code actions: quick fixes for the checker's diagnostics, and a
 * `source.fixAll.seccomp` action that applies every preferred fix at once.
 * Pure: the edits are computed from the analysis and the document's text.
 *
 * - did-you-mean: a diagnostic carrying `suggestions` (unknown syscall,
 *   constant, group, errno, argument, ABI, and syntax errors such as
 *   `alow`) gets one "Change to" action per suggestion; the first is
 *   preferred.
 * - `unreachable-rule` / `duplicate-rule`: remove the rule's whole lines
 *   (continuation lines and their comments included). Preferred: such a
 *   rule never decides anything, so removing it changes nothing.
 * - `prefer-enosys`: deny the newer syscall with `errno(ENOSYS)`. When the
 *   rule lists only such syscalls its action is changed; when it lists
 *   others too, a rule `errno(ENOSYS) clone3` is inserted before it; when
 *   the errno comes from `default`, that rule is inserted after the
 *   `default` line (or after the last statement that has a conditional
 *   rule for the syscall, so those still come first).
 * - `missing-default`: insert `default kill_process` (preferred) or
 *   `default errno(EPERM)` after the `arch` line, or at the top after the
 *   leading comment lines.
 * - `execve-denied`: allow `execve` (through `addSyscallEdit`).
 */
import {
  CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-types';
import { ENOSYS_FALLBACKS } from '../kernel/seccomp';
import { detectEol } from '../policy/format';
import type { PolicyModel, PolicyRule } from '../policy/semantics/model';
import type { Statement } from '../policy/syntax/ast';
import { LineIndex } from '../policy/text';
import type { Analysis, PolicyDocument } from './context';

/** The kind of the fix-all source action. */
export const FIX_ALL_KIND = 'source.fixAll.seccomp';

/** Did-you-means for names (the others, from syntax errors, replace a construct). */
const SPELLING_CODES: ReadonlySet<string> = new Set([
  'unknown-syscall', 'unknown-constant', 'unknown-group', 'unknown-errno', 'unknown-argument', 'unknown-abi',
]);

/** Lines longer than this are wrapped when a syscall is appended to a rule. */
const MAX_LINE = 100;

export interface CodeActionContextLike {
  readonly diagnostics: readonly Diagnostic[];
  /** Requested kinds (`quickfix`, `source.fixAll`, …): a kind matches a prefix of itself. */
  readonly only?: readonly string[];
}

/** An edit in offsets of the document's text. */
interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

interface Fix {
  readonly title: string;
  readonly edits: readonly OffsetEdit[];
  readonly preferred: boolean;
}

/** A diagnostic in offsets, from the checker or from the client. */
interface Problem {
  readonly code: string;
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly suggestions: readonly string[];
}

export function getCodeActions(analysis: Analysis, doc: PolicyDocument, range: Range, context: CodeActionContextLike): CodeAction[] {
  // A document too large to analyse has no model worth fixing.
  if ((analysis as { readonly skipped?: string }).skipped !== undefined) return [];
  const lines = new LineIndex(doc.text);
  const wants = (kind: string) => !context.only || context.only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    // The client's diagnostics for the range; clients that send none get ours that touch it.
    let diagnostics: { lsp?: Diagnostic; problem: Problem }[] = context.diagnostics
      .filter((d) => d.source === undefined || d.source === 'seccomp')
      .map((d) => ({ lsp: d, problem: fromLsp(d, lines) }))
      .filter((d): d is { lsp: Diagnostic; problem: Problem } => d.problem !== undefined);
    if (context.diagnostics.length === 0) {
      const start = lines.offsetAt(range.start);
      const end = lines.offsetAt(range.end);
      diagnostics = ownProblems(analysis, doc).filter((p) => p.start <= end && start <= p.end).map((problem) => ({ problem }));
    }
    for (const { lsp, problem } of diagnostics) {
      for (const fix of fixesFor(analysis.model, doc, lines, problem)) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          ...(lsp ? { diagnostics: [lsp] } : {}),
          ...(fix.preferred ? { isPreferred: true } : {}),
          edit: workspaceEdit(doc, lines, fix.edits),
        });
      }
    }
  }

  const explicitFixAll = context.only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`)) ?? false;
  if (explicitFixAll || !context.only) {
    const all = fixAllEdits(analysis, doc, lines);
    if (all.count > 0 && (explicitFixAll || all.count > 1)) {
      actions.push({
        title: `Fix all auto-fixable problems (${all.count})`,
        kind: FIX_ALL_KIND,
        edit: workspaceEdit(doc, lines, all.edits),
      });
    }
  }
  return actions;
}

/** The edit of `source.fixAll.seccomp` alone: every preferred fix of the document that does not collide with another. */
export function fixAllEdit(analysis: Analysis, doc: PolicyDocument): WorkspaceEdit {
  const lines = new LineIndex(doc.text);
  return workspaceEdit(doc, lines, fixAllEdits(analysis, doc, lines).edits);
}

function fixAllEdits(analysis: Analysis, doc: PolicyDocument, lines: LineIndex): { edits: OffsetEdit[]; count: number } {
  const accepted: OffsetEdit[] = [];
  let count = 0;
  for (const problem of ownProblems(analysis, doc)) {
    const fix = fixesFor(analysis.model, doc, lines, problem).find((f) => f.preferred);
    if (!fix || fix.edits.some((e) => accepted.some((a) => overlaps(a, e)))) continue;
    accepted.push(...fix.edits);
    count++;
  }
  return { edits: mergeInserts(accepted), count };
}

/** Overlap, where touching ranges and inserts at one point (merged later) are allowed. */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Sorts edits and joins inserts at the same offset into one, in order. */
function mergeInserts(edits: readonly OffsetEdit[]): OffsetEdit[] {
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.start - y.e.start || x.e.end - y.e.end || x.i - y.i).map((x) => x.e);
  const out: OffsetEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.start === last.end && e.start === e.end && last.start === e.start) {
      out[out.length - 1] = { start: last.start, end: last.end, newText: last.newText + e.newText };
    } else out.push(e);
  }
  return out;
}

function workspaceEdit(doc: PolicyDocument, lines: LineIndex, edits: readonly OffsetEdit[]): WorkspaceEdit {
  const textEdits: TextEdit[] = mergeInserts(edits).map((e) => ({ range: lines.rangeAt(e), newText: e.newText }));
  return { changes: { [doc.uri]: textEdits } };
}

function fromLsp(d: Diagnostic, lines: LineIndex): Problem | undefined {
  if (typeof d.code !== 'string') return undefined;
  const data = d.data as { suggestions?: unknown } | undefined;
  const suggestions = Array.isArray(data?.suggestions) ? data.suggestions.filter((s): s is string => typeof s === 'string') : [];
  return { code: d.code, start: lines.offsetAt(d.range.start), end: lines.offsetAt(d.range.end), message: typeof d.message === 'string' ? d.message : d.message.value, suggestions };
}

function ownProblems(analysis: Analysis, doc: PolicyDocument): Problem[] {
  return analysis.diagnostics
    .filter((d) => d.file === doc.path)
    .map((d) => ({ code: d.code, start: d.range.start, end: d.range.end, message: d.message, suggestions: d.suggestions ?? [] }));
}

// ---------------------------------------------------------------- fixes

function fixesFor(model: PolicyModel, doc: PolicyDocument, lines: LineIndex, p: Problem): Fix[] {
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  p.suggestions.forEach((s, i) => {
    if (seen.has(s) || s === doc.text.slice(p.start, p.end)) return;
    seen.add(s);
    const title = SPELLING_CODES.has(p.code) ? `Change to \`${s}\`` : `Replace with \`${s}\``;
    fixes.push({ title, edits: [{ start: p.start, end: p.end, newText: s }], preferred: i === 0 });
  });
  switch (p.code) {
    case 'unreachable-rule':
    case 'duplicate-rule': {
      const stmt = rootStatementAt(model, doc, p.start);
      if (stmt?.kind === 'RuleStatement') {
        fixes.push({
          title: p.code === 'unreachable-rule' ? 'Remove the unreachable rule' : 'Remove the duplicate rule',
          edits: [deleteLines(doc.text, lines, stmt.start, stmt.end)],
          preferred: true,
        });
      }
      break;
    }
    case 'prefer-enosys': {
      const fix = enosysFix(model, doc, p);
      if (fix) fixes.push(fix);
      break;
    }
    case 'missing-default': {
      const at = defaultInsertionPoint(model, doc, lines);
      const eol = detectEol(doc.text);
      for (const [action, preferred] of [['kill_process', true], ['errno(EPERM)', false]] as const) {
        fixes.push({ title: `Add \`default ${action}\``, edits: [insertLine(doc.text, eol, at, `default ${action}`)], preferred });
      }
      break;
    }
    case 'execve-denied': {
      const edit = addSyscallOffsets(model, doc, lines, 'execve', 'allow');
      if (edit.length > 0) fixes.push({ title: 'Allow `execve`', edits: edit, preferred: false });
      break;
    }
  }
  return fixes;
}

/** The root-file statement (depth 0) that starts at `offset`. */
function rootStatementAt(model: PolicyModel, doc: PolicyDocument, offset: number): Statement | undefined {
  return model.files.get(doc.path)?.ast.statements.find((s) => s.start === offset);
}

/** The edit deleting the lines `[start, end)` spans, line breaks included. */
function deleteLines(text: string, lines: LineIndex, start: number, end: number): OffsetEdit {
  const first = lines.lineAt(start);
  const last = lines.lineAt(end);
  if (last + 1 < lines.lineCount) return { start: lines.lineStart(first), end: lines.lineStart(last + 1), newText: '' };
  // The last line of a file without a final line break: take the break before it instead.
  return { start: first > 0 ? lines.lineEnd(first - 1) : 0, end: text.length, newText: '' };
}

/** Where a new line goes so that it follows the line of `offset` (or at the top, for -1). */
interface LinePoint { readonly afterLineOf: number }

/** An insert of a whole line after the line containing `at.afterLineOf` (-1: before the first line). */
function insertLine(text: string, eol: string, at: LinePoint | { readonly beforeOffset: number }, content: string): OffsetEdit {
  const lines = new LineIndex(text);
  if ('beforeOffset' in at) {
    const s = lines.lineStart(lines.lineAt(at.beforeOffset));
    return { start: s, end: s, newText: content + eol };
  }
  if (at.afterLineOf < 0) return { start: 0, end: 0, newText: content + eol };
  const line = lines.lineAt(at.afterLineOf);
  if (line + 1 < lines.lineCount) {
    const s = lines.lineStart(line + 1);
    return { start: s, end: s, newText: content + eol };
  }
  return { start: text.length, end: text.length, newText: eol + content };
}

/** After the `arch` line; else after the leading comment lines; else at the top. */
function defaultInsertionPoint(model: PolicyModel, doc: PolicyDocument, lines: LineIndex): LinePoint | { beforeOffset: number } {
  const ast = model.files.get(doc.path)?.ast;
  const arch = ast?.statements.find((s) => s.kind === 'ArchStatement');
  if (arch) return { afterLineOf: arch.end };
  let line = 0;
  while (line < lines.lineCount - 1 && lines.lineText(line).trimStart().startsWith('#')) line++;
  if (line === 0) return { afterLineOf: -1 };
  return { beforeOffset: lines.lineStart(line) };
}

function enosysFix(model: PolicyModel, doc: PolicyDocument, p: Problem): Fix | undefined {
  const named = /^`([a-z0-9_]+)`/.exec(p.message)?.[1];
  const eol = detectEol(doc.text);
  const rule = model.rules.find((r) => r.file === doc.path && r.statement.action.start === p.start && r.statement.action.end === p.end);
  if (rule) {
    const newer = named && ENOSYS_FALLBACKS[named] ? [named] : rule.syscalls.filter((s) => ENOSYS_FALLBACKS[s]);
    if (newer.length === 0) return undefined;
    const items = [...(rule.statement.list?.items ?? []), ...(rule.statement.list?.except ?? [])];
    const onlyNewer = items.length > 0 && !rule.statement.list?.except
      && items.every((i) => i.kind === 'Identifier' && ENOSYS_FALLBACKS[i.name] !== undefined);
    const title = `Deny \`${newer.join('`, `')}\` with errno(ENOSYS) so libc falls back to \`${newer.map((n) => ENOSYS_FALLBACKS[n]).join('`, `')}\``;
    if (onlyNewer) {
      return { title, edits: [{ start: rule.statement.action.start, end: rule.statement.action.end, newText: 'errno(ENOSYS)' }], preferred: true };
    }
    return { title, edits: [insertLine(doc.text, eol, { beforeOffset: rule.statement.start }, `errno(ENOSYS) ${newer.join(', ')}`)], preferred: true };
  }
  const def = model.defaultStatement;
  if (!def || def.file !== doc.path || def.statement.start !== p.start || !named || !ENOSYS_FALLBACKS[named]) return undefined;
  // After the default, and after any statement that brings a (conditional) rule for the syscall.
  let after = def.statement.end;
  for (const r of model.rules) {
    if (!r.syscalls.includes(named)) continue;
    const anchor = rootAnchor(model, doc, r);
    if (anchor && anchor.end > after) after = anchor.end;
  }
  return {
    title: `Add \`errno(ENOSYS) ${named}\` so libc falls back to \`${ENOSYS_FALLBACKS[named]}\``,
    edits: [insertLine(doc.text, eol, { afterLineOf: after }, `errno(ENOSYS) ${named}`)],
    preferred: true,
  };
}

/** The root-file statement a rule is (or is brought in by: its `include`). */
function rootAnchor(model: PolicyModel, doc: PolicyDocument, rule: PolicyRule): Statement | undefined {
  let anchor: Statement | undefined;
  for (const placed of model.statements) {
    if (placed.depth === 0 && placed.file === doc.path) anchor = placed.statement;
    if (placed.statement === rule.statement) return anchor;
  }
  return undefined;
}

// ---------------------------------------------------------------- add a syscall

/**
 * The edit that makes the policy give `syscall` the action `action`
 * (as written, e.g. `allow` or `errno(EPERM)`), for the trace panel's
 * "add to policy":
 *
 * - nothing (an empty edit list) when the first rule that names the syscall
 *   already gives that action without a condition;
 * - else the syscall is appended to the last rule of the root file with
 *   that action, no condition and no `except` that comes before any rule
 *   naming the syscall (so the new allowance decides first); a line that
 *   would grow past 100 columns wraps, aligned under the list's first item;
 * - else a new line `ACTION NAME` goes before the first rule that names the
 *   syscall (or the `include` bringing it), or after the root file's last
 *   rule, or at the end.
 */
export function addSyscallEdit(analysis: Analysis, doc: PolicyDocument, syscall: string, action = 'allow'): WorkspaceEdit {
  const lines = new LineIndex(doc.text);
  return workspaceEdit(doc, lines, addSyscallOffsets(analysis.model, doc, lines, syscall, action));
}

function addSyscallOffsets(model: PolicyModel, doc: PolicyDocument, lines: LineIndex, syscall: string, action: string): OffsetEdit[] {
  const norm = (s: string) => s.replace(/\s+/g, '');
  const wanted = norm(action);
  const text = doc.text;
  const eol = detectEol(text);
  const actionText = (r: PolicyRule) => {
    const f = model.files.get(r.file);
    return f ? norm(f.text.slice(r.statement.action.start, r.statement.action.end)) : '';
  };
  const raw = /^syscall\((\d+)\)$/.exec(syscall.replace(/\s+/g, ''));
  const names = (r: PolicyRule) => (raw ? r.rawNumbers.includes(Number(raw[1])) : r.syscalls.includes(syscall));
  const firstMention = model.rules.find(names);
  if (firstMention && !firstMention.statement.condition && actionText(firstMention) === wanted) return [];

  const candidates = model.rules.filter((r) => r.file === doc.path
    && (!firstMention || r.index < firstMention.index)
    && !r.statement.condition && r.statement.list && r.statement.list.items.length > 0 && !r.statement.list.except
    && actionText(r) === wanted);
  const target = candidates[candidates.length - 1];
  if (target) {
    const list = target.statement.list!;
    const last = list.items[list.items.length - 1]!;
    const line = lines.lineAt(last.end);
    const lineLength = lines.lineEnd(line) - lines.lineStart(line);
    if (lineLength + 2 + syscall.length <= MAX_LINE) return [{ start: last.end, end: last.end, newText: `, ${syscall}` }];
    const firstCol = lines.positionAt(list.start).character;
    const pad = ' '.repeat(firstCol > MAX_LINE / 2 ? 4 : firstCol);
    return [{ start: last.end, end: last.end, newText: `,${eol}${pad}${syscall}` }];
  }

  return newRuleOffsets(model, doc, syscall, `${action.trim()} ${syscall}`);
}

/**
 * The edit adding the rule `ruleText` for `syscall` (e.g. `allow openat if
 * flags == 0`) as a line of its own, where it decides first: before the
 * first rule that names the syscall (or the `include` bringing it), else
 * after the root file's last rule, else at the end. For the trace panel's
 * "Allow with these arguments".
 */
export function addRuleEdit(analysis: Analysis, doc: PolicyDocument, syscall: string, ruleText: string): WorkspaceEdit {
  const lines = new LineIndex(doc.text);
  return workspaceEdit(doc, lines, newRuleOffsets(analysis.model, doc, syscall, ruleText));
}

function newRuleOffsets(model: PolicyModel, doc: PolicyDocument, syscall: string, newLine: string): OffsetEdit[] {
  const text = doc.text;
  const eol = detectEol(text);
  const raw = /^syscall\((\d+)\)$/.exec(syscall.replace(/\s+/g, ''));
  const firstMention = model.rules.find((r) => (raw ? r.rawNumbers.includes(Number(raw[1])) : r.syscalls.includes(syscall)));
  if (firstMention) {
    const anchor = rootAnchor(model, doc, firstMention);
    if (anchor) return [insertLine(text, eol, { beforeOffset: anchor.start }, newLine)];
  }
  const root = model.files.get(doc.path)?.ast.statements ?? [];
  const lastRule = [...root].reverse().find((s) => s.kind === 'RuleStatement') ?? root[root.length - 1];
  if (lastRule) return [insertLine(text, eol, { afterLineOf: lastRule.end }, newLine)];
  if (text.length === 0) return [{ start: 0, end: 0, newText: newLine + eol }];
  const endsWithBreak = /[\r\n]$/.test(text);
  return [{ start: text.length, end: text.length, newText: endsWithBreak ? newLine + eol : eol + newLine + eol }];
}
