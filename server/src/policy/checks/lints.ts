/**
 * Checks that look at the whole resolved policy rather than one name:
 * unreachable and duplicate rules, redundant rules, and the security and
 * portability hints of §8. They read the model; they never re-resolve.
 */
import { findArg, getSyscall } from '../../kernel/syscalls';
import { constantsForArg, constantValue, errnoName, getConstant } from '../../kernel/constants';
import { expandGroup } from '../../kernel/groups';
import type { Abi } from '../../kernel/abi';
import type { ArgPlace, ConstantInfo } from '../../kernel/types';
import { ENOSYS_FALLBACKS } from '../../kernel/seccomp';
import { SEMANTIC_CODES, type SemanticCode } from '../codes';
import type { PolicyDiagnostic, RelatedLocation } from '../diagnostics';
import type { Expression, GroupName, RuleStatement, TextRange } from '../syntax/ast';
import { evaluate, maxOf, simplify, type Compare, type Cond } from '../semantics/condition';
import { DiagnosticSink, type AbiRule, type AbiTable, type ConcreteAction, type Occurrence, type PolicyModel, type PolicyRule } from '../semantics/model';

const PERMITTING = new Set(['allow', 'log']);

/**
 * Syscalls whose allowance weakens a sandbox (hint `dangerous-syscall`). A map, not an object:
 * looking a list item's name up as a property key would first intern the string (a hash-table
 * probe per item), and a name of Object.prototype's would find an inherited member.
 */
const DANGEROUS: ReadonlyMap<string, string> = new Map(Object.entries({
  ptrace: 'lets the program inspect and control other processes (and escape seccomp on kernels before 4.8)',
  bpf: 'loads eBPF programs into the kernel: a large attack surface',
  mount: 'changes the filesystem tree', umount2: 'changes the filesystem tree', pivot_root: 'changes the root filesystem',
  kexec_load: 'replaces the running kernel', kexec_file_load: 'replaces the running kernel',
  init_module: 'loads kernel code', finit_module: 'loads kernel code', delete_module: 'unloads kernel code',
  userfaultfd: 'is a common exploitation aid (it can stall the kernel mid-copy)',
  perf_event_open: 'exposes kernel performance data and has a history of exploits',
  process_vm_writev: 'writes into other processes\' memory',
  open_by_handle_at: 'opens files by handle, bypassing path checks (a known container escape)',
  keyctl: 'reaches the kernel keyring, which is not namespaced', add_key: 'reaches the kernel keyring, which is not namespaced',
  request_key: 'reaches the kernel keyring, which is not namespaced',
}));

/** Characters the foreign-constant cut of a condition looks for: a comment, line ends, parentheses, `&&` and `||`. */
const CH_HASH = 0x23;
const CH_LF = 0x0a;
const CH_CR = 0x0d;
const CH_OPEN = 0x28;
const CH_CLOSE = 0x29;
const CH_AMP = 0x26;
const CH_BAR = 0x7c;

/** The characters `\s` matches in a JavaScript regular expression. */
function isBlank(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const ACTION_NUMBER: Readonly<Record<ConcreteAction['kind'], number>> = {
  allow: 0, log: 1, errno: 2, trap: 3, trace: 4, notify: 5, kill_thread: 6, kill_process: 7,
};

function same(a: ConcreteAction, b: ConcreteAction): boolean {
  return a.kind === b.kind && a.data === b.data;
}

export function lintPolicy(model: PolicyModel): PolicyDiagnostic[] {
  const sink = new DiagnosticSink();
  const out = new LintReports(sink);
  // Two entries of one syscall on one ABI with the same action and the same
  // condition text (spacing aside) resolve to the same thing: a duplicate.
  // A rule whose condition text no other rule has can repeat no other rule,
  // so only entries of rules with a shared text are keyed (text × 2^24 + action).
  const texts = new ConditionTexts(model);
  readRules(model, texts, out);
  const fates = new Fates(model.rules.length);
  // The conditions whose outcome is fixed, gathered in the same pass over the entries (lintConditions reports them).
  const outcomes = new Outcomes(model.rules.length, fates);
  readEntries(model, texts, fates, outcomes);
  reportRules(model, fates, out);
  lintHints(model, out);
  lintConditions(out, outcomes);
  lintLoader(model, out);
  return sink.list;
}

/**
 * The lints' reports, with each code's severity. A class, not a closure made per check: the
 * passes below are small functions the engine optimizes once, and a call to a new closure each
 * check would undo that.
 */
class LintReports {
  constructor(private readonly sink: DiagnosticSink) {}

  report(code: SemanticCode, file: string, range: TextRange, message: string,
    extra?: { related?: RelatedLocation[]; tags?: ('unnecessary' | 'deprecated')[] }): void {
    this.sink.report(code, SEMANTIC_CODES[code].severity, file, range, message, extra);
  }
}

/**
 * One pass over the rules, each rule's statement read once (10^4 of them on large policies):
 * its condition's text, its allowances worth a hint (dangerous-syscall) and its constants of
 * another family than their argument (foreign-constant). Those two report on list items and on
 * names in conditions, which no other lint reports on, so that they come before the others
 * here does not move anything in the sorted list (the sort is stable, by position). A
 * condition is walked only when a built-in constant in it is not of a family that some named
 * argument in it takes: most conditions pair only fitting names, and are not walked.
 */
function readRules(model: PolicyModel, texts: ConditionTexts, out: LintReports): void {
  const occurrences = new OccurrenceIndex(model);
  const foreign = new ForeignConstants(model, out);
  const dangerous = new DangerousAllowances(model, out);
  let lastFile: string | undefined;
  let text = '';
  let occ: OccurrencesAt | undefined;
  for (const rule of model.rules) {
    if (rule.file !== lastFile) {
      lastFile = rule.file;
      text = model.files.get(rule.file)?.text ?? '';
      occ = occurrences.file(rule.file);
    }
    const statement = rule.statement;
    const cond = statement.condition;
    texts.add(rule, text, cond);
    dangerous.check(rule, statement);
    if (cond && occ?.mayHaveForeign(text, cond.start, cond.end)) foreign.check(rule, cond, occ);
  }
  texts.finish();
}

/** An entry's key among a syscall's entries: its rule's text number × 2^24 + its action's number. */
function entryKey(e: AbiRule, text: number, actionIds: Map<string, number>): number {
  // An action's number: its kind and 16-bit data (what resolved actions hold), else one past them per distinct text.
  const { kind, data } = e.action;
  let a: number;
  if (Number.isInteger(data) && data >= 0 && data <= 0xffff) a = ACTION_NUMBER[kind] * 0x10000 + data;
  else {
    const text = `${kind}(${data})`;
    a = actionIds.get(text) ?? 9 * 0x10000 + actionIds.size;
    actionIds.set(text, a);
  }
  return text * 0x1000000 + a;
}

/**
 * One plain loop over every (ABI, syscall, rule) entry: it runs 10^4-10^5 times on large policies,
 * the first time unoptimized (a language server's first check), so the per-rule facts are read
 * from their typed arrays here rather than through a method call each.
 */
function readEntries(model: PolicyModel, texts: ConditionTexts, fates: Fates, outcomes: Outcomes): void {
  const actionIds = new Map<string, number>();
  const shared = texts.shared;
  const conditioned = texts.conditioned;
  const targets = fates.targets;
  for (const table of model.tables.values()) {
    const defaultAction = table.defaultAction;
    for (const entries of table.bySyscall.values()) {
      // The first entry per (action, condition) among entries of rules with a shared text; made when one comes.
      let firstByKey: Map<number, AbiRule> | undefined;
      // Anything after entry i differs from default when the last entry that differs comes after i.
      let lastDiffering = -1;
      for (let i = entries.length - 1; i >= 0; i--) {
        if (!same(entries[i]!.action, defaultAction)) { lastDiffering = i; break; }
      }
      let decider: AbiRule | undefined;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const rule = entry.rule;
        const r = rule.index;
        if (targets[r]!++ === 0) fates.met(rule, r);
        const text = shared[r]!;
        if (text >= 0) {
          const key = entryKey(entry, text, actionIds);
          const dup = (firstByKey ??= new Map()).get(key);
          if (dup === undefined) firstByKey.set(key, entry);
          else if (dup.rule !== rule) fates.duplicateOf(r, dup.rule.index);
        }
        if (decider !== undefined && decider.rule !== rule) fates.shadowedBy(r, decider.rule.index);
        // Redundant: same as default and nothing after it could decide otherwise.
        if (lastDiffering <= i && same(entry.action, defaultAction)) fates.redundant[r]!++;
        // A conditioned rule's entries mostly share its condition: whether it is `true` is kept with its outcome.
        const always = conditioned[r] === 1 ? outcomes.add(entry, table.abi) : entry.condition.kind === 'true';
        if (decider === undefined && always) decider = entry;
      }
    }
  }
}

