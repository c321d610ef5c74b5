/**
 * The checks the kernel applies when a seccomp filter is installed
 * (`seccomp(SECCOMP_SET_MODE_FILTER, …)`), reproduced so that a program can be
 * judged without loading it:
 *
 *  - seccomp_prepare_filter / bpf_check_basics_ok: 1 ≤ length ≤ BPF_MAXINSNS;
 *  - net/core/filter.c bpf_check_classic: known opcode, division by constant 0,
 *    shift by constant ≥ 32, scratch index < BPF_MEMWORDS, jump targets inside
 *    the program, last instruction a RET, then check_load_and_stores (scratch
 *    words written before read, by the kernel's own forward analysis);
 *  - kernel/seccomp.c seccomp_check_filter: only the opcodes seccomp accepts,
 *    `ld [k]` only with k 4-aligned and below sizeof(struct seccomp_data).
 *
 * The kernel reports every failure as EINVAL; the set of programs accepted here
 * is exactly the set the kernel accepts. The kernel runs bpf_check_classic over
 * the whole program before seccomp_check_filter; here both per-instruction
 * checks run in one pass so that the reported pc is the earliest offending
 * instruction (which does not change accept/reject).
 */

import {
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MAXINSNS,
  BPF_MEM,
  BPF_MEMWORDS,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_A,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  BPF_XOR,
  BPF_H,
  BPF_B,
  BPF_IND,
  BPF_MSH,
  opcodeMacros,
  SECCOMP_DATA_SIZE,
  type Instruction,
} from './instructions';
import { formatInstruction, hex } from './disassembler';

export type ValidationResult = { ok: true } | { ok: false; pc: number; message: string };

/**
 * Every opcode kernel/seccomp.c seccomp_check_filter lets through (the
 * disassembler names them).
 */
export const SECCOMP_OPCODES: ReadonlySet<number> = new Set<number>([
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN, BPF_RET | BPF_K,
  BPF_RET | BPF_A, BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_K,
  BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X, BPF_ALU | BPF_DIV | BPF_K,
  BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X, BPF_ALU | BPF_OR | BPF_K,
  BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X, BPF_ALU | BPF_LSH | BPF_K,
  BPF_ALU | BPF_LSH | BPF_X, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X, BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_MEM, BPF_ST, BPF_STX, BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
  BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X, BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
  BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
]);

/** Classic opcodes the socket-filter verifier knows but seccomp refuses: error messages name these. */
const CLASSIC_ONLY: ReadonlySet<number> = new Set<number>([
  BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND,
  BPF_LD | BPF_B | BPF_IND, BPF_LDX | BPF_B | BPF_MSH, BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_MOD | BPF_X,
]);

/** True for the conditional jump opcodes seccomp accepts. */
export function isConditionalJump(code: number): boolean {
  switch (code) {
    case BPF_JMP | BPF_JEQ | BPF_K:
    case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K:
    case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K:
    case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K:
    case BPF_JMP | BPF_JSET | BPF_X:
      return true;
    default:
      return false;
  }
}

function fail(pc: number, message: string): ValidationResult {
  return { ok: false, pc, message };
}

function malformed(ins: Instruction): string | undefined {
  if (!Number.isInteger(ins.code) || ins.code < 0 || ins.code > 0xffff) return `code ${ins.code} is not a u16`;
  if (!Number.isInteger(ins.jt) || ins.jt < 0 || ins.jt > 0xff) return `jt ${ins.jt} is not a u8`;
  if (!Number.isInteger(ins.jf) || ins.jf < 0 || ins.jf > 0xff) return `jf ${ins.jf} is not a u8`;
  if (!Number.isInteger(ins.k) || ins.k < 0 || ins.k > 0xffffffff) return `k ${ins.k} is not a u32`;
  return undefined;
}

/**
 * Applies the kernel's load-time checks for a seccomp filter. On failure,
 * `pc` is the offending instruction (0 for an empty program, BPF_MAXINSNS for
 * an over-long one) and `message` says what is wrong.
 */
