/**
 * A classic-BPF interpreter for seccomp filters, with the semantics the Linux
 * kernel gives them. The kernel translates a cBPF filter to eBPF
 * (net/core/filter.c bpf_convert_filter) and runs that (JIT or interpreter):
 *
 *  - A and X are 32-bit unsigned registers, both zeroed before the first
 *    instruction; ALU operations are 32-bit and wrap.
 *  - `ld [k]` is a native 32-bit load from `struct seccomp_data` (modelled
 *    little-endian, as on x86_64/aarch64/riscv64/arm: the low word of a 64-bit
 *    field comes first). `ld #len` / `ldx #len` load 64.
 *  - Division (and modulo) by X = 0: the translation inserts
 *    `if X == 0 { A = 0; exit }`, so the program returns 0 =
 *    SECCOMP_RET_KILL_THREAD.
 *  - Shifts by X: translated to a 32-bit eBPF shift by register. The kernel
 *    interpreter computes `(u32)A << (X & 31)` (kernel/bpf/core.c masks the
 *    count to avoid undefined behaviour) and the x86-64 JIT uses `shl/shr`
 *    with CL, which the CPU masks to 5 bits, as does AArch64's LSLV/LSRV. So a
 *    shift by X ≥ 32 shifts by X mod 32 — NOT to 0 — and that is what is
 *    implemented here (JavaScript's `<<`/`>>>` mask the same way). Shifts by a
 *    constant ≥ 32 never reach the kernel's runtime: the verifier rejects them;
 *    if such an unvalidated program is run here, the count is masked likewise.
 *  - Scratch words M[0..15] start at 0 here; the kernel does not initialise
 *    them, but validated programs never read a word before writing it.
 *
 * Programs are expected to have passed validateProgram. Anything the kernel
 * could never run (an opcode seccomp refuses, a load outside seccomp_data,
 * falling off the end, a jump past it) throws BpfRuntimeError rather than
 * guessing.
 */

import type { Instruction } from './instructions';

/** `struct seccomp_data`, as the kernel fills it for one system call. */
export interface SeccompData {
  /** Syscall number (`int nr`; negative numbers are taken as their u32 bits). */
  nr: number;
  /** AUDIT_ARCH_* value. */
  arch: number;
  /** Address of the syscall instruction's successor (u64). */
  instructionPointer: bigint;
  /** The six syscall arguments (u64 each; missing entries are 0, negative values taken mod 2^64). */
  args: readonly bigint[];
}

export interface RunOptions {
  /** Record the pc of every instruction executed, in order, as `path`. */
  recordPath?: boolean;
}

export interface RunResult {
  /** The full 32-bit value the program returned (action | data). */
  action: number;
  /** Number of instructions executed, including the final ret. */
  steps: number;
  /** The pcs executed, when `recordPath` was set. */
  path?: number[];
}

/** A program did something the kernel would never let it do at runtime. */
export class BpfRuntimeError extends Error {
  constructor(
    readonly pc: number,
    message: string,
  ) {
    super(`pc ${pc}: ${message}`);
    this.name = 'BpfRuntimeError';
  }
}

/** Number of 32-bit words in struct seccomp_data. */
const DATA_WORDS = 16;

const U32 = 0xffffffffn;

/**
 * Lays out `data` as the 16 little-endian 32-bit words `ld [4*i]` reads:
 * [nr, arch, ip low, ip high, args[0] low, args[0] high, …, args[5] high].
 * Writes into `out` when given (to avoid allocating when running many programs).
 */
export function seccompDataWords(data: SeccompData, out: Uint32Array = new Uint32Array(DATA_WORDS)): Uint32Array {
  if (out.length < DATA_WORDS) throw new RangeError('seccompDataWords: output needs 16 words');
  out[0] = data.nr >>> 0;
  out[1] = data.arch >>> 0;
  const ip = BigInt.asUintN(64, data.instructionPointer);
  out[2] = Number(ip & U32);
  out[3] = Number(ip >> 32n);
  for (let i = 0; i < 6; i++) {
    const v = i < data.args.length ? BigInt.asUintN(64, data.args[i]!) : 0n;
    out[4 + 2 * i] = Number(v & U32);
    out[5 + 2 * i] = Number(v >> 32n);
  }
  return out;
}

// Reused across runs: the interpreter is synchronous, so one set suffices.
const sharedWords = new Uint32Array(DATA_WORDS);
const sharedMem = new Uint32Array(16);

/** Runs a program over one `struct seccomp_data`. */
export function runProgram(insns: readonly Instruction[], data: SeccompData, options?: RunOptions): RunResult {
  return runProgramOnWords(insns, seccompDataWords(data, sharedWords), options);
}

/**
 * Runs a program over seccomp_data already laid out as 16 words (see
 * seccompDataWords); the fast path for evaluating many inputs.
 */