/** Where a rule is, as the rule reports name it: `line N` in the root file, `file:N` in another. */
function placeOf(model: PolicyModel, r: PolicyRule): string {
  const lines = model.files.get(r.file)?.lines;
  const line = lines ? lines.positionAt(r.statement.start).line + 1 : 0;
  return r.file === model.root ? `line ${line}` : `${r.file}:${line}`;
}

/** Duplicate, unreachable and redundant rules, in the order first met: a rule's statement is read only when it is reported. */
function reportRules(model: PolicyModel, fates: Fates, out: LintReports): void {
  for (let k = 0; k < fates.count; k++) {
    const r = fates.order[k]!;
    if (fates.duplicate[r] === 0 && fates.shadowed[r] === 0 && fates.redundant[r] === 0) continue; // most rules
    const targets = fates.targets[r]!;
    const dupOf = fates.repeatedBy(r);
    const by = fates.shadowerOf(r);
    if (fates.duplicate[r] === targets && dupOf) {
      const rule = fates.rule(r);
      out.report('duplicate-rule', rule.file, rule.statement, `this rule repeats the rule at ${placeOf(model, dupOf)}`, {
        related: [{ file: dupOf.file, range: dupOf.statement, message: 'first written here' }], tags: ['unnecessary'],
      });
    } else if (fates.shadowed[r] === targets && by) {
      const rule = fates.rule(r);
      out.report('unreachable-rule', rule.file, rule.statement, `this rule never applies: the rule at ${placeOf(model, by)} always decides these syscalls first`, {
        related: [{ file: by.file, range: by.statement, message: 'decided here' }], tags: ['unnecessary'],
      });
    } else if (fates.redundant[r] === targets) {
      const rule = fates.rule(r);
      out.report('redundant-rule', rule.file, rule.statement.action, 'this rule gives the same action as `default`: it can be removed', { tags: ['unnecessary'] });
    }
  }
}

/**
 * Per rule (by index): how many (ABI, syscall) entries it has, and how many
 * of them are shadowed by an earlier unconditional rule, repeat an earlier
 * rule, or give the default action with nothing after them deciding
 * otherwise. Counts in typed arrays: no object per rule.
 */
class Fates {
  readonly targets: Int32Array;
  readonly shadowed: Int32Array;
  readonly duplicate: Int32Array;
  readonly redundant: Int32Array;
  /** 1 + the index of the first rule that shadows each rule, and of the first it repeats (0: none). */
  private readonly by: Int32Array;
  private readonly dupOf: Int32Array;
  /** Each rule by index, once met, and the rule indexes in the order their first entry was met (the order of their reports). */
  private readonly ruleOf: (PolicyRule | undefined)[];
  readonly order: Int32Array;
  count = 0;

  constructor(rules: number) {
    this.targets = new Int32Array(rules);
    this.shadowed = new Int32Array(rules);
    this.duplicate = new Int32Array(rules);
    this.redundant = new Int32Array(rules);
    this.by = new Int32Array(rules);
    this.dupOf = new Int32Array(rules);
    this.ruleOf = new Array<PolicyRule | undefined>(rules);
    this.order = new Int32Array(rules);
  }

  /** Rule `r`, whose first entry was just counted in `targets`. */
  met(rule: PolicyRule, r: number): void {
    this.ruleOf[r] = rule;
    this.order[this.count++] = r;
  }

  /** Rule `r`, once one of its entries was met. */
  rule(r: number): PolicyRule {
    return this.ruleOf[r]!;
  }

  /** Entry of rule `r` shadowed by one of rule `by` (met before it). */
  shadowedBy(r: number, by: number): void {
    this.shadowed[r]!++;
    if (this.by[r] === 0) this.by[r] = by + 1;
  }

  /** Entry of rule `r` repeating one of rule `of` (met before it). */
  duplicateOf(r: number, of: number): void {
    this.duplicate[r]!++;
    if (this.dupOf[r] === 0) this.dupOf[r] = of + 1;
  }

  /** The first rule that shadows rule `r`, and the first it repeats. */
  shadowerOf(r: number): PolicyRule | undefined {
    return this.by[r] ? this.ruleOf[this.by[r]! - 1] : undefined;
  }

  repeatedBy(r: number): PolicyRule | undefined {
    return this.dupOf[r] ? this.ruleOf[this.dupOf[r]! - 1] : undefined;
  }
}

/**
 * Numbers each rule's condition text, white space aside (what
 * `.replace(/\s+/g, '')` leaves; no condition: the empty text), without
 * making a string: a hash of the non-blank characters, and a comparison of
 * the characters where two hashes meet. `shared` is -1 for a text no
 * other rule has. Most texts are unique, and read in full only when a
 * quick key (a few characters at each end) is shared with another rule.
 */
