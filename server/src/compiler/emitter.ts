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
  // Same kind, and for rules the same rule (compared without building keys: this runs once per jump).
  return a.kind === b.kind && (a.kind !== 'rule' || a.rule === (b as typeof a).rule);
}

/** Two targets are interchangeable when they land in the same place and mean the same. */
export function sameTarget(a: Target, b: Target): boolean {
  return a.label === b.label && sameOrigin(a.origin, b.origin);
}

/** The furthest a conditional jump reaches (jt/jf are 8 bits). */
const MAX_JUMP = 255;

/** A point of an emission (`Emitter.mark`). */
export interface EmitterMark {
  readonly count: number;
  readonly rets: ReadonlyMap<number, Label>;
}

/** Thrown when a program grows past the emitter's limit; compilePolicy reports it. */
export class ProgramTooLarge extends Error {
  constructor(readonly length: number) {
    super(`program longer than ${length} instructions`);
  }
}

export class Emitter {
  /** Stop early past this many instructions: the kernel takes 4096, so a huge policy need not be compiled in full. */
  constructor(private readonly limit = Infinity) {}

  // The instructions, by label, in columns of plain numbers: no object per instruction
  // while emitting (a program over the limit is thrown away); `finish()` makes them.
  private codes: number[] = [];
  private jts: number[] = [];
  private jfs: number[] = [];
  private ks: number[] = [];
  /** The seccomp_data offset an `ld` emitted by `load()` reads, by label; -1 for every other instruction. */
  private loadOffsets: number[] = [];
  /** Each instruction's source, without the edge origins of a jump: those are in `edgeTrue`/`edgeFalse`, joined in `finish()`. */
  private sources: InstructionSource[] = [];
  private edgeTrue: (Origin | undefined)[] = [];
  private edgeFalse: (Origin | undefined)[] = [];
  /** Shared RETs: value → label. */
  private rets = new Map<number, Label>();

  /** Label of the next instruction to be emitted (which runs before everything emitted so far). */
  get here(): Label {
    return this.codes.length;
  }

  private push(code: number, jt: number, jf: number, k: number, source: InstructionSource,
    edgeTrue: Origin | undefined = undefined, edgeFalse: Origin | undefined = undefined): Label {
    const at = this.codes.length;
    if (at >= this.limit) throw new ProgramTooLarge(at);
    this.codes.push(code);
    this.jts.push(jt);
    this.jfs.push(jf);
    this.ks.push(k);
    this.loadOffsets.push(-1);
    this.sources.push(source);
    this.edgeTrue.push(edgeTrue);
    this.edgeFalse.push(edgeFalse);
    return at;
  }

  /**
   * A RET of `value`, shared with an earlier identical one while a jump from
   * here can still reach it. Its own origin says "look the number up": who
   * decided is carried by the edges that jump to it, or by the number.
   */
  ret(value: number): Label {
    const key = value >>> 0;
    const known = this.rets.get(key);
    // Leave room for a few instructions emitted between now and the jump that uses it.
    if (known !== undefined && this.here - known - 1 <= MAX_JUMP - 8) return known;
    const label = this.push(BPF_RET | BPF_K, 0, 0, key, RANGES_SOURCE);
    this.rets.set(key, label);
    return label;
  }

  /** `ld [offset]` from seccomp_data, continuing at `next`. */
  load(offset: number, next: Label, source: InstructionSource): Label {
    this.fallTo(next, source);
    const label = this.push(BPF_LD | BPF_W | BPF_ABS, 0, 0, offset, source);
    this.loadOffsets[label] = offset;
    return label;
  }

  /**
   * Where to jump when A already holds word `offset` of seccomp_data: past
   * the target's own load of that same word, which would change nothing.
   */
  skipReload(target: Label, offset: number): Label {
    return target >= 0 && target < this.loadOffsets.length && this.loadOffsets[target] === offset ? target - 1 : target;
  }

  and(mask: number, next: Label, source: InstructionSource): Label {
    this.fallTo(next, source);
    return this.push(BPF_ALU | BPF_AND | BPF_K, 0, 0, mask >>> 0, source);
  }

