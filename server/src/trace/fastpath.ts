/**
 * The fast path (`--only-decisions`, docs/trace-protocol.md): the compiled
 * program with every RET that is not ALLOW turned into
 * `SECCOMP_RET_TRACE | i`, `i` indexing the table of the real return
 * values that the helper gets as `--actions`. Allowed syscalls then never
 * stop the program. Pure.
 */
import { BPF_K, BPF_RET, type Instruction } from '../bpf/instructions';
import { SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE } from '../kernel/seccomp';
import type { CompiledProgram } from '../compiler/compile';

export interface DecisionsProgram {
  /** The rewritten program (same length, same source map). */
  readonly program: CompiledProgram;
  /** The real 32-bit return values, indexed by the RET_TRACE data. */
  readonly actions: readonly number[];
}

/** The most distinct non-allow return values a program can have (16 bits of RET_TRACE data). */
export const MAX_ACTIONS = 0x10000;

export class FastPathError extends Error {}

export function rewriteForDecisions(program: CompiledProgram): DecisionsProgram {
  const actions: number[] = [];
  const index = new Map<number, number>();
  const instructions: Instruction[] = program.instructions.map((ins) => {
    if ((ins.code & 0x07) !== BPF_RET) return ins;
    if ((ins.code & 0x18) !== BPF_K) {
      // `ret a`: the value is only known at run time; the compiler never emits it.
      throw new FastPathError('the program returns a computed value (ret a); the fast path needs constant RETs');
    }
    const k = ins.k >>> 0;
    if (((k & SECCOMP_RET_ACTION_FULL) >>> 0) === SECCOMP_RET_ALLOW) return ins;
    let i = index.get(k);
    if (i === undefined) {
      i = actions.length;
      if (i >= MAX_ACTIONS) throw new FastPathError('more than 65536 distinct actions');
      actions.push(k);
      index.set(k, i);
    }
    return { code: ins.code, jt: ins.jt, jf: ins.jf, k: (SECCOMP_RET_TRACE | i) >>> 0 };
  });
  return { program: { instructions, sourceMap: program.sourceMap, abis: program.abis }, actions };
}

/** `--actions` for the helper: the table as hex, comma-separated. */
export function actionsArgument(actions: readonly number[]): string {
  return actions.map((a) => '0x' + (a >>> 0).toString(16)).join(',');
}
