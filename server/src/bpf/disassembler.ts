/**
 * A readable listing of a classic-BPF seccomp program, one line per
 * instruction, with absolute jump targets and comments:
 *
 *     0000: ld [4]                      ; arch
 *     0001: jeq #0xc000003e, 2, 7       ; x86_64
 *     0002: ld [0]                      ; nr
 *     0003: jeq #0x101, 4, 5            ; openat — policy.seccomp:7
 *     0004: ret #0x7fff0000             ; allow
 *
 * Mnemonics follow bpf_asm (`ld [k]`, `ldx M[3]`, `jset #0x1, 5, 6`, `ret a`).
 * Constants are hex, offsets and scratch indexes decimal. Comparisons of a
 * register known to hold `nr` (or `arch`) are named with the callbacks; that
 * knowledge comes from a small forward analysis of what A holds on every path.
 */

import {
  ALU_OP_NAMES, BPF_ALU, BPF_JA, BPF_JMP, BPF_NEG, describeDataOffset, JMP_OP_NAMES, type Instruction,
} from './instructions';
import { formatAction } from '../kernel/seccomp';

export interface DisassembleOptions {
  /** Extra text for an instruction, e.g. the policy line it came from. */
  annotate?: (pc: number) => string | undefined;
  /** Name of a syscall number (for comparisons of `nr`). */
  syscallName?: (nr: number) => string | undefined;
  /** Name of an AUDIT_ARCH value (for comparisons of `arch`). */
  archName?: (arch: number) => string | undefined;
}

/** A 32-bit field as listings and messages show it: `0x7fff0000`. */
export function hex(k: number): string {
  return '0x' + (k >>> 0).toString(16);
}

/** The bpf_asm-style text of one instruction at `pc` (jump targets absolute). */
export function formatInstruction(ins: Instruction, pc: number): string {
  const { code, jt, jf } = ins;
  const k = ins.k >>> 0;
  switch (code) {
    case 0x20:
      return `ld [${k}]`;
    case 0x28:
      return `ldh [${k}]`;
    case 0x30:
      return `ldb [${k}]`;
    case 0x40:
      return `ld [x+${k}]`;
    case 0x48:
      return `ldh [x+${k}]`;
    case 0x50:
      return `ldb [x+${k}]`;
    case 0xb1:
      return `ldx 4*([${k}]&0xf)`;
    case 0x80:
      return 'ld #len';
    case 0x81:
      return 'ldx #len';
    case 0x00:
      return `ld #${hex(k)}`;
    case 0x01:
      return `ldx #${hex(k)}`;
    case 0x60:
      return `ld M[${k}]`;
    case 0x61:
      return `ldx M[${k}]`;
    case 0x02:
      return `st M[${k}]`;
    case 0x03:
      return `stx M[${k}]`;
    case 0x07:
      return 'tax';
    case 0x87:
      return 'txa';
    case 0x84:
      return 'neg';
    case 0x06:
      return `ret #${hex(k)}`;
    case 0x16:
      return 'ret a';
    case 0x05:
      return `ja ${pc + 1 + k}`;
  }
  const cls = code & 0x07;
  const op = code & 0xf0;
  const x = (code & 0x08) !== 0;
  // neg and ja take no operand; their one valid form is a case above.
  if (cls === BPF_ALU && code <= 0xff && op !== BPF_NEG && ALU_OP_NAMES[op] !== undefined) {
    return `${ALU_OP_NAMES[op]} ${x ? 'x' : '#' + hex(k)}`;
  }
  if (cls === BPF_JMP && code <= 0xff && op !== BPF_JA && JMP_OP_NAMES[op] !== undefined) {
    return `${JMP_OP_NAMES[op]} ${x ? 'x' : '#' + hex(k)}, ${pc + 1 + jt}, ${pc + 1 + jf}`;
  }
  return `.insn ${hex(code)}, ${jt}, ${jf}, ${hex(k)}`;
}

const UNSET = -2;
const UNKNOWN = -1;

/**
 * For each pc, the seccomp_data offset A certainly holds on entry (the last
 * `ld [k]` on every path reaching it), or UNKNOWN.
 */
function registerContents(insns: readonly Instruction[]): Int32Array {
  const n = insns.length;
  const state = new Int32Array(n).fill(UNSET);
  if (n > 0) state[0] = UNKNOWN;
  const flow = (to: number, v: number): void => {
    if (to < 0 || to >= n) return;
    const cur = state[to]!;
    state[to] = cur === UNSET ? v : cur === v ? cur : UNKNOWN;
  };
  for (let pc = 0; pc < n; pc++) {
    const ins = insns[pc]!;
    const here = state[pc] === UNSET ? UNKNOWN : state[pc]!;
    const { code } = ins;
    const k = ins.k >>> 0;
    const cls = code & 0x07;
    if (code === 0x06 || code === 0x16) continue; // ret
    if (code === 0x05) {
      flow(pc + 1 + k, here);
      continue;
    }
    if (cls === 0x05) {
      flow(pc + 1 + ins.jt, here);
      flow(pc + 1 + ins.jf, here);
      continue;
    }
    let out = here;
    if (code === 0x20) out = k;
    else if (cls === 0x00 || cls === 0x04 || code === 0x87) out = UNKNOWN; // other loads into A, ALU, txa
    flow(pc + 1, out);
  }
  return state;
}

function autoComment(ins: Instruction, held: number, options: DisassembleOptions): string | undefined {
  const { code } = ins;
  const k = ins.k >>> 0;
  if (code === 0x20) return describeDataOffset(k) ?? `seccomp_data+${k}`;
  if (code === 0x06) return formatAction(k);
  if (code === 0x15 || code === 0x25 || code === 0x35) {
    let name: string | undefined;
    if (held === 0) name = options.syscallName?.(k);
    else if (held === 4) name = options.archName?.(k);
    if (name === undefined) return undefined;
    return code === 0x15 ? name : code === 0x25 ? `> ${name}` : `>= ${name}`;
  }
  return undefined;
}

/** Disassembles a program into a listing, one line per instruction, newline-terminated. */
export function disassemble(insns: readonly Instruction[], options: DisassembleOptions = {}): string {
  const held = registerContents(insns);
  const width = Math.max(4, String(Math.max(0, insns.length - 1)).length);
  const texts = insns.map((ins, pc) => formatInstruction(ins, pc));
  const column = Math.max(24, ...texts.map((t) => t.length + 2));
  let out = '';
  for (let pc = 0; pc < insns.length; pc++) {
    const parts: string[] = [];
    const auto = autoComment(insns[pc]!, held[pc]!, options);
    if (auto !== undefined && auto !== '') parts.push(auto);
    const extra = options.annotate?.(pc);
    if (extra !== undefined && extra !== '') parts.push(extra);
    const head = `${String(pc).padStart(width, '0')}: `;
    out += parts.length > 0 ? `${head}${texts[pc]!.padEnd(column)}; ${parts.join(' — ')}\n` : `${head}${texts[pc]}\n`;
  }
  return out;
}
