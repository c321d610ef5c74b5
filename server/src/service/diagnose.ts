/**
 * Every diagnostic of a policy: the checker's, plus the compiler's size
 * limit (§8: more than 4096 instructions is an error, never a truncated
 * filter). Shared by the CLI and the language server.
 */
import { BPF_MAXINSNS } from '../bpf/instructions';
import { compilePolicy } from '../compiler/compile';
import { SEMANTIC_CODES } from '../policy/codes';
import { checkModel } from '../policy/check';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import type { PolicyModel } from '../policy/semantics/model';

export function diagnoseModel(model: PolicyModel): PolicyDiagnostic[] {
  const diagnostics = checkModel(model);
  if (diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  const extra: PolicyDiagnostic[] = [];
  const result = compilePolicy(model);
  if (!result.ok) {
    const arch = model.statements.find((p) => p.file === model.root && p.statement.kind === 'ArchStatement');
    const count = (r: ReturnType<typeof compilePolicy>) => (r.ok ? `${r.program.instructions.length}` : r.exact ? `${r.length}` : `over ${r.length}`);
    const perAbi = model.abis.length > 1 ? ` (${model.abis.map((abi) => `${abi}: ${count(compilePolicy(model, { abis: [abi] }))}`).join(', ')})` : '';
    extra.push({
      code: 'filter-too-large', severity: SEMANTIC_CODES['filter-too-large'].severity, file: model.root,
      range: arch ? { start: arch.statement.start, end: arch.statement.end } : { start: 0, end: 0 },
      message: `the filter needs ${result.exact ? '' : 'more than '}${result.length} BPF instructions; the kernel accepts at most ${BPF_MAXINSNS}${perAbi}. Merge rules, use groups, or split the policy per ABI`,
    });
  }
  if (extra.length === 0) return diagnostics;
  return checkModel(model, extra);
}