class ConditionTexts {
  /** By rule index: the number of its condition text when another rule has the same, else -1 (after `finish`). */
  readonly shared: Int32Array;
  /** By rule index: 1 for a rule with a condition, read here once, not through its statement per entry. */
  readonly conditioned: Uint8Array;
  /** Open addressing on the quick keys: each slot holds the key and how many rules have it; per rule, its slot. */
  private readonly quickKey: Int32Array;
  private readonly quickCount: Int32Array;
  private readonly quickSlot: Int32Array;
  /** How many rules have each text (by the index of its first rule). */
  private readonly rulesOf: Int32Array;
  /** Open addressing: each slot holds 1 + the index of the first rule with a text, and the text's hash. */
  private readonly slotRule: Int32Array;
  private readonly slotHash: Int32Array;

  constructor(private readonly model: PolicyModel) {
    const n = model.rules.length;
    this.shared = new Int32Array(n).fill(-1);
    this.conditioned = new Uint8Array(n);
    this.rulesOf = new Int32Array(n);
    this.quickSlot = new Int32Array(n);
    let size = 16;
    while (size < n * 2) size *= 2;
    this.quickKey = new Int32Array(size);
    this.quickCount = new Int32Array(size);
    this.slotRule = new Int32Array(size);
    this.slotHash = new Int32Array(size);
  }

  /** Counts `rule`'s condition `cond`, a range of `text` (its file's), by its quick key. */
  add(rule: PolicyRule, text: string, cond: TextRange | undefined): void {
    const r = rule.index;
    if (cond) this.conditioned[r] = 1;
    const h = quickHash(text, cond ? cond.start : 0, cond ? cond.end : 0);
    const mask = this.quickKey.length - 1;
    let slot = h & mask;
    while (this.quickCount[slot] !== 0 && this.quickKey[slot] !== h) slot = (slot + 1) & mask;
    this.quickKey[slot] = h;
    this.quickCount[slot]!++;
    this.quickSlot[r] = slot;
  }

  /** After every rule was added: numbers the texts of rules whose quick key another rule has, and forgets the texts only one rule has. */
  finish(): void {
    const rules = this.model.rules;
    let lastFile: string | undefined;
    let text = '';
    for (let r = 0; r < rules.length; r++) {
      if (this.quickCount[this.quickSlot[r]!]! < 2) continue;
      const rule = rules[r]!;
      if (rule.file !== lastFile) {
        lastFile = rule.file;
        text = this.model.files.get(rule.file)?.text ?? '';
      }
      const cond = rule.statement.condition;
      this.number(r, text, cond ? cond.start : 0, cond ? cond.end : 0);
    }
    const ids = this.shared;
    for (let r = 0; r < ids.length; r++) if (ids[r]! >= 0 && this.rulesOf[ids[r]!]! < 2) ids[r] = -1;
  }

  /** Numbers rule `r`'s condition, `text.slice(start, end)`: the index of the first rule with the same. */
  private number(r: number, text: string, start: number, end: number): void {
    const h = hashWithoutBlanks(text, start, end);
    const mask = this.slotRule.length - 1;
    let slot = h & mask;
    for (;;) {
      const first = this.slotRule[slot]! - 1;
      if (first < 0) { this.slotRule[slot] = r + 1; this.slotHash[slot] = h; this.shared[r] = r; break; }
      if (this.slotHash[slot] === h && this.sameText(this.model.rules[first]!, text, start, end)) { this.shared[r] = first; break; }
      slot = (slot + 1) & mask;
    }
    this.rulesOf[this.shared[r]!]!++;
  }

  private sameText(rule: PolicyRule, text: string, start: number, end: number): boolean {
    const c = rule.statement.condition;
    const other = this.model.files.get(rule.file)?.text ?? '';
    return sameWithoutBlanks(other, c ? c.start : 0, c ? c.end : 0, text, start, end);
  }
}

/**
 * A hash of the first 4 and the last 8 non-blank characters of `text.slice(start, end)` (fewer
 * when it has fewer): equal texts (white space aside) have equal keys, and it reads a few characters.
 */
function quickHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  let n = 0;
  for (let i = start; i < end && n < 4; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c)) { h = Math.imul(h ^ c, 0x01000193); n++; }
  }
  n = 0;
  for (let i = end - 1; i >= start && n < 8; i--) {
    const c = text.charCodeAt(i);
    if (!isBlank(c)) { h = Math.imul(h ^ c, 0x01000193); n++; }
  }
  return h;
}

/** A 32-bit FNV-1a hash of `text.slice(start, end)` without its white space. */
function hashWithoutBlanks(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c)) h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** Whether two slices read the same once white space is removed from both. */
function sameWithoutBlanks(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): boolean {
  let i = aStart;
  let j = bStart;
  for (;;) {
    while (i < aEnd && isBlank(a.charCodeAt(i))) i++;
    while (j < bEnd && isBlank(b.charCodeAt(j))) j++;
    if (i === aEnd || j === bEnd) return i === aEnd && j === bEnd;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
    i++;
    j++;
  }
}

/** The action a syscall gets on an ABI when no argument condition is involved (first unconditional rule, else default). */
function plainAction(model: PolicyModel, abi: (typeof model.abis)[number], name: string): { action: ConcreteAction; rule?: PolicyRule } | undefined {
  const table = model.tables.get(abi);
  const nr = getSyscall(name)?.numbers[abi];
  if (!table || nr === undefined) return undefined;
  const entries = table.bySyscall.get(nr) ?? [];
  const hit = entries.find((e) => e.condition.kind === 'true');
  return hit ? { action: hit.action, rule: hit.rule } : { action: table.defaultAction };
}

function isPermitted(model: PolicyModel, name: string): boolean {
  return model.abis.some((abi) => {
    const table = model.tables.get(abi);
    const nr = getSyscall(name)?.numbers[abi];
    if (!table || nr === undefined) return false;
    const entries = table.bySyscall.get(nr) ?? [];
    return entries.some((e) => PERMITTING.has(e.action.kind)) || (entries.length === 0 && PERMITTING.has(table.defaultAction.kind));
  });
}

