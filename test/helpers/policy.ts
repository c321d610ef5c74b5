/** Test helpers: check policies held in memory, with `|` marking a cursor where needed. */
import { checkPolicy } from '../../server/src/policy/check';
import type { PolicyDiagnostic } from '../../server/src/policy/diagnostics';
import type { PolicyModel } from '../../server/src/policy/semantics/model';

export function memoryHost(files: Record<string, string>) {
  return {
    readFile(path: string) {
      const text = files[path];
      return text === undefined ? { error: 'no such file or directory' } : { text };
    },
  };
}

export interface Checked {
  model: PolicyModel;
  diagnostics: PolicyDiagnostic[];
  /** `code@line:col` (1-based) for every diagnostic, sorted. */
  codes: string[];
  /** The text each diagnostic's range covers. */
  spans: string[];
}

/** Checks `/p/root.seccomp` with the given text and optional extra files. */
export function check(text: string, files: Record<string, string> = {}, root = '/p/root.seccomp'): Checked {
  const all = { ...files, [root]: text };
  const { model, diagnostics } = checkPolicy({ path: root, text }, memoryHost(all));
  const pos = (d: PolicyDiagnostic) => {
    const p = model.files.get(d.file)!.lines.positionAt(d.range.start);
    return `${d.code}@${d.file === root ? '' : d.file + ':'}${p.line + 1}:${p.character + 1}`;
  };
  return {
    model,
    diagnostics,
    codes: diagnostics.map(pos),
    spans: diagnostics.map((d) => model.files.get(d.file)!.text.slice(d.range.start, d.range.end)),
  };
}

/** Only the diagnostics with the given code. */
export function only(c: Checked, code: string): PolicyDiagnostic[] {
  return c.diagnostics.filter((d) => d.code === code);
}
