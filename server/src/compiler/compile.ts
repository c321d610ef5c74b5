/**
 * The compiler: the semantic model's per-ABI rule tables → one seccomp-BPF
 * program for all the policy's ABIs, with a source map (§9).
 *
 *   ld [4]                  arch
 *   jeq ARCH_1 → group 1    one test per distinct audit arch
 *   ...
 *   ret badarch
 *   group: ld [0]; search tree over syscall-number segments → RETs and
 *          condition blocks (rules of one syscall, first match wins)
 *
 * x86_64 and x32 share an audit arch; their numbers differ by bit
 * 0x40000000, so their segments are laid side by side in one tree, and x32
 * numbers on an x86_64-only filter simply fall in `badarch` segments.
 */
import { ABIS, abiInfo, type Abi } from '../kernel/abi';
import { abiRegions, retValue, X32_SYSCALL_BIT, type AbiRegion } from '../kernel/seccomp';
import { BPF_JEQ, BPF_JGE, BPF_JSET, BPF_MAXINSNS, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, type Instruction } from '../bpf/instructions';
import { syscallByNumber } from '../kernel/syscalls';
import type { AbiRule, AbiTable, ConcreteAction, PolicyModel, PolicyRule } from '../policy/semantics/model';
import { conditionToString, type Cond } from '../policy/semantics/condition';
import { emitCondition } from './conditions';
import { buildTree, mergeSegments, type Hot, type LeafTarget, type Segment, type Tree } from './dispatch';
import { Emitter, ProgramTooLarge, type EmitterMark, type Label, type Target } from './emitter';
import { removeUnreachable } from './optimize';
import { orderCondition, weightsFor, type SyscallProfile } from './profile';
import type { InstructionSource, Origin, RangeSource, SourceMap } from './sourcemap';

export interface CompileOptions {
  /** Compile for these ABIs only (default: the policy's `arch`). */
  readonly abis?: readonly Abi[];
  /** Size against path trade-off for the dispatch tree (see dispatch.ts). */
  readonly sizeWeight?: number;
  /** Call counts from a traced run: hot syscalls get the shortest paths (profile.ts). */
  readonly profile?: SyscallProfile;
  /**
   * Ask mode (`run --ask`): every decision that does not let the call run
   * (errno, trap, trace, kill, notify, and badarch) returns
   * SECCOMP_RET_USER_NOTIF instead, so the helper holding the listener can
   * ask what to do. The source map still names the rule behind each RET.
   */
  readonly notifyUnlessAllowed?: boolean;
}

export interface CompiledProgram {
  readonly instructions: readonly Instruction[];
  readonly sourceMap: SourceMap;
  readonly abis: readonly Abi[];
}

export type CompileResult =
  | { readonly ok: true; readonly program: CompiledProgram }
  /**
   * `exact`: the whole program was built and `length` is its size. Otherwise
   * compiling stopped once it passed `length`, and `program` is empty.
   */
  | { readonly ok: false; readonly reason: 'too-large'; readonly length: number; readonly exact: boolean; readonly program: CompiledProgram };

/**
 * Emission stops past this: dead-code removal never shrinks a program by a
 * quarter, so anything longer cannot end up within the kernel's 4096.
 */
const EMIT_LIMIT = Math.ceil(BPF_MAXINSNS * 1.25);

const DISPATCH: InstructionSource = { origin: { kind: 'dispatch' } };

export function compilePolicy(model: PolicyModel, options: CompileOptions = {}): CompileResult {
  return compileProbing(model, options, undefined);
}

/** A program's size: exact, or emission stopped once past `length` (the emitter's limit). */
export interface ProgramSize {
  readonly length: number;
  readonly exact: boolean;
}

/**
 * `compilePolicy`, plus what compiling each ABI alone
 * (`compilePolicy(model, { abis: [abi] })`) gives, for the message of a
 * program over the limit. The group emitted first (the last audit arch in
 * `arch` order) is emitted into an empty program just as when its ABI is
 * compiled alone, so when that group is one ABI, that ABI's size alone is
 * read from this compile (going on from a mark of the emitter right after
 * the group, or the same stop at the limit) instead of compiling it again; the other ABIs
 * are compiled alone, on demand.
 */
