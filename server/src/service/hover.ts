/**
 * Hover: what a name means, from the model's occurrences and the kernel
 * database. Syscalls show their signature, summary, numbers on the shown
 * ABIs, the sandbox note and the man page; arguments their type and width;
 * constants and defines their value per ABI; groups their members; actions
 * what the kernel does; errno names their message.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { abiInfo, type Abi } from '../kernel/abi';
import { getConstant, errnoInfo } from '../kernel/constants';
import { ACTION_DOCS } from '../kernel/docs/actions';
import { CONSTANT_MEANINGS, FAMILY_MEANINGS } from '../kernel/docs/constant-meanings';
import { actionText, retValue } from '../kernel/seccomp';
import { X32_SYSCALL_BIT } from '../kernel/seccomp';
import { expandGroup, getGroup } from '../kernel/groups';
import { manPageOf } from '../kernel/docs/man-pages';
import { argInRegister, argPlace, findArg, getSyscall, isGenericArg } from '../kernel/syscalls';
import type { ArgPlace, SyscallInfo } from '../kernel/types';
import type { Occurrence, PolicyModel } from '../policy/semantics/model';
import type { ActionName } from '../policy/syntax/ast';
import { actionOf, contains, hexDec, occurrenceAt, offsetOf, statementAt } from './find';
import { rangeOf } from './positions';
import { describeLiteralAt } from './literal';
import type { FeatureContext, ServiceSettings } from './context';

/** The ABIs hovers describe: the setting, else the policy's `arch`. */
export function shownAbis(model: PolicyModel, settings: ServiceSettings): readonly Abi[] {
  return settings.abis.length > 0 ? settings.abis : model.abis;
}

export function doHover(ctx: FeatureContext, position: Position): Hover | null {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file || ctx.analysis.skipped) return null;
  const offset = offsetOf(file, position);
  const abis = shownAbis(model, ctx.settings);
  const occ = occurrenceAt(model, ctx.doc.path, offset);
  if (occ) {
    const value = describeOccurrence(model, occ, abis);
    if (value) return { contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(model, occ.file, occ.range) };
  }
  // Actions are keywords, not names: find them in the statement's tree.
  const stmt = statementAt(file, offset);
  const literal = stmt && describeLiteralAt(model, file, stmt, offset, abis);
  if (literal) return { contents: { kind: MarkupKind.Markdown, value: literal.value }, range: rangeOf(model, file.path, literal.range) };
  const action = stmt && actionOf(stmt);
  if (action && contains(action.nameRange, offset)) {
    return { contents: { kind: MarkupKind.Markdown, value: describeAction(action.name) }, range: rangeOf(model, file.path, action.nameRange) };
  }
  return null;
}

function describeOccurrence(model: PolicyModel, occ: Occurrence, abis: readonly Abi[]): string | undefined {
  switch (occ.kind) {
    case 'syscall': {
      const doc = describeSyscall(occ.name, abis);
      const decided = doc && policyText(model, occ.name, abis);
      return doc && decided ? `${doc}\n\n${decided}` : doc;
    }
    case 'argument': return describeArgument(occ.name, occ.syscalls, abis);
    case 'constant': return describeConstant(occ.name, abis);
    case 'errno': return describeErrno(occ.name, abis);
    case 'define': return describeDefine(model, occ.name, abis);
    case 'group': return describeGroup(model, occ.name, occ.definition !== undefined, abis);
    case 'abi': return describeAbi(occ.name as Abi);
    case 'include': return `Includes \`${occ.target}\`${model.files.has(occ.target) ? '' : ' (not readable)'}`;
  }
}