function lintHints(model: PolicyModel, out: LintReports): void {
  const defaultAt = model.defaultStatement;
  const rootStart = { start: 0, end: 0 };

  // execve must be allowed when the filter is installed before exec.
  const firstAbi = model.abis[0]!;
  const exec = plainAction(model, firstAbi, 'execve');
  if (exec && !PERMITTING.has(exec.action.kind) && !isPermitted(model, 'execve')) {
    const at = exec.rule ? { file: exec.rule.file, range: exec.rule.statement } : defaultAt ? { file: defaultAt.file, range: defaultAt.statement } : { file: model.root, range: rootStart };
    out.report('execve-denied', at.file, at.range, 'this policy does not allow `execve`: a program cannot be started under it when the filter is installed before exec (as container runtimes do)');
  }

  // ENOSYS lets libc fall back from the newer call to the older one.
  for (const [newer, older] of Object.entries(ENOSYS_FALLBACKS)) {
    if (!isPermitted(model, older)) continue;
    for (const abi of model.abis) {
      const got = plainAction(model, abi, newer);
      const enosys = Number(constantValue('ENOSYS', abi) ?? 38n);
      if (!got || got.action.kind !== 'errno' || got.action.data === enosys) continue;
      const at = got.rule ? { file: got.rule.file, range: got.rule.statement.action } : defaultAt ? { file: defaultAt.file, range: defaultAt.statement } : undefined;
      if (at) out.report('prefer-enosys', at.file, at.range, `\`${newer}\` gets errno(${errnoName(abi, got.action.data) ?? got.action.data}) while \`${older}\` is allowed: deny it with \`errno(ENOSYS)\` so libc falls back to \`${older}\``);
      break;
    }
  }
}

/**
 * The allowances worth a hint (`dangerous-syscall`): a dangerous syscall, or
 * `ioctl`, allowed with no condition, by name or through a group; and on
 * i386 `socketcall` allowed while `socket` has conditions.
 */
class DangerousAllowances {
  private readonly i386: boolean;
  /** Whether some rule puts a condition on `socket` (asked once, when `socketcall` is first met). */
  private socketFiltered: boolean | undefined;

  constructor(private readonly model: PolicyModel, private readonly out: LintReports) {
    this.i386 = model.abis.includes('i386');
  }

  check(rule: PolicyRule, statement: RuleStatement): void {
    const conditioned = Boolean(statement.condition);
    // With a condition only `socketcall` on i386 is hinted at: most rules stop here.
    if (conditioned && !this.i386) return;
    const action = statement.action.name;
    if (action !== 'allow' && action !== 'log') return;
    for (const item of statement.list?.items ?? []) {
      if (item.kind === 'GroupName') {
        if (!conditioned) dangerousMembers(this.model, rule, item, this.out);
        continue;
      }
      if (item.kind !== 'Identifier') continue;
      const why = DANGEROUS.get(item.name);
      if (why && !conditioned) this.out.report('dangerous-syscall', rule.file, item, `allowing \`${item.name}\` ${why}`);
      if (item.name === 'ioctl' && !conditioned) {
        this.out.report('dangerous-syscall', rule.file, item, 'allowing `ioctl` with no condition permits every device request, including TIOCSTI terminal injection; filter `request`');
      }
      if (item.name === 'socketcall' && this.i386) {
        this.socketFiltered ??= this.model.rules.some((r) => r.statement.condition && r.syscalls.includes('socket'));
        if (this.socketFiltered) this.out.report('dangerous-syscall', rule.file, item, 'on i386, `socketcall` reaches socket() without the conditions written for `socket`');
      }
    }
  }
}

/** Why allowing `name` with no condition weakens a sandbox, or undefined. */
function dangerReason(name: string): string | undefined {
  if (name === 'ioctl') return 'with no condition permits every device request, including TIOCSTI terminal injection; filter `request`';
  return DANGEROUS.get(name);
}

/**
 * A group hides what it allows: `allow @system-service` allows `ioctl`
 * with no condition as surely as `allow ioctl` does, so the same hint is
 * given at the group's use, with the member (and, for a user group, where
 * the member is listed) as related information. Members the rule removes
 * with `except` are not reported, since the rule does not allow them.
 */
function dangerousMembers(model: PolicyModel, rule: PolicyRule, item: GroupName, out: LintReports): void {
  const name = '@' + item.name;
  const user = model.groups.get(name) ?? model.groups.get(item.name);
  const members = user ? (model.groupMembers?.get(user.name) ?? []) : expandGroup(name);
  const allowed = new Set(rule.syscalls);
  const risky = members.filter((m) => allowed.has(m) && dangerReason(m) !== undefined);
  if (risky.length === 0) return;
  const related: RelatedLocation[] = risky.map((m) => {
    const listed = user?.list?.items.find((i) => i.kind === 'Identifier' && i.name === m)
      ?? user?.list?.items.find((i) => i.kind === 'GroupName' && (model.groupMembers?.get('@' + i.name) ?? model.groupMembers?.get(i.name) ?? expandGroup('@' + i.name)).includes(m));
    return listed && user
      ? { file: user.file, range: listed, message: `\`${m}\` is a member of \`${name}\`: allowing it ${dangerReason(m)!}` }
      : { file: rule.file, range: item, message: `\`${m}\` is a member of \`${name}\`: allowing it ${dangerReason(m)!}` };
  });
  const first = risky[0]!;
  const more = risky.length > 1 ? ` (and ${risky.slice(1).map((m) => `\`${m}\``).join(', ')})` : '';
  out.report('dangerous-syscall', rule.file, item,
    `\`${name}\` allows \`${first}\`${more} with no condition: allowing \`${first}\` ${dangerReason(first)!}`, { related });
}

// ---- conditions whose outcome is fixed, and constants of another family ----------

/** Most values tried per rule and ABI before the constant-condition check gives up (it never guesses). */
const MAX_TRIES = 4096;

/**
 * Whether a resolved condition has the same outcome for every argument
 * value, decided exactly: each register (or split pair) is tried on a set
 * of values that meets every region where some comparison on it changes
 * outcome (the constants, their neighbours and the ends for plain
 * comparisons; every combination of the mask bits when masks are used).
 * Undefined when that set would be too large, or when the answer is
 * already plain from a single comparison (the resolver reported those).
 */
