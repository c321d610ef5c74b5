/** `seccomp-policy fmt FILE... [--check|--write]`: the formatter of the language server, on files. */
import { formatPolicy, type FormatOptions } from '../../policy/format';
import { parsePolicy } from '../../policy/syntax/parser';
import { LineIndex } from '../../policy/text';
import { parseFileArgs, UsageError } from '../args';
import { readPolicyFile } from '../../driver/files';
import { replaceFileAtomically } from '../../driver/outputs';
import type { Io } from '../io';
import { formatText } from '../report';

export const FMT_USAGE = `usage: seccomp-policy fmt [--check | --write] [--max-line-length N] [--indent N] FILE...
  Formats policies in the one canonical layout (the editor's "Format Document").
  Without --check or --write: prints the formatted FILE (one file only).
  --check              list the files that are not formatted; exit 1 if any
  --write              rewrite the files in place (atomically: temp file, then rename)
  --max-line-length N  wrap lines longer than N (default 100)
  --indent N           indentation of unaligned continuation lines (default 4)
  Files with syntax errors are reported and left untouched.
  Exit status: 0 done (or nothing to change), 1 changes needed (--check) or
  a file could not be read, parsed or written, 2 usage error.

examples:
  seccomp-policy fmt policy.seccomp
  seccomp-policy fmt --check policies/*.seccomp     # in CI
  seccomp-policy fmt --write --max-line-length 80 policy.seccomp`;

export function runFmt(argv: readonly string[], io: Io): number {
  const args = parseFileArgs(argv, {
    check: {}, write: { short: 'w' }, help: { short: 'h' }, 'max-line-length': { value: true }, indent: { value: true },
  });
  if (args.options.has('help')) { io.out(FMT_USAGE); return 0; }
  const check = args.options.has('check');
  const write = args.options.has('write');
  if (check && write) throw new UsageError('--check and --write cannot be used together');
  if (args.positional.length === 0) { io.err(`seccomp-policy fmt: no file given\n${FMT_USAGE}`); return 2; }
  if (!check && !write && args.positional.length > 1) {
    throw new UsageError('printing formats one file; use --write or --check for several');
  }
  const options: FormatOptions = { maxLineLength: intOption(args.options.get('max-line-length'), 'max-line-length', 20), indent: intOption(args.options.get('indent'), 'indent', 0) };

  let status = 0;
  for (const path of args.positional) {
    const read = readPolicyFile(path);
    if ('error' in read) {
      io.err(`seccomp-policy fmt: cannot read ${path}: ${read.error}`);
      status = 1;
      continue;
    }
    const result = formatPolicy(read.text, options);
    if ('error' in result) {
      reportSyntaxErrors(path, read.text, result.error, io);
      status = 1;
      continue;
    }
    if (check) {
      if (result.changed) { io.out(path); status = 1; }
    } else if (write) {
      if (!result.changed) continue;
      const failure = replaceFileAtomically(path, result.text);
      if (failure) { io.err(`seccomp-policy fmt: cannot write ${path}: ${failure}`); status = 1; }
    } else if (io.writeBytes) {
      io.writeBytes(Buffer.from(result.text, 'utf8'));
    } else if (result.text.length > 0) {
      io.out(result.text.replace(/(\r\n|\r|\n)$/, ''));
    }
  }
  return status;
}

function intOption(v: string | true | undefined, name: string, min: number): number | undefined {
  if (v === undefined || v === true) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} needs an integer of at least ${min}`);
  return n;
}

/** The file's syntax errors, as `check` prints them, then one line saying nothing was changed. */
function reportSyntaxErrors(path: string, text: string, fallback: string, io: Io): void {
  const { diagnostics } = parsePolicy(text);
  const lines = new LineIndex(text);
  for (const d of diagnostics) {
    const s = lines.positionAt(d.range.start);
    const e = lines.positionAt(d.range.end);
    io.err(formatText({
      file: path, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
      severity: d.severity, code: d.code, message: d.message,
    }));
  }
  const n = diagnostics.length;
  io.err(n > 0
    ? `seccomp-policy fmt: ${path} has ${n} syntax error${n === 1 ? '' : 's'}; it was not formatted`
    : `seccomp-policy fmt: ${path}: ${fallback}`);
}

