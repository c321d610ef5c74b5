/**
 * Turns the checker's diagnostics into LSP diagnostics for one document,
 * applying the editor's settings: lint levels, the problem limit, and the
 * include-only fragment rule (docs/policy-language.md §3).
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver-types';
import type { PolicyDiagnostic, Severity } from '../policy/diagnostics';
import type { PolicyModel } from '../policy/semantics/model';
import type { TextRange } from '../policy/syntax/ast';
import type { Analysis, LintLevel, PolicyDocument, ServiceSettings } from './context';
import { rangeOf, uriOf } from './positions';

/** The hints that `lint.hints` governs (`lint.dangerous` governs `dangerous-syscall`). */
const HINT_CODES: ReadonlySet<string> = new Set([
  'redundant-rule', 'syscall-missing-on-abi', 'prefer-enosys', 'execve-denied', 'obsolete-syscall',
]);

/**
 * A file with no `arch`, `default` or `badarch` statement is an include-only
 * fragment: it is not reported for lacking a `default`.
 */
export function isFragment(model: PolicyModel): boolean {
  return !model.statements.some((p) => p.file === model.root
    && (p.statement.kind === 'ArchStatement' || p.statement.kind === 'DefaultStatement' || p.statement.kind === 'BadarchStatement'));
}

/** The severity a diagnostic is shown with under the settings, or undefined to drop it. */
function levelFor(d: PolicyDiagnostic, settings: ServiceSettings): Severity | undefined {
  let level: LintLevel | undefined;
  if (d.code === 'dangerous-syscall') level = settings.lint.dangerous;
  else if (HINT_CODES.has(d.code)) level = settings.lint.hints;
  if (level === undefined) return d.severity;
  return level === 'off' ? undefined : level;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostics(analysis: Analysis, doc: PolicyDocument, settings: ServiceSettings): Diagnostic[] {
  const { model } = analysis;
  const max = settings.maxNumberOfProblems;
  if (analysis.skipped) {
    return [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Warning, source: 'seccomp', code: 'document-too-large', message: analysis.skipped,
    }];
  }
  const fragment = isFragment(model);
  const out: Diagnostic[] = [];
  // Problems inside included files are summarised on the include of this document that brings them in.
  const viaInclude = includeLeadingTo(model, doc.path);
  const fromIncludes = new Map<TextRange, PolicyDiagnostic[]>();
  const unplaced: PolicyDiagnostic[] = [];
  for (const d of analysis.diagnostics) {
    if (d.file === doc.path) {
      if (fragment && d.code === 'missing-default') continue;
      const severity = levelFor(d, settings);
      if (severity) out.push(toLsp(severity === d.severity ? d : { ...d, severity }));
      if (out.length >= max) break;
      continue;
    }
    if (d.severity !== 'error') continue;
    const inc = viaInclude(d.file);
    if (!inc) {
      unplaced.push(d);
      continue;
    }
    const list = fromIncludes.get(inc) ?? [];
    list.push(d);
    fromIncludes.set(inc, list);
  }
  const summary = (range: Range, list: readonly PolicyDiagnostic[], what: string): Diagnostic => ({
    range,
    severity: DiagnosticSeverity.Error,
    source: 'seccomp',
    code: 'included-file-errors',
    message: `${what} ${list.length} error${list.length === 1 ? '' : 's'}; first: ${list[0]!.message}`,
    relatedInformation: list.slice(0, 10).map((d) => ({ location: { uri: uriOf(doc, d.file), range: rangeOf(model, d.file, d.range) }, message: d.message })),
  });
  for (const [range, list] of fromIncludes) out.push(summary(rangeOf(model, doc.path, range), list, 'the included file has'));
  // Never an error that shows nowhere (the code lens would say "fix the errors" over none): at the top, then.
  if (unplaced.length) out.push(summary({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, unplaced, 'files this policy reads have'));
  return out.slice(0, max);

  function toLsp(d: PolicyDiagnostic): Diagnostic {
    const related: DiagnosticRelatedInformation[] | undefined = d.related?.map((r) => ({
      location: { uri: uriOf(doc, r.file), range: rangeOf(model, r.file, r.range) }, message: r.message,
    }));
    const tags = d.tags?.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
    return {
      range: rangeOf(model, d.file, d.range),
      severity: SEVERITY[d.severity],
      source: 'seccomp',
      code: d.code,
      message: d.message,
      ...(related?.length ? { relatedInformation: related } : {}),
      ...(tags?.length ? { tags } : {}),
      ...(d.suggestions?.length ? { data: { suggestions: d.suggestions } } : {}),
    };
  }
}

/**
 * For a file the policy reads, the include statement of `root` through
 * which it is read (the first, when several lead to it); from the model's
 * include occurrences, so that a file with no valid statement (nothing
 * spliced from it) is found too.
 */
function includeLeadingTo(model: PolicyModel, root: string): (file: string) => TextRange | undefined {
  const edges = new Map<string, string[]>();
  const direct: { target: string; statement: TextRange }[] = [];
  for (const o of model.occurrences) {
    if (o.kind !== 'include') continue;
    const list = edges.get(o.file) ?? [];
    list.push(o.target);
    edges.set(o.file, list);
    if (o.file !== root) continue;
    const placed = model.statements.find((p) => p.file === root && p.statement.kind === 'IncludeStatement'
      && p.statement.start <= o.range.start && o.range.end <= p.statement.end);
    direct.push({ target: o.target, statement: placed?.statement ?? o.range });
  }
  const reach: Set<string>[] = [];
  return (file) => {
    for (let i = 0; i < direct.length; i++) {
      if (!reach[i]) {
        const seen = new Set<string>([direct[i]!.target]);
        const todo = [direct[i]!.target];
        while (todo.length) for (const next of edges.get(todo.pop()!) ?? []) if (!seen.has(next)) todo.push(next), seen.add(next);
        reach[i] = seen;
      }
      if (reach[i]!.has(file)) return direct[i]!.statement;
    }
    return undefined;
  };
}
