/** Reads and checks a policy for the commands that need a valid one. */
import type { CompiledProgram, CompileOptions } from '../compiler/compile';
import type { PolicyModel } from '../policy/semantics/model';
import { confinedHost, fsHost } from '../driver/files';
import type { PolicyHost } from '../policy/semantics/model';
import type { OptionSpec, Parsed } from './args';
import { loadPolicy } from '../driver/policy';
import type { Io } from './io';
import { formatText, locate } from './report';

/** `--include-dir DIR`, for every command that reads a policy. */
export const INCLUDE_DIR_OPTION: Readonly<Record<string, OptionSpec>> = { 'include-dir': { value: true, repeat: true } };
export const INCLUDE_DIR_USAGE = `  --include-dir DIR   also allow includes from DIR's tree (repeatable); by default
                      a policy includes only from its own folder's tree`;

/** The host a command reads policies through: includes confined to the policy's folder and each `--include-dir`. */
export function policyHostFor(args: Parsed): PolicyHost {
  const dirs = args.lists.get('include-dir') ?? [];
  return confinedHost(fsHost, () => dirs);
}

/**
 * The model and compiled program of a valid policy, or undefined after
 * printing why not (the diagnostics, as `check` prints them; warnings are
 * printed but pass).
 */
export function loadValidPolicy(path: string, io: Io, command: string, options: CompileOptions = {},
  host: PolicyHost = confinedHost(fsHost)): { model: PolicyModel; program: CompiledProgram } | undefined {
  const loaded = loadPolicy(path, host, options);
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