export function validateProgram(insns: readonly Instruction[]): ValidationResult {
  const len = insns.length;
  if (len === 0) return fail(0, 'empty program: a seccomp filter needs at least one instruction');
  if (len > BPF_MAXINSNS) {
    return fail(BPF_MAXINSNS, `program has ${len} instructions; the kernel accepts at most ${BPF_MAXINSNS} (BPF_MAXINSNS)`);
  }

  for (let pc = 0; pc < len; pc++) {
    const ins = insns[pc]!;
    const bad = malformed(ins);
    if (bad !== undefined) return fail(pc, `malformed instruction: ${bad}`);
    const { code, k } = ins;

    if (!SECCOMP_OPCODES.has(code)) {
      return fail(
        pc,
        CLASSIC_ONLY.has(code)
          ? `opcode ${hex(code)} ${formatInstruction(ins, pc)} (${opcodeMacros(code)}) is not allowed in seccomp filters`
          : `opcode ${hex(code)} is not a classic BPF instruction seccomp accepts`,
      );
    }

    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k >= SECCOMP_DATA_SIZE) {
          return fail(pc, `ld [${k}] is outside struct seccomp_data (offsets 0..${SECCOMP_DATA_SIZE - 4})`);
        }
        if ((k & 3) !== 0) return fail(pc, `ld [${k}]: offset is not 32-bit aligned`);
        break;
      case BPF_ALU | BPF_DIV | BPF_K:
        if (k === 0) return fail(pc, 'division by constant zero');
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) return fail(pc, `shift by constant ${k} (must be below 32)`);
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return fail(pc, `scratch memory index ${k} out of range (M[0]..M[${BPF_MEMWORDS - 1}])`);
        break;
      case BPF_JMP | BPF_JA:
        // Kernel: k >= (unsigned)(flen - pc - 1) is rejected.
        if (k >= len - pc - 1) {
          return fail(pc, `ja ${k}: target ${pc + 1 + k} is past the end of the program (last pc ${len - 1})`);
        }
        break;
      default:
        if (isConditionalJump(code)) {
          const jt = pc + 1 + ins.jt;
          const jf = pc + 1 + ins.jf;
          if (jt >= len) return fail(pc, `true branch target ${jt} is past the end of the program (last pc ${len - 1})`);
          if (jf >= len) return fail(pc, `false branch target ${jf} is past the end of the program (last pc ${len - 1})`);
        }
        break;
    }
  }

  const last = insns[len - 1]!.code;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) {
    return fail(len - 1, 'the last instruction must be a ret');
  }

  return checkLoadAndStores(insns);
}

/**
 * The kernel's check_load_and_stores (net/core/filter.c): a forward pass that
 * tracks which scratch words are certainly written. At each instruction the
 * set is intersected with what every jump into it carried; after a jump the
 * fall-through state is reset to "all written" (the next instruction is then
 * only reachable as a jump target, whose mask was already narrowed). RET does
 * not reset the state, exactly as in the kernel. Jumps are only forward, so
 * one pass suffices. Assumes the per-instruction checks already passed.
 */
function checkLoadAndStores(insns: readonly Instruction[]): ValidationResult {
  const len = insns.length;
  const masks = new Uint16Array(len).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < len; pc++) {
    memvalid &= masks[pc];
    const { code, k, jt, jf } = insns[pc]!;
    switch (code) {
      case BPF_ST:
      case BPF_STX:
        memvalid |= 1 << k;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if ((memvalid & (1 << k)) === 0) {
          return fail(pc, `M[${k}] is read before it is written on some path`);
        }
        break;
      case BPF_JMP | BPF_JA:
        masks[pc + 1 + k] &= memvalid;
        memvalid = 0xffff;
        break;
      default:
        if (isConditionalJump(code)) {
          masks[pc + 1 + jt] &= memvalid;
          masks[pc + 1 + jf] &= memvalid;
          memvalid = 0xffff;
        }
        break;
    }
  }
  return { ok: true };
}
