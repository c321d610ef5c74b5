/**
 * Completion, aware of where the cursor is. The statement around the
 * cursor is read as tokens up to the word being typed:
 *
 *   (nothing yet)            statement keywords and actions
 *   arch …                   ABI names
 *   include "…               files and folders beside the document
 *   default / badarch        actions
 *   errno(…                  errno names
 *   ACTION …  / group @g = … syscall names and groups
 *   ACTION … if …            the rule's argument names, or, after
 *                            `ARG op`, the constants that fit ARG
 *
 * The rule's syscalls come from the model when it has the rule.
 */
import {
  CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind,
  type CompletionItem, type CompletionList, type Position, type Range,
} from 'vscode-languageserver-types';
import { ABIS, type Abi } from '../kernel/abi';
import { allConstants, constantsByFamily, constantsForArg, ERRNO_FAMILY } from '../kernel/constants';
import { ACTION_DOCS } from '../kernel/docs/actions';
import { allGroups, expandGroup } from '../kernel/groups';
import { allSyscalls, findArg, getSyscall } from '../kernel/syscalls';
import type { ConstantInfo, SyscallArg } from '../kernel/types';
import { IncludeConfinement } from '../policy/semantics/confine';
import { dirname, resolvePath } from '../policy/semantics/paths';
import type { PolicyModel, SourceFile } from '../policy/semantics/model';
import type { ActionName } from '../policy/syntax/ast';
import { ACTION_NAMES, STATEMENT_KEYWORDS, tokenize, type Token } from '../policy/syntax/parser';
import { hexDec, offsetOf, statementAt } from './find';
import { describeAction, describeConstant, describeErrno, describeGroup, describeSyscall, shownAbis } from './hover';
import type { FeatureContext, ServiceSettings } from './context';

const EMPTY: CompletionList = { isIncomplete: false, items: [] };
const ACTION_SET: ReadonlySet<string> = new Set(ACTION_NAMES);
/** A line ending with one of these continues on the next line (spec §2). */
const CONTINUES = /(,|&&|\|\||==|!=|<=|>=|<<|>>|[<>&|~!=(-]|\bif|\bin|\bnot|\bexcept)\s*$/;
/** Past this many matches a generic constant list is cut and marked incomplete. */
const MAX_GENERIC_CONSTANTS = 200;
/**
 * At most this many items are sent (the best by sort text), marked
 * incomplete so the client asks again as the word grows: a list of
 * thousands (every constant of an argument, every syscall) costs more to
 * send and for the editor to filter than to make.
 */
export const MAX_COMPLETION_ITEMS = 500;

const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  arch: 'The ABIs the filter accepts: `arch x86_64, aarch64`.',
  default: 'The action for a syscall no rule matches: `default errno(EPERM)`.',
  badarch: 'The action for a foreign ABI (default `kill_process`).',
  include: 'Splice another file\'s statements here: `include "common.seccomp"`.',
  define: 'A named integer constant: `define FLAGS = O_RDONLY | O_CLOEXEC`.',
  group: 'A named syscall set: `group @io = read, write`.',
};

/** What a completion item stands for, kept in `data` so `doResolveCompletion` can document it. */
interface ItemData {
  readonly k: 'syscall' | 'group' | 'constant' | 'errno' | 'action';
  readonly name: string;
  readonly abis: readonly Abi[];
  readonly user?: boolean;
}

