/**
 * A Docker/OCI profile → policy text that means what the runtime loads
 * (runtime.ts says which runtime choice is made where). Pure: the caller
 * passes the machine's facts (architecture, kernel version) in.
 *
 * The text is laid out for review: a header saying what was chosen, then one
 * block per profile entry in the profile's order (its `comment` first),
 * built-in groups where a whole group is in the entry, one syscall per line
 * otherwise, sorted by name, so that a diff against a later version of the
 * profile shows the syscalls that changed.
 */
import { abiInfo, type Abi } from '../kernel/abi';
import { errnoName } from '../kernel/constants';
import { allGroups, expandGroup } from '../kernel/groups';
import { argInRegister, findArg, getSyscall, syscallNumber, allSyscalls } from '../kernel/syscalls';
import type { SyscallInfo } from '../kernel/types';
import { maxOf, simplify, type Cond, type CompareOp } from '../policy/semantics/condition';
import type { ConcreteAction } from '../policy/semantics/model';
import { contradict, type Literal } from './overlap';
import type { OciArg, OciProfile, OciSyscall } from './profile';
import {
  DOCKER_DEFAULT_CAPS, GOARCH, I386_MULTIPLEXED, LIBSECCOMP_BADARCH, SCMP_ARCH_ABI, kernelAtLeast, runtimeAction, sameAction,
} from './runtime';

export interface ImportOptions {
  /** The machine's architecture: picks the `archMap` entry and `includes.arches`. */
  readonly arch: Abi;
  /** The container's capabilities (`includes.caps`/`excludes.caps`). */
  readonly caps: readonly string[];
  /** The running kernel as `major.minor` (`minKernel`). */
  readonly kernel: string;
  /** Reproduce runc's ENOSYS for syscalls newer than the profile. */
  readonly runcEnosys?: boolean;
  /** Named in the header comment. */
  readonly source?: string;
}

export type ImportResult =
  | { readonly ok: true; readonly text: string; readonly abis: readonly Abi[] }
  | { readonly ok: false; readonly error: string };

class ImportError extends Error {}

const ENOSYS = 38;

/** The largest groups hide too much for a readable diff; they are never used. */
const MAX_GROUP_SIZE = 100;

const OP: Record<OciArg['op'], CompareOp> = {
  SCMP_CMP_NE: '!=', SCMP_CMP_LT: '<', SCMP_CMP_LE: '<=', SCMP_CMP_EQ: '==', SCMP_CMP_GE: '>=', SCMP_CMP_GT: '>', SCMP_CMP_MASKED_EQ: '==',
};

/** One comparison as our language will say it (the same on every ABI of the policy). */
type Meaning = { readonly kind: 'true' } | { readonly kind: 'false' } | (Literal & { readonly kind: 'cmp'; readonly plainMask: boolean });

/** A rule as runc adds it to libseccomp, and as this policy says it. */
interface Rule {
  readonly syscall: string;
  readonly action: ConcreteAction;
  /** The profile entry it comes from. */
  readonly entry: number;
  /** Added by libseccomp's i386 multiplexing. */
  readonly multiplexed?: string;
  /** `&&`: one libseccomp chain; `||`: one chain per comparison (runc's OR). */
  readonly join: '&&' | '||';
  /** libseccomp's chains, its comparisons as it holds them (`[[]]`: unconditional). */
  readonly chains: readonly (readonly Lit[])[];
  /** Each chain as the policy says it: its comparisons (empty: always), or 'never'. */
  readonly said: readonly (readonly Lit[] | 'never')[];
}

/** A rule as the policy writes it. */
interface Written {
  readonly syscall: string;
  readonly action: ConcreteAction;
  readonly entry: number;
  readonly multiplexed?: string;
  /** Undefined: unconditional. */
  readonly cond?: { readonly join: '&&' | '||'; readonly lits: readonly Lit[] };
}