export function compileWithSizes(model: PolicyModel, options: CompileOptions = {}): { result: CompileResult; sizeAlone(abi: Abi): ProgramSize } {
  // Only a compile with the options an ABI alone gets builds its first group as that ABI alone would.
  const plain = !options.notifyUnlessAllowed && options.profile === undefined && options.sizeWeight === undefined;
  const probe: FirstGroupProbe = { abi: undefined, done: undefined };
  const result = compileProbing(model, options, plain ? probe : undefined);
  const sizeAlone = (abi: Abi): ProgramSize => {
    // No mark: emission stopped within that group, where the ABI alone stops too.
    if (abi === probe.abi && !probe.done && !result.ok) return { length: result.length, exact: false };
    if (abi === probe.abi && probe.done) {
      const { emitter, mark, group, entry, badarch } = probe.done;
      try {
        return { length: finishProgram(emitter.resumed(mark), [group], [entry], badarch).instructions.length, exact: true };
      } catch (e) {
        if (e instanceof ProgramTooLarge) return { length: e.length, exact: false };
        throw e;
      }
    }
    const alone = compilePolicy(model, { abis: [abi] });
    return alone.ok ? { length: alone.program.instructions.length, exact: true } : { length: alone.length, exact: alone.exact };
  };
  return { result, sizeAlone };
}

interface Group { readonly arch: number; readonly abis: Abi[] }

/**
 * Filled in by a compile of several audit arches whose first emitted group
 * is a single ABI that would be compiled alone the same way (same badarch):
 * `abi`, and once that group is emitted, a mark of the emitter then.
 */
interface FirstGroupProbe {
  abi: Abi | undefined;
  done: { readonly emitter: Emitter; readonly mark: EmitterMark; readonly group: Group; readonly entry: Label; readonly badarch: number } | undefined;
}

function compileProbing(model: PolicyModel, options: CompileOptions, probe: FirstGroupProbe | undefined): CompileResult {
  try {
    return compileUnchecked(model, options, probe);
  } catch (e) {
    if (e instanceof ProgramTooLarge) {
      const empty: CompiledProgram = { instructions: [], sourceMap: { instructions: [], ranges: [] }, abis: options.abis ?? model.abis };
      return { ok: false, reason: 'too-large', length: e.length, exact: false, program: empty };
    }
    throw e;
  }
}

function compileUnchecked(policy: PolicyModel, options: CompileOptions, probe: FirstGroupProbe | undefined): CompileResult {
  const model = options.notifyUnlessAllowed ? notifyUnlessAllowed(policy) : policy;
  const abis = (options.abis ?? model.abis).filter((a) => model.tables.has(a));
  const e = new Emitter(EMIT_LIMIT);
  const ranges: RangeSource[] = [];
  const badarch = retValue(model.tables.get(abis[0] ?? model.abis[0]!)?.badarchAction ?? { kind: 'kill_process', data: 0 });
  const origins = new OriginFactory(model);

  // Group ABIs by audit arch, in `arch` order.
  const groups: Group[] = [];
  for (const abi of abis) {
    const arch = abiInfo(abi).auditArch;
    const g = groups.find((x) => x.arch === arch);
    if (g) g.abis.push(abi);
    else groups.push({ arch, abis: [abi] });
  }

  const last = groups[groups.length - 1];
  const lastAlone = last && groups.length > 1 && last.abis.length === 1 ? last.abis[0]! : undefined;
  // Alone, that ABI's program says badarch with its own table's action.
  if (probe && lastAlone && retValue(model.tables.get(lastAlone)!.badarchAction) === badarch) probe.abi = lastAlone;

  const entries: Label[] = new Array(groups.length);
  const sharedBlocks = new SharedBlocks();
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const g = groups[gi]!;
    entries[gi] = emitGroup(e, model, g.arch, g.abis, badarch, origins, ranges, options.sizeWeight ?? 16, sharedBlocks, options.profile);
    if (probe?.abi && gi === groups.length - 1) probe.done = { emitter: e, mark: e.mark(), group: g, entry: entries[gi]!, badarch };
  }
  const { instructions, sources } = finishProgram(e, groups, entries, badarch);
  origins.place();
  ranges.sort((a, b) => ABIS.findIndex((x) => x.name === a.abi) - ABIS.findIndex((x) => x.name === b.abi) || a.first - b.first);
  const program: CompiledProgram = { instructions, sourceMap: { instructions: sources, ranges }, abis };
  if (instructions.length > BPF_MAXINSNS) return { ok: false, reason: 'too-large', length: instructions.length, exact: true, program };
  return { ok: true, program };
}

/** The arch dispatch before the groups (a `jeq` per arch, falling through to badarch), then the program in execution order without dead code. */
function finishProgram(e: Emitter, groups: readonly Group[], entries: readonly Label[], badarch: number): { instructions: Instruction[]; sources: InstructionSource[] } {
  let next: Target = { label: e.ret(badarch), origin: { kind: 'badarch' } };
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    next = { label: e.jump(BPF_JEQ, groups[gi]!.arch, { label: entries[gi]! }, next, { origin: { kind: 'dispatch' }, note: `${groups[gi]!.abis.join(', ')} rules` }) };
  }
  e.load(SECCOMP_DATA_ARCH, next.label, DISPATCH);
  const finished = e.finish();
  return removeUnreachable(finished.instructions, finished.sources);
}