export function runProgramOnWords(insns: readonly Instruction[], words: Uint32Array, options?: RunOptions): RunResult {
  const path: number[] | undefined = options?.recordPath ? [] : undefined;
  const mem = sharedMem;
  mem.fill(0);
  const len = insns.length;
  let A = 0;
  let X = 0;
  let pc = 0;
  let steps = 0;
  let ret: number;

  for (;;) {
    if (pc >= len) {
      throw new BpfRuntimeError(pc, len === 0 ? 'empty program' : 'execution ran past the end of the program');
    }
    const ins = insns[pc]!;
    const k = ins.k >>> 0;
    steps++;
    if (path !== undefined) path.push(pc);
    switch (ins.code) {
      // ---- loads
      case 0x20: // ld [k]
        if (k >= 64 || (k & 3) !== 0) throw new BpfRuntimeError(pc, `ld [${k}] is not an aligned load inside seccomp_data`);
        A = words[k >>> 2]!;
        pc++;
        continue;
      case 0x80: // ld #len
        A = 64;
        pc++;
        continue;
      case 0x81: // ldx #len
        X = 64;
        pc++;
        continue;
      case 0x00: // ld #k
        A = k;
        pc++;
        continue;
      case 0x01: // ldx #k
        X = k;
        pc++;
        continue;
      case 0x60: // ld M[k]
        if (k >= 16) throw new BpfRuntimeError(pc, `scratch index ${k} out of range`);
        A = mem[k]!;
        pc++;
        continue;
      case 0x61: // ldx M[k]
        if (k >= 16) throw new BpfRuntimeError(pc, `scratch index ${k} out of range`);
        X = mem[k]!;
        pc++;
        continue;
      case 0x02: // st M[k]
        if (k >= 16) throw new BpfRuntimeError(pc, `scratch index ${k} out of range`);
        mem[k] = A;
        pc++;
        continue;
      case 0x03: // stx M[k]
        if (k >= 16) throw new BpfRuntimeError(pc, `scratch index ${k} out of range`);
        mem[k] = X;
        pc++;
        continue;
      case 0x07: // tax
        X = A;
        pc++;
        continue;
      case 0x87: // txa
        A = X;
        pc++;
        continue;

      // ---- ALU (32-bit, wrapping)
      case 0x04: // add #k
        A = (A + k) >>> 0;
        pc++;
        continue;
      case 0x0c: // add x
        A = (A + X) >>> 0;
        pc++;
        continue;
      case 0x14: // sub #k
        A = (A - k) >>> 0;
        pc++;
        continue;
      case 0x1c: // sub x
        A = (A - X) >>> 0;
        pc++;
        continue;
      case 0x24: // mul #k
        A = Math.imul(A, k) >>> 0;
        pc++;
        continue;
      case 0x2c: // mul x
        A = Math.imul(A, X) >>> 0;
        pc++;
        continue;
      case 0x34: // div #k (k = 0 is refused by the verifier; treated like X = 0)
      case 0x3c: // div x
      case 0x94: // mod #k (classic BPF; seccomp refuses it)
      case 0x9c: { // mod x (classic BPF; seccomp refuses it)
        const d = (ins.code & 0x08) !== 0 ? X : k;
        if (d === 0) {
          ret = 0; // the translation's `if X == 0 { A = 0; exit }` (see the header)
          break;
        }
        A = (ins.code & 0xf0) === 0x30 ? (A / d) >>> 0 : A % d;
        pc++;
        continue;
      }
      case 0x44: // or #k
        A = (A | k) >>> 0;
        pc++;
        continue;
      case 0x4c: // or x
        A = (A | X) >>> 0;
        pc++;
        continue;
      case 0x54: // and #k
        A = (A & k) >>> 0;
        pc++;
        continue;
      case 0x5c: // and x
        A = (A & X) >>> 0;
        pc++;
        continue;
      case 0xa4: // xor #k
        A = (A ^ k) >>> 0;
        pc++;
        continue;
      case 0xac: // xor x
        A = (A ^ X) >>> 0;
        pc++;
        continue;
      case 0x64: // lsh #k   (count masked to 5 bits, see header)
        A = (A << (k & 31)) >>> 0;
        pc++;
        continue;
      case 0x6c: // lsh x
        A = (A << (X & 31)) >>> 0;
        pc++;
        continue;
      case 0x74: // rsh #k
        A = A >>> (k & 31);
        pc++;
        continue;
      case 0x7c: // rsh x
        A = A >>> (X & 31);
        pc++;
        continue;
      case 0x84: // neg
        A = (0 - A) >>> 0;
        pc++;
        continue;

      // ---- jumps (forward only; offsets relative to pc + 1)
      case 0x05: // ja k
        pc += 1 + k;
        continue;
      case 0x15: // jeq #k
        pc += 1 + (A === k ? ins.jt : ins.jf);
        continue;
      case 0x1d: // jeq x
        pc += 1 + (A === X ? ins.jt : ins.jf);
        continue;
      case 0x25: // jgt #k
        pc += 1 + (A > k ? ins.jt : ins.jf);
        continue;
      case 0x2d: // jgt x
        pc += 1 + (A > X ? ins.jt : ins.jf);
        continue;
      case 0x35: // jge #k
        pc += 1 + (A >= k ? ins.jt : ins.jf);
        continue;
      case 0x3d: // jge x
        pc += 1 + (A >= X ? ins.jt : ins.jf);
        continue;
      case 0x45: // jset #k
        pc += 1 + ((A & k) !== 0 ? ins.jt : ins.jf);
        continue;
      case 0x4d: // jset x
        pc += 1 + ((A & X) !== 0 ? ins.jt : ins.jf);
        continue;

      // ---- return
      case 0x06: // ret #k
        ret = k;
        break;
      case 0x16: // ret a
        ret = A;
        break;

      default:
        throw new BpfRuntimeError(pc, `opcode 0x${ins.code.toString(16)} cannot run in a seccomp filter`);
    }
    break;
  }

  const result: RunResult = { action: ret >>> 0, steps };
  if (path !== undefined) result.path = path;
  return result;
}
