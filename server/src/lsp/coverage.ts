/**
 * Policy coverage in the editor after a run: how often each rule decided
 * (an inlay hint "decided 12× in the last run"), rules the run never
 * reached (a Hint diagnostic tagged Unnecessary, which editors dim), and
 * on a rule that decided, a code action narrowing it to the argument
 * values seen.
 *
 * Counts are kept per file, keyed by the rule's text (whitespace folded)
 * and its occurrence among rules with the same text, not by position:
 * edits elsewhere move a rule without losing its count, and editing the
 * rule itself changes its key, which clears it. A new run of a policy
 * replaces what its previous run left.
 */
import {
  CodeActionKind, DiagnosticSeverity, DiagnosticTag, InlayHintKind, type CodeAction, type Diagnostic, type InlayHint, type Range,
} from 'vscode-languageserver-types';
import type { PolicyModel } from '../policy/semantics/model';
import { narrowRuleEdit, type SeenRegisters } from '../service/argConditions';
import type { PolicyDocument } from '../service/service';
import type { RunReport } from './runReport';

interface RuleCount {
  readonly count: number;
  /** Per syscall: the registers seen (for narrowing). */
  readonly seen: ReadonlyMap<string, readonly SeenRegisters[]>;
}

/** What one run left for one file: rule key → count. */
type FileCoverage = Map<string, RuleCount>;

export const NOT_REACHED = 'not reached in the last run';
/** The `source` of coverage diagnostics (so they are not taken for the checker's). */
export const COVERAGE_SOURCE = 'seccomp-coverage';

function ruleKeys(model: PolicyModel, path: string): { index: number; key: string }[] {
  const file = model.files.get(path);
  if (!file) return [];
  const n = new Map<string, number>();
  const out: { index: number; key: string }[] = [];
  for (const r of model.rules) {
    if (r.file !== path) continue;
    const text = file.text.slice(r.statement.start, r.statement.end).replace(/\s+/g, ' ').trim();
    const k = n.get(text) ?? 0;
    n.set(text, k + 1);
    out.push({ index: r.index, key: `${k}\0${text}` });
  }
  return out;
}

export class CoverageStore {
  /** By file path, then rule key. */
  private readonly files = new Map<string, FileCoverage>();
  /** The files each policy's last run covered (its root and includes). */
  private readonly byRoot = new Map<string, string[]>();

  /** Replaces the coverage left by the previous run of the same policy. */
  record(report: RunReport): string[] {
    const model = report.options.model;
    for (const path of this.byRoot.get(model.root) ?? []) this.files.delete(path);
    const paths = [...model.files.keys()];
    for (const path of paths) {
      const cov: FileCoverage = new Map();
      for (const { index, key } of ruleKeys(model, path)) {
        const seen = new Map<string, SeenRegisters[]>();
        for (const s of report.seenArgs.get(index)?.values() ?? []) {
          const list = seen.get(s.syscall) ?? [];
          list.push({ abi: s.abi, registers: s.values });
          seen.set(s.syscall, list);
        }
        cov.set(key, { count: report.counts.get(`rule:${index}`) ?? 0, seen });
      }
      this.files.set(path, cov);
    }
    this.byRoot.set(model.root, paths);
    return paths;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** The rules of `path` in `model` still as they were in the run, with their counts. */
  private rules(model: PolicyModel, path: string): { index: number; range: Range; cov: RuleCount }[] {
    const cov = this.files.get(path);
    const file = model.files.get(path);
    if (!cov || !file) return [];
    const out: { index: number; range: Range; cov: RuleCount }[] = [];
    for (const { index, key } of ruleKeys(model, path)) {
      const c = cov.get(key);
      if (!c) continue;
      const st = model.rules[index]!.statement;
      out.push({ index, range: { start: file.lines.positionAt(st.start), end: file.lines.positionAt(st.end) }, cov: c });
    }
    return out;
  }

  diagnostics(model: PolicyModel, doc: PolicyDocument): Diagnostic[] {
    return this.rules(model, doc.path).filter((r) => r.cov.count === 0).map((r) => ({
      range: r.range, severity: DiagnosticSeverity.Hint, tags: [DiagnosticTag.Unnecessary],
      source: COVERAGE_SOURCE, code: 'not-reached', message: NOT_REACHED,
    }));
  }

  inlayHints(model: PolicyModel, doc: PolicyDocument, range: Range): InlayHint[] {
    const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    return this.rules(model, doc.path)
      .filter((r) => r.cov.count > 0 && before(range.start, r.range.end) && before(r.range.end, range.end))
      .map((r) => ({
        position: r.range.end, label: `decided ${r.cov.count}× in the last run`, kind: InlayHintKind.Type, paddingLeft: true,
        tooltip: `In the last run this rule decided ${r.cov.count} syscall${r.cov.count === 1 ? '' : 's'}.`,
      }));
  }

  /** "Narrow to the arguments seen in the last run" on a rule that decided, touching `range`. */
  codeActions(model: PolicyModel, doc: PolicyDocument, range: Range): CodeAction[] {
    const touches = (r: Range) => !(r.end.line < range.start.line || r.start.line > range.end.line);
    const out: CodeAction[] = [];
    for (const r of this.rules(model, doc.path)) {
      if (r.cov.count === 0 || !touches(r.range)) continue;
      const edit = narrowRuleEdit(model, doc, r.index, r.cov.seen);
      if (edit) out.push({ title: 'Narrow this rule to the syscalls and arguments seen in the last run', kind: CodeActionKind.RefactorRewrite, edit });
    }
    return out;
  }

  /** Forgets everything (a document closed is kept: it may be reopened). */
  clear(): void {
    this.files.clear();
    this.byRoot.clear();
  }
}