/** A rule's origin while compiling: its line and column are filled in by `OriginFactory.place()`. */
interface RuleOrigin { readonly kind: 'rule'; readonly rule: number; readonly file: string; line: number; column: number }

/**
 * Makes (and caches) the origin of each rule. Its line and column are
 * looked up only for a program that is returned (`place()`): a compile
 * stopped at the limit throws its origins away, and the lookup per rule
 * showed in its profile.
 */
class OriginFactory {
  /** By rule index: an array filled up front (not a map, nor one that goes sparse: this runs once per rule emitted). */
  private readonly cache: (RuleOrigin | undefined)[];
  private readonly made: PolicyRule[] = [];
  constructor(private readonly model: PolicyModel) {
    this.cache = new Array<RuleOrigin | undefined>(model.rules.length).fill(undefined);
  }
  rule(rule: PolicyRule): Origin {
    let o = this.cache[rule.index];
    if (!o) {
      o = { kind: 'rule', rule: rule.index, file: rule.file, line: 0, column: 0 };
      this.cache[rule.index] = o;
      this.made.push(rule);
    }
    return o;
  }
  /** Fills in the line and column (from 1) of every origin made. */
  place(): void {
    for (const rule of this.made) {
      const pos = this.model.files.get(rule.file)?.lines.positionAt(rule.statement.start) ?? { line: 0, character: 0 };
      const o = this.cache[rule.index]!;
      o.line = pos.line + 1;
      o.column = pos.character + 1;
    }
  }
}

/**
 * Condition blocks already emitted, for sharing: two blocks compile to the
 * same code when their defaults' RETs, their rules (index and RET) and their
 * conditions' texts agree. Blocks are found by a hash of a few of these
 * (`shapeOf`) and compared in full, and a condition's text is made only
 * when another block has the same rules and the condition is not the very
 * same object (rarely: mostly it is the same syscall on two ABIs, or
 * syscalls of one rule, sharing one `Cond`).
 */
class SharedBlocks {
  private readonly byShape = new Map<number, { readonly blk: Block; readonly conditions: Conditions; readonly entry: Target }[]>();
  private readonly texts = new Map<Cond, string>();

  /** `shape`: `shapeOf(blk)`. */
  find(shape: number, blk: Block, conditions: Conditions): Target | undefined {
    const candidates = this.byShape.get(shape);
    if (!candidates) return undefined;
    for (const c of candidates) if (this.same(c.blk, c.conditions, blk, conditions)) return c.entry;
    return undefined;
  }

  add(shape: number, blk: Block, conditions: Conditions, entry: Target): void {
    const list = this.byShape.get(shape);
    if (list) list.push({ blk, conditions, entry });
    else this.byShape.set(shape, [{ blk, conditions, entry }]);
  }

  private same(a: Block, aConditions: Conditions, b: Block, bConditions: Conditions): boolean {
    if (a.rules.length !== b.rules.length || retValue(a.table.defaultAction) !== retValue(b.table.defaultAction)) return false;
    for (let i = 0; i < a.rules.length; i++) {
      const x = a.rules[i]!, y = b.rules[i]!;
      if (x.rule.index !== y.rule.index || retValue(x.action) !== retValue(y.action)) return false;
    }
    for (let i = 0; i < a.rules.length; i++) {
      const x = conditionAt(a, aConditions, i), y = conditionAt(b, bConditions, i);
      if (x !== y && this.text(x) !== this.text(y)) return false;
    }
    return true;
  }

  private text(cond: Cond): string {
    let t = this.texts.get(cond);
    if (t === undefined) { t = conditionToString(cond); this.texts.set(cond, t); }
    return t;
  }
}

/** A block's conditions as the profile orders them; undefined: the rules' own (no profile for it). */
type Conditions = readonly Cond[] | undefined;

function conditionAt(blk: Block, conditions: Conditions, i: number): Cond {
  return conditions ? conditions[i]! : blk.rules[i]!.condition;
}

/**
 * A hash of a block's default RET, its number of rules and its first and
 * last rules (`SharedBlocks.same` then compares everything): not of every
 * rule, since a block of a thousand rules may be only partly emitted before
 * the limit stops the compile.
 */
