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
import { expandGroup, getGroup } from '../kernel/groups';
import { findArg, getSyscall } from '../kernel/syscalls';
import type { SyscallArg } from '../kernel/types';
import type { Occurrence, PolicyModel } from '../policy/semantics/model';
import type { ActionName } from '../policy/syntax/ast';
import { actionOf, contains, hexDec, occurrenceAt, offsetOf, statementAt } from './find';
import { rangeOf } from './positions';
import type { FeatureContext, ServiceSettings } from './service';

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
  const action = stmt && actionOf(stmt);
  if (action && contains(action.nameRange, offset)) {
    return { contents: { kind: MarkupKind.Markdown, value: describeAction(action.name) }, range: rangeOf(model, file.path, action.nameRange) };
  }
  return null;
}

function describeOccurrence(model: PolicyModel, occ: Occurrence, abis: readonly Abi[]): string | undefined {
  switch (occ.kind) {
    case 'syscall': return describeSyscall(occ.name, abis);
    case 'argument': return describeArgument(occ.name, occ.syscalls, abis);
    case 'constant': return describeConstant(occ.name, abis);
    case 'errno': return describeErrno(occ.name, abis);
    case 'define': return describeDefine(model, occ.name, abis);
    case 'group': return describeGroup(model, occ.name, occ.definition !== undefined);
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
  if (missing.length) parts.push(`**not on ${missing.join(', ')}**`);
  if (info.note) parts.push(info.note);
  parts.push(`[${name}(2)](${info.manPage})`);
  return parts.join('\n\n');
}

function numberText(n: number): string {
  // x32 numbers carry bit 0x40000000: hex shows it plainly.
  return n >= 0x40000000 ? `0x${n.toString(16)} (${n})` : `${n}`;
}

function describeArgument(name: string, syscalls: readonly string[], abis: readonly Abi[]): string | undefined {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const s of syscalls) {
    const info = getSyscall(s);
    const found = info && findArg(info, name);
    if (!found) continue;
    const key = `${found.arg.type}\0${found.index}\0${widthText(found.arg, abis)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const alias = found.arg.name !== name ? ` (\`${name}\` is an alias)` : '';
    lines.push(`\`${found.arg.type} ${found.arg.name}\`: argument ${found.index} of \`${s}\`${alias}, ${found.arg.kind}; ${widthText(found.arg, abis)}`);
    if (lines.length >= 4) break;
  }
  if (lines.length === 0) return `argument \`${name}\``;
  return lines.join('\n\n');
}

function widthText(arg: SyscallArg, abis: readonly Abi[]): string {
  const by = new Map<number, Abi[]>();
  for (const a of abis) {
    const w = arg.width[a];
    const list = by.get(w) ?? [];
    list.push(a);
    by.set(w, list);
  }
  const parts = [...by].map(([w, list]) => `${w} bits on ${list.join(', ')}`);
  const note = [...by.keys()].includes(32) ? ' (a 32-bit argument is compared on its low 32 bits)' : '';
  return parts.join('; ') + (arg.signed ? ', signed' : ', unsigned') + note;
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
  return [`\`${name}\` ${values.join('  \n')}`, `Built-in constant (family \`${info.family}\`).`].join('\n\n');
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

export function describeGroup(model: PolicyModel | undefined, name: string, user: boolean): string | undefined {
  if (user && model) {
    const members = model.groupMembers?.get(name) ?? [];
    return [`**@${name}** (defined in this policy): ${members.length} syscall${members.length === 1 ? '' : 's'}`, memberList(members)].join('\n\n');
  }
  const g = getGroup(`@${name}`);
  if (!g) return undefined;
  const members = expandGroup(g.name);
  return [`**${g.name}**: ${g.description}`, `${members.length} syscalls: ${memberList(members)}`].join('\n\n');
}

function memberList(members: readonly string[]): string {
  const shown = members.slice(0, 80).map((m) => `\`${m}\``).join(', ');
  return members.length > 80 ? `${shown}, … (${members.length - 80} more)` : shown;
}

export function describeAction(name: ActionName): string {
  const doc = ACTION_DOCS[name];
  return [`**${name}**: ${doc.summary}`, doc.detail].join('\n\n');
}

function describeAbi(name: Abi): string {
  const info = abiInfo(name);
  const aliases = info.aliases.length ? `; also written ${info.aliases.map((a) => `\`${a}\``).join(', ')}` : '';
  return `**${name}**: ${info.registerBits}-bit registers, \`seccomp_data.arch\` = 0x${info.auditArch.toString(16)}${aliases}`
    + (name === 'x32' ? '\n\nx32 shares x86_64\'s audit arch; its syscall numbers carry bit 0x40000000.' : '');
}
