/**
 * Builds the PolicyModel from a root file: splices includes, collects
 * settings, defines and groups, then resolves every rule for every ABI.
 */
import { ABIS, allAbiNames, lookupAbi, type Abi } from '../../kernel/abi';
import { findArg, getSyscall, isGenericArg, isPointerKind, syscallNames } from '../../kernel/syscalls';
import { getConstant } from '../../kernel/constants';
import { allGroups, getGroup } from '../../kernel/groups';
import type { ArgPlace, SyscallInfo } from '../../kernel/types';
import { SEMANTIC_CODES, type SemanticCode } from '../codes';
import type { RelatedLocation } from '../diagnostics';
import type { Action, Expression, ListItem, SyscallList, TextRange } from '../syntax/ast';
import { parsePolicy } from '../syntax/parser';
import { LineIndex } from '../text';
import { simplify, TRUE, type Cond } from './condition';
import { ExpressionResolver, type Scope } from './expressions';
import {
  DiagnosticSink, type AbiRule, type AbiTable, type ActionKind, type ConcreteAction, type DefineSymbol,
  type GroupSymbol, type Occurrence, type PlacedStatement, type PolicyHost, type PolicyModel, type PolicyRule,
  type SourceFile, type SourceLocation,
} from './model';
import { IncludeConfinement } from './confine';
import { dirname, resolvePath } from './paths';
import { cutName } from '../wording';
import { suggest, SuggestionCache } from './suggest';

/** A bit per occurrence kind, for the per-offset marks of `recorded` (an object, not a list searched per use). */
const OCCURRENCE_BIT: Readonly<Record<Occurrence['kind'], number>> = { syscall: 1, group: 2, define: 4, constant: 8, argument: 16, abi: 32, errno: 64, include: 128 };

/** Deeper include chains are an error (§3). */
export const MAX_INCLUDE_DEPTH = 16;
/**
 * Includes splice at most this many statements, and this much text, in
 * all: 17 five-line files each including the next four times would splice
 * 4^16 copies. Far above any real policy (a 10,000-line one checks in
 * about 0.1 s), low enough that hitting it costs well under a second.
 */
export const MAX_SPLICED_STATEMENTS = 100_000;
export const MAX_SPLICED_TEXT = 16 * 1024 * 1024;

/** One include on the way from the root file: the file that includes, and its include's path. */
interface IncludeStep {
  readonly file: string;
  readonly range: TextRange;
}

export interface RootSource {
  readonly path: string;
  readonly text: string;
}