function shapeOf(blk: Block): number {
  const first = blk.rules[0]!, last = blk.rules[blk.rules.length - 1]!;
  let h = Math.imul(retValue(blk.table.defaultAction) ^ blk.rules.length, 0x9e3779b1);
  h = Math.imul(h ^ first.rule.index, 0x85ebca6b);
  h = Math.imul(h ^ retValue(first.action), 0xc2b2ae35);
  h = Math.imul(h ^ last.rule.index, 0x85ebca6b);
  return h;
}

/** The RET a block folded to (it matters only then), else its default. */
function blockRet(blk: Block, entry: Target): number {
  if (entry.origin?.kind === 'rule') {
    const hit = blk.rules.find((r) => r.rule.index === (entry.origin as { rule: number }).rule);
    if (hit) return retValue(hit.action);
  }
  return retValue(blk.table.defaultAction);
}

interface Block { readonly id: number; readonly abi: Abi; readonly nr: number; readonly rules: readonly AbiRule[]; readonly table: AbiTable }

function emitGroup(e: Emitter, model: PolicyModel, arch: number, abis: readonly Abi[], badarch: number,
  origins: OriginFactory, ranges: RangeSource[], sizeWeight: number, sharedBlocks: SharedBlocks, profile: SyscallProfile | undefined): Label {
  const segments: Segment[] = [];
  const blocks: Block[] = [];
  const hot: Hot[] = [];
  const x86only = arch === abiInfo('x86_64').auditArch && abis.includes('x86_64') && !abis.includes('x32');
  for (const region of abiRegions(arch)) {
    const table = abis.includes(region.abi) ? model.tables.get(region.abi) : undefined;
    if (!table) {
      // An ABI the filter does not accept: `ranges` has no entry for it, which reads as badarch.
      if (x86only && region.first === X32_SYSCALL_BIT) {
        // x32 calls on an x86_64-only filter: one `jset` sorts all higher numbers.
        const clear = retValue(model.tables.get('x86_64')!.defaultAction);
        segments.push({ first: X32_SYSCALL_BIT, last: 0xffffffff, target: { kind: 'bit', bit: X32_SYSCALL_BIT, set: badarch, clear }, weight: 0 });
        ranges.push({ abi: 'x86_64', first: 0x80000000, last: 0xbfffffff, origin: { kind: 'default' }, ret: clear });
      } else if (!(x86only && region.first > X32_SYSCALL_BIT)) {
        segments.push({ first: region.first, last: region.last, target: { kind: 'ret', value: badarch }, weight: 0 });
      }
      continue;
    }
    if (x86only && region.first > X32_SYSCALL_BIT) continue; // covered by the bit test
    addRegion(region, table, segments, blocks, ranges, origins, profile, hot);
  }

  // Condition blocks: rules of one syscall in source order, then default.
  const blockEntries = new Map<number, Target>();
  for (let b = blocks.length - 1; b >= 0; b--) {
    const blk = blocks[b]!;
    // The checks within each rule, in the order the profile's arguments favour (source order without one).
    const samples = profile?.args?.get(blk.abi)?.get(blk.nr);
    const conditions = samples ? blk.rules.map((r) => orderCondition(r.condition, samples)) : undefined;
    // Syscalls (of this ABI or another) whose rules compile to the same code share one block.
    const shape = shapeOf(blk);
    const same = sharedBlocks.find(shape, blk, conditions);
    if (same) {
      blockEntries.set(blk.id, same);
      ranges.push({ abi: blk.abi, first: blk.nr, last: blk.nr, origin: same.origin ?? { kind: 'default' }, ret: blockRet(blk, same) });
      continue;
    }
    let next: Target = { label: e.ret(retValue(blk.table.defaultAction)), origin: { kind: 'default' } };
    for (let r = blk.rules.length - 1; r >= 0; r--) {
      const rule = blk.rules[r]!;
      const origin = origins.rule(rule.rule);
      const hit: Target = { label: e.ret(retValue(rule.action)), origin };
      next = emitCondition(e, conditionAt(blk, conditions, r), hit, next, { origin, note: rule.syscall });
    }
    blockEntries.set(blk.id, next);
    sharedBlocks.add(shape, blk, conditions, next);
    // Reached without a jump that says who decided only when the block folded to a RET.
    ranges.push({ abi: blk.abi, first: blk.nr, last: blk.nr, origin: next.origin ?? { kind: 'default' }, ret: blockRet(blk, next) });
  }

  const tree = buildTree(mergeSegments(segments), sizeWeight, hot);
  const target = (t: LeafTarget): Target => {
    switch (t.kind) {
      case 'block': return blockEntries.get(t.id)!;
      case 'ret': return { label: e.ret(t.value) };
      case 'bit': {
        // No edge origins: the number itself tells (x32 numbers read as badarch, the others by range).
        const set: Target = { label: e.ret(t.set) };
        const clear: Target = { label: e.ret(t.clear) };
        return { label: e.jump(BPF_JSET, t.bit, set, clear, { origin: { kind: 'dispatch' }, note: 'x32 call?' }) };
      }
    }
  };
  const emitTree = (node: Tree): Target => {
    switch (node.kind) {
      case 'leaf': return target(node.target);
      case 'chain': {
        let next = target(node.otherwise);
        for (let k = node.tests.length - 1; k >= 0; k--) {
          const test = node.tests[k]!;
          next = { label: e.jump(BPF_JEQ, test.nr, target(test.target), next, { origin: { kind: 'dispatch' }, note: nameOf(abis, test.nr) }) };
        }
        return next;
      }
      case 'hot': {
        let next = emitTree(node.then);
        for (let k = node.tests.length - 1; k >= 0; k--) {
          const test = node.tests[k]!;
          next = { label: e.jump(BPF_JEQ, test.nr, target(test.target), next, { origin: { kind: 'dispatch' }, note: `${nameOf(abis, test.nr) ?? test.nr} (hot)` }) };
        }
        return next;
      }
      case 'split': {
        const above = emitTree(node.above);
        const below = emitTree(node.below);
        const name = nameOf(abis, node.at);
        return { label: e.jump(BPF_JGE, node.at, above, below, name ? { origin: { kind: 'dispatch' }, note: `nr >= ${name}` } : DISPATCH) };
      }
    }
  };
  return e.load(SECCOMP_DATA_NR, emitTree(tree).label, DISPATCH);
}

