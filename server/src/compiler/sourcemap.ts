/**
 * Where each instruction of a compiled program comes from: the rule (file,
 * line, column), `default`, `badarch`, or the compiler's own dispatch. This
 * is what lets the trace say which line of the policy decided a syscall.
 */
import type { Abi } from '../kernel/abi';

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

export function originLabel(o: Origin): string {
  switch (o.kind) {
    case 'rule': return `${o.file}:${o.line}`;
    case 'default': return 'default';
    case 'badarch': return 'badarch';
    case 'ranges': return 'by syscall number';
    case 'dispatch': return 'dispatch';
  }
}