export function doComplete(ctx: FeatureContext, position: Position): CompletionList {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file || ctx.analysis.skipped) return EMPTY;
  const text = file.text;
  const offset = offsetOf(file, position);
  if (inComment(file, offset)) return EMPTY;
  const abis = shownAbis(model, ctx.settings);

  // An include's path: everything between the quote and the cursor.
  const lineStart = file.lines.lineStart(file.lines.lineAt(offset));
  const include = /^\s*include\s+"((?:[^"\\]|\\.)*)$/.exec(text.slice(lineStart, offset));
  if (include) return completePaths(ctx, include[1]!, offset, file);

  const wordStart = startOfWord(text, offset);
  const replace: Range = { start: file.lines.positionAt(wordStart), end: file.lines.positionAt(offset) };
  const start = statementStart(file, wordStart);
  const tokens = tokenize(text.slice(start, wordStart)).tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
  const items: CompletionItem[] = [];
  const typed = prefixOf(text, wordStart, offset);
  /** The items that fit what is typed; `own` (the name a `define`/`group` statement defines) is left out. */
  const list = (isIncomplete = false, own?: string): CompletionList => {
    const offered = own === undefined ? items : items.filter((i) => i.label !== own);
    const shown = fitting(offered, typed);
    return {
      isIncomplete: isIncomplete || shown.length < offered.length,
      items: shown.map((i) => ({ ...i, textEdit: { range: replace, newText: i.insertText ?? i.label } })),
    };
  };

  if (tokens.length === 0) {
    for (const k of STATEMENT_KEYWORDS) items.push(keyword(k, KEYWORD_DOCS[k]));
    for (const a of ACTION_NAMES) items.push(action(a, abis));
    return list();
  }
  const first = tokens[0]!.text;
  switch (first) {
    case 'arch': {
      const written = new Set(tokens.slice(1).map((t) => t.text));
      for (const abi of ABIS) {
        if (written.has(abi.name)) continue;
        items.push({ label: abi.name, kind: CompletionItemKind.EnumMember, detail: `${abi.registerBits}-bit ABI` });
      }
      return list();
    }
    case 'include':
      return EMPTY;
    case 'default':
    case 'badarch': {
      const rest = tokens.slice(1);
      if (rest.length === 0) {
        for (const a of ACTION_NAMES) items.push(action(a, abis));
        return list();
      }
      if (rest[0]!.text === 'errno' && insideParens(rest.slice(1))) return errnoList(items, abis, list);
      return EMPTY;
    }
    // A define or group in its own value is a cycle: not offered.
    case 'define': {
      if (!tokens.some((t) => t.kind === '=')) return EMPTY;
      return constantList(ctx, items, prefixOf(text, wordStart, offset), abis, (incomplete) => list(incomplete, tokens[1]?.text));
    }
    case 'group': {
      if (!tokens.some((t) => t.kind === '=')) return EMPTY;
      syscallsAndGroups(model, items, abis);
      return list(false, tokens[1]?.text);
    }
  }
  if (!ACTION_SET.has(first)) return EMPTY;

  // A rule: ACTION[(…)] LIST [if COND].
  let i = 1;
  if (tokens[1]?.kind === '(') {
    const close = matchingParen(tokens, 1);
    if (close < 0) {
      if (first === 'errno') return errnoList(items, abis, list);
      for (const d of model.defines.keys()) items.push({ label: d, kind: CompletionItemKind.Constant, detail: 'define' });
      return list();
    }
    i = close + 1;
  }
  const ifAt = tokens.findIndex((t, j) => j >= i && t.kind === 'identifier' && t.text === 'if');
  if (ifAt < 0) {
    const last = tokens[tokens.length - 1]!;
    // Inside `syscall(`: only a number can come, nothing to offer.
    if (last.kind === '(' || (last.kind === 'integer' && tokens[tokens.length - 2]?.kind === '(')) return EMPTY;
    if (tokens.length > i && last.kind !== ',' && last.text !== 'except') {
      items.push(keyword('if', 'A condition on the arguments: `allow openat if flags & O_ACCMODE == O_RDONLY`.'));
      if (!tokens.slice(i).some((t) => t.text === 'except')) items.push(keyword('except', 'Remove syscalls from the list: `allow @basic-io except write`.'));
      return list();
    }
    syscallsAndGroups(model, items, abis);
    return list();
  }
  const syscalls = ruleSyscalls(model, file, start, tokens.slice(i, ifAt));
  return completeCondition(ctx, tokens.slice(ifAt + 1), syscalls, items, prefixOf(text, wordStart, offset), abis, list);
}

export function doResolveCompletion(item: CompletionItem, settings: ServiceSettings): CompletionItem {
  const data = item.data as ItemData | undefined;
  if (!data || typeof data !== 'object' || typeof data.name !== 'string' || item.documentation) return item;
  const abis = Array.isArray(data.abis) && data.abis.length ? data.abis : settings.abis.length ? settings.abis : ['x86_64' as Abi];
  let value: string | undefined;
  switch (data.k) {
    case 'syscall': value = describeSyscall(data.name, abis); break;
    case 'group': value = data.user ? undefined : describeGroup(undefined, data.name.replace(/^@/, ''), false); break;
    case 'constant': value = describeConstant(data.name, abis); break;
    case 'errno': value = describeErrno(data.name, abis); break;
    case 'action': value = ACTION_NAMES.includes(data.name as ActionName) ? describeAction(data.name as ActionName) : undefined; break;
  }
  return value ? { ...item, documentation: { kind: MarkupKind.Markdown, value } } : item;
}

