/**
 * A checked policy → a Docker/OCI profile with the same meaning when runc
 * loads it through libseccomp (runtime.ts). Works on the semantic model, per
 * ABI and syscall, so groups, includes, defines and per-ABI constants are
 * already resolved.
 *
 * Where the two models differ:
 *  - Order. A policy is first-match-wins; a profile has no order (for one
 *    syscall, libseccomp lets an unconditional rule win, and otherwise several
 *    matching rules with different actions are undefined). So a rule may
 *    follow one with another action only when no call can match both
 *    (overlap.ts); a rule with the default action is then left out (runc
 *    skips those anyway).
 *  - Conditions. An entry's `args` are ANDed, with one comparison per
 *    argument (runc ORs comparisons on the same argument), and the operators
 *    have no negated mask. `||` becomes several entries; `!` is pushed onto
 *    the comparisons; the rest is an error that names the rule.
 *  - Widths. libseccomp compares 64 bits on a 64-bit ABI; a 32-bit parameter
 *    compared with `==` (or a mask within 32 bits) is said exactly with
 *    SCMP_CMP_MASKED_EQ and mask 0xffffffff; other operators compare the whole
 *    register, which agrees whenever its upper half is zero (a warning).
 *  - One profile for every ABI: an entry must mean the same on each.
 */
import { abiInfo, type Abi } from '../kernel/abi';
import { syscallByNumber } from '../kernel/syscalls';
import { maxOf, simplify, type Compare, type CompareOp, type Cond } from '../policy/semantics/condition';
import type { AbiRule, ConcreteAction, PolicyModel, PolicyRule } from '../policy/semantics/model';
import { disjoint, type Literal } from './overlap';
import type { OciAction, OciArg, OciOp } from './profile';
import { I386_MULTIPLEXED, LIBSECCOMP_BADARCH, ociAction, sameAction, scmpArchOf } from './runtime';