/** The markdown for a syscall; also used by completion's documentation. */
export function describeSyscall(name: string, abis: readonly Abi[]): string | undefined {
  const info = getSyscall(name);
  if (!info) return undefined;
  const parts = ['```c\n' + info.signature + '\n```'];
  if (info.summary) parts.push(info.summary + (info.obsolete ? ' *(obsolete)*' : ''));
  const present = abis.filter((a) => info.numbers[a] !== undefined);
  const missing = abis.filter((a) => info.numbers[a] === undefined);
  const numbers = present.map((a) => `${a} ${numberText(info.numbers[a]!)}`);
  if (numbers.length) parts.push(`Number: ${numbers.join(' · ')}`);
  const registers = registersText(info, present);
  if (registers) parts.push(registers);
  if (missing.length) parts.push(`**not on ${missing.join(', ')}**`);
  // The sandbox note explains a multiplexer where there is one; else say what seccomp can check of it.
  if (info.multiplexer && !info.note) parts.push(`\`${name}\` is a multiplexer: ${info.multiplexer}.`);
  if (info.note) parts.push(info.note);
  const page = manPageOf(name);
  if (page) parts.push(`[${page.title}](${page.url})`);
  return parts.join('\n\n');
}

/**
 * What this policy does with the syscall on each ABI: its rules in order
 * (line and text; the first whose condition holds decides), then the
 * default. ABIs with the same answer are grouped.
 */
function policyText(model: PolicyModel, name: string, abis: readonly Abi[]): string | undefined {
  const info = getSyscall(name);
  if (!info) return undefined;
  const by = new Map<string, Abi[]>();
  for (const abi of abis) {
    const table = model.tables.get(abi);
    const nr = info.numbers[abi];
    if (!table || nr === undefined) continue;
    const rules = (table.bySyscall.get(nr) ?? []).filter((r) => r.syscall === name);
    const parts = rules.slice(0, 4).map((r) => {
      const file = model.files.get(r.rule.file);
      const line = file ? file.lines.positionAt(r.rule.statement.start).line + 1 : 0;
      const text = file ? file.text.slice(r.rule.statement.start, r.rule.statement.end).replace(/\s+/g, ' ') : '';
      const always = r.condition.kind === 'true';
      return `line ${line} \`${text.length > 70 ? text.slice(0, 69) + '…' : text}\`${always ? '' : ' when its condition holds'}`;
    });
    if (rules.length > 4) parts.push(`${rules.length - 4} more rules`);
    const decidedAlways = rules.some((r) => r.condition.kind === 'true');
    const fallback = `the default, \`${actionText(retValue(table.defaultAction), abi)}\``;
    const key = decidedAlways ? parts.join('; then ') : parts.length ? `${parts.join('; then ')}; otherwise ${fallback}` : fallback;
    const list = by.get(key) ?? [];
    list.push(abi);
    by.set(key, list);
  }
  if (by.size === 0) return undefined;
  return [...by].map(([text, list]) => `**This policy** on ${list.join(', ')}: ${text}`).join('  \n');
}

/** Where each argument sits, per ABI, grouped where ABIs agree: `fd` args[0], `offset` args[3]+args[4]. */
function registersText(info: SyscallInfo, abis: readonly Abi[]): string | undefined {
  if (info.args.length === 0 || abis.length === 0) return undefined;
  const by = new Map<string, Abi[]>();
  for (const abi of abis) {
    const text = info.args.map((a, i) => `\`${a.name}\` ${placeShort(argPlace(info, i, abi))}`).join(', ');
    const list = by.get(text) ?? [];
    list.push(abi);
    by.set(text, list);
  }
  const lines = [...by].map(([text, list]) => (by.size === 1 ? `Registers: ${text}` : `Registers on ${list.join(', ')}: ${text}`));
  const hidden = abis.flatMap((abi) => info.args.map((_, i) => argPlace(info, i, abi))
    .filter((p): p is ArgPlace & { kind: 'none' } => p.kind === 'none')
    // One sentence for a call whose arguments are all behind a pointer (i386 mmap), not one per argument.
    .map((p) => (info.args.every((_, i) => argPlace(info, i, abi).kind === 'none') ? p.reason.replace(/seccomp cannot see `\w+`/, 'seccomp cannot see any of them') : p.reason)));
  return [...lines, ...[...new Set(hidden)].map((r) => `*${r}.*`)].join('  \n');
}