export function importProfile(profile: OciProfile, options: ImportOptions): ImportResult {
  try {
    return { ok: true, ...new Importer(profile, options).run() };
  } catch (e) {
    if (e instanceof ImportError) return { ok: false, error: e.message };
    throw e;
  }
}

class Importer {
  private readonly abis: Abi[] = [];
  private readonly notes: string[] = [];
  private readonly unsupportedArches: string[] = [];
  private readonly widthNotes = new Set<string>();
  private readonly def: ConcreteAction;

  constructor(private readonly profile: OciProfile, private readonly o: ImportOptions) {
    this.def = runtimeAction(profile.defaultAction, profile.defaultErrnoRet);
  }

  run(): { text: string; abis: readonly Abi[] } {
    this.chooseAbis();
    const entries = this.profile.syscalls.map((e, i) => ({ e, i })).filter(({ e }) => this.applies(e));
    const rules: Rule[] = [];
    const unknown = new Set<string>();
    const elsewhere = new Set<string>();
    const never: string[] = [];
    for (const { e, i } of entries) {
      const action = runtimeAction(e.action, e.errnoRet);
      if (action.kind === 'errno' && action.data > 4095) throw new ImportError(`${e.path}.errnoRet: ${action.data} is more than the kernel's largest errno (4095)`);
      if (sameAction(action, this.def)) continue; // runc skips it
      for (const name of e.names) {
        const sys = getSyscall(name);
        if (!sys) { unknown.add(name); continue; }
        const on = this.abis.filter((a) => sys.numbers[a] !== undefined);
        const cond = this.condition(e.args, e.path, sys, on);
        if (on.length) {
          rules.push({ syscall: name, action, entry: i, ...cond });
          if (cond.said.every((x) => x === 'never')) never.push(`${name} (${e.path})`);
        } else if (!I386_MULTIPLEXED[name]) elsewhere.add(name);
        const mux = I386_MULTIPLEXED[name];
        if (mux && this.abis.includes('i386')) {
          if (on.length === 0) elsewhere.delete(name);
          rules.push(...this.multiplexed(name, mux, action, i, e));
        }
      }
    }
    const kept = this.resolve(rules);
    const lines: string[] = [];
    this.header(lines, unknown, elsewhere, never);
    for (const { e, i } of entries) this.block(lines, e, kept.filter((r) => r.entry === i));
    if (this.o.runcEnosys) this.enosys(lines, entries.map(({ e }) => e));
    return { text: lines.join('\n').replace(/\n{3,}/g, '\n\n') + '\n', abis: this.abis };
  }

  /** The native arch, the profile's `architectures` or its `archMap` entry for the native arch. */
  private chooseAbis(): void {
    const names: string[] = [];
    if (this.profile.architectures.length) names.push(...this.profile.architectures);
    else {
      const m = this.profile.archMap.find((x) => SCMP_ARCH_ABI[x.architecture] === this.o.arch);
      if (m) names.push(m.architecture, ...m.subArchitectures);
    }
    this.abis.push(this.o.arch); // libseccomp's native arch is always in the filter
    for (const n of names) {
      const abi = SCMP_ARCH_ABI[n];
      if (!abi) this.unsupportedArches.push(n);
      else if (!this.abis.includes(abi)) this.abis.push(abi);
    }
  }

  /** moby's `includes`/`excludes`, tested against the native arch, the capabilities and the kernel. */
  private applies(e: OciSyscall): boolean {
    const arch = GOARCH[this.o.arch];
    const { includes: inc, excludes: exc } = e;
    if (exc.arches?.includes(arch)) return false;
    if (exc.caps?.some((c) => this.o.caps.includes(c))) return false;
    if (exc.minKernel && kernelAtLeast(this.o.kernel, exc.minKernel)) return false;
    if (inc.arches && !inc.arches.includes(arch)) return false;
    if (inc.caps && !inc.caps.every((c) => this.o.caps.includes(c))) return false;
    if (inc.minKernel && !kernelAtLeast(this.o.kernel, inc.minKernel)) return false;
    return true;
  }