export type ExportResult =
  | { readonly ok: true; readonly json: string; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

interface OutEntry {
  names: string[];
  action: OciAction;
  errnoRet?: number;
  args: OciArg[];
}

class ExportError extends Error {}

const MAX_DNF = 64;

export function exportProfile(model: PolicyModel): ExportResult {
  try {
    return new Exporter(model).run();
  } catch (e) {
    if (e instanceof ExportError) return { ok: false, error: e.message };
    throw e;
  }
}

/** One entry's meaning on one ABI: action and the comparisons, ANDed. */
interface Conj {
  readonly rule: PolicyRule;
  readonly action: ConcreteAction;
  readonly lits: readonly Literal[];
  /** The literals are alternatives on one argument (an entry repeating the index: runc's OR). */
  readonly or?: boolean;
}

class Exporter {
  private readonly warnings = new Set<string>();

  constructor(private readonly model: PolicyModel) {}

  private where(rule: PolicyRule): string {
    const line = this.model.files.get(rule.file)!.lines.positionAt(rule.statement.start).line + 1;
    return `${rule.file}:${line}`;
  }

  run(): ExportResult {
    const m = this.model;
    const first = m.tables.get(m.abis[0]!)!;
    const def = first.defaultAction;
    const defOci = ociAction(def);
    if ('error' in defOci) throw new ExportError(`default ${defOci.error}`);
    if (def.kind === 'notify') throw new ExportError('default notify: runc refuses SCMP_ACT_NOTIFY as the default action');
    const bad = first.badarchAction;
    if (!sameAction(bad, LIBSECCOMP_BADARCH)) {
      if (bad.kind === 'kill_process') this.warnings.add('badarch kill_process: a profile cannot say what a foreign ABI gets; runtimes load it with libseccomp\'s kill_thread');
      else throw new ExportError(`badarch ${bad.kind}: a profile cannot say what a foreign ABI gets (runtimes load it with libseccomp's kill_thread)`);
    }
    // name → ABI → the entries (as conjunctions) that ABI needs, in order
    const perName = new Map<string, Map<Abi, Conj[]>>();
    const firstRule = new Map<string, number>();
    for (const abi of m.abis) {
      const table = m.tables.get(abi)!;
      for (const [nr, rules] of table.bySyscall) {
        const name = syscallByNumber(abi, nr)?.name;
        if (!name) throw new ExportError(`${this.where(rules[0]!.rule)}: syscall(${nr}) has no name on ${abi}, and a profile names syscalls`);
        const conjs = this.entriesFor(name, abi, rules, def);
        let byAbi = perName.get(name);
        if (!byAbi) perName.set(name, (byAbi = new Map()));
        byAbi.set(abi, conjs);
        firstRule.set(name, Math.min(firstRule.get(name) ?? Infinity, rules[0]!.rule.index));
      }
    }
    if (m.abis.includes('i386')) this.leaveMultiplexedToLibseccomp(perName);
    const entries: { key: string; entry: OutEntry; order: number }[] = [];
    const byKey = new Map<string, OutEntry>();
    const names = [...perName.keys()].sort((a, b) => firstRule.get(a)! - firstRule.get(b)! || (a < b ? -1 : 1));
    for (const name of names) {
      for (const e of this.merge(name, perName.get(name)!)) {
        const key = JSON.stringify([e.action, e.errnoRet ?? null, e.args.map((a) => [a.index, a.op, a.value.toString(), a.valueTwo.toString()])]);
        const have = byKey.get(key);
        if (have) have.names.push(name);
        else {
          const entry = { ...e, names: [name] };
          byKey.set(key, entry);
          entries.push({ key, entry, order: entries.length });
        }
      }
    }
    const profile = {
      defaultAction: defOci.action,
      ...(defOci.errnoRet !== undefined ? { defaultErrnoRet: defOci.errnoRet } : {}),
      architectures: m.abis.map(scmpArchOf),
      syscalls: entries.map(({ entry }) => ({
        names: entry.names,
        action: entry.action,
        ...(entry.errnoRet !== undefined ? { errnoRet: entry.errnoRet } : {}),
        ...(entry.args.length ? { args: entry.args } : {}),
      })),
    };
    return { ok: true, json: toJson(profile), warnings: [...this.warnings] };
  }

  /**
   * On i386, libseccomp adds each socket or IPC rule to `socketcall`/`ipc`
   * itself (runtime.ts): the policy's own rules for those are left out where
   * they are exactly what libseccomp adds, and a direct rule whose added
   * rule the policy does not have is a warning (libseccomp allows more).
   */
  private leaveMultiplexedToLibseccomp(perName: Map<string, Map<Abi, Conj[]>>): void {
    for (const [name, byAbi] of perName) {
      const mux = I386_MULTIPLEXED[name];
      const direct = byAbi.get('i386');
      if (!mux || !direct) continue;
      const via = perName.get(mux.via)?.get('i386') ?? [];
      for (const c of direct) {
        const lits: Literal[] = [{ reg: 0, mask: maxOf(32), op: '==', value: BigInt(mux.call) }, ...c.lits.filter((l) => l.reg !== 0)];
        const i = via.findIndex((v) => sameAction(v.action, c.action) && v.lits.length === lits.length && v.lits.every((x) => lits.some((y) => sameLiteral(x, y))));
        if (i >= 0) via.splice(i, 1);
        else this.warnings.add(`${this.where(c.rule)}: on i386, libseccomp also adds this rule to ${mux.via} (call ${mux.call}, without a condition on argument 0)`);
      }
    }
    for (const via of ['socketcall', 'ipc']) if (perName.get(via)?.get('i386')?.length === 0) perName.delete(via);
  }

  /** One syscall on one ABI: its rules, first-match, as order-free conjunctions. */
  private entriesFor(name: string, abi: Abi, rules: readonly AbiRule[], def: ConcreteAction): Conj[] {
    const seen: { rule: AbiRule; dnf: Literal[][] }[] = [];
    const out: Conj[] = [];
    for (const r of rules) {
      const dnf = this.dnfOf(r, abi);
      if (dnf.length === 0) continue; // never matches
      for (const s of seen) {
        if (!sameAction(s.rule.action, r.action) && !disjoint(s.dnf, dnf)) {
          throw new ExportError(`${this.where(r.rule)}: ${name} may also match the rule at ${this.where(s.rule.rule)}, which has another action; a profile has no rule order, so only rules that cannot match the same call can have different actions`);
        }
      }
      seen.push({ rule: r, dnf });
      const unconditional = dnf.some((c) => c.length === 0);
      if (!sameAction(r.action, def)) {
        if (unconditional) {
          // libseccomp lets it win over the syscall's conditional rules; those all have this action (checked above)
          for (let i = out.length - 1; i >= 0; i--) if (out[i]!.lits.length) out.splice(i, 1);
          out.push({ rule: r.rule, action: r.action, lits: [] });
        } else if (dnf.length > 1 && dnf.every((c) => c.length === 1 && c[0]!.hi === undefined && c[0]!.reg === dnf[0]![0]!.reg)) {
          // alternatives on one argument: one entry with the index repeated, which runc reads as OR
          out.push({ rule: r.rule, action: r.action, lits: dnf.map((c) => c[0]!), or: true });
        } else {
          for (const c of dnf) out.push({ rule: r.rule, action: r.action, lits: c });
        }
      }
      if (unconditional) break; // later rules are never reached
    }
    return out;
  }

  /** A rule's condition on one ABI as an OR of ANDs of comparisons. */
  private dnfOf(r: AbiRule, abi: Abi): Literal[][] {
    const too = () => new ExportError(`${this.where(r.rule)}: the condition has too many alternatives for a profile (more than ${MAX_DNF} entries)`);
    const walk = (c: Cond, neg: boolean): Literal[][] => {
      switch (c.kind) {
        case 'true': return neg ? [] : [[]];
        case 'false': return neg ? [[]] : [];
        case 'not': return walk(c.item, !neg);
        case 'cmp': return [[this.literal(c, neg, r)]];
        case 'and':
        case 'or': {
          if ((c.kind === 'and') !== neg) {
            let acc: Literal[][] = [[]];
            for (const item of c.items) {
              const d = walk(item, neg);
              const next: Literal[][] = [];
              for (const x of acc) for (const y of d) next.push([...x, ...y]);
              if (next.length > MAX_DNF) throw too();
              acc = next;
            }
            return acc;
          }
          const out = c.items.flatMap((item) => walk(item, neg));
          if (out.length > MAX_DNF) throw too();
          return out;
        }
      }
    };
    void abi;
    return walk(simplify(r.condition), false);
  }

  private literal(c: Compare, neg: boolean, r: AbiRule): Literal & { width: 32 | 64 } {
    const flip: Record<CompareOp, CompareOp> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
    let op = neg ? flip[c.op] : c.op;
    let value = c.value;
    const full = c.mask === maxOf(c.width);
    if (!full && op === '!=') {
      // `x & bit != v` is `x & bit == bit ^ v` for a one-bit mask
      if ((c.mask & (c.mask - 1n)) === 0n && (value === 0n || value === c.mask)) {
        op = '==';
        value ^= c.mask;
      } else {
        throw new ExportError(`${this.where(r.rule)}: \`${c.op === '!=' ? '' : '!'}(… & 0x${c.mask.toString(16)} ${c.op} …)\`: a profile can compare a masked argument only with ==`);
      }
    }
    if (!full && op !== '==') throw new ExportError(`${this.where(r.rule)}: a masked argument compared with ${op}: a profile can compare a masked argument only with ==`);
    return { reg: c.arg, ...(c.hi !== undefined ? { hi: c.hi } : {}), mask: c.mask, op, value, width: c.width };
  }

  /** The OCI entries of one syscall, the same on every ABI that has it. */
  private merge(name: string, byAbi: Map<Abi, Conj[]>): Omit<OutEntry, 'names'>[] {
    const abis = [...byAbi.keys()];
    const lists = abis.map((a) => byAbi.get(a)!);
    const n = lists[0]!.length;
    const differ = (rule: PolicyRule | undefined) =>
      new ExportError(`${rule ? this.where(rule) : name}: ${name} needs different entries on ${abis.join(' and ')} (registers, widths or constants differ), and a profile's entries apply to every ABI`);
    if (lists.some((l) => l.length !== n)) throw differ(lists[0]![0]?.rule);
    const out: Omit<OutEntry, 'names'>[] = [];
    for (let i = 0; i < n; i++) {
      const conjs = lists.map((l) => l[i]!);
      const c0 = conjs[0]!;
      if (conjs.some((c) => !sameAction(c.action, c0.action) || c.lits.length !== c0.lits.length || !c.or !== !c0.or)) throw differ(c0.rule);
      const oci = ociAction(c0.action);
      if ('error' in oci) throw new ExportError(`${this.where(c0.rule)}: ${oci.error}`);
      const args: OciArg[] = [];
      for (let k = 0; k < c0.lits.length; k++) {
        const arg = this.argFor(abis.map((a, j) => ({ abi: a, lit: conjs[j]!.lits[k]! as Literal & { width: 32 | 64 } })), c0.rule);
        if (!arg) throw differ(c0.rule);
        args.push(...arg);
      }
      const regs = args.map((a) => a.index);
      if (!c0.or && new Set(regs).size !== regs.length) {
        throw new ExportError(`${this.where(c0.rule)}: two comparisons of one argument in one entry; runc reads them as OR, not AND`);
      }
      out.push({ action: oci.action, ...(oci.errnoRet !== undefined ? { errnoRet: oci.errnoRet } : {}), args });
    }
    return out;
  }

  /**
   * The profile's comparison(s) for one literal seen on every ABI: the first
   * form that libseccomp reads the same as the literal on all of them
   * (exactly, or on registers with a zero upper half, which is a warning).
   */
  private argFor(seen: readonly { abi: Abi; lit: Literal & { width: 32 | 64 } }[], rule: PolicyRule): OciArg[] | undefined {
    const l0 = seen[0]!.lit;
    if (seen.some(({ lit }) => lit.reg !== l0.reg || lit.hi !== l0.hi || lit.op !== l0.op || lit.value !== l0.value ||
      (lit.mask !== l0.mask && !(lit.mask === maxOf(lit.width) && l0.mask === maxOf(l0.width))))) return undefined;
    const ops: Record<CompareOp, OciOp> = { '==': 'SCMP_CMP_EQ', '!=': 'SCMP_CMP_NE', '<': 'SCMP_CMP_LT', '<=': 'SCMP_CMP_LE', '>': 'SCMP_CMP_GT', '>=': 'SCMP_CMP_GE' };
    if (l0.hi !== undefined) {
      // a 64-bit value over two 32-bit registers: only == splits into two ANDed comparisons
      if (l0.op !== '==' || seen.some(({ abi }) => abiInfo(abi).registerBits !== 32)) return undefined;
      const lo = (x: bigint) => BigInt.asUintN(32, x);
      const hi = (x: bigint) => x >> 32n;
      const full = l0.mask === maxOf(64);
      return [
        full ? { index: l0.reg, op: 'SCMP_CMP_EQ', value: lo(l0.value), valueTwo: 0n } : { index: l0.reg, op: 'SCMP_CMP_MASKED_EQ', value: lo(l0.mask), valueTwo: lo(l0.value) },
        full ? { index: l0.hi, op: 'SCMP_CMP_EQ', value: hi(l0.value), valueTwo: 0n } : { index: l0.hi, op: 'SCMP_CMP_MASKED_EQ', value: hi(l0.mask), valueTwo: hi(l0.value) },
      ];
    }
    // how libseccomp reads the register on each ABI: all 64 bits, or the low word (i386, arm, x32)
    const narrow = seen.map(({ abi, lit }) => ({ lit, lsc: abiInfo(abi).registerBits === 32 || abi === 'x32' ? 32 : 64, abi }));
    const lowWordParam = narrow.some(({ lit, lsc }) => lit.width === 32 && lsc === 64);
    const fullMask = (lit: Literal & { width: 32 | 64 }) => lit.mask === maxOf(lit.width);
    if (l0.op === '==') {
      if (!fullMask(l0)) return [{ index: l0.reg, op: 'SCMP_CMP_MASKED_EQ', value: l0.mask, valueTwo: l0.value }];
      // a 32-bit parameter on a 64-bit ABI: compare the low word only, as the kernel reads it
      if (lowWordParam && narrow.every(({ lit, lsc }) => lit.width === 32 || lsc === 32)) {
        return [{ index: l0.reg, op: 'SCMP_CMP_MASKED_EQ', value: maxOf(32), valueTwo: l0.value }];
      }
    }
    if (lowWordParam) {
      this.warnings.add(`${this.where(rule)}: \`${ops[l0.op].slice(9).toLowerCase()}\` on a 32-bit argument: libseccomp compares all 64 bits of the register; the same unless a program leaves garbage in its upper half`);
    }
    if (narrow.some(({ lit, lsc }) => lsc === 32 && lit.width === 64)) {
      if (l0.value > maxOf(32)) return undefined;
      this.warnings.add(`${this.where(rule)}: on x32, libseccomp compares 64-bit arguments on their low word only`);
    }
    return [{ index: l0.reg, op: ops[l0.op], value: l0.value, valueTwo: 0n }];
  }
}

function sameLiteral(a: Literal, b: Literal): boolean {
  return a.reg === b.reg && a.hi === b.hi && a.mask === b.mask && a.op === b.op && a.value === b.value;
}

/** The profile as JSON, 64-bit values as plain numbers (JSON.stringify cannot write a bigint). */
function toJson(profile: unknown): string {
  const marked = JSON.stringify(profile, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v.toString()}\u0000` : v), 2);
  return marked.replace(/"\\u0000(\d+)\\u0000"/g, '$1') + '\n';
}