export function fixedOutcome(cond: Cond): boolean | undefined {
  // Most conditions read each register once: their atoms are independent, and each is either
  // fixed on its own (the resolver reported it) or free, so the whole is never fixed. Checking
  // that first keeps this lint cheap on large policies (a group rule has hundreds of entries).
  if (readsEachRegisterOnce(cond)) return undefined;
  if (isSetTest(cond)) return undefined;
  const s = simplify(cond);
  if (s.kind === 'true' || s.kind === 'false') return undefined;
  const cmps: Compare[] = [];
  const walk = (c: Cond): void => {
    if (c.kind === 'cmp') cmps.push(c);
    else if (c.kind === 'not') walk(c.item);
    else if (c.kind === 'and' || c.kind === 'or') c.items.forEach(walk);
  };
  walk(s);
  const byReg = new Map<string, Compare[]>();
  const regsUsed = new Map<number, string>();
  for (const c of cmps) {
    const key = `${c.arg}:${c.hi ?? ''}:${c.width}`;
    for (const r of c.hi !== undefined ? [c.arg, c.hi] : [c.arg]) {
      if ((regsUsed.get(r) ?? key) !== key) return undefined; // one register read two ways: not modelled
      regsUsed.set(r, key);
    }
    let list = byReg.get(key);
    if (!list) byReg.set(key, (list = []));
    list.push(c);
  }
  // With one comparison per register the atoms are independent and none is fixed (simplify
  // folded those), so a formula that uses each once can always be made true and false.
  if ([...byReg.values()].every((l) => l.length === 1)) return undefined;
  const domains: { c: Compare; values: bigint[] }[] = [];
  let product = 1;
  for (const list of byReg.values()) {
    const first = list[0]!;
    const max = first.hi !== undefined ? maxOf(64) : maxOf(first.width);
    const values = new Set<bigint>();
    if (list.every((c) => c.mask === max)) {
      values.add(0n).add(max);
      for (const c of list) for (const v of [c.value - 1n, c.value, c.value + 1n]) if (v >= 0n && v <= max) values.add(v);
    } else {
      const union = list.reduce((m, c) => m | c.mask, 0n);
      const bits: bigint[] = [];
      for (let b = 0n; b < 64n; b++) if ((union >> b) & 1n) bits.push(1n << b);
      if (bits.length > 10) return undefined;
      for (let i = 0; i < 1 << bits.length; i++) {
        let v = 0n;
        bits.forEach((bit, j) => { if (i & (1 << j)) v |= bit; });
        values.add(v);
      }
    }
    product *= values.size;
    if (product > MAX_TRIES) return undefined;
    domains.push({ c: first, values: [...values] });
  }
  let seen: boolean | undefined;
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  const tryFrom = (i: number): boolean => {
    if (i === domains.length) {
      const got = evaluate(s, args);
      if (seen === undefined) seen = got;
      return seen === got;
    }
    const { c, values } = domains[i]!;
    for (const v of values) {
      if (c.hi !== undefined) { args[c.arg] = v & 0xffff_ffffn; args[c.hi] = v >> 32n; } else args[c.arg] = v;
      if (!tryFrom(i + 1)) return false;
    }
    return true;
  };
  return tryFrom(0) ? seen : undefined;
}

/**
 * `arg in (…)` and `arg not in (…)` (possibly negated): comparisons of one
 * whole register (or pair) with `==` joined by `||`, or with `!=` joined by
 * `&&`. A few values cannot cover a register's 2^32 or more, so some
 * argument makes the test true and some makes it false: never fixed, which
 * the search below would find with more work (it is what `ioctl` rules have).
 */
function isSetTest(cond: Cond): boolean {
  let c = cond;
  while (c.kind === 'not') c = c.item;
  if (c.kind !== 'or' && c.kind !== 'and') return false;
  const op = c.kind === 'or' ? '==' : '!=';
  const first = c.items[0];
  if (!first || first.kind !== 'cmp') return false;
  for (const x of c.items) {
    if (x.kind !== 'cmp' || x.op !== op || x.arg !== first.arg || x.hi !== first.hi || x.width !== first.width || x.mask !== maxOf(x.width)) return false;
  }
  return true;
}

function readsEachRegisterOnce(cond: Cond): boolean {
  registersSeen = 0;
  return registersReadOnce(cond);
}

/** The registers read so far by `registersReadOnce`: a module variable, so the walk allocates nothing. */
let registersSeen = 0;

/** Plain recursion (no closure per call): this runs for every condition of every rule. */
function registersReadOnce(c: Cond): boolean {
  switch (c.kind) {
    case 'true': case 'false': return true;
    case 'not': return registersReadOnce(c.item);
    case 'and': case 'or':
      for (const item of c.items) if (!registersReadOnce(item)) return false;
      return true;
    case 'cmp': {
      const bits = (1 << c.arg) | (c.hi !== undefined ? 1 << c.hi : 0);
      if (registersSeen & bits) return false;
      registersSeen |= bits;
      return true;
    }
  }
}

/** In `Outcomes.lastValue`: the condition is `true` (the rule decides its syscall). */
const ALWAYS = 4;

/** Per rule with a condition: how many of its (ABI, syscall) entries it has, and the fixed outcomes found among them. */
class Outcomes {
  /** By rule index. */
  private readonly entries: Int32Array;
  /** The fixed outcomes by rule index; made when the first is found (most policies have none). */
  private fixed: Map<number, { abi: Abi; value: boolean }[]> | undefined;
  /** Rule indexes in the order their first entry was met. */
  private readonly order: Int32Array;
  private count = 0;
  /**
   * Per rule, the last condition decided and its outcome (0 not fixed, 1 false, 2 true; plus
   * ALWAYS when the condition itself is `true`): a rule's entries mostly share one.
   */
  private readonly lastCond: (Cond | undefined)[];
  private readonly lastValue: Int8Array;
  /**
   * The conditions of rules with more than one, each decided once (the builder shares one
   * condition between the syscalls and ABIs it means the same for); made when first needed.
   */
  private decided: Map<Cond, boolean | undefined> | undefined;

  /** `fates`: the rules met, by index (every rule given here was met there first). */
  constructor(rules: number, private readonly fates: Fates) {
    this.entries = new Int32Array(rules);
    this.order = new Int32Array(rules);
    this.lastCond = new Array<Cond | undefined>(rules);
    this.lastValue = new Int8Array(rules);
  }

  /** Counts entry `e` of a conditioned rule and its outcome if fixed; whether its condition is `true`. */
  add(e: AbiRule, abi: Abi): boolean {
    const r = e.rule.index;
    if (this.entries[r]!++ === 0) this.order[this.count++] = r;
    const cond = e.condition;
    let value: boolean | undefined;
    const last = this.lastCond[r];
    let code: number;
    if (last === cond) {
      code = this.lastValue[r]!;
      const v = code & 3;
      value = v === 0 ? undefined : v === 2;
    } else {
      if (last === undefined) value = fixedOutcome(cond);
      else {
        const decided = (this.decided ??= new Map());
        value = decided.get(cond);
        if (value === undefined && !decided.has(cond)) decided.set(cond, (value = fixedOutcome(cond)));
      }
      this.lastCond[r] = cond;
      code = (value === undefined ? 0 : value ? 2 : 1) | (cond.kind === 'true' ? ALWAYS : 0);
      this.lastValue[r] = code;
    }
    if (value !== undefined) {
      const fixed = (this.fixed ??= new Map());
      let list = fixed.get(r);
      if (!list) fixed.set(r, (list = []));
      list.push({ abi, value });
    }
    return (code & ALWAYS) !== 0;
  }

  /** Whether some entry's outcome is fixed (most policies have none). */
  get anyFixed(): boolean {
    return this.fixed !== undefined;
  }

  /** How many rules have entries. */
  get size(): number {
    return this.count;
  }

  /** The index of the `k`th rule met. */
  indexAt(k: number): number {
    return this.order[k]!;
  }

  /** Rule `r` (one that has entries). */
  rule(r: number): PolicyRule {
    return this.fates.rule(r);
  }

  /** How many entries rule `r` has. */
  entriesOf(r: number): number {
    return this.entries[r]!;
  }

