/**
 * Where each instruction of a compiled program comes from: the rule (file,
 * line, column), `default`, `badarch`, or the compiler's own dispatch. This
 * is what lets the trace say which line of the policy decided a syscall.
 */
import type { Abi } from '../kernel/abi';
import type { PlacedStatement, PolicyModel, PolicyRule } from '../policy/semantics/model';

export type Origin =
  | { readonly kind: 'rule'; readonly rule: number; readonly file: string; readonly line: number; readonly column: number }
  /** The policy's `default` (the ABI is the event's; `explain` reports it). */
  | { readonly kind: 'default' }
  | { readonly kind: 'badarch' }
  /** A RET shared by merged syscall ranges: look the number up in `ranges`. */
  | { readonly kind: 'ranges' }
  /** Loads and jumps that dispatch on arch or syscall number. */
  | { readonly kind: 'dispatch' };

export interface InstructionSource {
  readonly origin: Origin;
  /** A short human note: the syscall or comparison this instruction tests. */
  readonly note?: string;
  /**
   * For a conditional jump straight to a (shared) RET: who decides when that
   * edge is taken. RETs are shared by value, so the edge says which rule (or
   * default) it was; attribution reads the last jump on the executed path.
   */
  readonly edges?: { readonly true?: Origin; readonly false?: Origin };
}

/** An unconditional decision for a run of syscall numbers on one ABI. */
export interface RangeSource {
  readonly abi: Abi;
  readonly first: number;
  readonly last: number;
  readonly origin: Origin;
  /** The value the filter returns for these numbers (when no condition decides). */
  readonly ret: number;
}

export interface SourceMap {
  /** One entry per instruction, by pc. */
  readonly instructions: readonly InstructionSource[];
  /** Sorted by ABI, then `first`. */
  readonly ranges: readonly RangeSource[];
}

/** The statement an origin stands for: its rule, or the `default` or `badarch` statement when the policy wrote one. */
export function originStatement(origin: Origin, model: PolicyModel): PlacedStatement | PolicyRule | undefined {
  switch (origin.kind) {
    case 'rule': return model.rules[origin.rule];
    case 'default': return model.defaultStatement;
    case 'badarch': return model.badarchStatement;
    default: return undefined;
  }
}

/**
 * Where the policy says what an origin decides: `file:line` of the rule, or
 * of the `default` or `badarch` statement when there is a model and the
 * policy wrote one; undefined otherwise. `fileName` shortens the path
 * (`basename` for rows in a panel).
 */
export function originPlace(origin: Origin, model: PolicyModel | undefined, fileName: (path: string) => string = (p) => p): string | undefined {
  if (origin.kind === 'rule') return `${fileName(origin.file)}:${origin.line}`;
  const placed = model && originStatement(origin, model);
  if (!model || !placed) return undefined;
  return `${fileName(placed.file)}:${model.files.get(placed.file)!.lines.positionAt(placed.statement.start).line + 1}`;
}

/**
 * An origin as one label, the same in listings, the trace, `simulate`, the
 * CLI and the editor's run panel: `file:line`, `file:line (default)` (with
 * a model that knows the statement), `default`, `badarch`,
 * `by syscall number`, `dispatch`.
 */
export function originLabel(origin: Origin, model?: PolicyModel, fileName?: (path: string) => string): string {
  const place = originPlace(origin, model, fileName);
  switch (origin.kind) {
    case 'rule': return place!;
    case 'default':
    case 'badarch': return place ? `${place} (${origin.kind})` : origin.kind;
    case 'ranges': return 'by syscall number';
    case 'dispatch': return 'dispatch';
  }
}

/** The policy text behind an origin (its rule, or the `default` statement), on one line. */
export function originText(origin: Origin, model: PolicyModel | undefined): string | undefined {
  if (!model || origin.kind === 'badarch') return undefined;
  const placed = originStatement(origin, model);
  if (!placed) return undefined;
  return model.files.get(placed.file)!.text.slice(placed.statement.start, placed.statement.end).replace(/\s+/g, ' ').trim();
}
