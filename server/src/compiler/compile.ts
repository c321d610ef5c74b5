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
import { ABIS, abiInfo, X32_SYSCALL_BIT, type Abi } from '../kernel/abi';
import { BPF_JEQ, BPF_JGE, BPF_MAXINSNS, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, type Instruction } from '../bpf/instructions';
import { syscallByNumber } from '../kernel/syscalls';
import type { AbiRule, AbiTable, ConcreteAction, PolicyModel, PolicyRule } from '../policy/semantics/model';
import { conditionToString } from '../policy/semantics/condition';
import { retValue } from './actions';
import { emitCondition } from './conditions';
import { buildTree, mergeSegments, type LeafTarget, type Segment, type Tree } from './dispatch';
import { Emitter, type Label } from './emitter';
import { removeUnreachable } from './optimize';
import type { InstructionSource, Origin, RangeSource, SourceMap } from './sourcemap';

export interface CompileOptions {
  /** Compile for these ABIs only (default: the policy's `arch`). */
  readonly abis?: readonly Abi[];
  /** Size against path trade-off for the dispatch tree (see dispatch.ts). */
  readonly sizeWeight?: number;
}

export interface CompiledProgram {
  readonly instructions: readonly Instruction[];
  readonly sourceMap: SourceMap;
  readonly abis: readonly Abi[];
}

export type CompileResult =
  | { readonly ok: true; readonly program: CompiledProgram }
  | { readonly ok: false; readonly reason: 'too-large'; readonly length: number; readonly program: CompiledProgram };

const DISPATCH: InstructionSource = { origin: { kind: 'dispatch' } };

export function compilePolicy(model: PolicyModel, options: CompileOptions = {}): CompileResult {
  const abis = (options.abis ?? model.abis).filter((a) => model.tables.has(a));
  const e = new Emitter();
  const ranges: RangeSource[] = [];
  const badarch = retValue(model.tables.get(abis[0] ?? model.abis[0]!)?.badarchAction ?? { kind: 'kill_process', data: 0 });
  const origins = new OriginFactory(model);

  // Group ABIs by audit arch, in `arch` order.
  const groups: { arch: number; abis: Abi[] }[] = [];
  for (const abi of abis) {
    const arch = abiInfo(abi).auditArch;
    const g = groups.find((x) => x.arch === arch);
    if (g) g.abis.push(abi);
    else groups.push({ arch, abis: [abi] });
  }

  const entries: Label[] = new Array(groups.length);
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const g = groups[gi]!;
    entries[gi] = emitGroup(e, model, g.arch, g.abis, badarch, origins, ranges, options.sizeWeight ?? 4);
  }
  // Arch dispatch: jeq per arch, falling through to badarch.
  let next = e.ret(badarch, { kind: 'badarch' });
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const name = groups[gi]!.abis.join('+');
    next = e.jump(BPF_JEQ, groups[gi]!.arch, entries[gi]!, next, { origin: { kind: 'dispatch' }, note: name });
  }
  e.load(SECCOMP_DATA_ARCH, next, DISPATCH);

  const finished = e.finish();
  const { instructions, sources } = removeUnreachable(finished.instructions, finished.sources);
  ranges.sort((a, b) => ABIS.findIndex((x) => x.name === a.abi) - ABIS.findIndex((x) => x.name === b.abi) || a.first - b.first);
  const program: CompiledProgram = { instructions, sourceMap: { instructions: sources, ranges }, abis };
  if (instructions.length > BPF_MAXINSNS) return { ok: false, reason: 'too-large', length: instructions.length, program };
  return { ok: true, program };
}

/** Makes (and caches) the origin of each rule, with its line and column. */
class OriginFactory {
  private readonly cache = new Map<PolicyRule, Origin>();
  constructor(private readonly model: PolicyModel) {}
  rule(rule: PolicyRule): Origin {
    let o = this.cache.get(rule);
    if (!o) {
      const pos = this.model.files.get(rule.file)?.lines.positionAt(rule.statement.start) ?? { line: 0, character: 0 };
      o = { kind: 'rule', rule: rule.index, file: rule.file, line: pos.line + 1, column: pos.character + 1 };
      this.cache.set(rule, o);
    }
    return o;
  }
}

interface Region { first: number; last: number; abi: Abi }

/** The number regions of one audit arch, each belonging to one ABI. */
function regionsOf(arch: number): Region[] {
  if (arch === abiInfo('x86_64').auditArch) {
    // Bit 0x40000000 marks x32 calls, whatever the other bits say (§7).
    return [
      { first: 0, last: X32_SYSCALL_BIT - 1, abi: 'x86_64' },
      { first: X32_SYSCALL_BIT, last: 0x7fffffff, abi: 'x32' },
      { first: 0x80000000, last: 0xbfffffff, abi: 'x86_64' },
      { first: 0xc0000000, last: 0xffffffff, abi: 'x32' },
    ];
  }
  return [{ first: 0, last: 0xffffffff, abi: ABIS.find((a) => a.auditArch === arch)!.name }];
}