export function buildPolicyModel(root: RootSource, host: PolicyHost): PolicyModel {
  const steps = buildPolicyModelInSteps(root, host);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `buildPolicyModel` cut in steps (parse and splice includes; symbols and
 * rules; each ABI's table), for the language server, which handles other
 * messages between them. Nothing outside the builder sees the model before
 * the last step.
 */
export function buildPolicyModelInSteps(root: RootSource, host: PolicyHost): Generator<void, PolicyModel> {
  return new ModelBuilder(root, host).build();
}

class ModelBuilder {
  private readonly sink = new DiagnosticSink();
  private readonly files = new Map<string, SourceFile>();
  private readonly placed: PlacedStatement[] = [];
  private readonly occurrences: Occurrence[] = [];
  /** Per file, per offset: a bit per occurrence kind, so each name use is recorded once whatever the ABI count. */
  private readonly occurrenceBits = new Map<string, Uint8Array>();
  private readonly defines = new Map<string, import('./model').DefineSymbol>();
  private readonly groups = new Map<string, GroupSymbol>();
  private readonly groupExpansion = new Map<string, readonly string[] | 'busy'>();
  private abis: Abi[] = ['x86_64'];
  private readonly suggestions = new SuggestionCache();

  constructor(private readonly root: RootSource, private readonly host: PolicyHost) {
    this.confinement = new IncludeConfinement(host, root.path);
  }

  *build(): Generator<void, PolicyModel> {
    const parsed = parsePolicy(this.root.text);
    const rootFile: SourceFile = { path: this.root.path, text: this.root.text, ast: parsed.file, lines: new LineIndex(this.root.text) };
    this.files.set(this.root.path, rootFile);
    for (const d of parsed.diagnostics) this.sink.add({ ...d, file: this.root.path });
    this.load(rootFile, 0);
    yield;
    const settings = this.collectSettings();
    this.collectSymbols();
    const resolver = new ExpressionResolver({
      sink: this.sink,
      defines: this.defines,
      abis: this.abis,
      occur: (o) => this.occur(o),
      recorded: (kind, file, start) => this.recorded(kind, file, start),
    });
    resolver.checkDefines(this.duplicateDefines);
    const rules = this.collectRules();
    this.numberTargets(rules);
    // Groups no rule uses are expanded too, so their names resolve (and are checked) like every other list.
    for (const g of this.groups.values()) this.expandGroup(g.file, g.name, g.nameRange);
    const tables = new Map<Abi, AbiTable>();
    for (const abi of this.abis) {
      yield;
      tables.set(abi, this.buildTable(abi, rules, settings, resolver));
    }
    return {
      root: this.root.path,
      files: this.files,
      statements: this.placed,
      abis: this.abis,
      defaultStatement: settings.defaultStmt,
      badarchStatement: settings.badarchStmt,
      rules,
      defines: this.defines,
      groups: this.groups,
      tables,
      occurrences: this.occurrences,
      defineValues: resolver.defineValueTable(),
      groupMembers: new Map([...this.groups.keys()].map((name) => {
        const members = this.groupExpansion.get(name);
        return [name, Array.isArray(members) ? members : []] as const;
      })),
      diagnostics: this.sink.list,
    };
  }

  private report(code: SemanticCode, file: string, range: TextRange, message: string,
    extra?: { related?: RelatedLocation[]; suggestions?: string[]; tags?: ('unnecessary' | 'deprecated')[] }): void {
    this.sink.report(code, SEMANTIC_CODES[code].severity, file, range, message, extra);
  }

  private occur(o: Occurrence): void {
    if (this.mark(o.kind, o.file, o.range.start)) this.occurrences.push(o);
  }

  /** Whether a use of kind `kind` at `start` of `file` is recorded already: callers ask before building the record, which most uses repeat (once per ABI and syscall). */
  private recorded(kind: Occurrence['kind'], file: string, start: number): boolean {
    const bits = this.bitsOf(file);
    return (bits[Math.min(start, bits.length - 1)]! & OCCURRENCE_BIT[kind]) !== 0;
  }

  /** The marks of `file`; the last file asked for is kept, since uses come file by file. */
  private bitsOf(file: string): Uint8Array {
    if (file === this.lastBits?.file) return this.lastBits.bits;
    let bits = this.occurrenceBits.get(file);
    if (!bits) this.occurrenceBits.set(file, (bits = new Uint8Array((this.files.get(file)?.text.length ?? 0) + 1)));
    this.lastBits = { file, bits };
    return bits;
  }
  private lastBits: { readonly file: string; readonly bits: Uint8Array } | undefined;

  /** Sets the bit of a use; false when it was set already. */
  private mark(kind: Occurrence['kind'], file: string, start: number): boolean {
    const bits = this.bitsOf(file);
    const bit = OCCURRENCE_BIT[kind];
    const at = Math.min(start, bits.length - 1);
    if (bits[at]! & bit) return false;
    bits[at] = bits[at]! | bit;
    return true;
  }

  // ---- files and includes ------------------------------------------------

  /** What has been spliced so far through includes (the root's own statements aside), against the limits. */
  private spliced = { statements: 0, text: 0 };
  /** Set once the includes exceed a limit: nothing more is spliced. */
  private overBudget = false;
  /** Included files that could not be read, with the reason, so each is asked for once. */
  private readonly unreadable = new Map<string, string>();
  /** Included files refused as not policies, so each is read once. */
  private readonly notPolicy = new Map<string, number>();
  private readonly confinement: IncludeConfinement;

  private load(file: SourceFile, depth: number): void {
    for (const statement of file.ast.statements) {
      // Past the limit, included files stop; the root's own statements are all kept.
      if (this.overBudget && depth > 0) return;
      this.placed.push({ file: file.path, statement, depth });
      if (statement.kind === 'IncludeStatement' && statement.path) this.include(file.path, statement.path.value, statement.path, depth);
    }
  }

  /** The includes being spliced, from the root's down to the current one (pushed and popped, never copied: a file may be spliced 100,000 times). */
  private readonly stack: IncludeStep[] = [];
  /** Include targets by including file and written path. */
  private readonly targets = new Map<string, string>();

  private include(from: string, rel: string, at: TextRange, depth: number): void {
    if (this.overBudget) return;
    if (rel.includes('\0')) {
      this.report('include-not-found', from, at, 'cannot include this path: it contains a NUL character');
      return;
    }
    const key = `${from}\0${rel}`;
    let target = this.targets.get(key);
    if (target === undefined) this.targets.set(key, (target = resolvePath(dirname(from), rel)));
    this.occur({ kind: 'include', target, file: from, range: at });
    if (target === this.root.path || target === from || this.stack.some((s) => s.file === target)) {
      const chain = [...this.stack, { file: from, range: at }];
      this.report('include-cycle', from, at, `\`${rel}\` includes itself through ${chain.map((c) => c.file).concat(target).map((f) => cutName(f)).join(' → ')}`, {
        related: chain.slice(0, -1).map((c) => ({ file: c.file, range: c.range, message: 'included here' })),
      });
      return;
    }
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      this.report('include-depth', from, at, `includes are nested more than ${MAX_INCLUDE_DEPTH} deep`);
      return;
    }
    const file = this.files.get(target) ?? this.read(from, rel, target, at);
    if (!file) return;
    if (this.spliced.statements + file.ast.statements.length > MAX_SPLICED_STATEMENTS || this.spliced.text + file.text.length > MAX_SPLICED_TEXT) {
      this.tooLarge([...this.stack, { file: from, range: at }], target);
      return;
    }
    this.spliced.statements += file.ast.statements.length;
    this.spliced.text += file.text.length;
    const mark = this.placed.length;
    this.stack.push({ file: from, range: at });
    this.load(file, depth + 1);
    this.stack.pop();
    // The include from the root that went over the limit splices nothing: the rest of the check stays small.
    if (this.overBudget && depth === 0) this.placed.length = mark;
  }

  /** Reads and parses a file not yet seen; undefined (reported) when it cannot be included. */
  private read(from: string, rel: string, target: string, at: TextRange): SourceFile | undefined {
    const refusedAt = this.notPolicy.get(target);
    if (refusedAt !== undefined) {
      this.notPolicyFile(from, rel, at, refusedAt);
      return undefined;
    }
    if (!this.confinement.allows(target)) {
      this.report('include-outside', from, at,
        `cannot include \`${rel}\`: it is outside the policy's folder tree and the workspace folders; allow its folder with the \`seccompPolicy.includeDirectories\` setting or \`--include-dir\``);
      return undefined;
    }
    // A file that could not be read is not asked for again: an include spliced many times reads it once.
    const read = this.unreadable.has(target) ? { error: this.unreadable.get(target)! } : this.host.readFile(target);
    if ('error' in read) {
      this.unreadable.set(target, read.error);
      this.report('include-not-found', from, at, `cannot include \`${rel}\`: ${read.error}`);
      return undefined;
    }
    const parsed = parsePolicy(read.text);
    const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
    // Judged by the name of what is read: `x.seccomp` linking to /etc/shadow is not a policy.
    if (firstError && !this.confinement.realName(target).endsWith('.seccomp')) {
      // It may be any file (a key, /etc/shadow): say where, never what.
      const line = new LineIndex(read.text).positionAt(firstError.range.start).line + 1;
      this.notPolicy.set(target, line);
      this.notPolicyFile(from, rel, at, line);
      return undefined;
    }
    const file: SourceFile = { path: target, text: read.text, ast: parsed.file, lines: new LineIndex(read.text) };
    this.files.set(target, file);
    for (const d of parsed.diagnostics) this.sink.add({ ...d, file: target });
    return file;
  }

  private notPolicyFile(from: string, rel: string, at: TextRange, line: number): void {
    this.report('include-not-policy', from, at,
      `\`${rel}\` is not a policy file: line ${line} is not a valid statement, and its name does not end in \`.seccomp\`; its content is not quoted`);
  }

  /** One error, at the include in the root file, naming the chain of files where the limit was crossed. */
  private tooLarge(chain: readonly IncludeStep[], target: string): void {
    this.overBudget = true;
    const names = chain.map((c) => c.file).concat(target).map((f) => `\`${cutName(f)}\``);
    const first = chain[0]!;
    this.report('include-too-large', first.file, first.range,
      `the includes splice more than ${MAX_SPLICED_STATEMENTS.toLocaleString('en-US')} statements or ${MAX_SPLICED_TEXT / (1024 * 1024)} MiB of text in all; the limit was reached through ${names.join(' → ')}: a file that includes others several times multiplies them; nothing more was included`, {
        related: chain.slice(1).map((c) => ({ file: c.file, range: c.range, message: 'included from here' })),
      });
  }

  // ---- settings: arch, default, badarch -----------------------------------

  private collectSettings(): { defaultStmt?: PlacedStatement; badarchStmt?: PlacedStatement } {
    let archStmt: PlacedStatement | undefined;
    let defaultStmt: PlacedStatement | undefined;
    let badarchStmt: PlacedStatement | undefined;
    for (const p of this.placed) {
      const s = p.statement;
      if (s.kind !== 'ArchStatement' && s.kind !== 'DefaultStatement' && s.kind !== 'BadarchStatement') continue;
      const word = s.kind === 'ArchStatement' ? 'arch' : s.kind === 'DefaultStatement' ? 'default' : 'badarch';
      if (p.file !== this.root.path) {
        this.report('root-only-statement', p.file, s.keyword, `\`${word}\` is only allowed in the root policy file; it is ignored in an included file`);
        continue;
      }
      const first = s.kind === 'ArchStatement' ? archStmt : s.kind === 'DefaultStatement' ? defaultStmt : badarchStmt;
      if (first) {
        this.report('duplicate-setting', p.file, s.keyword, `\`${word}\` is already set`, {
          related: [{ file: first.file, range: first.statement, message: `first \`${word}\` here` }],
        });
        continue;
      }
      if (s.kind === 'ArchStatement') archStmt = p;
      else if (s.kind === 'DefaultStatement') defaultStmt = p;
      else badarchStmt = p;
    }
    if (archStmt && archStmt.statement.kind === 'ArchStatement') {
      const abis: Abi[] = [];
      for (const id of archStmt.statement.abis) {
        const info = lookupAbi(id.name);
        if (!info) {
          this.report('unknown-abi', archStmt.file, id, `unknown ABI \`${id.name}\`; known: ${ABIS.map((a) => a.name).join(', ')}`, {
            suggestions: suggest(id.name, allAbiNames()),
          });
          continue;
        }
        this.occur({ kind: 'abi', name: info.name, file: archStmt.file, range: id });
        if (!abis.includes(info.name)) abis.push(info.name);
      }
      if (abis.length > 0) this.abis = abis;
    }
    if (!defaultStmt) {
      const rootFile = this.files.get(this.root.path)!;
      this.report('missing-default', this.root.path, { start: 0, end: Math.min(rootFile.text.indexOf('\n') >>> 0, rootFile.text.length) },
        'the policy has no `default` action; add e.g. `default kill_process` or `default errno(EPERM)`');
    }
    return { defaultStmt, badarchStmt };
  }

  // ---- defines and groups ---------------------------------------------------

  private collectSymbols(): void {
    for (const p of this.placed) {
      const s = p.statement;
      if (s.kind === 'DefineStatement' && s.name) {
        const name = s.name.name;
        const existing = this.defines.get(name);
        if (existing) {
          // Same text twice (e.g. a file included twice) is harmless; a different value is checked later.
          if (existing.file === p.file && existing.nameRange.start === s.name.start) continue;
          this.duplicateDefines.push({ first: existing, again: { name, file: p.file, nameRange: s.name, value: s.value } });
          continue;
        }
        if (getConstant(name)) {
          this.report('shadowed-constant', p.file, s.name, `\`${name}\` hides the built-in constant of the same name`);
        }
        const sym: DefineSymbol = { name, file: p.file, nameRange: s.name, value: s.value };
        this.defines.set(name, sym);
        this.occur({ kind: 'define', name, file: p.file, range: s.name, definition: { file: p.file, range: s.name } });
      } else if (s.kind === 'GroupStatement' && s.name) {
        const name = s.name.name;
        const existing = this.groups.get(name);
        if (existing) {
          if (existing.file === p.file && existing.nameRange.start === s.name.start) continue;
          this.report('group-conflict', p.file, s.name, `group \`@${name}\` is already defined`, {
            related: [{ file: existing.file, range: existing.nameRange, message: 'first definition' }],
          });
          continue;
        }
        if (getGroup(`@${name}`)) {
          this.report('shadowed-constant', p.file, s.name, `\`@${name}\` hides the built-in group of the same name`);
        }
        this.groups.set(name, { name, file: p.file, nameRange: s.name, list: s.list });
        this.occur({ kind: 'group', name, file: p.file, range: s.name, definition: { file: p.file, range: s.name } });
      }
    }
  }

  readonly duplicateDefines: { first: DefineSymbol; again: DefineSymbol }[] = [];

  // ---- syscall lists ----------------------------------------------------------

  /** Expands a list to syscall names and raw numbers, reporting unknown names. */
  private expandList(file: string, list: SyscallList): { names: string[]; raw: number[] } {
    const names: string[] = [];
    const raw: number[] = [];
    for (const item of list.items) this.expandItem(file, item, names, raw);
    if (list.except) {
      const removedNames: string[] = [];
      const removedRaw: number[] = [];
      for (const item of list.except) this.expandItem(file, item, removedNames, removedRaw);
      const dropNames = new Set(removedNames);
      const dropRaw = new Set(removedRaw);
      const kept = raw.filter((n) => !dropRaw.has(n));
      return { names: names.filter((n) => !dropNames.has(n)), raw: kept.length ? kept : NO_NUMBERS };
    }
    // Most lists have no raw number: one shared empty array instead of one kept per rule.
    return { names, raw: raw.length ? raw : NO_NUMBERS };
  }

  /** Adds what one list item stands for to `names` and `raw`, reporting what is wrong with it. */
  private expandItem(file: string, item: ListItem, names: string[], raw: number[]): void {
    if (item.kind === 'Identifier') {
      if (this.checkSyscallName(file, item.name, item)) names.push(item.name);
    } else if (item.kind === 'GroupName') {
      for (const m of this.expandGroup(file, item.name, item)) names.push(m);
    } else if (item.number) {
      const n = item.number.value;
      if (n > 0x7fffffffn) {
        this.report('invalid-syscall-number', file, item.number, `syscall number ${cutName(item.number.text)} is out of range (0..0x7fffffff)`);
      } else raw.push(Number(n));
    }
  }

  /** Per syscall name: its record and on how many of the policy's ABIs it exists (the ABIs are known before any list is expanded). */
  private readonly syscallPresence = new Map<string, Presence>();

  private presenceOf(name: string): Presence {
    let known = this.syscallPresence.get(name);
    if (!known) {
      const info = getSyscall(name);
      const numbers = new Int32Array(this.abis.length).fill(-1);
      let present = 0;
      if (info) {
        for (let i = 0; i < this.abis.length; i++) {
          const nr = info.numbers[this.abis[i]!];
          if (nr !== undefined) { numbers[i] = nr; present++; }
        }
      }
      this.syscallPresence.set(name, (known = { info, present, numbers }));
    }
    return known;
  }

  private checkSyscallName(file: string, name: string, at: TextRange): boolean {
    const { info, present } = this.presenceOf(name);
    if (!info) {
      const suggestions = this.suggestions.get('syscall', name, syscallNames);
      this.report('unknown-syscall', file, at, `unknown syscall \`${name}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : ''}`, { suggestions });
      return false;
    }
    if (!this.recorded('syscall', file, at.start)) this.occur({ kind: 'syscall', name, file, range: at });
    if (present === 0) {
      const where = Object.keys(info.numbers).join(', ');
      this.report('unknown-syscall', file, at, `\`${name}\` does not exist on ${this.abis.join(', ')} (only on ${where})`, {
        suggestions: replacementFor(name, this.abis),
      });
      return false;
    }
    if (present < this.abis.length) {
      const missing = this.abis.filter((a) => info.numbers[a] === undefined);
      this.report('syscall-missing-on-abi', file, at, `\`${name}\` does not exist on ${missing.join(', ')}; the rule is skipped there`);
    }
    if (info.obsolete) {
      this.report('obsolete-syscall', file, at, `\`${name}\` is obsolete: only old binaries call it`, { tags: ['deprecated'] });
    }
    return true;
  }

  /** Flattens a user or built-in group; user groups win over built-ins of the same name. */
  private expandGroup(file: string, name: string, at: TextRange): readonly string[] {
    const user = this.groups.get(name);
    const builtin = user ? undefined : getGroup(`@${name}`);
    if (!user && !builtin) {
      const suggestions = this.suggestions.get('group', name, () => [...this.groups.keys(), ...allGroups().map((g) => g.name.slice(1))]).map((s) => `@${s}`);
      this.report('unknown-group', file, at, `unknown group \`@${name}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : ''}`, { suggestions });
      return [];
    }
    if (!this.recorded('group', file, at.start)) {
      this.occur(user ? { kind: 'group', name, file, range: at, definition: this.groupDefinition(user) } : { kind: 'group', name, file, range: at });
    }
    const cached = this.groupExpansion.get(name);
    if (cached === 'busy') {
      this.report('group-cycle', file, at, `group \`@${name}\` contains itself`);
      return [];
    }
    if (cached) return cached;
    if (user) {
      this.expandUserGroups(name);
      return this.groupExpansion.get(name) as readonly string[];
    }
    this.groupExpansion.set(name, 'busy');
    // Built-in groups nest a few levels at most: plain recursion is enough.
    const members: string[] = [];
    for (const m of builtin!.members) {
      if (m.startsWith('@')) members.push(...this.expandGroup(file, m.slice(1), at));
      else if (getSyscall(m)) members.push(m);
    }
    const unique = [...new Set(members)];
    this.groupExpansion.set(name, unique);
    return unique;
  }

  /** Pushes the user groups `items` names that are not expanded yet (`expandUserGroups`' stack). */
  private pushNamedGroups(stack: { name: string; expanded: boolean }[], items: readonly ListItem[] | undefined): void {
    if (!items) return;
    for (const item of items) {
      if (item.kind === 'GroupName' && this.groups.has(item.name) && !this.groupExpansion.has(item.name)) stack.push({ name: item.name, expanded: false });
    }
  }

  private readonly groupDefinitions = new Map<GroupSymbol, SourceLocation>();
  /** Where `group` is defined: one object shared by every use's occurrence. */
  private groupDefinition(group: GroupSymbol): SourceLocation {
    let at = this.groupDefinitions.get(group);
    if (!at) this.groupDefinitions.set(group, (at = { file: group.file, range: group.nameRange }));
    return at;
  }

  /**
   * Expands user group `name` and, first, the user groups it names, depth
   * first with an explicit stack: a chain of thousands of groups (`@g0 =
   * @g1`, …) must not overflow the call stack. Each group is expanded after
   * those it names, so `expandList` finds them done; a group still on the
   * stack when named again is a cycle, which `expandGroup` reports as before.
   */
  private expandUserGroups(name: string): void {
    const stack: { name: string; expanded: boolean }[] = [{ name, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const group = this.groups.get(top.name)!;
      if (!top.expanded) {
        if (this.groupExpansion.has(top.name)) {
          stack.pop();
          continue;
        }
        top.expanded = true;
        this.groupExpansion.set(top.name, 'busy');
        this.pushNamedGroups(stack, group.list?.items);
        this.pushNamedGroups(stack, group.list?.except);
        continue;
      }
      stack.pop();
      const members = group.list ? this.expandList(group.file, group.list).names : [];
      this.groupExpansion.set(top.name, exactCopy(distinct(members)));
    }
  }

  // ---- rules --------------------------------------------------------------------

  private collectRules(): PolicyRule[] {
    const rules: PolicyRule[] = [];
    for (const p of this.placed) {
      const s = p.statement;
      if (s.kind !== 'RuleStatement') continue;
      const { names, raw } = s.list ? this.expandList(p.file, s.list) : { names: [], raw: NO_NUMBERS };
      const syscalls = exactCopy(distinct(names));
      // What the per-ABI tables read of each rule, taken while its statement is at hand (see `ruleTargets`).
      this.ruleTargets.push(this.presencesOf(syscalls));
      this.conditions.push(s.condition);
      this.fixedActions.push(s.action.argument ? undefined : operandFreeAction(s.action) ?? null);
      rules.push({ index: rules.length, file: p.file, statement: s, syscalls, rawNumbers: exactCopy(distinct(raw)) });
    }
    return rules;
  }

  /**
   * Per target of every rule (a rule's syscalls in order, then its raw
   * numbers; rule `i`'s first target is at `targetStart[i]`): the entry made
   * on the first ABI that has the target, or null when its condition
   * reported something there (then every ABI resolves its own); and, in
   * `firstEntryAbi`, that ABI's place in `abis` plus one. Flat arrays: a
   * record per target would be one more object for each of thousands.
   */
  private firstEntry: (AbiRule | null | undefined)[] = [];
  private firstEntryAbi = new Uint8Array(0);
  private targetStart = new Int32Array(1);
  /** Per rule with a condition (by index), the distinct identifiers it names. */
  private readonly conditionNames: (readonly string[])[] = [];
  /**
   * Per rule (by index), what each ABI's table reads of it: its syscalls'
   * records and numbers, its condition, and its action when that has no
   * operand (the same on every ABI; null: none; undefined: resolved per
   * ABI). Kept in arrays by rule, not read from the statements, which lie
   * all over the heap: the tables' loop would wait on memory more than it
   * computes.
   */
  private readonly ruleTargets: (readonly Presence[])[] = [];
  private readonly conditions: (Expression | undefined)[] = [];
  /** The conditions of the rule at hand by argument layout (see `entry`). */
  private readonly byLayout = new Map<string, Cond>();
  /** The rule at hand's conditions that resolved cleanly, by the coarser layout that decides such a resolution (see `entry`). */
  private readonly cleanByLayout = new Map<string, Cond>();
  private readonly fixedActions: (ConcreteAction | null | undefined)[] = [];

  /** The presence records of `names` (each known: lists keep only known syscalls), without a closure per rule. */
  private presencesOf(names: readonly string[]): Presence[] {
    const out = new Array<Presence>(names.length);
    for (let i = 0; i < names.length; i++) out[i] = this.presenceOf(names[i]!);
    return out;
  }

  /** Sizes the per-target arrays once the rules are known. */
  private numberTargets(rules: readonly PolicyRule[]): void {
    const start = new Int32Array(rules.length + 1);
    for (let i = 0; i < rules.length; i++) start[i + 1] = start[i]! + rules[i]!.syscalls.length + rules[i]!.rawNumbers.length;
    const count = start[rules.length]!;
    this.targetStart = start;
    this.firstEntry = new Array<AbiRule | null | undefined>(count).fill(undefined);
    this.firstEntryAbi = new Uint8Array(count);
  }

  private buildTable(abi: Abi, rules: readonly PolicyRule[], settings: { defaultStmt?: PlacedStatement; badarchStmt?: PlacedStatement },
    resolver: ExpressionResolver): AbiTable {
    const actionOf = (p: PlacedStatement | undefined, fallback: ConcreteAction): ConcreteAction => {
      const s = p?.statement;
      if (!s || (s.kind !== 'DefaultStatement' && s.kind !== 'BadarchStatement') || !s.action) return fallback;
      return resolveAction(s.action, p!.file, abi, resolver) ?? fallback;
    };
    const kill: ConcreteAction = { kind: 'kill_process', data: 0 };
    const bySyscall = new Map<number, AbiRule[]>();
    const abiMark = this.abis.indexOf(abi) + 1;
    const at = abiMark - 1;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      const fixed = this.fixedActions[r];
      const action = fixed !== undefined ? fixed : this.ruleAction(rule, abi, abiMark, resolver);
      if (!action) continue;
      const targets = this.ruleTargets[r]!;
      const expr = this.conditions[r];
      const raw = rule.rawNumbers;
      let count = raw.length;
      if (expr) for (const target of targets) if (target.numbers[at]! >= 0) count++;
      // Syscalls of a rule whose named arguments sit at the same places with the
      // same widths and kinds get the same condition: resolve it once for them.
      // One map for every rule, emptied per rule: most rules share from the first ABI and never use it.
      const resolved = expr && count > 1 ? this.byLayout : undefined;
      if (resolved) {
        resolved.clear();
        this.cleanByLayout.clear();
      }
      const first = this.targetStart[r]!;
      for (let t = 0; t < targets.length + raw.length; t++) {
        const target = t < targets.length ? targets[t] : undefined;
        const nr = target ? target.numbers[at]! : raw[t - targets.length]!;
        if (nr < 0) continue;
        addEntry(bySyscall, nr, this.entry(rule, expr, first + t, target?.info, nr, abi, abiMark, action, resolved, resolver));
      }
    }
    return {
      abi,
      defaultAction: actionOf(settings.defaultStmt, kill),
      badarchAction: actionOf(settings.badarchStmt, kill),
      bySyscall,
    };
  }

  /**
   * The entry of `rule` for one target (syscall `info`, or raw number `nr`)
   * on `abi`: the first ABI's entry itself when the action is the same and
   * the condition means the same there (every name the same argument,
   * define or constant value) and resolved cleanly; else a new entry whose
   * condition is shared from that ABI, or from a syscall of the rule with
   * the same argument layout on this ABI (`resolved`, keyed by layout;
   * absent when the rule has one target here), or resolved.
   */
  private entry(rule: PolicyRule, expr: Expression | undefined, slot: number, info: SyscallInfo | undefined, nr: number, abi: Abi, abiMark: number,
    action: ConcreteAction, resolved: Map<string, Cond> | undefined, resolver: ExpressionResolver): AbiRule {
    const earlier = this.firstEntry[slot];
    const earlierMark = this.firstEntryAbi[slot]!;
    const label = info ? info.name : `syscall(${nr})`;
    if (!expr) {
      if (earlier && earlier.action === action) return earlier;
      const made: AbiRule = { rule, syscall: label, condition: TRUE, action };
      if (earlier === undefined) this.remember(slot, made, abiMark);
      return made;
    }
    const names = (this.conditionNames[rule.index] ??= exactCopy(identifierNames(expr)));
    if (earlier && earlierMark !== abiMark && resolver.sameMeaning(names, info, this.abis[earlierMark - 1]!, abi)) {
      return earlier.action === action ? earlier : { rule, syscall: label, condition: earlier.condition, action };
    }
    // A clean resolution is shared with every syscall of the rule whose names sit at the same
    // places with the same widths and pointer-ness: their resolution would be clean too (what
    // the resolver reports on depends on nothing else), so the share is remembered as that
    // target's own first resolution, and the next ABI shares it as it would its own.
    const cleanKey = resolved && info ? layoutKey(info, names, abi, cleanArgKeys, cleanArgKey) : undefined;
    const clean = cleanKey !== undefined ? this.cleanByLayout.get(cleanKey) : undefined;
    if (clean) {
      const made: AbiRule = { rule, syscall: label, condition: clean, action };
      if (earlier === undefined) this.remember(slot, made, abiMark);
      return made;
    }
    const key = resolved ? (info ? layoutKey(info, names, abi, argKeys, argKey) : 'raw') : '';
    // Shared by layout: not remembered as this target's first resolution (it reported nothing of its own).
    const known = resolved?.get(key);
    if (known) return { rule, syscall: label, condition: known, action };
    const before = resolver.reports;
    const scope: Scope = { abi, syscall: info, syscallLabel: label, ruleSyscalls: rule.syscalls, file: rule.file };
    const c = resolver.condition(expr, scope);
    const condition = c ? simplify(c) : TRUE;
    const isClean = c !== undefined && resolver.reports === before;
    resolved?.set(key, condition);
    if (isClean && cleanKey !== undefined) this.cleanByLayout.set(cleanKey, condition);
    const made: AbiRule = { rule, syscall: label, condition, action };
    if (earlier === undefined) this.remember(slot, isClean ? made : null, abiMark);
    return made;
  }

  private remember(slot: number, entry: AbiRule | null, abiMark: number): void {
    this.firstEntry[slot] = entry;
    this.firstEntryAbi[slot] = abiMark;
  }

  /** Per rule (by index), its action as first resolved when that reported nothing, else null; and that ABI's mark (`abis` index plus one). */
  private readonly firstAction: (ConcreteAction | null | undefined)[] = [];
  private readonly firstActionAbi: number[] = [];
  /** Per rule whose action has an operand (by index), the distinct identifiers of that operand. */
  private readonly actionNames: (readonly string[])[] = [];

  /**
   * The action of `rule` on `abi` (called for actions with an operand; the
   * others are `fixedActions`): `errno(E)` or `trap(N)` is shared from the
   * first ABI when it resolved cleanly there and its names mean the same on
   * both, as conditions are.
   */
  private ruleAction(rule: PolicyRule, abi: Abi, abiMark: number, resolver: ExpressionResolver): ConcreteAction | undefined {
    const a = rule.statement.action;
    if (!a.argument) return resolveAction(a, rule.file, abi, resolver);
    const earlier = this.firstAction[rule.index];
    const earlierMark = this.firstActionAbi[rule.index] ?? 0;
    if (earlier && earlierMark !== abiMark && resolver.sameMeaning((this.actionNames[rule.index] ??= exactCopy(identifierNames(a.argument))), undefined, this.abis[earlierMark - 1]!, abi)) return earlier;
    const before = resolver.reports;
    const action = resolveAction(a, rule.file, abi, resolver);
    if (earlier === undefined) {
      this.firstAction[rule.index] = action && resolver.reports === before ? action : null;
      this.firstActionAbi[rule.index] = abiMark;
    }
    return action;
  }
}

/** A syscall name as the policy's ABIs see it: its record, on how many it exists, and its number on each (by place in `abis`; -1: none). */
interface Presence {
  readonly info: SyscallInfo | undefined;
  readonly present: number;
  readonly numbers: Int32Array;
}

/** The raw numbers of a list that has none (shared, never changed: `distinct` returns it as it is). */
const NO_NUMBERS: number[] = [];

function addEntry(bySyscall: Map<number, AbiRule[]>, nr: number, entry: AbiRule): void {
  const list = bySyscall.get(nr);
  if (list) list.push(entry);
  else bySyscall.set(nr, [entry]);
}

/** The argument layout a condition naming `names` sees in `sys` on `abi` (`keyOf` each name), kept per syscall, ABI and name in `cache`. */
function layoutKey(sys: SyscallInfo, names: readonly string[], abi: Abi, cache: ArgKeyCache,
  keyOf: (sys: SyscallInfo, n: string, abi: Abi) => string): string {
  let perAbi = cache.get(sys);
  if (!perAbi) cache.set(sys, (perAbi = {}));
  const known = (perAbi[abi] ??= new Map());
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    let k = known.get(n);
    if (k === undefined) known.set(n, (k = keyOf(sys, n, abi)));
    key = i === 0 ? k : `${key},${k}`;
  }
  return key;
}
type ArgKeyCache = WeakMap<SyscallInfo, Partial<Record<Abi, Map<string, string>>>>;
const argKeys: ArgKeyCache = new WeakMap();
const cleanArgKeys: ArgKeyCache = new WeakMap();

