/**
 * Figures about a compiled program: its size and how many instructions
 * the kernel runs per syscall (measured by running it, not estimated).
 */
import { abiInfo, type Abi } from '../kernel/abi';
import { runProgram } from '../bpf/interpreter';
import { SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_LOG } from '../kernel/seccomp';
import { allSyscalls } from '../kernel/syscalls';
import type { CompiledProgram } from './compile';

export interface PathFigures {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

export interface AbiStats {
  readonly abi: Abi;
  /** Over every syscall the ABI has, with all arguments 0. */
  readonly all: PathFigures;
  /** Over the syscalls the filter allows (or logs) with all arguments 0. */
  readonly allowed: PathFigures;
}

export interface ProgramStats {
  readonly instructions: number;
  readonly perAbi: readonly AbiStats[];
}

function figures(steps: number[]): PathFigures {
  if (steps.length === 0) return { count: 0, min: 0, mean: 0, max: 0 };
  let min = Infinity, max = 0, sum = 0;
  for (const s of steps) { min = Math.min(min, s); max = Math.max(max, s); sum += s; }
  return { count: steps.length, min, mean: sum / steps.length, max };
}

export function programStats(program: CompiledProgram): ProgramStats {
  const perAbi = program.abis.map((abi) => {
    const arch = abiInfo(abi).auditArch;
    const all: number[] = [];
    const allowed: number[] = [];
    for (const s of allSyscalls()) {
      const nr = s.numbers[abi];
      if (nr === undefined) continue;
      const r = runProgram(program.instructions, { nr, arch, instructionPointer: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n] });
      all.push(r.steps);
      const action = (r.action & SECCOMP_RET_ACTION_FULL) >>> 0;
      if (action === SECCOMP_RET_ALLOW || action === SECCOMP_RET_LOG) allowed.push(r.steps);
    }
    return { abi, all: figures(all), allowed: figures(allowed) };
  });
  return { instructions: program.instructions.length, perAbi };
}
