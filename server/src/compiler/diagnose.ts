/**
 * Every diagnostic of a policy and, when it has no error, its program: the
 * checker's diagnostics plus the compiler's size limit (§8: more than 4096
 * instructions is an error, never a truncated filter). Compiling is part of
 * checking, so the program is returned from the same compile instead of
 * being built twice. Shared by the CLI, the language server and the tests;
 * pure.
 */
import { BPF_MAXINSNS } from '../bpf/instructions';
import type { Abi } from '../kernel/abi';
import { SEMANTIC_CODES } from '../policy/codes';
import { checkModel, sortDiagnostics } from '../policy/check';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import type { PolicyModel } from '../policy/semantics/model';
import { compilePolicy, compileWithSizes, type CompiledProgram, type CompileOptions, type CompileResult, type ProgramSize } from './compile';

export interface Diagnosed {
  readonly diagnostics: PolicyDiagnostic[];
  /** The compiled filter; undefined when the policy has an error (the size limit included). */
  readonly program: CompiledProgram | undefined;
}

/** Checks `model` and compiles it once (`options.abis`: default the policy's `arch`). */
export function diagnoseAndCompile(model: PolicyModel, options: CompileOptions = {}): Diagnosed {
  const diagnostics = checkModel(model);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, program: undefined };
  const { result, sizeAlone } = compileWithSizes(model, options);
  if (result.ok) return { diagnostics, program: result.program };
  const arch = model.statements.find((p) => p.file === model.root && p.statement.kind === 'ArchStatement');
  const extra: PolicyDiagnostic = {
    code: 'filter-too-large', severity: SEMANTIC_CODES['filter-too-large'].severity, file: model.root,
    range: arch ? { start: arch.statement.start, end: arch.statement.end } : { start: 0, end: 0 },
    message: tooLargeMessage(model, result, options.abis, sizeAlone),
  };
  // The lints already ran: the size error joins their sorted list (not a second check).
  return { diagnostics: sortDiagnostics(model, [...diagnostics, extra]), program: undefined };
}

/** The checker's and the compiler's diagnostics (see `diagnoseAndCompile`). */
export function diagnoseModel(model: PolicyModel): PolicyDiagnostic[] {
  return diagnoseAndCompile(model).diagnostics;
}

/**
 * The one sentence for a filter over the kernel's limit. A program far over
 * the limit is not built in full, so its length is then a lower bound
 * ("more than N"); with several ABIs each one's size alone is added, since
 * splitting the policy per ABI is a fix (`sizeAlone`: by default each ABI
 * compiled alone; `compileWithSizes` knows one of them without compiling).
 */
export function tooLargeMessage(model: PolicyModel, result: Extract<CompileResult, { ok: false }>, abis: readonly Abi[] = model.abis,
  sizeAlone: (abi: Abi) => ProgramSize = (abi) => sizeOf(compilePolicy(model, { abis: [abi] }))): string {
  const count = (s: ProgramSize) => (s.exact ? `${s.length}` : `over ${s.length}`);
  const perAbi = abis.length > 1 ? ` (${abis.map((abi) => `${abi}: ${count(sizeAlone(abi))}`).join(', ')})` : '';
  return `the filter needs ${result.exact ? '' : 'more than '}${result.length} BPF instructions; the kernel accepts at most ${BPF_MAXINSNS}${perAbi}. Merge rules, use groups, or split the policy per ABI`;
}

function sizeOf(r: CompileResult): ProgramSize {
  return r.ok ? { length: r.program.instructions.length, exact: true } : { length: r.length, exact: r.exact };
}