/**
 * What resolving the name `n` for `sys` on `abi` depends on: its place, width
 * and kind, and for a positional name the man page's collision hint.
 */
function argKey(sys: SyscallInfo, n: string, abi: Abi): string {
  const a = findArg(sys, n, abi);
  if (!a) return '-';
  const named = a.positional && sys.args.some((x) => x.name === n || x.aliases.includes(n)) ? `:${sys.name}` : '';
  return `${placeKey(a.place)}:${a.arg.width[abi]}:${a.arg.kind}:${isGenericArg(a.arg) ? 'g' : a.arg.type}${named}`;
}

/**
 * What decides whether resolving the name `n` for `sys` on `abi` reports
 * anything, and what a clean resolution gives: its place, width, whether it
 * is a plain register, a pointer (always warned about) or another value, and
 * a positional name's collision hint. The argument's type and kind only
 * shape the words of a report.
 */
function cleanArgKey(sys: SyscallInfo, n: string, abi: Abi): string {
  const a = findArg(sys, n, abi);
  if (!a) return '-';
  const named = a.positional && sys.args.some((x) => x.name === n || x.aliases.includes(n)) ? `:${sys.name}` : '';
  const what = isGenericArg(a.arg) ? 'g' : isPointerKind(a.arg.kind) ? 'p' : 'v';
  return `${placeKey(a.place)}:${a.arg.width[abi]}:${what}${named}`;
}

