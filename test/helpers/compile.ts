/** Compiles in-memory policies for tests; fails loudly on diagnostics. */
import { buildPolicyModel } from '../../server/src/policy/semantics/build';
import { diagnoseModel } from '../../server/src/compiler/diagnose';
import { compilePolicy, type CompiledProgram } from '../../server/src/compiler/compile';
import type { PolicyModel } from '../../server/src/policy/semantics/model';
import { memoryHost } from './policy';

export function modelOf(text: string, files: Record<string, string> = {}): { model: PolicyModel; errors: string[] } {
  const root = '/t/policy.seccomp';
  const model = buildPolicyModel({ path: root, text }, memoryHost({ ...files, [root]: text }));
  const errors = diagnoseModel(model).filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  return { model, errors };
}

export function compileText(text: string, files: Record<string, string> = {}): { model: PolicyModel; program: CompiledProgram } {
  const { model, errors } = modelOf(text, files);
  if (errors.length) throw new Error(`policy has errors:\n${errors.join('\n')}\n---\n${text}`);
  const r = compilePolicy(model);
  if (!r.ok) throw new Error(`too large: ${r.length}`);
  return { model, program: r.program };
}
