/**
 * The front door of the checker: a model plus every lint, in one sorted
 * list. Callers that already hold a model (the service) use `checkModel`.
 */
import type { PolicyDiagnostic } from './diagnostics';
import { lintPolicy } from './checks/lints';
import { buildPolicyModel, type RootSource } from './semantics/build';
import type { PolicyHost, PolicyModel } from './semantics/model';

export function checkModel(model: PolicyModel, extra: readonly PolicyDiagnostic[] = []): PolicyDiagnostic[] {
  // Whole-policy lints judge what the policy decides; with errors the model is
  // incomplete (unknown names dropped, no default), so they would mislead.
  const broken = model.diagnostics.some((d) => d.severity === 'error');
  return sortDiagnostics(model, [...model.diagnostics, ...(broken ? [] : lintPolicy(model)), ...extra]);
}

/**
 * Sorts `all` in place in the checker's order: the root file first, then
 * by position. The sort is stable, so adding a diagnostic to a sorted list
 * and sorting again gives what sorting everything at once would.
 */
export function sortDiagnostics(model: PolicyModel, all: PolicyDiagnostic[]): PolicyDiagnostic[] {
  const order = (f: string) => (f === model.root ? '' : f);
  return all.sort((a, b) => (a.file === b.file ? 0 : order(a.file).localeCompare(order(b.file))) || a.range.start - b.range.start || a.range.end - b.range.end);
}

export function checkPolicy(root: RootSource, host: PolicyHost): { model: PolicyModel; diagnostics: PolicyDiagnostic[] } {
  const model = buildPolicyModel(root, host);
  return { model, diagnostics: checkModel(model) };
}
