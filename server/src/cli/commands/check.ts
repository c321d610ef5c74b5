/** `seccomp-policy check FILE...`: diagnostics, gcc style, JSON or SARIF. */
import { parseFileArgs, UsageError } from '../args';
import { loadPolicy } from '../../driver/policy';
import { INCLUDE_DIR_OPTION, INCLUDE_DIR_USAGE, policyHostFor } from '../load';
import { formatText, locate, type LocatedDiagnostic } from '../report';
import { toSarif } from '../sarif';
import type { Io } from '../io';

export const CHECK_USAGE = `usage: seccomp-policy check [--format text|json|sarif] [--json] [--include-dir DIR]... FILE...
  Prints every problem as path:line:col: severity: message [code] (text),
  as an array of {file, line, column, endLine, endColumn, severity, code,
  message} (json; --json is short for --format json), or as a SARIF 2.1.0
  log for code-scanning UIs (sarif: one rule per diagnostic code).
${INCLUDE_DIR_USAGE}
  Exit status: 0 no errors (warnings pass), 1 errors or an unreadable file, 2 usage error.

examples:
  seccomp-policy check policy.seccomp
  seccomp-policy check --json policies/*.seccomp
  seccomp-policy check --format sarif policy.seccomp > check.sarif   # for a code-scanning UI`;

const FORMATS = ['text', 'json', 'sarif'] as const;

export function runCheck(argv: readonly string[], io: Io): number {
  const args = parseFileArgs(argv, { json: {}, format: { value: true, short: 'f' }, help: { short: 'h' }, ...INCLUDE_DIR_OPTION });
  const host = policyHostFor(args);
  if (args.options.has('help')) { io.out(CHECK_USAGE); return 0; }
  if (args.positional.length === 0) { io.err(`seccomp-policy check: no file given\n${CHECK_USAGE}`); return 2; }
  const format = (args.options.get('format') as string | undefined) ?? (args.options.has('json') ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${format}' (text, json, sarif)`);
  if (args.options.has('json') && format !== 'json') throw new UsageError(`--json contradicts --format ${format}`);
  const json = format !== 'text';
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
  if (format === 'json') io.out(JSON.stringify(all, null, 2));
  else if (format === 'sarif') io.out(JSON.stringify(toSarif(all), null, 2));
  return errors > 0 ? 1 : 0;
}
