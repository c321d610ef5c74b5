/**
 * Diagnostics as a SARIF 2.1.0 log (OASIS, sarif-v2.1.0), the format
 * code-scanning UIs read: one run of our tool whose driver lists a rule per
 * diagnostic code (codes.ts and the lexer's and parser's SYNTAX_CODES), and
 * one result per diagnostic, pointing at its region. Columns are UTF-16 code
 * units, 1-based, as `locate` gives them; the run says so (`columnKind`).
 */
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SEMANTIC_CODES } from '../policy/codes';
import { SYNTAX_CODES } from '../policy/syntax/parser';
import type { Severity } from '../policy/diagnostics';
import type { LocatedDiagnostic } from './report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const TOOL_VERSION = '0.1.0';
const INFO_URI = 'https://github.com/seccomp-policy/seccomp-policy/blob/main/docs/diagnostics.md';

type Level = 'error' | 'warning' | 'note';

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: Level };
  properties: { layer: number };
}

function level(severity: Severity): Level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** A code as a SARIF rule name: `unknown-syscall` → `UnknownSyscall`. */
function ruleName(code: string): string {
  return code.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Every code a check can report, as SARIF rules: syntax (1xx/2xx, all errors), semantics and limits, and an unreadable file. */
export function sarifRules(): SarifRule[] {
  const rules: SarifRule[] = [];
  for (const [id, text] of Object.entries(SYNTAX_CODES)) {
    rules.push({ id, name: ruleName(id), shortDescription: { text: sentence(text) }, defaultConfiguration: { level: 'error' }, properties: { layer: 200 } });
  }
  for (const [id, info] of Object.entries(SEMANTIC_CODES)) {
    rules.push({ id, name: ruleName(id), shortDescription: { text: info.summary }, defaultConfiguration: { level: level(info.severity) }, properties: { layer: info.layer } });
  }
  rules.push({ id: 'unreadable-file', name: 'UnreadableFile', shortDescription: { text: 'A policy file that cannot be read.' }, defaultConfiguration: { level: 'error' }, properties: { layer: 0 } });
  return rules;
}

function sentence(text: string): string {
  const t = text.charAt(0).toUpperCase() + text.slice(1);
  return t.endsWith('.') ? t : `${t}.`;
}

/** A file as an artifact URI: relative paths stay relative (to the checkout, where code scanning resolves them), absolute ones become file: URIs. */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(sep).map(encodeURIComponent).join('/');
}

export function toSarif(diagnostics: readonly LocatedDiagnostic[]): object {
  const rules = sarifRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = diagnostics.map((d) => {
    let ruleIndex = index.get(d.code);
    if (ruleIndex === undefined) {
      // A code no table lists (a newer check): still a valid log, with its own rule.
      ruleIndex = rules.push({ id: d.code, name: ruleName(d.code), shortDescription: { text: d.code }, defaultConfiguration: { level: level(d.severity) }, properties: { layer: 0 } }) - 1;
      index.set(d.code, ruleIndex);
    }
    return {
      ruleId: d.code,
      ruleIndex,
      level: level(d.severity),
      message: { text: d.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: artifactUri(d.file) },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: Math.max(d.endColumn, d.line === d.endLine ? d.column : 1) },
        },
      }],
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'seccomp-policy', version: TOOL_VERSION, informationUri: INFO_URI, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
