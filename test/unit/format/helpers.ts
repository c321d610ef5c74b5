/** Shared helpers for the formatter tests (not a test file itself). */
import assert from 'node:assert/strict';
import { readPolicyFile } from '../../../server/src/driver/files';
import { compilePolicy } from '../../../server/src/compiler/compile';
import { formatPolicy, type FormatOptions } from '../../../server/src/policy/format';
import { buildPolicyModel } from '../../../server/src/policy/semantics/build';
import type { PolicyHost } from '../../../server/src/policy/semantics/model';
import { parsePolicy } from '../../../server/src/policy/syntax/parser';
import { diagnoseModel } from '../../../server/src/compiler/diagnose';

/** Formats, asserting success. */
export function fmt(text: string, options?: FormatOptions): string {
  const r = formatPolicy(text, options);
  if ('error' in r) assert.fail(`formatPolicy refused:\n${r.error}\n---\n${text}`);
  return r.text;
}

/** Reads files from memory first, then from disk. */
export function hostFor(files: Record<string, string>): PolicyHost {
  return {
    readFile(path: string) {
      const text = files[path];
      return text !== undefined ? { text } : readPolicyFile(path);
    },
  };
}

/**
 * What a policy means, as far as a test can tell: the compiled program's
 * instructions when it compiles, else the codes of its diagnostics.
 */
export function meaningOf(path: string, text: string, files: Record<string, string> = {}): string {
  const model = buildPolicyModel({ path, text }, hostFor({ ...files, [path]: text }));
  const diagnostics = diagnoseModel(model);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return `errors: ${errors.map((d) => d.code).join(', ')}`;
  const r = compilePolicy(model);
  return JSON.stringify({
    ok: r.ok,
    abis: r.program.abis,
    instructions: r.program.instructions,
    // Which rule each instruction comes from (rule index), not where the rule is written.
    sourceMap: JSON.stringify(r.program.sourceMap, (k, v) => (k === 'line' || k === 'column' ? undefined : v)),
    warnings: diagnostics.map((d) => d.code),
  });
}

/**
 * Asserts everything the formatter promises for one input: it parses
 * cleanly, means the same, keeps every comment, and is a fixed point.
 */
export function assertFormatsSafely(path: string, text: string, options?: FormatOptions, files: Record<string, string> = {}): string {
  const out = fmt(text, options);
  assert.deepEqual(parsePolicy(out).diagnostics, [], `formatted text has syntax errors:\n${out}`);
  assert.equal(meaningOf(path, out, files), meaningOf(path, text, files), `meaning changed:\n${text}\n---\n${out}`);
  const comments = (t: string) => parsePolicy(t).file.comments.map((c) => c.text.trimEnd());
  assert.deepEqual(comments(out), comments(text), 'comments changed');
  assert.equal(fmt(out, options), out, `not idempotent:\n${out}`);
  return out;
}