function placeKey(p: ArgPlace): string {
  return p.kind === 'reg' ? `${p.reg}` : p.kind === 'pair' ? `${p.lo}+${p.hi}` : `none:${p.reason}`;
}

/**
 * A list the model keeps, at its exact length: an array grown by `push`
 * keeps room for 16 or more items, and a policy's model keeps one such
 * list per rule (most hold one to three names).
 */
function exactCopy<T>(items: T[]): T[] {
  return items.length === 0 ? (NO_ITEMS as T[]) : items.slice();
}
const NO_ITEMS: never[] = [];

/** `[...new Set(items)]`, without the set for the short lists most rules have. */
function distinct<T>(items: T[]): T[] {
  if (items.length > 16) return [...new Set(items)];
  for (let i = 1; i < items.length; i++) {
    if (items.lastIndexOf(items[i]!, i - 1) >= 0) return [...new Set(items)];
  }
  return items;
}

/** The distinct identifiers of an expression (arguments, constants, defines), in the order first met. */
function identifierNames(e: Expression): string[] {
  const found = { names: [] as string[], seen: undefined as Set<string> | undefined };
  addIdentifierNames(e, found);
  return found.names;
}

/** Adds the names `x` uses to `found` (a set once there are many: a condition may name thousands). */
function addIdentifierNames(x: Expression | undefined, found: { names: string[]; seen: Set<string> | undefined }): void {
  if (!x) return;
  switch (x.kind) {
    case 'Identifier': {
      const { names } = found;
      if (found.seen ? found.seen.has(x.name) : names.includes(x.name)) break;
      names.push(x.name);
      if (found.seen) found.seen.add(x.name);
      else if (names.length > 16) found.seen = new Set(names);
      break;
    }
    case 'BinaryExpression': addIdentifierNames(x.left, found); addIdentifierNames(x.right, found); break;
    case 'UnaryExpression': addIdentifierNames(x.operand, found); break;
    case 'ParenthesizedExpression': addIdentifierNames(x.expression, found); break;
    case 'InExpression': addIdentifierNames(x.subject, found); for (const v of x.values) addIdentifierNames(v, found); break;
    default: break;
  }
}