  /**
   * An entry's `args` for one syscall, as runc adds them: ANDed in one
   * chain, or one chain per comparison when an index repeats (runc's OR).
   */
  private condition(args: readonly OciArg[], path: string, sys: SyscallInfo, on: readonly Abi[], prefix: readonly { raw: Lit; said: Meaning }[] = []): Pick<Rule, 'join' | 'chains' | 'said'> {
    const items = args.map((a, k) => ({ raw: rawLit(a), said: this.meaning(a, sys, on, `${path}.args[${k}]`) }));
    const repeated = new Set(args.map((a) => a.index)).size !== args.length;
    const groups = repeated ? items.map((x) => [...prefix, x]) : [[...prefix, ...items]];
    return {
      join: repeated ? '||' : '&&',
      chains: groups.map((g) => g.map((x) => x.raw)),
      said: groups.map((g) => (g.some((x) => x.said.kind === 'false') ? 'never' : g.map((x) => x.said).filter(isLit))),
    };
  }

  /**
   * One comparison as libseccomp reads it on each ABI, said once for all:
   * libseccomp compares 64 bits on a 64-bit ABI, the low word on i386, arm
   * and x32 (it truncates the datum); our language compares a 32-bit
   * parameter on its low word, as the kernel reads it. On a 64-bit ABI the
   * two agree for every register whose upper half is zero, which is the
   * meaning given here; a comparison that differs between ABIs is an error.
   */
  private meaning(a: OciArg, sys: SyscallInfo, on: readonly Abi[], path: string): Meaning {
    let first: Meaning | undefined;
    for (const abi of on) {
      const m = this.meaningOn(a, sys, abi);
      if (!first) first = m;
      else if (!sameMeaning(first, m)) {
        throw new ImportError(`${path}: libseccomp reads this comparison on ${sys.name} differently on ${on[0]} and ${abi}, and one rule cannot say both; import with --arch for one architecture at a time, or split the profile`);
      }
    }
    return first ?? { kind: 'true' };
  }

  private meaningOn(a: OciArg, sys: SyscallInfo, abi: Abi): Meaning {
    const ref = findArg(sys, `arg${a.index}`, abi)!;
    const width = ref.arg.width[abi];
    const truncates = abiInfo(abi).registerBits === 32 || abi === 'x32';
    const masked = a.op === 'SCMP_CMP_MASKED_EQ';
    let mask = masked ? a.value : maxOf(64);
    let value = masked ? a.valueTwo : a.value;
    // libseccomp compares word by word and leaves out a word whose mask is zero,
    // with whatever the value has there
    if (masked && (mask >> 32n) === 0n) value = BigInt.asUintN(32, value);
    if (masked && BigInt.asUintN(32, mask) === 0n) value &= ~maxOf(32);
    if (truncates) {
      mask = BigInt.asUintN(32, mask);
      value = BigInt.asUintN(32, value);
      if (abi === 'x32' && width === 64) this.widthNotes.add('x32');
    } else if (width === 32) {
      this.widthNotes.add('upper');
      // libseccomp compares all 64 bits: on a register whose upper half is zero
      // (how the kernel reads a 32-bit parameter), `x OP value` with a value
      // beyond 32 bits is decided, and the mask's upper half is irrelevant.
      const big = value > maxOf(32);
      mask = BigInt.asUintN(32, mask);
      if (big) {
        if (masked) return { kind: 'false' };
        switch (OP[a.op]) {
          case '==': case '>': case '>=': return { kind: 'false' };
          default: return { kind: 'true' };
        }
      }
    }
    const w: 32 | 64 = truncates ? 32 : width;
    const cond: Cond = simplify({ kind: 'cmp', arg: a.index, width: w, mask: mask & maxOf(w), op: OP[a.op], value: value & maxOf(64) });
    if (cond.kind === 'true' || cond.kind === 'false') return cond;
    if (cond.kind !== 'cmp') throw new Error('simplify returned a compound condition');
    const plainMask = cond.mask === maxOf(cond.width);
    return { kind: 'cmp', reg: a.index, op: cond.op, value: cond.value, mask: plainMask ? maxOf(64) : cond.mask, plainMask };
  }