  /**
   * Makes the next instruction emitted continue at `target`: a straight-line
   * instruction runs into whatever was emitted just before it, so when that
   * is not `target`, a `ja` goes in between.
   */
  private fallTo(target: Label, source: InstructionSource): void {
    if (target !== this.here - 1) this.push(BPF_JMP | BPF_JA | BPF_K, 0, 0, this.here - target - 1, source);
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
    if (jt === jf) jt = this.push(this.codes[jt]!, this.jts[jt]!, this.jfs[jt]!, this.ks[jt]!, this.sources[jt]!, this.edgeTrue[jt], this.edgeFalse[jt]);
    if (this.here - jt - 1 > MAX_JUMP) jt = this.trampoline(jt, source);
    if (this.here - jf - 1 > MAX_JUMP) {
      jf = this.trampoline(jf, source);
      // The jf trampoline may have pushed jt out of reach again.
      if (this.here - jt - 1 > MAX_JUMP) jt = this.trampoline(jt, source);
    }
    const at = this.here;
    return this.push(BPF_JMP | op | BPF_K, at - jt - 1, at - jf - 1, k >>> 0, source, t.origin, f.origin);
  }

  private trampoline(target: Label, source: InstructionSource): Label {
    return this.push(BPF_JMP | BPF_JA | BPF_K, 0, 0, this.here - target - 1, { origin: source.origin, note: 'far jump' });
  }

  get length(): number {
    return this.here;
  }

  /**
   * This point of the emission, to go on from it later in another way
   * (`resumed`). Emitting only ever appends, so what was emitted before a
   * mark never changes; only the shared RETs known then are kept.
   */
  mark(): EmitterMark {
    return { count: this.here, rets: new Map(this.rets) };
  }

  /** A new emitter holding what this one held at `mark` (a mark of this emitter). */
  resumed(mark: EmitterMark): Emitter {
    const c = new Emitter(this.limit);
    const n = mark.count;
    c.codes = this.codes.slice(0, n);
    c.jts = this.jts.slice(0, n);
    c.jfs = this.jfs.slice(0, n);
    c.ks = this.ks.slice(0, n);
    c.loadOffsets = this.loadOffsets.slice(0, n);
    c.sources = this.sources.slice(0, n);
    c.edgeTrue = this.edgeTrue.slice(0, n);
    c.edgeFalse = this.edgeFalse.slice(0, n);
    c.rets = new Map(mark.rets);
    return c;
  }

  /** The program in execution order, with its per-instruction sources. */
  finish(): { instructions: Instruction[]; sources: InstructionSource[] } {
    const n = this.here;
    const instructions: Instruction[] = new Array(n);
    const sources: InstructionSource[] = new Array(n);
    for (let label = 0; label < n; label++) {
      const pc = n - 1 - label;
      instructions[pc] = { code: this.codes[label]!, jt: this.jts[label]!, jf: this.jfs[label]!, k: this.ks[label]! };
      const t = this.edgeTrue[label];
      const f = this.edgeFalse[label];
      sources[pc] = t || f ? withEdges(this.sources[label]!, t, f) : this.sources[label]!;
    }
    return { instructions, sources };
  }

  /** Execution-order pc of a label, once the program is finished. */
  static pcOf(label: Label, length: number): number {
    return length - 1 - label;
  }
}

/** The source of every RET: shared by value, so its own origin says "look the number up". */
const RANGES_SOURCE: InstructionSource = { origin: { kind: 'ranges' } };

/** `source` with the origins of a jump's edges (written out, not spread: this runs once per jump with them). */
function withEdges(source: InstructionSource, t: Origin | undefined, f: Origin | undefined): InstructionSource {
  const edges: { true?: Origin; false?: Origin } = {};
  if (t) edges.true = t;
  if (f) edges.false = f;
  // The same keys in the same order as `{ ...source, edges }` (sources are compared as JSON).
  return 'note' in source ? { origin: source.origin, note: source.note, edges } : { origin: source.origin, edges };
}