/** The syscall people mean when they write a name an ABI lacks (`open` on aarch64). */
function replacementFor(name: string, abis: readonly Abi[]): string[] {
  const modern: Record<string, string> = {
    open: 'openat', stat: 'newfstatat', lstat: 'newfstatat', access: 'faccessat', mkdir: 'mkdirat', rmdir: 'unlinkat',
    unlink: 'unlinkat', rename: 'renameat2', link: 'linkat', symlink: 'symlinkat', readlink: 'readlinkat',
    chmod: 'fchmodat', chown: 'fchownat', fork: 'clone', vfork: 'clone', pipe: 'pipe2', dup2: 'dup3', poll: 'ppoll',
    select: 'pselect6', epoll_create: 'epoll_create1', epoll_wait: 'epoll_pwait', creat: 'openat', getdents: 'getdents64',
    mmap2: 'mmap', time: 'clock_gettime', alarm: 'setitimer', pause: 'ppoll', utime: 'utimensat', utimes: 'utimensat',
    signalfd: 'signalfd4', eventfd: 'eventfd2', inotify_init: 'inotify_init1', fstat64: 'fstat', stat64: 'newfstatat',
  };
  const m = modern[name];
  if (m && abis.every((a) => getSyscall(m)?.numbers[a] !== undefined)) return [m];
  return [];
}