  /** The fixed outcomes among rule `r`'s entries; undefined when none is fixed. */
  fixedOf(r: number): readonly { abi: Abi; value: boolean }[] | undefined {
    return this.fixed?.get(r);
  }
}

/** Conditions whose outcome is fixed whatever the arguments (`constant-condition`). */
function lintConditions(out: LintReports, outcomes: Outcomes): void {
  if (!outcomes.anyFixed) return;
  for (let k = 0; k < outcomes.size; k++) {
    const r = outcomes.indexAt(k);
    const fixed = outcomes.fixedOf(r);
    if (!fixed) continue;
    const rule = outcomes.rule(r);
    const entries = outcomes.entriesOf(r);
    const value = fixed[0]!.value;
    if (fixed.some((o) => o.value !== value)) continue;
    const abis = [...new Set(fixed.map((o) => o.abi))];
    const where = fixed.length === entries ? '' : ` on ${abis.join(', ')}`;
    const meaning = value ? 'the rule applies to every call, as if it had no condition' : 'the rule never applies';
    out.report('constant-condition', rule.file, rule.statement.condition!, `this condition is always ${value}${where}, whatever the arguments: ${meaning}`);
  }
}

/**
 * The argument and constant occurrences of each file, sorted by offset, one
 * per offset (the later in the model's list, as a map would keep it). Small
 * arrays, not one as long as the text: rules come in source order, so the
 * names in a condition are a run found by moving a cursor, and a look-up by
 * offset (only in the few conditions that are walked) is a binary search.
 */
class OccurrenceIndex {
  private readonly byFile = new Map<string, OccurrencesAt>();

  constructor(model: PolicyModel) {
    const list = model.occurrences;
    for (const [file, names] of gatherNames(list)) this.byFile.set(file, new OccurrencesAt(list, names));
  }

  /** The occurrences of `file`, or undefined when it has none. */
  file(file: string): OccurrencesAt | undefined {
    return this.byFile.get(file);
  }
}

/** One file's argument and constant occurrences in the order of the model's list: start and end offsets, and slots. */
interface Gathered { readonly offsets: number[]; readonly ends: number[]; readonly slots: number[] }

/** The argument and constant occurrences of `list` per file. A plain loop: it runs once per name in the policy. */
function gatherNames(list: readonly Occurrence[]): Map<string, Gathered> {
  const gathered = new Map<string, Gathered>();
  let lastFile: string | undefined;
  let at: Gathered | undefined;
  for (let i = 0; i < list.length; i++) {
    const o = list[i]!;
    const kind = o.kind;
    if (kind !== 'argument' && kind !== 'constant') continue;
    if (o.file !== lastFile || !at) {
      lastFile = o.file;
      at = gathered.get(o.file);
      if (!at) gathered.set(o.file, (at = { offsets: [], ends: [], slots: [] }));
    }
    const range = o.range;
    at.offsets.push(range.start);
    at.ends.push(range.end);
    at.slots.push(i * 2 + (kind === 'argument' ? 1 : 0));
  }
  return gathered;
}

/**
 * One file's argument and constant occurrences by offset. A slot holds
 * 2 × the occurrence's index, plus 1 for an argument: whether a name is an
 * argument or a constant is read without touching the occurrence.
 */
class OccurrencesAt {
  private readonly offsets: readonly number[];
  private readonly ends: readonly number[];
  private readonly slots: readonly number[];
  /** Where the last `mayHaveForeign` ended: the next condition of the file mostly starts past it. */
  private cursor = 0;

  /** `names` in the order of the model's list (slot = 2 × index + 1 for an argument). */
  constructor(private readonly list: readonly Occurrence[], names: Gathered) {
    const { offsets, ends, slots } = names;
    let sorted = true;
    for (let k = 1; k < offsets.length; k++) if (offsets[k]! <= offsets[k - 1]!) { sorted = false; break; }
    if (sorted) {
      this.offsets = offsets;
      this.ends = ends;
      this.slots = slots;
      return;
    }
    // Names resolved out of source order (a define's value, a rule resolved first on a later ABI):
    // sorted by offset, then list order, keeping the last at each offset.
    const order = offsets.map((_, k) => k).sort((a, b) => offsets[a]! - offsets[b]! || a - b);
    const byOffset: number[] = [];
    const byEnd: number[] = [];
    const bySlot: number[] = [];
    for (let k = 0; k < order.length; k++) {
      const p = order[k]!;
      if (k + 1 < order.length && offsets[order[k + 1]!] === offsets[p]) continue;
      byOffset.push(offsets[p]!);
      byEnd.push(ends[p]!);
      bySlot.push(slots[p]!);
    }
    this.offsets = byOffset;
    this.ends = byEnd;
    this.slots = bySlot;
  }

  /** The first position whose offset is at least `offset`. */
  private firstFrom(offset: number): number {
    const offsets = this.offsets;
    let k = this.cursor;
    if (k > 0 && offsets[k - 1]! >= offset) {
      // Before the cursor (a file spliced again): a binary search.
      let lo = 0;
      let hi = k;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offsets[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    while (k < offsets.length && offsets[k]! < offset) k++;
    return k;
  }

  /**
   * Whether the names in `[start, end]` of `text` (a condition) could give a `foreign-constant`
   * report. The walk judges a constant only against the argument it is compared with, and a
   * comparison never spans an `&&` or `||` outside parentheses: so the names are cut into the
   * condition's parts between those, and only when, in some part, a built-in constant is not of
   * a family that some named argument of that part takes (for some syscall of its rule) can the
   * walk report anything. Cutting only at depth 0 may join parts (`(a || b)`), never split one.
   */
  mayHaveForeign(text: string, start: number, end: number): boolean {
    const lo = this.firstFrom(start);
    let hi = lo;
    let constants = 0;
    const offsets = this.offsets;
    const slots = this.slots;
    while (hi < offsets.length && offsets[hi]! <= end) { if ((slots[hi]! & 1) === 0) constants++; hi++; }
    this.cursor = hi;
    // No pair of the whole condition fails (most conditions): no part's can; the text is not read.
    if (constants === 0 || !this.partMayHaveForeign(lo, hi)) return false;
    // A plain scan of the characters before each name (from the condition's start, then from the
    // end of the name before): it runs for every condition that names a constant.
    const ends = this.ends;
    let depth = 0;
    let first = lo;
    let from = start;
    for (let k = lo; k < hi; k++) {
      const to = offsets[k]!;
      for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === CH_HASH) {
          while (i + 1 < to && text.charCodeAt(i + 1) !== CH_LF && text.charCodeAt(i + 1) !== CH_CR) i++;
        } else if (c === CH_OPEN) depth++;
        else if (c === CH_CLOSE) depth--;
        else if (depth === 0 && (c === CH_AMP || c === CH_BAR) && text.charCodeAt(i + 1) === c) {
          if (this.partMayHaveForeign(first, k)) return true;
          first = k;
          i++;
        }
      }
      from = ends[k]!;
    }
    return this.partMayHaveForeign(first, hi);
  }

