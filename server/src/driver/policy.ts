/**
 * A policy file to a checked, compiled program in one step: read it through
 * a host (disk, or the editor's buffers), build the model, check it and
 * compile it once (compiler/diagnose.ts). The CLI and the language server
 * both start here, so "what is run" is decided in one place.
 */
import type { Abi } from '../kernel/abi';
import type { CompiledProgram, CompileOptions } from '../compiler/compile';
import { diagnoseAndCompile } from '../compiler/diagnose';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import { buildPolicyModel } from '../policy/semantics/build';
import type { PolicyHost, PolicyModel } from '../policy/semantics/model';

export type LoadedPolicy =
  | { readonly ok: false; readonly reason: 'io'; readonly message: string }
  | {
    readonly ok: true;
    readonly model: PolicyModel;
    readonly diagnostics: readonly PolicyDiagnostic[];
    /** Errors first in file order; empty when `program` is set. */
    readonly errors: readonly PolicyDiagnostic[];
    /** The compiled filter, when the policy has no error (the size limit included). */
    readonly program: CompiledProgram | undefined;
  };

/** Reads, checks and compiles the policy at `path` (`options.abis`: default its `arch`). */
export function loadPolicy(path: string, host: PolicyHost, options: CompileOptions = {}): LoadedPolicy {
  const read = host.readFile(path);
  if ('error' in read) return { ok: false, reason: 'io', message: `cannot read ${path}: ${read.error}` };
  return checkPolicyText(path, read.text, host, options);
}

/** As `loadPolicy`, for text already in hand (an editor buffer, a learned policy). */
export function checkPolicyText(path: string, text: string, host: PolicyHost, options: CompileOptions = {}): LoadedPolicy & { ok: true } {
  const model = buildPolicyModel({ path, text }, host);
  const { diagnostics, program } = diagnoseAndCompile(model, options);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return { ok: true, model, diagnostics, errors, program };
}

/** The ABI of this machine's native syscalls, for warnings about a policy that would not accept it. */
export function hostAbi(): Abi {
  return process.arch === 'arm64' ? 'aarch64' : 'x86_64';
}