/** Segments for one ABI's region: rule-less gaps get default, unconditional rules their RET, the rest blocks. */
function addRegion(region: AbiRegion, table: AbiTable, segments: Segment[], blocks: Block[], ranges: RangeSource[], origins: OriginFactory,
  profile: SyscallProfile | undefined, hot: Hot[]): void {
  const dflt = retValue(table.defaultAction);
  const weights = weightsFor(region.abi, profile);
  for (const h of weights.hot) if (h.nr >= region.first && h.nr <= region.last) hot.push(h);
  const nrs = [...table.bySyscall.keys()].filter((n) => n >= region.first && n <= region.last).sort((a, b) => a - b);
  let cursor = region.first;
  const gap = (from: number, to: number) => {
    if (from > to) return;
    segments.push({ first: from, last: to, target: { kind: 'ret', value: dflt }, weight: weights.range(from, to, PERMITS(table.defaultAction)) });
    ranges.push({ abi: region.abi, first: from, last: to, origin: { kind: 'default' }, ret: dflt });
  };
  for (const nr of nrs) {
    gap(cursor, nr - 1);
    const rules = table.bySyscall.get(nr)!;
    const first = rules[0]!;
    if (first.condition.kind === 'true') {
      segments.push({ first: nr, last: nr, target: { kind: 'ret', value: retValue(first.action) }, weight: weights.single(nr, PERMITS(first.action)) });
      ranges.push({ abi: region.abi, first: nr, last: nr, origin: origins.rule(first.rule), ret: retValue(first.action) });
    } else {
      const id = blocks.length;
      blocks.push({ id, abi: region.abi, nr, rules, table });
      segments.push({ first: nr, last: nr, target: { kind: 'block', id }, weight: weights.block(nr) });
    }
    cursor = nr + 1;
  }
  gap(cursor, region.last);
}

const PERMITS = (a: ConcreteAction) => a.kind === 'allow' || a.kind === 'log';

const NOTIFY: ConcreteAction = { kind: 'notify', data: 0 };

/** The model with every action that does not let the call run replaced by `notify` (CompileOptions.notifyUnlessAllowed). */
function notifyUnlessAllowed(model: PolicyModel): PolicyModel {
  const ask = (a: ConcreteAction) => (PERMITS(a) ? a : NOTIFY);
  const tables = new Map([...model.tables].map(([abi, t]) => [abi, {
    ...t,
    defaultAction: ask(t.defaultAction),
    badarchAction: ask(t.badarchAction),
    bySyscall: new Map([...t.bySyscall].map(([nr, rules]) => [nr, rules.map((r) => ({ ...r, action: ask(r.action) }))])),
  }]));
  return { ...model, tables };
}

function nameOf(abis: readonly Abi[], nr: number): string | undefined {
  for (const abi of abis) {
    const s = syscallByNumber(abi, nr);
    if (s) return s.name;
  }
  return undefined;
}