  /**
   * libseccomp's extra rules on i386's socketcall/ipc for a direct socket or
   * IPC call: the operation number in argument 0 instead of any condition on
   * argument 0, one rule for each rule runc adds (each ORed comparison).
   */
  private multiplexed(name: string, mux: { via: 'socketcall' | 'ipc'; call: number }, action: ConcreteAction, entry: number, e: OciSyscall): Rule[] {
    const via = getSyscall(mux.via)!;
    const call: Lit = { kind: 'cmp', reg: 0, op: '==', value: BigInt(mux.call), mask: maxOf(64), plainMask: true };
    const repeated = new Set(e.args.map((a) => a.index)).size !== e.args.length;
    const parts = repeated ? e.args.map((a) => [a]) : [e.args];
    return parts.map((args) => ({
      syscall: mux.via, action, entry, multiplexed: name,
      ...this.condition(args.filter((a) => a.index !== 0), e.path, via, ['i386'], [{ raw: call, said: call }]),
      join: '&&' as const,
    }));
  }

  /**
   * libseccomp's choice among the rules for one syscall, as it adds them one
   * by one (each condition list is a chain in its tree, an OR-split entry
   * several chains): an unconditional rule wins over every conditional one;
   * a chain that contains another one is decided by the shorter one; a
   * chain added with another action than an existing longer chain it starts
   * (or an equal one) is refused (EEXIST), and so runc refuses the profile.
   * Returns each kept rule with the chains left of it.
   */
  private resolve(rules: readonly Rule[]): Written[] {
    interface Chain { readonly rule: Rule; readonly index: number; readonly lits: readonly Lit[] }
    const bySyscall = new Map<string, Chain[]>();
    for (const r of rules) {
      let kept = bySyscall.get(r.syscall);
      if (!kept) bySyscall.set(r.syscall, (kept = []));
      r.chains.forEach((c, index) => {
        if (kept!.some((k) => k.lits.length === 0)) return; // an unconditional rule is there: it wins
        if (c.length === 0) { kept!.splice(0, kept!.length, { rule: r, index, lits: c }); return; }
        if (kept!.some((k) => subset(k.lits, c) && !this.refused(k, r, c, k.lits.length === c.length))) return; // a shorter chain decides
        for (let i = kept!.length - 1; i >= 0; i--) {
          const k = kept![i]!;
          if (!subset(c, k.lits)) continue;
          if (!sameAction(k.rule.action, r.action) && startsWith(k.lits, c)) this.refused(k, r, c, false, true);
          kept!.splice(i, 1); // the new, shorter chain decides
        }
        kept!.push({ rule: r, index, lits: c });
      });
    }
    const keptOf = new Map<Rule, number[]>();
    for (const [name, chains] of bySyscall) {
      for (const c of chains) keptOf.set(c.rule, [...(keptOf.get(c.rule) ?? []), c.index]);
      const clash = chains.flatMap((a, i) => chains.slice(0, i).filter((b) => !treeSafe(a.lits, b.lits)).map((b) => [b, a] as const))[0];
      if (clash) {
        const [b, a] = clash;
        this.notes.push(`${name}: libseccomp's rule tree may not decide ${this.profile.syscalls[b.rule.entry]!.path} and ${this.profile.syscalls[a.rule.entry]!.path} as written ` +
          '(its tree does not go back to a second rule once a first comparison of another rule matched); this policy tries the rules in order');
      }
    }
    const out: Written[] = [];
    for (const r of rules) {
      const said = (keptOf.get(r) ?? []).map((i) => r.said[i]!).filter((x): x is readonly Lit[] => x !== 'never');
      if (said.length === 0) continue;
      const base = { syscall: r.syscall, action: r.action, entry: r.entry, ...(r.multiplexed ? { multiplexed: r.multiplexed } : {}) };
      if (said.some((x) => x.length === 0)) out.push(base);
      else if (r.join === '&&') out.push({ ...base, cond: { join: '&&', lits: said[0]! } });
      else out.push({ ...base, cond: { join: '||', lits: said.map((x) => x[0]!) } });
    }
    return out;
  }