function emitGroup(e: Emitter, model: PolicyModel, arch: number, abis: readonly Abi[], badarch: number,
  origins: OriginFactory, ranges: RangeSource[], sizeWeight: number): Label {
  const segments: Segment[] = [];
  const blocks: { id: number; abi: Abi; nr: number; rules: readonly AbiRule[]; table: AbiTable }[] = [];
  for (const region of regionsOf(arch)) {
    const table = abis.includes(region.abi) ? model.tables.get(region.abi) : undefined;
    if (!table) {
      segments.push({ first: region.first, last: region.last, target: { kind: 'ret', value: badarch }, weight: 0 });
      continue;
    }
    const dflt = retValue(table.defaultAction);
    const known = new Set<number>();
    for (let nr = 0; nr < 1024; nr++) if (syscallByNumber(region.abi, (region.first + nr) >>> 0)) known.add((region.first + nr) >>> 0);
    const nrs = [...table.bySyscall.keys()].filter((n) => n >= region.first && n <= region.last).sort((a, b) => a - b);
    let cursor = region.first;
    const gap = (from: number, to: number) => {
      if (from > to) return;
      let weight = 0;
      for (const n of known) if (n >= from && n <= to) weight += PERMITS(table.defaultAction) ? 1 : 0.25;
      segments.push({ first: from, last: to, target: { kind: 'ret', value: dflt }, weight });
      ranges.push({ abi: region.abi, first: from, last: to, origin: { kind: 'default', abi: region.abi } });
    };
    for (const nr of nrs) {
      gap(cursor, nr - 1);
      const rules = table.bySyscall.get(nr)!;
      const first = rules[0]!;
      if (first.condition.kind === 'true') {
        segments.push({ first: nr, last: nr, target: { kind: 'ret', value: retValue(first.action) }, weight: PERMITS(first.action) ? 1 : 0.25 });
        ranges.push({ abi: region.abi, first: nr, last: nr, origin: origins.rule(first.rule) });
      } else {
        const id = blocks.length;
        blocks.push({ id, abi: region.abi, nr, rules, table });
        ranges.push({ abi: region.abi, first: nr, last: nr, origin: { kind: 'default', abi: region.abi } });
        segments.push({ first: nr, last: nr, target: { kind: 'block', id }, weight: 1 });
      }
      cursor = nr + 1;
    }
    gap(cursor, region.last);
  }

  // Condition blocks: rules of one syscall in source order, then default.
  const blockLabels = new Map<number, Label>();
  for (let b = blocks.length - 1; b >= 0; b--) {
    const blk = blocks[b]!;
    // The fall-through to default shares the by-number RET: `ranges` says default for this number.
    let next = e.ret(retValue(blk.table.defaultAction), { kind: 'ranges' });
    for (let r = blk.rules.length - 1; r >= 0; r--) {
      const rule = blk.rules[r]!;
      const origin = origins.rule(rule.rule);
      const hit = e.ret(retValue(rule.action), origin);
      next = emitCondition(e, rule.condition, hit, next, { origin, note: `${rule.syscall}: ${conditionToString(rule.condition)}` });
    }
    blockLabels.set(blk.id, next);
  }

  const tree = buildTree(mergeSegments(segments), sizeWeight);
  const target = (t: LeafTarget): Label =>
    t.kind === 'block' ? blockLabels.get(t.id)! : e.ret(t.value, { kind: 'ranges' });
  const emitTree = (node: Tree): Label => {
    switch (node.kind) {
      case 'leaf': return target(node.target);
      case 'chain': {
        let next = target(node.otherwise);
        for (let k = node.tests.length - 1; k >= 0; k--) {
          const test = node.tests[k]!;
          next = e.jump(BPF_JEQ, test.nr, target(test.target), next, { origin: { kind: 'dispatch' }, note: nameOf(abis, test.nr) });
        }
        return next;
      }
      case 'split': {
        const above = emitTree(node.above);
        const below = emitTree(node.below);
        const name = nameOf(abis, node.at);
        return e.jump(BPF_JGE, node.at, above, below, name ? { origin: { kind: 'dispatch' }, note: `nr >= ${name}` } : DISPATCH);
      }
    }
  };
  return e.load(SECCOMP_DATA_NR, emitTree(tree), DISPATCH);
}

const PERMITS = (a: ConcreteAction) => a.kind === 'allow' || a.kind === 'log';

function nameOf(abis: readonly Abi[], nr: number): string | undefined {
  for (const abi of abis) {
    const s = syscallByNumber(abi, nr);
    if (s) return s.name;
  }
  return undefined;
}
