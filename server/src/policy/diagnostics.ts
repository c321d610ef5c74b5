/**
 * Diagnostics produced by every stage of the language core. Codes are
 * stable strings (users put them in CI filters); the numeric `layer` says
 * which stage made them: 1xx lexer, 2xx parser, 3xx semantics, 4xx compiler.
 */
import type { TextRange } from './syntax/ast';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedLocation {
  /** Path (or URI) of the file, as given to the service. */
  readonly file: string;
  readonly range: TextRange;
  readonly message: string;
}

export interface PolicyDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** The file the range is in (the root file or an included one). */
  readonly file: string;
  readonly range: TextRange;
  readonly related?: readonly RelatedLocation[];
  /** Replacement names for "did you mean" quick fixes, best first. */
  readonly suggestions?: readonly string[];
  /** Editor tags: `unnecessary` (greyed out) and `deprecated` (struck). */
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
}

/** A diagnostic before the file is known, as the lexer and parser make them. */
export interface SyntaxDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: TextRange;
  /** Replacement texts for the range, best first (`alow` → `allow`). */
  readonly suggestions?: readonly string[];
}
