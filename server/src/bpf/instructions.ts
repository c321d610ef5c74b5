/**
 * Classic BPF (cBPF) as used by seccomp: the instruction type, opcode
 * constants (include/uapi/linux/bpf_common.h, include/uapi/linux/filter.h),
 * the layout of `struct seccomp_data`, and the binary form of
 * `struct sock_filter`. Seccomp's return values are in kernel/seccomp.ts.
 *
 * This layer knows nothing about policies.
 */

/** One `struct sock_filter`: u16 code, u8 jt, u8 jf, u32 k. */
export interface Instruction {
  /** Opcode, 0..0xffff. */
  code: number;
  /** Jump offset if true, 0..255 (relative to the next instruction). */
  jt: number;
  /** Jump offset if false, 0..255 (relative to the next instruction). */
  jf: number;
  /** Generic field, an unsigned 32-bit number (0..0xffffffff). */
  k: number;
}

// ---- Instruction classes (bpf_common.h) -------------------------------------
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

/** `BPF_CLASS(code)` */
export function bpfClass(code: number): number {
  return code & 0x07;
}

// ---- ld/ldx fields ----------------------------------------------------------
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
/** `BPF_SIZE(code)` */
export function bpfSize(code: number): number {
  return code & 0x18;
}

export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;
/** `BPF_MODE(code)` */
export function bpfMode(code: number): number {
  return code & 0xe0;
}

// ---- alu/jmp fields ---------------------------------------------------------
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
/** `BPF_OP(code)` */
export function bpfOp(code: number): number {
  return code & 0xf0;
}

export const BPF_K = 0x00;
export const BPF_X = 0x08;
/** `BPF_SRC(code)` */
export function bpfSrc(code: number): number {
  return code & 0x08;
}

// ---- ret / misc fields (filter.h) -------------------------------------------
export const BPF_A = 0x10;
/** `BPF_RVAL(code)` */
export function bpfRval(code: number): number {
  return code & 0x18;
}

export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;
/** `BPF_MISCOP(code)` */
export function bpfMiscOp(code: number): number {
  return code & 0xf8;
}

// ---- names --------------------------------------------------------------------
// One spelling of each field value, bpf_asm's (`ld`, `jeq`, `abs`); the C
// macro is the same name in upper case after `BPF_` (`BPF_JEQ`). The
// disassembler prints the first; C headers and error messages the second.

const CLASS_NAMES: Readonly<Record<number, string>> = {
  [BPF_LD]: 'ld', [BPF_LDX]: 'ldx', [BPF_ST]: 'st', [BPF_STX]: 'stx',
  [BPF_ALU]: 'alu', [BPF_JMP]: 'jmp', [BPF_RET]: 'ret', [BPF_MISC]: 'misc',
};
const SIZE_NAMES: Readonly<Record<number, string>> = { [BPF_W]: 'w', [BPF_H]: 'h', [BPF_B]: 'b' };
const MODE_NAMES: Readonly<Record<number, string>> = {
  [BPF_IMM]: 'imm', [BPF_ABS]: 'abs', [BPF_IND]: 'ind', [BPF_MEM]: 'mem', [BPF_LEN]: 'len', [BPF_MSH]: 'msh',
};
export const ALU_OP_NAMES: Readonly<Record<number, string>> = {
  [BPF_ADD]: 'add', [BPF_SUB]: 'sub', [BPF_MUL]: 'mul', [BPF_DIV]: 'div', [BPF_OR]: 'or', [BPF_AND]: 'and',
  [BPF_LSH]: 'lsh', [BPF_RSH]: 'rsh', [BPF_NEG]: 'neg', [BPF_MOD]: 'mod', [BPF_XOR]: 'xor',
};
export const JMP_OP_NAMES: Readonly<Record<number, string>> = {
  [BPF_JA]: 'ja', [BPF_JEQ]: 'jeq', [BPF_JGT]: 'jgt', [BPF_JGE]: 'jge', [BPF_JSET]: 'jset',
};

/** An opcode as the C macros that make it: `BPF_LD | BPF_W | BPF_ABS`, `BPF_JMP | BPF_JEQ | BPF_K`. */
export function opcodeMacros(code: number): string {
  const cls = bpfClass(code);
  const parts = [CLASS_NAMES[cls]!];
  if (cls === BPF_LD || cls === BPF_LDX) {
    parts.push(SIZE_NAMES[bpfSize(code)] ?? 'dw', MODE_NAMES[bpfMode(code)]!);
  } else if (cls === BPF_ALU) {
    parts.push(ALU_OP_NAMES[bpfOp(code)]!, bpfSrc(code) === BPF_X ? 'x' : 'k');
  } else if (cls === BPF_JMP) {
    parts.push(JMP_OP_NAMES[bpfOp(code)]!);
    if (bpfOp(code) !== BPF_JA) parts.push(bpfSrc(code) === BPF_X ? 'x' : 'k');
  } else if (cls === BPF_RET) {
    parts.push(bpfRval(code) === BPF_A ? 'a' : 'k');
  }
  return parts.map((name) => `BPF_${name.toUpperCase()}`).join(' | ');
}

/** Maximum number of instructions in one program (filter.h). */
export const BPF_MAXINSNS = 4096;
/** Number of 32-bit scratch memory words M[0..15] (filter.h). */
export const BPF_MEMWORDS = 16;

