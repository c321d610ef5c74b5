/** `seccomp-policy check FILE...`: diagnostics, gcc style or JSON. */
import { buildPolicyModel } from '../../policy/semantics/build';
import { diagnoseModel } from '../../service/diagnose';
import { parseArgs } from '../args';
import { fsHost, readPolicyFile } from '../host';
import { formatText, locate, type LocatedDiagnostic } from '../report';
import type { Io } from '../main';

export const CHECK_USAGE = `usage: seccomp-policy check [--json] FILE...
  Prints every problem as path:line:col: severity: message [code].
  Exit status: 0 no errors, 1 errors, 2 usage error.`;

export function runCheck(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, { json: {}, help: { short: 'h' } });
  if (args.options.has('help')) { io.out(CHECK_USAGE); return 0; }
  if (args.positional.length === 0) { io.err(`seccomp-policy check: no file given\n${CHECK_USAGE}`); return 2; }
  const json = args.options.has('json');
  const all: LocatedDiagnostic[] = [];
  let errors = 0;
  for (const path of args.positional) {
    const read = readPolicyFile(path);
    if ('error' in read) {
      errors++;
      const d: LocatedDiagnostic = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'unreadable-file', message: `cannot read ${path}: ${read.error}` };
      if (json) all.push(d); else io.err(`seccomp-policy: error: cannot read ${path}: ${read.error}`);
      continue;
    }
    const model = buildPolicyModel({ path, text: read.text }, fsHost);
    const diagnostics = diagnoseModel(model);
    for (const d of diagnostics) {
      if (d.severity === 'error') errors++;
      const located = locate(model, d);
      if (json) all.push(located); else io.out(formatText(located));
    }
  }
  if (json) io.out(JSON.stringify(all, null, 2));
  return errors > 0 ? 1 : 0;
}
