/** `seccomp-policy check FILE...`: diagnostics, gcc style or JSON. */
import { parseArgs } from '../args';
import { loadPolicy } from '../../driver/policy';
import { INCLUDE_DIR_OPTION, INCLUDE_DIR_USAGE, policyHostFor } from '../load';
import { formatText, locate, type LocatedDiagnostic } from '../report';
import type { Io } from '../io';

export const CHECK_USAGE = `usage: seccomp-policy check [--json] [--include-dir DIR]... FILE...
  Prints every problem as path:line:col: severity: message [code].
${INCLUDE_DIR_USAGE}
  Exit status: 0 no errors, 1 errors, 2 usage error.`;

export function runCheck(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, { json: {}, help: { short: 'h' }, ...INCLUDE_DIR_OPTION });
  const host = policyHostFor(args);
  if (args.options.has('help')) { io.out(CHECK_USAGE); return 0; }
  if (args.positional.length === 0) { io.err(`seccomp-policy check: no file given\n${CHECK_USAGE}`); return 2; }
  const json = args.options.has('json');
  const all: LocatedDiagnostic[] = [];
  let errors = 0;
  for (const path of args.positional) {
    const loaded = loadPolicy(path, host);
    if (!loaded.ok) {
      errors++;
      const d: LocatedDiagnostic = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'unreadable-file', message: loaded.message };
      if (json) all.push(d); else io.err(`seccomp-policy: error: ${loaded.message}`);
      continue;
    }
    const { model, diagnostics } = loaded;
    for (const d of diagnostics) {
      if (d.severity === 'error') errors++;
      const located = locate(model, d);
      if (json) all.push(located); else io.out(formatText(located));
    }
  }
  if (json) io.out(JSON.stringify(all, null, 2));
  return errors > 0 ? 1 : 0;
}
