/**
 * Why a syscall got its action: run the compiled program in the BPF
 * interpreter and map the RET it reached through the source map. The trace
 * panel and `simulate` use this, so what they say is what the filter does.
 */
import type { Abi } from '../kernel/abi';
import { runProgram, type SeccompData } from '../bpf/interpreter';
import { abiOfEvent } from '../policy/semantics/decide';
import type { CompiledProgram } from './compile';
import type { Origin } from './sourcemap';

export interface Explanation {
  /** The full 32-bit return value. */
  readonly ret: number;
  readonly origin: Origin;
  /** The ABI the event was dispatched as, if the filter accepts it. */
  readonly abi: Abi | undefined;
  /** Instructions executed. */
  readonly steps: number;
}

export function explain(program: CompiledProgram, data: SeccompData): Explanation {
  const run = runProgram(program.instructions, data, { recordPath: true });
  const pc = run.path![run.path!.length - 1]!;
  let origin = program.sourceMap.instructions[pc]!.origin;
  const abi = abiOfEvent(data.arch, data.nr >>> 0);
  if (origin.kind === 'ranges') {
    const nr = data.nr >>> 0;
    const hit = abi && program.abis.includes(abi)
      ? program.sourceMap.ranges.find((r) => r.abi === abi && r.first <= nr && nr <= r.last)
      : undefined;
    origin = hit ? hit.origin : { kind: 'badarch' };
  }
  return { ret: run.action >>> 0, origin, abi: abi && program.abis.includes(abi) ? abi : undefined, steps: run.steps };
}
