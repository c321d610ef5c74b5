/** Reads and checks a policy for the commands that need a valid one. */
import { buildPolicyModel } from '../policy/semantics/build';
import type { PolicyModel } from '../policy/semantics/model';
import { diagnoseModel } from '../service/diagnose';
import { fsHost, readPolicyFile } from './host';
import type { Io } from './main';
import { formatText, locate } from './report';

/**
 * The model of a valid policy, or undefined after printing why not (the
 * diagnostics, as `check` prints them; warnings are printed but pass).
 */
export function loadValidPolicy(path: string, io: Io, command: string): PolicyModel | undefined {
  const read = readPolicyFile(path);
  if ('error' in read) {
    io.err(`seccomp-policy ${command}: cannot read ${path}: ${read.error}`);
    return undefined;
  }
  const model = buildPolicyModel({ path, text: read.text }, fsHost);
  const diagnostics = diagnoseModel(model);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of diagnostics) if (d.severity === 'error' || d.severity === 'warning') io.err(formatText(locate(model, d)));
  if (errors.length > 0) {
    io.err(`seccomp-policy ${command}: ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was ${command === 'compile' ? 'compiled' : 'done'}`);
    return undefined;
  }
  return model;
}
