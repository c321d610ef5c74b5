/** Prints diagnostics the way compilers do, or as JSON for tools. */
import type { PolicyDiagnostic } from '../policy/diagnostics';
import type { PolicyModel } from '../policy/semantics/model';
import { LineIndex } from '../policy/text';

export interface LocatedDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: PolicyDiagnostic['severity'];
  code: string;
  message: string;
}

/** 1-based positions, columns in UTF-16 units like editors count them. */
export function locate(model: PolicyModel | undefined, d: PolicyDiagnostic): LocatedDiagnostic {
  const file = model?.files.get(d.file);
  const lines = file?.lines ?? new LineIndex('');
  const s = lines.positionAt(d.range.start);
  const e = lines.positionAt(d.range.end);
  return {
    file: d.file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
    severity: d.severity, code: d.code, message: d.message,
  };
}

export function formatText(d: LocatedDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`;
}