// ---- contexts ------------------------------------------------------------------

function completeCondition(
  ctx: FeatureContext, cond: readonly Token[], syscalls: readonly string[], items: CompletionItem[], prefix: string,
  abis: readonly Abi[], list: (incomplete?: boolean) => CompletionList,
): CompletionList {
  const { model } = ctx.analysis;
  const last = cond[cond.length - 1];
  const startsOperand = !last || last.kind === '&&' || last.kind === '||' || last.kind === '!'
    || (last.kind === '(' && !(cond[cond.length - 2]?.text === 'in'));
  if (startsOperand) {
    argumentItems(syscalls, items, abis);
    return list();
  }
  // The argument this comparison is about: the nearest argument name back to `&&`/`||`.
  let depth = 0;
  let subject: string | undefined;
  for (let j = cond.length - 1; j >= 0; j--) {
    const t = cond[j]!;
    if (t.kind === ')') depth++;
    else if (t.kind === '(') depth = Math.max(0, depth - 1);
    else if ((t.kind === '&&' || t.kind === '||') && depth === 0) break;
    else if (t.kind === 'identifier' && argOf(syscalls, t.text)) {
      subject = t.text;
      break;
    }
  }
  if (last.kind === 'identifier' || last.kind === 'integer' || last.kind === ')') {
    // `ARG not` goes on only with `in`.
    if (last.text === 'not' && subject !== undefined) {
      items.push(keyword('in', '`not in (…)`: none of a set of values.'));
    } else if (last.kind === 'identifier' && subject === last.text) {
      items.push(keyword('in', 'One of a set of values: `request in (TCGETS, TIOCGWINSZ)`.'));
      items.push(keyword('not', '`not in (…)`: none of a set of values.'));
    }
    return list();
  }
  if (!subject) return constantList(ctx, items, prefix, abis, list);
  const seen = new Set<string>();
  const firstAbi = abis[0] ?? model.abis[0]!;
  for (const s of syscalls) {
    const arg = argOf([s], subject);
    if (!arg) continue;
    for (const c of constantsForArg(arg)) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      items.push(constantItem(c, firstAbi, abis));
    }
  }
  for (const d of model.defines.keys()) items.push({ label: d, kind: CompletionItemKind.Constant, detail: 'define', sortText: `0${d}` });
  if (seen.size === 0) return constantList(ctx, items, prefix, abis, list);
  return list();
}

function argumentItems(syscalls: readonly string[], items: CompletionItem[], abis: readonly Abi[]): void {
  const infos = syscalls.map((s) => getSyscall(s)).filter((s) => s !== undefined);
  if (infos.length === 0) {
    for (let n = 0; n < 6; n++) items.push({ label: `arg${n}`, kind: CompletionItemKind.Field, detail: `argument register ${n}` });
    return;
  }
  // Names every syscall of the rule has (possibly at different positions).
  for (const a of infos[0]!.args) {
    if (!infos.every((s) => findArg(s, a.name))) continue;
    items.push({
      label: a.name, kind: CompletionItemKind.Field,
      detail: `${a.type} (${[...new Set(abis.map((x) => a.width[x]))].join('/')} bits)`,
      documentation: a.constants.length ? `Constants: ${a.constants.join(', ')}` : undefined,
    });
  }
  for (let n = 0; n < Math.max(...infos.map((s) => s.args.length)); n++) {
    items.push({ label: `arg${n}`, kind: CompletionItemKind.Field, detail: `argument ${n}`, sortText: `~arg${n}` });
  }
}

function syscallsAndGroups(model: PolicyModel, items: CompletionItem[], abis: readonly Abi[]): void {
  for (const s of allSyscalls()) {
    const present = abis.filter((a) => s.numbers[a] !== undefined);
    if (present.length === 0) continue;
    const missing = abis.filter((a) => s.numbers[a] === undefined);
    items.push({
      label: s.name,
      kind: CompletionItemKind.Function,
      detail: s.summary + (missing.length ? ` (not on ${missing.join(', ')})` : ''),
      ...(s.obsolete ? { tags: [CompletionItemTag.Deprecated] } : {}),
      sortText: `${s.obsolete || missing.length ? '1' : '0'}${s.name}`,
      data: { k: 'syscall', name: s.name, abis } satisfies ItemData,
    });
  }
  for (const [name] of model.groups) {
    const n = model.groupMembers?.get(name)?.length ?? 0;
    items.push({ label: `@${name}`, kind: CompletionItemKind.Module, detail: `group of this policy (${n} syscalls)`, sortText: `0@${name}` });
  }
  for (const g of allGroups()) {
    if (model.groups.has(g.name.slice(1))) continue;
    items.push({
      label: g.name, kind: CompletionItemKind.Module, detail: `${g.description} (${expandGroup(g.name).length} syscalls)`,
      sortText: `2${g.name}`, data: { k: 'group', name: g.name, abis } satisfies ItemData,
    });
  }
}