/** `args[2]`; `args[3]+args[4]` (low word first); `—` where seccomp cannot see it. */
function placeShort(p: ArgPlace): string {
  switch (p.kind) {
    case 'reg': return `args[${p.reg}]`;
    case 'pair': return `args[${p.lo}]+args[${p.hi}]`;
    case 'none': return '—';
  }
}

function numberText(n: number): string {
  // x32 numbers carry bit 0x40000000: hex shows it plainly.
  return n >= X32_SYSCALL_BIT ? `0x${n.toString(16)} (${n})` : `${n}`;
}

function describeArgument(name: string, syscalls: readonly string[], abis: readonly Abi[]): string | undefined {
  const lines: string[] = [];
  const seen = new Set<string>();
  const positional = /^arg[0-5]$/.test(name);
  for (const s of syscalls) {
    const info = getSyscall(s);
    if (!info) continue;
    const present = abis.filter((a) => info.numbers[a] !== undefined);
    const shown = present.length ? present : abis;
    const found = findArg(info, name, shown[0] ?? 'x86_64');
    if (!found) continue;
    const where = placesText(info, name, shown);
    const key = `${found.arg.type}\0${found.index}\0${where}\0${positional}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (positional) {
      lines.push(`\`${name}\`: register ${name.slice(3)} of \`${s}\` on every ABI (\`argN\` is always register N); ${where}` + manPageNameNote(info, name, shown[0] ?? 'x86_64'));
    } else {
      const alias = found.arg.name !== name ? ` (\`${name}\` is an alias)` : '';
      lines.push(`\`${found.arg.type} ${found.arg.name}\`: parameter ${found.index + 1} of \`${s}\`${alias}, ${found.arg.kind}; ${where}; ${found.arg.signed ? 'signed' : 'unsigned'}`);
    }
    if (lines.length >= 4) break;
  }
  if (lines.length === 0) return `argument \`${name}\``;
  return lines.join('\n\n');
}

/** Per ABI, grouped: the registers and the width compared (`args[3]+args[4], 64 bits on i386`). */
function placesText(info: SyscallInfo, name: string, abis: readonly Abi[]): string {
  const by = new Map<string, Abi[]>();
  for (const abi of abis) {
    const f = findArg(info, name, abi);
    if (!f) continue;
    const width = isGenericArg(f.arg) ? abiInfo(abi).registerBits : f.arg.width[abi];
    const text = f.place.kind === 'none' ? 'not visible to seccomp'
      : `${placeShort(f.place)}${f.place.kind === 'pair' ? ' (low word, high word)' : ''}, ${width} bits${width === 32 && abiInfo(abi).registerBits === 64 ? ' (the low half of the register)' : ''}`;
    const list = by.get(text) ?? [];
    list.push(abi);
    by.set(text, list);
  }
  return [...by].map(([text, list]) => `${text} on ${list.join(', ')}`).join('; ');
}

/** For `argN` where the man page names another parameter `argN` (prctl): which is which. */
function manPageNameNote(info: SyscallInfo, name: string, abi: Abi): string {
  const doc = info.args.findIndex((a) => a.name === name || a.aliases.includes(name));
  if (doc < 0) return '';
  const p = argPlace(info, doc, abi);
  const reg = Number(name.slice(3));
  if (p.kind !== 'reg' || p.reg === reg) return '';
  const here = argInRegister(info, reg, abi);
  return `. The man page counts differently: its \`${name}\` is register ${p.reg}, \`arg${p.reg}\` here` +
    (here !== undefined ? `; register ${reg} holds its \`${info.args[here]!.name}\`` : '');
}

/** Values per ABI, grouped when equal: `0x40 (64) on x86_64, aarch64`. */
function valuesText(values: ReadonlyMap<Abi, bigint> | Readonly<Partial<Record<Abi, bigint>>>, abis: readonly Abi[]): string[] {
  const get = (a: Abi) => (values instanceof Map ? values.get(a) : (values as Partial<Record<Abi, bigint>>)[a]);
  const by = new Map<string, Abi[]>();
  const missing: Abi[] = [];
  for (const a of abis) {
    const v = get(a);
    if (v === undefined) {
      missing.push(a);
      continue;
    }
    const k = hexDec(v);
    const list = by.get(k) ?? [];
    list.push(a);
    by.set(k, list);
  }
  const out = [...by].map(([v, list]) => (by.size === 1 && missing.length === 0 ? `= ${v}` : `= ${v} on ${list.join(', ')}`));
  if (missing.length) out.push(`not defined on ${missing.join(', ')}`);
  return out;
}