const ACTION_KIND: Record<Action['name'], ActionKind> = {
  allow: 'allow', log: 'log', notify: 'notify', kill: 'kill_process', kill_process: 'kill_process',
  kill_thread: 'kill_thread', errno: 'errno', trap: 'trap', trace: 'trace',
};

/** The actions that take no operand (and `trap` without one), shared: actions are never changed. */
const PLAIN_ACTIONS: Partial<Record<ActionKind, ConcreteAction>> = {
  allow: { kind: 'allow', data: 0 }, log: { kind: 'log', data: 0 }, notify: { kind: 'notify', data: 0 },
  kill_process: { kind: 'kill_process', data: 0 }, kill_thread: { kind: 'kill_thread', data: 0 }, trap: { kind: 'trap', data: 0 },
};

/** `errno(N)`, `trap(N)` and `trace(N)` records, one per kind and value (shared like PLAIN_ACTIONS). */
const DATA_ACTIONS = { errno: new Map<number, ConcreteAction>(), trap: new Map<number, ConcreteAction>(), trace: new Map<number, ConcreteAction>() };

function withData(kind: 'errno' | 'trap' | 'trace', data: number): ConcreteAction {
  const known = DATA_ACTIONS[kind];
  let a = known.get(data);
  if (!a) known.set(data, (a = { kind, data }));
  return a;
}

/** An action written without an operand, the same on every ABI; undefined for `errno` and `trace`, which need one (the parser reported it). */
function operandFreeAction(action: Action): ConcreteAction | undefined {
  const kind = ACTION_KIND[action.name];
  return PLAIN_ACTIONS[kind] ?? (kind === 'trap' ? { kind, data: 0 } : kind === 'errno' || kind === 'trace' ? undefined : { kind, data: 0 });
}

/** Resolves an action for one ABI; undefined when its operand is invalid (already reported). */
export function resolveAction(action: Action, file: string, abi: Abi, resolver: ExpressionResolver): ConcreteAction | undefined {
  if (!action.argument) return operandFreeAction(action);
  const kind = ACTION_KIND[action.name];
  if (kind === 'errno') {
    const v = resolver.errnoValue(action.argument, file, abi);
    return v === undefined ? undefined : withData(kind, v);
  }
  if (kind === 'trap' || kind === 'trace') {
    const v = resolver.actionData(action.argument, file, abi, kind);
    return v === undefined ? undefined : withData(kind, v);
  }
  return { kind, data: 0 };
}

