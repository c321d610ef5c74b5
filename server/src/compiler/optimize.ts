/**
 * Removes instructions no path reaches (left behind when a jump was sent
 * past a reload) and re-targets jumps. Offsets only shrink, so every jump
 * that fitted still fits.
 */
import { BPF_JA, BPF_JMP, type Instruction } from '../bpf/instructions';
import type { InstructionSource } from './sourcemap';

function pushSuccessors(stack: number[], ins: Instruction, pc: number): void {
  const cls = ins.code & 0x07;
  if (cls === 0x06) return;
  if (cls !== BPF_JMP) stack.push(pc + 1);
  else if ((ins.code & 0xf0) === BPF_JA) stack.push(pc + 1 + ins.k);
  else stack.push(pc + 1 + ins.jt, pc + 1 + ins.jf);
}

export function removeUnreachable(code: readonly Instruction[], sources: readonly InstructionSource[]):
  { instructions: Instruction[]; sources: InstructionSource[] } {
  const live = new Uint8Array(code.length);
  const stack = [0];
  while (stack.length) {
    const pc = stack.pop()!;
    if (pc >= code.length || live[pc]) continue;
    live[pc] = 1;
    pushSuccessors(stack, code[pc]!, pc);
  }
  const newPc = new Int32Array(code.length + 1);
  let n = 0;
  for (let pc = 0; pc < code.length; pc++) { newPc[pc] = n; if (live[pc]) n++; }
  newPc[code.length] = n;
  if (n === code.length) return { instructions: [...code], sources: [...sources] };
  const instructions: Instruction[] = [];
  const kept: InstructionSource[] = [];
  for (let pc = 0; pc < code.length; pc++) {
    if (!live[pc]) continue;
    const ins = code[pc]!;
    const at = newPc[pc]!;
    if ((ins.code & 0x07) === BPF_JMP) {
      if ((ins.code & 0xf0) === BPF_JA) instructions.push({ ...ins, k: newPc[pc + 1 + ins.k]! - at - 1 });
      else instructions.push({ ...ins, jt: newPc[pc + 1 + ins.jt]! - at - 1, jf: newPc[pc + 1 + ins.jf]! - at - 1 });
    } else instructions.push(ins);
    kept.push(sources[pc]!);
  }
  return { instructions, sources: kept };
}
