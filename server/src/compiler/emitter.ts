/**
 * Builds a program backwards, as kafel does: every block is emitted after
 * the blocks it jumps to, so jump offsets are known when a jump is written
 * and nothing is ever patched. A `Label` is a position counted from the end
 * of the program; `finish()` reverses everything into execution order.
 */
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, type Instruction,
} from '../bpf/instructions';
import type { InstructionSource, Origin } from './sourcemap';

export type Label = number;

/** A jump target, with what reaching it decides when it is a RET (for the source map). */
export interface Target {
  readonly label: Label;
  readonly origin?: Origin;
}

export function sameOrigin(a: Origin | undefined, b: Origin | undefined): boolean {
  if (!a || !b) return a === b;
  return originKey(a) === originKey(b);
}

/** Two targets are interchangeable when they land in the same place and mean the same. */
export function sameTarget(a: Target, b: Target): boolean {
  return a.label === b.label && sameOrigin(a.origin, b.origin);
}

/** The furthest a conditional jump reaches (jt/jf are 8 bits). */
const MAX_JUMP = 255;

/** Thrown when a program grows past the emitter's limit; compilePolicy reports it. */
export class ProgramTooLarge extends Error {
  constructor(readonly length: number) {
    super(`program longer than ${length} instructions`);
  }
}

export class Emitter {
  /** Stop early past this many instructions: the kernel takes 4096, so a huge policy need not be compiled in full. */
  constructor(private readonly limit = Infinity) {}

  private readonly code: Instruction[] = [];
  private readonly sources: InstructionSource[] = [];
  /** Shared RETs: value → label. */
  private readonly rets = new Map<string, Label>();
  /** Labels of `ld [offset]` instructions, by label. */
  private readonly loads = new Map<Label, number>();

  /** Label of the next instruction to be emitted (which runs before everything emitted so far). */
  get here(): Label {
    return this.code.length;
  }

  private push(ins: Instruction, source: InstructionSource): Label {
    if (this.code.length >= this.limit) throw new ProgramTooLarge(this.code.length);
    this.code.push(ins);
    this.sources.push(source);
    return this.code.length - 1;
  }

  /**
   * A RET of `value`, shared with an earlier identical one while a jump from
   * here can still reach it. Its own origin says "look the number up": who
   * decided is carried by the edges that jump to it, or by the number.
   */
  ret(value: number): Label {
    const key = String(value >>> 0);
    const known = this.rets.get(key);
    // Leave room for a few instructions emitted between now and the jump that uses it.
    if (known !== undefined && this.here - known - 1 <= MAX_JUMP - 8) return known;
    const label = this.push({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: value >>> 0 }, { origin: { kind: 'ranges' } });
    this.rets.set(key, label);
    return label;
  }

  /** `ld [offset]` from seccomp_data, continuing at `next`. */
  load(offset: number, next: Label, source: InstructionSource): Label {
    this.fallTo(next, source);
    const label = this.push({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: offset }, source);
    this.loads.set(label, offset);
    return label;
  }

  /**
   * Where to jump when A already holds word `offset` of seccomp_data: past
   * the target's own load of that same word, which would change nothing.
   */
  skipReload(target: Label, offset: number): Label {
    return this.loads.get(target) === offset ? target - 1 : target;
  }

  and(mask: number, next: Label, source: InstructionSource): Label {
    this.fallTo(next, source);
    return this.push({ code: BPF_ALU | BPF_AND | BPF_K, jt: 0, jf: 0, k: mask >>> 0 }, source);
  }

  /**
   * Makes the next instruction emitted continue at `target`: a straight-line
   * instruction runs into whatever was emitted just before it, so when that
   * is not `target`, a `ja` goes in between.
   */
  private fallTo(target: Label, source: InstructionSource): void {
    if (target !== this.here - 1) this.push({ code: BPF_JMP | BPF_JA | BPF_K, jt: 0, jf: 0, k: this.here - target - 1 }, source);
  }

  /**
   * A conditional jump (`op` is BPF_JEQ/JGT/JGE/JSET). Equal targets need no
   * test at all; targets beyond 255 instructions get a `ja` trampoline.
   */
  jump(op: number, k: number, t: Target, f: Target, source: InstructionSource): Label {
    let jt = t.label;
    let jf = f.label;
    // Same place, same meaning: no test needed. (Same RET for different rules still
    // needs the jump, so the source map can tell who decided.)
    if (sameTarget(t, f)) return jt;
    // One RET, two meanings: give the true edge its own copy, so the path shows which edge ran.
    if (jt === jf) jt = this.push({ ...this.code[jt]! }, this.sources[jt]!);
    if (t.origin || f.origin) source = { ...source, edges: { ...(t.origin ? { true: t.origin } : {}), ...(f.origin ? { false: f.origin } : {}) } };
    if (this.here - jt - 1 > MAX_JUMP) jt = this.trampoline(jt, source);
    if (this.here - jf - 1 > MAX_JUMP) {
      jf = this.trampoline(jf, source);
      // The jf trampoline may have pushed jt out of reach again.
      if (this.here - jt - 1 > MAX_JUMP) jt = this.trampoline(jt, source);
    }
    const at = this.here;
    return this.push({ code: BPF_JMP | op | BPF_K, jt: at - jt - 1, jf: at - jf - 1, k: k >>> 0 }, source);
  }

  private trampoline(target: Label, source: InstructionSource): Label {
    return this.push({ code: BPF_JMP | BPF_JA | BPF_K, jt: 0, jf: 0, k: this.here - target - 1 }, { origin: source.origin, note: 'far jump' });
  }

  get length(): number {
    return this.code.length;
  }

  /** The program in execution order, with its per-instruction sources. */
  finish(): { instructions: Instruction[]; sources: InstructionSource[] } {
    return { instructions: [...this.code].reverse(), sources: [...this.sources].reverse() };
  }

  /** Execution-order pc of a label, once the program is finished. */
  static pcOf(label: Label, length: number): number {
    return length - 1 - label;
  }
}

function originKey(o: Origin): string {
  switch (o.kind) {
    case 'rule': return `r${o.rule}`;
    case 'default': return 'd';
    default: return o.kind;
  }
}