// ---- struct seccomp_data ----------------------------------------------------
/** Offset of `int nr`. */
export const SECCOMP_DATA_NR = 0;
/** Offset of `__u32 arch`. */
export const SECCOMP_DATA_ARCH = 4;
/** Offset of `__u64 instruction_pointer` (low word on little-endian). */
export const SECCOMP_DATA_IP = 8;
/** Offset of `__u64 args[6]`. */
export const SECCOMP_DATA_ARGS = 16;
/** `sizeof(struct seccomp_data)`. */
export const SECCOMP_DATA_SIZE = 64;
/** Number of syscall arguments in seccomp_data. */
export const SECCOMP_DATA_NARGS = 6;

/** Offset of the low 32 bits of `args[i]` (little-endian layout). */
export function argLowOffset(i: number): number {
  return SECCOMP_DATA_ARGS + 8 * i;
}

/** Offset of the high 32 bits of `args[i]` (little-endian layout). */
export function argHighOffset(i: number): number {
  return SECCOMP_DATA_ARGS + 8 * i + 4;
}

/** Offset of the low 32 bits of `instruction_pointer` (little-endian layout). */
export const SECCOMP_DATA_IP_LOW = SECCOMP_DATA_IP;
/** Offset of the high 32 bits of `instruction_pointer` (little-endian layout). */
export const SECCOMP_DATA_IP_HIGH = SECCOMP_DATA_IP + 4;

/**
 * Describes a 4-byte-aligned offset into seccomp_data (little-endian layout):
 * `nr`, `arch`, `instruction_pointer low`, `args[2] high`, … or undefined.
 */
export function describeDataOffset(offset: number): string | undefined {
  if (offset < 0 || offset >= SECCOMP_DATA_SIZE || offset % 4 !== 0) return undefined;
  if (offset === SECCOMP_DATA_NR) return 'nr';
  if (offset === SECCOMP_DATA_ARCH) return 'arch';
  if (offset === SECCOMP_DATA_IP_LOW) return 'instruction_pointer low';
  if (offset === SECCOMP_DATA_IP_HIGH) return 'instruction_pointer high';
  const rel = offset - SECCOMP_DATA_ARGS;
  const i = rel >> 3;
  return `args[${i}] ${rel & 4 ? 'high' : 'low'}`;
}

// ---- builders ---------------------------------------------------------------
function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`BPF instruction ${name} out of range: ${value} (0..${max})`);
  }
}

/**
 * Normalises `k` to an unsigned 32-bit number. Accepts -2^31..2^32-1 so that
 * signed constants such as `-1` may be written; anything else throws.
 */
function normaliseK(k: number): number {
  if (!Number.isInteger(k) || k < -0x80000000 || k > 0xffffffff) {
    throw new RangeError(`BPF instruction k out of range: ${k}`);
  }
  return k >>> 0;
}

/** `BPF_STMT(code, k)` */
export function stmt(code: number, k = 0): Instruction {
  checkField('code', code, 0xffff);
  return { code, jt: 0, jf: 0, k: normaliseK(k) };
}

/** `BPF_JUMP(code, k, jt, jf)`; jt/jf are offsets relative to the next instruction. */
export function jump(code: number, k: number, jt: number, jf: number): Instruction {
  checkField('code', code, 0xffff);
  checkField('jt', jt, 0xff);
  checkField('jf', jf, 0xff);
  return { code, jt, jf, k: normaliseK(k) };
}

// ---- struct sock_filter encoding --------------------------------------------
/** Size in bytes of one `struct sock_filter`. */
export const SOCK_FILTER_SIZE = 8;

/**
 * Encodes a program as the kernel's array of `struct sock_filter`
 * (8 bytes each: u16 code, u8 jt, u8 jf, u32 k; little-endian).
 */
export function encodeProgram(insns: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i]!;
    const at = `instruction ${i}`;
    if (!Number.isInteger(ins.code) || ins.code < 0 || ins.code > 0xffff) throw new RangeError(`${at}: code out of range: ${ins.code}`);
    if (!Number.isInteger(ins.jt) || ins.jt < 0 || ins.jt > 0xff) throw new RangeError(`${at}: jt out of range: ${ins.jt}`);
    if (!Number.isInteger(ins.jf) || ins.jf < 0 || ins.jf > 0xff) throw new RangeError(`${at}: jf out of range: ${ins.jf}`);
    if (!Number.isInteger(ins.k) || ins.k < -0x80000000 || ins.k > 0xffffffff) throw new RangeError(`${at}: k out of range: ${ins.k}`);
    const o = i * SOCK_FILTER_SIZE;
    view.setUint16(o, ins.code, true);
    view.setUint8(o + 2, ins.jt);
    view.setUint8(o + 3, ins.jf);
    view.setUint32(o + 4, ins.k >>> 0, true);
  }
  return bytes;
}

/** Decodes an array of little-endian `struct sock_filter`. */
export function decodeProgram(bytes: Uint8Array): Instruction[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new RangeError(
      `BPF program byte length ${bytes.length} is not a multiple of ${SOCK_FILTER_SIZE} (sizeof(struct sock_filter))`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / SOCK_FILTER_SIZE;
  const out: Instruction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * SOCK_FILTER_SIZE;
    out[i] = {
      code: view.getUint16(o, true),
      jt: view.getUint8(o + 2),
      jf: view.getUint8(o + 3),
      k: view.getUint32(o + 4, true),
    };
  }
  return out;
}
