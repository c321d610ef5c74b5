/**
 * Turns the checker's diagnostics into LSP diagnostics for one document,
 * applying the editor's settings: lint levels, the problem limit, and the
 * include-only fragment rule (docs/policy-language.md §3).
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import type { PolicyDiagnostic, Severity } from '../policy/diagnostics';
import type { PolicyModel } from '../policy/semantics/model';
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
  // Problems inside included files are summarised on the include that brings them in.
  const fromIncludes = new Map<number, PolicyDiagnostic[]>();
  for (const d of analysis.diagnostics) {
    if (d.file === doc.path) {
      if (fragment && d.code === 'missing-default') continue;
      const severity = levelFor(d, settings);
      if (severity) out.push(toLsp(severity === d.severity ? d : { ...d, severity }));
      if (out.length >= max) break;
      continue;
    }
    if (d.severity !== 'error') continue;
    const inc = model.statements.find((p) => p.file === doc.path && p.statement.kind === 'IncludeStatement' && includes(model, p.statement.path?.value, d.file));
    if (!inc) continue;
    const list = fromIncludes.get(inc.statement.start) ?? [];
    list.push(d);
    fromIncludes.set(inc.statement.start, list);
  }
  for (const [start, list] of fromIncludes) {
    const stmt = model.statements.find((p) => p.file === doc.path && p.statement.start === start)!.statement;
    out.push({
      range: rangeOf(model, doc.path, stmt),
      severity: DiagnosticSeverity.Error,
      source: 'seccomp',
      code: 'included-file-errors',
      message: `the included file has ${list.length} error${list.length === 1 ? '' : 's'}; first: ${list[0]!.message}`,
      relatedInformation: list.slice(0, 10).map((d) => ({ location: { uri: uriOf(doc, d.file), range: rangeOf(model, d.file, d.range) }, message: d.message })),
    });
  }
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

/** Whether the include written as `rel` in the root leads (directly or not) to `file`. */
function includes(model: Analysis['model'], rel: string | undefined, file: string): boolean {
  if (rel === undefined) return false;
  const direct = model.statements.find((p) => p.statement.kind === 'IncludeStatement' && p.statement.path?.value === rel);
  if (!direct) return false;
  // The spliced statement list keeps each include's statements right after it, at a greater depth.
  const i = model.statements.indexOf(direct);
  for (let j = i + 1; j < model.statements.length && model.statements[j]!.depth > direct.depth; j++) {
    if (model.statements[j]!.file === file) return true;
  }
  return false;
}
