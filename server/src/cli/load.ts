/** Reads and checks a policy for the commands that need a valid one. */
import type { CompiledProgram, CompileOptions } from '../compiler/compile';
import type { PolicyModel } from '../policy/semantics/model';
import { fsHost } from '../driver/files';
import { loadPolicy } from '../driver/policy';
import type { Io } from './io';
import { formatText, locate } from './report';

/**
 * The model and compiled program of a valid policy, or undefined after
 * printing why not (the diagnostics, as `check` prints them; warnings are
 * printed but pass).
 */
export function loadValidPolicy(path: string, io: Io, command: string, options: CompileOptions = {}): { model: PolicyModel; program: CompiledProgram } | undefined {
  const loaded = loadPolicy(path, fsHost, options);
  if (!loaded.ok) {
    io.err(`seccomp-policy ${command}: ${loaded.message}`);
    return undefined;
  }
  const { model, diagnostics, errors, program } = loaded;
  for (const d of diagnostics) if (d.severity === 'error' || d.severity === 'warning') io.err(formatText(locate(model, d)));
  if (errors.length > 0 || !program) {
    io.err(`seccomp-policy ${command}: ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was ${command === 'compile' ? 'compiled' : 'done'}`);
    return undefined;
  }
  return { model, program };
}