export function describeConstant(name: string, abis: readonly Abi[]): string | undefined {
  const info = getConstant(name);
  if (!info) return undefined;
  const values = valuesText(info.values, abis);
  // What it means first (kernel/docs/constant-meanings.ts), then what it is.
  const meaning = CONSTANT_MEANINGS[name] ?? info.message;
  const family = FAMILY_MEANINGS[info.family];
  return [`\`${name}\` ${values.join('  \n')}`, ...(meaning ? [`${meaning[0]!.toUpperCase()}${meaning.slice(1)}.`] : []),
    `Built-in constant (family \`${info.family}\`${family ? `: ${family}` : ''}).`].join('\n\n');
}

export function describeErrno(name: string, abis: readonly Abi[]): string | undefined {
  const info = errnoInfo(name);
  if (!info) return undefined;
  return [`\`${name}\`: ${info.message ?? ''}`, values(info.values)].join('\n\n');
  function values(v: Readonly<Partial<Record<Abi, bigint>>>): string {
    return valuesText(v, abis).join('  \n');
  }
}

function describeDefine(model: PolicyModel, name: string, abis: readonly Abi[]): string {
  const sym = model.defines.get(name);
  const text = sym?.value ? model.files.get(sym.file)?.text.slice(sym.value.start, sym.value.end) : undefined;
  const head = '```seccomp\ndefine ' + name + ' = ' + (text ?? '…') + '\n```';
  const values = model.defineValues?.get(name);
  if (!values || values.size === 0) return head;
  return [head, valuesText(values, abis).map((v) => `\`${name}\` ${v}`).join('  \n')].join('\n\n');
}

export function describeGroup(model: PolicyModel | undefined, name: string, user: boolean, abis: readonly Abi[] = model?.abis ?? []): string | undefined {
  if (user && model) {
    const members = model.groupMembers?.get(name) ?? [];
    return [`**@${name}** (defined in this policy): ${members.length} syscall${members.length === 1 ? '' : 's'}${perAbiCounts(members, abis)}`, memberList(members)].join('\n\n');
  }
  const g = getGroup(`@${name}`);
  if (!g) return undefined;
  const members = expandGroup(g.name);
  return [`**${g.name}**: ${g.description}`, `${members.length} syscalls${perAbiCounts(members, abis)}`, memberList(members)].join('\n\n');
}

/** ` (x86_64 90 · aarch64 71)`: how many members each ABI has, where that differs from the total. */
function perAbiCounts(members: readonly string[], abis: readonly Abi[]): string {
  const counts = abis.map((a) => [a, members.filter((m) => getSyscall(m)?.numbers[a] !== undefined).length] as const);
  return counts.some(([, n]) => n !== members.length) ? ` (${counts.map(([a, n]) => `${a} ${n}`).join(' · ')})` : '';
}

/** Every member, compact: the summary line above says how many, so the list is never cut. */
function memberList(members: readonly string[]): string {
  return members.length ? `Members: ${members.map((m) => `\`${m}\``).join(', ')}` : 'No members.';
}

export function describeAction(name: ActionName): string {
  const doc = ACTION_DOCS[name];
  return [`**${name}**: ${doc.summary}`, doc.detail].join('\n\n');
}

function describeAbi(name: Abi): string {
  const info = abiInfo(name);
  const aliases = info.aliases.length ? `; also written ${info.aliases.map((a) => `\`${a}\``).join(', ')}` : '';
  return `**${name}**: ${info.registerBits}-bit registers, \`seccomp_data.arch\` = 0x${info.auditArch.toString(16)}${aliases}`
    + (name === 'x32' ? `\n\nx32 shares x86_64's audit arch; its syscall numbers carry bit 0x${X32_SYSCALL_BIT.toString(16)}.` : '');
}