function errnoList(items: CompletionItem[], abis: readonly Abi[], list: () => CompletionList): CompletionList {
  const firstAbi = abis[0] ?? 'x86_64';
  for (const c of constantsByFamily(ERRNO_FAMILY)) {
    const v = c.values[firstAbi];
    items.push({
      label: c.name, kind: CompletionItemKind.Constant,
      detail: `${c.message ?? ''}${v !== undefined ? ` (${v})` : ''}`,
      // The usual answers first.
      sortText: `${c.name === 'EPERM' || c.name === 'ENOSYS' || c.name === 'EACCES' ? '0' : '1'}${c.name}`,
      data: { k: 'errno', name: c.name, abis } satisfies ItemData,
    });
  }
  return list();
}

/** Defines, then built-in constants matching the typed prefix (all 2,000+ would be noise). */
function constantList(
  ctx: FeatureContext, items: CompletionItem[], prefix: string, abis: readonly Abi[], list: (incomplete?: boolean) => CompletionList,
): CompletionList {
  for (const d of ctx.analysis.model.defines.keys()) items.push({ label: d, kind: CompletionItemKind.Constant, detail: 'define', sortText: `0${d}` });
  if (prefix.length === 0) return list(true);
  const p = prefix.toUpperCase();
  let n = 0;
  for (const c of allConstants()) {
    if (!c.name.startsWith(p)) continue;
    if (++n > MAX_GENERIC_CONSTANTS) break;
    items.push(constantItem(c, abis[0] ?? 'x86_64', abis));
  }
  return list(true);
}

function completePaths(ctx: FeatureContext, typed: string, offset: number, file: SourceFile): CompletionList {
  const list = ctx.host.listDirectory;
  if (!list) return EMPTY;
  const slash = typed.lastIndexOf('/');
  const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const base = resolvePath(dirname(ctx.doc.path), dirPart || '.');
  // Only places the policy may include from (its folder's tree, the workspace, the allowed folders), and the folders above them.
  const confinement = new IncludeConfinement(ctx.host, ctx.doc.path);
  if (!confinement.leadsToAllowed(base)) return EMPTY;
  const entries = list.call(ctx.host, base);
  if (!entries) return EMPTY;
  const range: Range = { start: file.lines.positionAt(offset - (typed.length - dirPart.length)), end: file.lines.positionAt(offset) };
  const self = ctx.doc.path;
  const items: CompletionItem[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory) {
      if (!confinement.leadsToAllowed(resolvePath(base, e.name))) continue;
      items.push({
        label: `${e.name}/`, kind: CompletionItemKind.Folder, textEdit: { range, newText: `${e.name}/` }, sortText: `1${e.name}`,
        command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
      });
    } else if (e.name.endsWith('.seccomp') && resolvePath(base, e.name) !== self && confinement.allows(resolvePath(base, e.name))) {
      items.push({ label: e.name, kind: CompletionItemKind.File, textEdit: { range, newText: e.name }, sortText: `0${e.name}` });
    }
  }
  return { isIncomplete: false, items };
}

// ---- items ------------------------------------------------------------------------

function keyword(k: string, doc?: string): CompletionItem {
  return { label: k, kind: CompletionItemKind.Keyword, ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}) };
}

function action(a: ActionName, abis: readonly Abi[]): CompletionItem {
  const withOperand = a === 'errno' || a === 'trace';
  return {
    label: a,
    kind: CompletionItemKind.Keyword,
    detail: ACTION_DOCS[a].summary,
    ...(withOperand ? { insertText: `${a}($1)`, insertTextFormat: InsertTextFormat.Snippet } : {}),
    data: { k: 'action', name: a, abis } satisfies ItemData,
  };
}

function constantItem(c: ConstantInfo, firstAbi: Abi, abis: readonly Abi[]): CompletionItem {
  const v = c.values[firstAbi];
  return {
    label: c.name, kind: CompletionItemKind.Constant,
    detail: v !== undefined ? hexDec(v) : `not defined on ${firstAbi}`,
    sortText: `1${c.name}`,
    data: { k: 'constant', name: c.name, abis } satisfies ItemData,
  };
}