  /** Throws when libseccomp refuses a chain; false when the two just agree (same action). */
  private refused(k: { rule: Rule }, r: Rule, c: readonly Lit[], equal: boolean, force = false): boolean {
    if (sameAction(k.rule.action, r.action) || (!equal && !force)) return false;
    const via = r.multiplexed ? ` (as libseccomp adds ${r.multiplexed} to i386's ${r.syscall})` : '';
    throw new ImportError(`runc cannot load this profile here: libseccomp refuses ${this.profile.syscalls[r.entry]!.path} for ${r.syscall}${via} ` +
      `with "File exists", because ${this.profile.syscalls[k.rule.entry]!.path} has ${c.length ? 'the same comparisons first' : 'no condition'} with another action`);
  }

  private header(lines: string[], unknown: Set<string>, elsewhere: Set<string>, never: string[]): void {
    const p = this.profile;
    lines.push(`# Imported from ${this.o.source ?? 'a Docker/OCI seccomp profile'} by seccomp-policy import.`);
    const dockers = this.o.caps.length === DOCKER_DEFAULT_CAPS.length && DOCKER_DEFAULT_CAPS.every((c) => this.o.caps.includes(c));
    const caps = dockers ? 'Docker\'s default capabilities' : this.o.caps.length ? this.o.caps.join(', ') : 'no capabilities';
    lines.push(`# As a runtime loads it on ${this.o.arch}, Linux ${this.o.kernel}, with ${caps}.`);
    if (this.unsupportedArches.length) lines.push(`# Not ABIs this language knows, so their calls get badarch here: ${this.unsupportedArches.join(', ')}.`);
    if (unknown.size) lines.push(`# Not syscalls this project knows (runtimes skip names libseccomp does not know): ${[...unknown].sort().join(', ')}.`);
    if (elsewhere.size) lines.push(`# Not on ${this.abis.join(', ')}: ${[...elsewhere].sort().join(', ')}.`);
    if (never.length) lines.push(`# Entries that can never match (a value beyond a 32-bit argument): ${never.join(', ')}.`);
    if (this.widthNotes.has('upper')) {
      lines.push('# Widths: libseccomp compares a 32-bit parameter on all 64 bits of the register, the kernel');
      lines.push('# and this policy on its low 32 bits; they agree unless a program leaves garbage in the upper half.');
    }
    if (this.widthNotes.has('x32')) {
      lines.push('# x32: libseccomp compares 64-bit parameters on their low word only; this policy on all 64 bits.');
    }
    for (const n of this.notes) lines.push(`# Note: ${n}.`);
    lines.push(`arch ${this.abis.join(', ')}`);
    const dflt = p.defaultErrnoRet !== undefined && p.defaultAction !== 'SCMP_ACT_ERRNO' && p.defaultAction !== 'SCMP_ACT_TRACE'
      ? '  # defaultErrnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE only' : '';
    lines.push(`default ${actionText(this.def)}${dflt}`);
    lines.push(`badarch ${actionText(LIBSECCOMP_BADARCH)}  # libseccomp's action for an ABI the filter does not list`);
  }