  /** Whether, among names `[lo, hi)`, a built-in constant is not of a family a named argument there takes. */
  private partMayHaveForeign(lo: number, hi: number): boolean {
    const slots = this.slots;
    for (let k = lo; k < hi; k++) {
      const slot = slots[k]!;
      if ((slot & 1) === 0) continue;
      const arg = this.list[slot >> 1] as ArgumentOccurrence;
      if (isRegisterName(arg.name)) continue;
      for (const sys of arg.syscalls) {
        const f = fittingFor(sys, arg.name);
        if (!f) continue;
        for (let j = lo; j < hi; j++) {
          const c = slots[j]!;
          if ((c & 1) !== 0) continue;
          const name = (this.list[c >> 1] as Occurrence & { kind: 'constant' }).name;
          if (!fitsByFamily(f, name) && getConstant(name)) return true;
        }
      }
    }
    return false;
  }

  /** The argument occurrence at `offset`, if any. */
  argumentAt(offset: number): ArgumentOccurrence | undefined {
    const slot = this.slotAt(offset);
    if (slot < 0 || (slot & 1) === 0) return undefined;
    const o = this.list[slot >> 1];
    return o?.kind === 'argument' ? o : undefined;
  }

  /** The name of the constant occurrence at `offset`, if any. */
  constantAt(offset: number): string | undefined {
    const slot = this.slotAt(offset);
    if (slot < 0 || (slot & 1) === 1) return undefined;
    const o = this.list[slot >> 1];
    return o?.kind === 'constant' ? o.name : undefined;
  }

  /** The slot at `offset`, or -1. */
  private slotAt(offset: number): number {
    const offsets = this.offsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo] === offset ? this.slots[lo]! : -1;
  }
}

type ArgumentOccurrence = Occurrence & { kind: 'argument' };

/** The argument occurrence an operand is built on (`flags`, `flags & MASK`, `(flags)`), if any. */
function argumentOf(e: Expression, occ: OccurrencesAt): ArgumentOccurrence | undefined {
  switch (e.kind) {
    case 'Identifier': return occ.argumentAt(e.start);
    case 'ParenthesizedExpression': return e.expression ? argumentOf(e.expression, occ) : undefined;
    case 'BinaryExpression': return e.operator === '&' ? (argumentOf(e.left, occ) ?? (e.right ? argumentOf(e.right, occ) : undefined)) : undefined;
    default: return undefined;
  }
}

/**
 * Reports the constants of another family than the argument they are
 * compared with (`prot == O_RDONLY`): for each comparison on a named
 * argument, the built-in constants of its constant side and of its mask.
 * One walker per check, holding the rule and comparison at hand, so the
 * walk over every condition passes no closures and fills no lists.
 */
class ForeignConstants {
  private rule: PolicyRule | undefined;
  private occ: OccurrencesAt | undefined;
  private arg: ArgumentOccurrence | undefined;
  /** The constants that fit the argument at hand (reused), and whether they were gathered for it. */
  private readonly fitting: Fitting[] = [];
  private fittingCount = 0;
  private fittingMade = false;

  constructor(private readonly model: PolicyModel, private readonly out: LintReports) {}

  check(rule: PolicyRule, cond: Expression, occ: OccurrencesAt): void {
    this.rule = rule;
    this.occ = occ;
    this.walk(cond);
  }

  private walk(e: Expression): void {
    const occ = this.occ!;
    switch (e.kind) {
      case 'ParenthesizedExpression': if (e.expression) this.walk(e.expression); return;
      case 'UnaryExpression': if (e.operand) this.walk(e.operand); return;
      case 'InExpression': {
        const arg = argumentOf(e.subject, occ);
        if (arg && this.takeArgument(arg)) {
          this.constantsIn(e.subject);
          for (const v of e.values) this.constantsIn(v);
        }
        return;
      }
      case 'BinaryExpression': {
        if (e.operator === '&&' || e.operator === '||') {
          this.walk(e.left);
          if (e.right) this.walk(e.right);
        } else if (e.right) {
          let arg = argumentOf(e.left, occ);
          if (arg) {
            if (this.takeArgument(arg)) { this.constantsIn(e.left); this.constantsIn(e.right); }
          } else if ((arg = argumentOf(e.right, occ))) {
            if (this.takeArgument(arg)) { this.constantsIn(e.right); this.constantsIn(e.left); }
          }
        }
        return;
      }
      default: {
        // A bare masked argument (`flags & O_CLOEXEC`) is a condition on its own.
        const arg = argumentOf(e, occ);
        if (arg && this.takeArgument(arg)) this.constantsIn(e);
      }
    }
  }

  /**
   * Makes `arg` the argument at hand; false for `argN`, which takes any constant. The constants
   * that fit it are gathered when its first built-in constant is met (`length < LIMIT` needs none).
   */
  private takeArgument(arg: ArgumentOccurrence): boolean {
    if (isRegisterName(arg.name)) return false;
    this.arg = arg;
    this.fittingMade = false;
    return true;
  }

  /**
   * How many constant lists fit the argument at hand (in `fitting`, one per syscall of the rule
   * that has it). The list is overwritten, never emptied: setting an array's length to 0 drops
   * its storage, and the next push would allocate again (once per comparison).
   */
  private fittingNow(): number {
    if (!this.fittingMade) {
      this.fittingMade = true;
      const arg = this.arg!;
      let n = 0;
      for (const name of arg.syscalls) {
        const f = fittingFor(name, arg.name);
        if (f) this.fitting[n++] = f;
      }
      this.fittingCount = n;
    }
    return this.fittingCount;
  }

  /** Judges the built-in constants named in a constant operand (and in the mask of `arg & MASK`). */
  private constantsIn(e: Expression | undefined): void {
    if (!e) return;
    switch (e.kind) {
      case 'Identifier': {
        const name = this.occ!.constantAt(e.start);
        if (name !== undefined) this.judge(name, e);
        return;
      }
      case 'ParenthesizedExpression': return this.constantsIn(e.expression);
      case 'UnaryExpression': return this.constantsIn(e.operand);
      case 'BinaryExpression': this.constantsIn(e.left); this.constantsIn(e.right); return;
      default: return;
    }
  }

