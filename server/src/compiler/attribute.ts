/**
 * Why a syscall got its action: run the compiled program in the BPF
 * interpreter and map where it ended through the source map. RETs are
 * shared by value, so the last conditional jump on the path says who
 * decided when it carries an edge origin; otherwise the syscall number is
 * looked up in the map's ranges. The trace panel and `simulate` use this,
 * so what they say is what the filter does.
 */
import type { Abi } from '../kernel/abi';
import { BPF_JA, BPF_JMP } from '../bpf/instructions';
import { runProgram, type SeccompData } from '../bpf/interpreter';
import { abiOfEvent } from '../kernel/seccomp';
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

function edgeOrigin(program: CompiledProgram, path: readonly number[]): Origin | undefined {
  for (let i = path.length - 2; i >= 0; i--) {
    const pc = path[i]!;
    const ins = program.instructions[pc]!;
    if ((ins.code & 0x07) !== BPF_JMP) return undefined;
    if ((ins.code & 0xf0) === BPF_JA) continue; // a trampoline: look at the jump that led to it
    const edges = program.sourceMap.instructions[pc]!.edges;
    if (!edges) return undefined;
    return path[i + 1] === pc + 1 + ins.jt ? edges.true : edges.false;
  }
  return undefined;
}

export function explain(program: CompiledProgram, data: SeccompData): Explanation {
  const run = runProgram(program.instructions, data, { recordPath: true });
  const path = run.path!;
  const abi = abiOfEvent(data.arch, data.nr >>> 0);
  const accepted = abi && program.abis.includes(abi) ? abi : undefined;
  let origin = edgeOrigin(program, path) ?? program.sourceMap.instructions[path[path.length - 1]!]!.origin;
  if (origin.kind === 'ranges') {
    const nr = data.nr >>> 0;
    const hit = accepted ? program.sourceMap.ranges.find((r) => r.abi === accepted && r.first <= nr && nr <= r.last) : undefined;
    origin = hit ? hit.origin : { kind: 'badarch' };
  }
  return { ret: run.action >>> 0, origin, abi: accepted, steps: run.steps };
}