  private block(lines: string[], e: OciSyscall, rules: readonly Written[]): void {
    if (rules.length === 0) return;
    lines.push('');
    if (e.comment) for (const c of e.comment.split('\n')) lines.push(`# ${c}`.trimEnd());
    const action = actionText(rules[0]!.action);
    const plain = rules.filter((r) => !r.cond && !r.multiplexed).map((r) => r.syscall);
    const covered = new Set<string>();
    const groups: string[] = [];
    const names = new Set(plain);
    const candidates = allGroups().map((g) => ({ name: g.name, members: expandGroup(g.name) }))
      .filter((g) => g.members.length >= 2 && g.members.length <= MAX_GROUP_SIZE)
      .sort((a, b) => b.members.length - a.members.length || (a.name < b.name ? -1 : 1));
    for (const g of candidates) {
      if (g.members.every((m) => names.has(m) && !covered.has(m))) {
        groups.push(g.name);
        for (const m of g.members) covered.add(m);
      }
    }
    for (const g of groups.sort()) lines.push(`${action} ${g}`);
    const rest = rules.filter((r) => r.cond || r.multiplexed || !covered.has(r.syscall));
    const sorted = [...rest].sort((a, b) => (a.syscall === b.syscall ? 0 : a.syscall < b.syscall ? -1 : 1));
    for (const r of sorted) {
      const sys = getSyscall(r.syscall)!;
      const on = this.abis.filter((a) => sys.numbers[a] !== undefined);
      const cond = r.cond ? ` if ${r.cond.lits.map((l) => litText(l, sys, on)).join(` ${r.cond.join} `)}` : '';
      const why = r.multiplexed ? `  # libseccomp adds this for ${r.multiplexed} on i386` : '';
      lines.push(`${action} ${r.syscall}${cond}${why}`);
    }
  }

  /** runc's ENOSYS stub, as rules: every syscall newer than the newest the profile names, per ABI. */
  private enosys(lines: string[], entries: readonly OciSyscall[]): void {
    if (['allow', 'log', 'trace'].includes(this.def.kind) || (this.def.kind === 'errno' && this.def.data === ENOSYS)) {
      lines.push('', '# runc adds no ENOSYS stub to a profile whose default allows or already answers ENOSYS.');
      return;
    }
    const newest = new Map<Abi, number>();
    for (const abi of this.abis) {
      let max = -1;
      for (const e of entries) for (const n of e.names) {
        const nr = syscallNumber(abi, n);
        if (nr !== undefined && nr > max) max = nr;
      }
      if (max >= 0) newest.set(abi, max);
    }
    const names: string[] = [];
    const mixed: string[] = [];
    for (const s of allSyscalls()) {
      const on = [...newest.keys()].filter((a) => s.numbers[a] !== undefined);
      if (on.length === 0) continue;
      const newer = on.filter((a) => s.numbers[a]! > newest.get(a)!);
      if (newer.length === on.length) names.push(s.name);
      else if (newer.length) mixed.push(s.name);
    }
    lines.push('');
    lines.push(`# runc: a syscall numbered above the newest the profile names (${[...newest].map(([a, n]) => `${a} ${a === 'x32' ? `0x${n.toString(16)}` : n}`).join(', ')}) gets ENOSYS,`);
    lines.push('# so programs fall back to older calls. Numbers this project does not know keep the default here.');
    if (mixed.length) lines.push(`# Newer on some ABIs only, left to the default: ${mixed.join(', ')}.`);
    for (const n of names.sort()) lines.push(`errno(ENOSYS) ${n}`);
  }
}

type Lit = Extract<Meaning, { kind: 'cmp' }>;

/** A comparison as libseccomp holds it: the register and the 64-bit data. */
function rawLit(a: OciArg): Lit {
  const masked = a.op === 'SCMP_CMP_MASKED_EQ';
  return { kind: 'cmp', reg: a.index, op: OP[a.op], mask: masked ? a.value : maxOf(64), value: masked ? a.valueTwo : a.value, plainMask: !masked };
}

const isLit = (m: Meaning): m is Lit => m.kind === 'cmp';