// ---- reading the text -----------------------------------------------------------

function inComment(file: SourceFile, offset: number): boolean {
  for (const c of file.ast.comments) {
    if (c.start > offset) break;
    if (c.start < offset && offset <= c.end) return true;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Start of the name being typed; a group's `@` and dashes belong to it. */
function startOfWord(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && isWordChar(text.charCodeAt(i - 1))) i--;
  let j = i;
  while (j > 0 && (isWordChar(text.charCodeAt(j - 1)) || text.charCodeAt(j - 1) === 45)) j--;
  if (j > 0 && text.charCodeAt(j - 1) === 64 /* @ */) return j - 1;
  return i;
}

/**
 * The items that fit the word typed so far, best first, at most
 * `MAX_COMPLETION_ITEMS`. An item fits when the word's letters appear in
 * its label in order, the first one starting the label (as editors filter:
 * `opat` finds `openat`); case and a group's `@` are ignored, but a word
 * that starts with `@` fits groups only.
 */
function fitting(items: readonly CompletionItem[], typed: string): readonly CompletionItem[] {
  const word = typed.replace(/^@/, '').toLowerCase();
  // After `@` only a group can follow: a syscall there would be replaced into `@b` and leave a name that is no group.
  const candidates = typed.startsWith('@') ? items.filter((i) => i.label.startsWith('@')) : items;
  const fit = word === '' ? candidates : candidates.filter((i) => isSubsequence(word, i.label.replace(/^@/, '').toLowerCase()));
  if (fit.length <= MAX_COMPLETION_ITEMS) return fit;
  const key = (i: CompletionItem) => i.sortText ?? i.label;
  return [...fit].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).slice(0, MAX_COMPLETION_ITEMS);
}

function isSubsequence(word: string, label: string): boolean {
  if (label.charCodeAt(0) !== word.charCodeAt(0)) return false;
  let j = 1;
  for (let i = 1; i < label.length && j < word.length; i++) if (label.charCodeAt(i) === word.charCodeAt(j)) j++;
  return j === word.length;
}

function prefixOf(text: string, wordStart: number, offset: number): string {
  return text.slice(wordStart, offset);
}

/** Where the statement around `offset` starts: back over continuation lines, or the parsed statement's start. */
function statementStart(file: SourceFile, offset: number): number {
  const { lines, text } = file;
  let line = lines.lineAt(offset);
  while (line > 0) {
    const prev = stripComment(lines.lineText(line - 1));
    if (!CONTINUES.test(prev) || prev.trim() === '') break;
    line--;
  }
  let start = lines.lineStart(line);
  const parsed = statementAt(file, Math.max(0, offset - 1));
  if (parsed && parsed.start < start && offset <= parsed.end) start = parsed.start;
  // Skip the indentation of the first line.
  while (start < offset && (text[start] === ' ' || text[start] === '\t')) start++;
  return start;
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inString = !inString;
    else if (c === '#' && !inString) return line.slice(0, i);
  }
  return line;
}

function insideParens(tokens: readonly Token[]): boolean {
  return tokens[0]?.kind === '(' && matchingParen(tokens, 0) < 0;
}

function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (tokens[j]!.kind === '(') depth++;
    else if (tokens[j]!.kind === ')' && --depth === 0) return j;
  }
  return -1;
}

/** The rule's syscalls: the model's resolution of the rule starting at `start`, else the names written. */
function ruleSyscalls(model: PolicyModel, file: SourceFile, start: number, listTokens: readonly Token[]): readonly string[] {
  const rule = model.rules.find((r) => r.file === file.path && r.statement.start === start);
  if (rule && (rule.syscalls.length > 0 || rule.rawNumbers.length > 0)) return rule.syscalls;
  const out: string[] = [];
  for (const t of listTokens) {
    if (t.text === 'except') break;
    if (t.kind === 'identifier' && getSyscall(t.text)) out.push(t.text);
    else if (t.kind === 'group') out.push(...(model.groupMembers?.get(t.stringValue ?? '') ?? expandGroup(t.text)));
  }
  return out;
}

function argOf(syscalls: readonly string[], name: string): SyscallArg | undefined {
  for (const s of syscalls) {
    const info = getSyscall(s);
    const found = info && findArg(info, name);
    if (found) return found.arg;
  }
  return undefined;
}