  private judge(name: string, range: TextRange): void {
    // A constant listed for the argument, or of a family it takes, fits (kernel facts, kept per
    // argument); only one that does not is looked up in full and compared bit by bit.
    let info: ConstantInfo | undefined;
    let bad: Fitting | undefined;
    const count = this.fittingNow();
    for (let i = 0; i < count; i++) {
      const f = this.fitting[i]!;
      if (fitsByFamily(f, name)) continue;
      info ??= getConstant(name);
      if (!info) return;
      if (!(f.bits && hasTwin(this.model, info, f.list))) { bad = f; break; }
    }
    if (!bad || !info) return;
    const arg = this.arg!;
    const a = findArg(getSyscall(bad.sys)!, arg.name)!.arg;
    this.out.report('foreign-constant', this.rule!.file, range,
      `\`${name}\` is a \`${info.family}*\` constant, but \`${arg.name}\` of \`${bad.sys}\` takes ${a.constants.map((x) => `\`${x}${getConstant(x) ? '' : '*'}\``).join(', ')}: the value is compared as a plain number, which is rarely what was meant`);
  }
}

/** The constants that fit an argument of a syscall. */
interface Fitting {
  readonly list: readonly ConstantInfo[]; readonly bits: boolean; readonly names: Set<string>; readonly families: Set<string>; readonly sys: string;
  /** Per constant name asked about: whether it is listed or of a listed family. */
  readonly byFamily: Map<string, boolean>;
}

/** Whether constant `name` is one `f` lists or of a family it lists (undefined constants aside: the caller drops them). */
function fitsByFamily(f: Fitting, name: string): boolean {
  let fits = f.byFamily.get(name);
  if (fits === undefined) {
    const family = getConstant(name)?.family;
    f.byFamily.set(name, (fits = f.names.has(name) || (family !== undefined && f.families.has(family))));
  }
  return fits;
}

/** Per syscall and argument name, the constants that fit it (null: none): kernel facts, made once. */
const fittingOf = new Map<string, Map<string, Fitting | null>>();

function fittingFor(syscall: string, argName: string): Fitting | null {
  let byArg = fittingOf.get(syscall);
  if (!byArg) fittingOf.set(syscall, (byArg = new Map()));
  let f = byArg.get(argName);
  if (f === undefined) {
    const sys = getSyscall(syscall);
    const a = sys && findArg(sys, argName)?.arg;
    if (!a || a.constants.length === 0) f = null;
    else {
      const list = constantsForArg(a);
      f = { list, bits: a.kind === 'flags', ...namesAndFamilies(list), sys: syscall, byFamily: new Map() };
    }
    byArg.set(argName, f);
  }
  return f;
}

/** The names and families of an argument's constants, made once per list (an `ioctl` request takes thousands). */
function namesAndFamilies(list: readonly ConstantInfo[]): { names: Set<string>; families: Set<string> } {
  let sets = constantSets.get(list);
  if (!sets) constantSets.set(list, (sets = { names: new Set(list.map((c) => c.name)), families: new Set(list.map((c) => c.family)) }));
  return sets;
}
const constantSets = new WeakMap<readonly ConstantInfo[], { names: Set<string>; families: Set<string> }>();

/** `arg0`…`arg5` (what `/^arg[0-5]$/` matches), without a regular expression per operand. */
function isRegisterName(name: string): boolean {
  if (name.length !== 4 || !name.startsWith('arg')) return false;
  const c = name.charCodeAt(3);
  return c >= 0x30 && c <= 0x35;
}

/**
 * In a bit set, a twin with the same non-zero value on every ABI (O_CLOEXEC for SOCK_CLOEXEC) is
 * the same bit: not a mistake worth a warning. Zero is no twin (`prot == O_RDONLY` is not PROT_NONE
 * by intent), and in an enum equal values are a coincidence (SOCK_STREAM and AF_UNIX are both 1).
 */
function hasTwin(model: PolicyModel, info: ConstantInfo, list: readonly ConstantInfo[]): boolean {
  return list.some((f) => model.abis.every((abi) => {
    const v = info.values[abi];
    return v !== undefined && v !== 0n && f.values[abi] === v;
  }));
}

// ---- the dynamic loader's executable mappings ---------------------------------

/** What `table` does with syscall `nr` and these registers (§7 on one ABI). */
function actionFor(table: AbiTable, nr: number, args: readonly bigint[]): { action: ConcreteAction; rule?: PolicyRule } {
  for (const e of table.bySyscall.get(nr) ?? []) if (evaluate(e.condition, args)) return { action: e.action, rule: e.rule };
  return { action: table.defaultAction };
}

function setPlace(args: bigint[], place: ArgPlace | undefined, value: bigint): void {
  if (place?.kind === 'reg') args[place.reg] = value;
  else if (place?.kind === 'pair') { args[place.lo] = value & 0xffff_ffffn; args[place.hi] = value >> 32n; }
}

/**
 * A dynamically linked program starts in ld.so, which maps each library's
 * code with `PROT_READ|PROT_EXEC`. A policy that lets `execve` through but
 * refuses such a mapping (while plain read mappings pass) stops every such
 * program before `main`, with a confusing loader error.
 */
function lintLoader(model: PolicyModel, out: LintReports): void {
  if (!isPermitted(model, 'execve')) return;
  for (const abi of model.abis) {
    const table = model.tables.get(abi);
    if (!table) continue;
    for (const name of ['mmap2', 'mmap']) {
      const sys = getSyscall(name);
      const nr = sys?.numbers[abi];
      if (!sys || nr === undefined) continue;
      const prot = findArg(sys, 'prot', abi);
      if (!prot || prot.place.kind === 'none') continue; // i386's old mmap takes a pointer; ld.so uses mmap2 there
      const c = (n: string) => constantValue(n, abi) ?? 0n;
      const mapping = (p: bigint) => {
        const args = [0n, 0n, 0n, 0n, 0n, 0n];
        setPlace(args, findArg(sys, 'length', abi)?.place, 0x2000n);
        setPlace(args, prot.place, p);
        setPlace(args, findArg(sys, 'flags', abi)?.place, c('MAP_PRIVATE') | c('MAP_DENYWRITE'));
        setPlace(args, findArg(sys, 'fd', abi)?.place, 3n);
        return actionFor(table, nr, args);
      };
      const data = mapping(c('PROT_READ'));
      const code = mapping(c('PROT_READ') | c('PROT_EXEC'));
      if (!PERMITTING.has(data.action.kind) || PERMITTING.has(code.action.kind)) continue;
      const at = code.rule ? { file: code.rule.file, range: code.rule.statement as TextRange }
        : model.defaultStatement ? { file: model.defaultStatement.file, range: model.defaultStatement.statement as TextRange } : undefined;
      if (!at) continue;
      out.report('exec-mapping-denied', at.file, at.range,
        `this policy allows \`execve\` but denies \`${name}\` with \`PROT_EXEC\`${model.abis.length > 1 ? ` on ${abi}` : ''}: every dynamically linked program stops in its loader (ld.so maps each library's code executable before \`main\`). Allow executable mappings of files (for example \`allow ${name} if !(prot & PROT_EXEC) || flags & MAP_ANONYMOUS == 0\`), or run only statically linked programs under this filter`);
      return;
    }
  }
}