const sameLit = (a: Lit, b: Lit) => a.reg === b.reg && a.op === b.op && a.value === b.value && a.mask === b.mask;

/** Every comparison of `a` is in `b`. */
function subset(a: readonly Lit[], b: readonly Lit[]): boolean {
  return a.every((x) => b.some((y) => sameLit(x, y)));
}

/** libseccomp's order of a chain's comparisons: by argument, then by `enum scmp_compare`. */
function rank(l: Lit): number {
  const op = l.mask !== maxOf(64) ? 7 : ({ '!=': 1, '<': 2, '<=': 3, '==': 4, '>=': 5, '>': 6 } as const)[l.op];
  return l.reg * 8 + op;
}

/** `short` (a subset of `long`) is where libseccomp's chain for `long` starts. */
function startsWith(long: readonly Lit[], short: readonly Lit[]): boolean {
  const extra = long.filter((x) => !short.some((y) => sameLit(x, y)));
  return extra.every((x) => short.every((y) => rank(x) >= rank(y)));
}

/**
 * Whether libseccomp's tree decides two chains of one syscall as the rules
 * say. Its tree orders each chain's comparisons (by argument, then operator)
 * and, at each level, follows the first comparison that holds without coming
 * back: two chains are safe when one starts the other, or where they first
 * differ they compare the same argument with == or != in ways that cannot
 * both hold.
 */
function treeSafe(a: readonly Lit[], b: readonly Lit[]): boolean {
  const order = (x: readonly Lit[]) => [...x].sort((p, q) => rank(p) - rank(q));
  const [x, y] = [order(a), order(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (sameLit(x[i]!, y[i]!)) continue;
    // libseccomp 2.5.4 splits a 64-bit range comparison into word nodes and can merge two of
    // them wrongly (two rules `a0 <= 2 && …` and `a0 >= 9 && …` match a call neither matches)
    const range = (l: Lit) => l.op !== '==' && l.op !== '!=';
    return x[i]!.reg === y[i]!.reg && contradict(x[i]!, y[i]!) && !range(x[i]!) && !range(y[i]!);
  }
  return true;
}

function sameMeaning(a: Meaning, b: Meaning): boolean {
  if (a.kind !== 'cmp' || b.kind !== 'cmp') return a.kind === b.kind;
  return a.op === b.op && a.value === b.value && a.plainMask === b.plainMask && (a.plainMask || a.mask === b.mask);
}

export function actionText(a: ConcreteAction): string {
  switch (a.kind) {
    case 'errno': return `errno(${errnoName('x86_64', a.data) ?? a.data})`;
    case 'trace': return `trace(${a.data})`;
    case 'trap': return a.data ? `trap(${a.data})` : 'trap';
    default: return a.kind;
  }
}

/** The argument's name when it is the same parameter in the same register on every ABI, else `argN`. */
function argName(sys: SyscallInfo, reg: number, on: readonly Abi[]): string {
  const idx = on.map((abi) => argInRegister(sys, reg, abi));
  const i = idx[0];
  if (i === undefined || idx.some((x) => x !== i)) return `arg${reg}`;
  const name = sys.args[i]!.name;
  if (/^arg\d$/.test(name)) return `arg${reg}`;
  const ok = on.every((abi) => {
    const ref = findArg(sys, name, abi);
    return ref?.place.kind === 'reg' && ref.place.reg === reg;
  });
  return ok ? name : `arg${reg}`;
}

function num(v: bigint): string {
  return v < 0x10000n ? v.toString() : `0x${v.toString(16)}`;
}

function litText(l: Meaning, sys: SyscallInfo, on: readonly Abi[]): string {
  if (l.kind !== 'cmp') return l.kind;
  const lhs = argName(sys, l.reg, on);
  return l.plainMask ? `${lhs} ${l.op} ${num(l.value)}` : `${lhs} & 0x${l.mask.toString(16)} ${l.op} ${num(l.value)}`;
}
